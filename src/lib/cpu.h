/* SPDX-License-Identifier: GPL-2.0-or-later */
/* CPU facts: /proc/cpuinfo, topology and hybrid (P-core/E-core) layout. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "root.h"

enum vd_cpu_vendor { VD_CPU_OTHER, VD_CPU_INTEL, VD_CPU_AMD };

struct vd_cpu {
	int err; /* /proc/cpuinfo unreadable or without a processor block */
	char *vendor_id; /* "GenuineIntel", "AuthenticAMD" */
	enum vd_cpu_vendor vendor;
	int family, model, stepping; /* -1 when absent */
	char *model_name;
	char **flags; /* sorted */
	unsigned phys_bits, virt_bits; /* 0 when cpuinfo lacks "address sizes" */
	unsigned nlogical;
	unsigned threads_per_core; /* 0 when unknown */
	/* Intel hybrid: the kernel registers cpu_core and cpu_atom PMUs
	 * (Linux Documentation/admin-guide/perf/... hybrid) */
	bool hybrid;
	char *pcore_cpus, *ecore_cpus;
};

/* Parse the text of /proc/cpuinfo (x86 layout: "key\t: value" lines, blank
 * line between processors). The first processor block gives identity and
 * flags. Returns -EBADMSG when no processor block is found. */
int vd_cpuinfo_parse(const char *text, size_t len, struct vd_cpu *out);
int vd_cpu_gather(const struct vd_root *root, struct vd_cpu *out);
void vd_cpu_done(struct vd_cpu *cpu);
bool vd_cpu_has_flag(const struct vd_cpu *cpu, const char *flag);
/* AMD Zen generation by family/model (Linux arch/x86/kernel/cpu/amd.c):
 * 1 or 2 (Zen 2), 0 when not Zen 1/2 or unknown. */
int vd_cpu_amd_zen(const struct vd_cpu *cpu);
