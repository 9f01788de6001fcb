// SPDX-License-Identifier: GPL-2.0-or-later
/* CPU facts (see cpu.h). */
#include "cpu.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char **split_flags(const char *s)
{
	char **v = NULL;
	size_t n = 0, cap = 0;

	while (*s) {
		size_t sp = strspn(s, " \t");
		s += sp;
		size_t w = strcspn(s, " \t");
		if (!w)
			break;
		*VD_PUSH(v, n, cap) = vd_xstrndup(s, w);
		s += w;
	}
	(void)VD_PUSH(v, n, cap);
	n--;
	qsort(v, n, sizeof(*v), cmp_strp);
	return v;
}

static int parse_num(const char *v)
{
	int x;
	return vd_parse_int(v, &x) == 0 ? x : -1;
}

int vd_cpuinfo_parse(const char *text, size_t len, struct vd_cpu *out)
{
	_cleanup_free_ char *copy = vd_xstrndup(text, len);
	unsigned processors = 0, siblings = 0, cores = 0;
	bool first_done = false;

	memset(out, 0, sizeof(*out));
	out->family = out->model = out->stepping = -1;
	for (char *line = copy, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!*vd_strstrip(line)) {
			if (processors)
				first_done = true;
			continue;
		}
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		char *key = vd_strstrip(line), *val = vd_strstrip(colon + 1);
		if (strcmp(key, "processor") == 0) {
			processors++;
			if (processors > 1)
				first_done = true;
			continue;
		}
		if (first_done || !processors)
			continue;
		if (strcmp(key, "vendor_id") == 0 && !out->vendor_id) {
			out->vendor_id = vd_xstrdup(val);
		} else if (strcmp(key, "cpu family") == 0) {
			out->family = parse_num(val);
		} else if (strcmp(key, "model") == 0) {
			out->model = parse_num(val);
		} else if (strcmp(key, "stepping") == 0) {
			out->stepping = parse_num(val);
		} else if (strcmp(key, "model name") == 0 && !out->model_name) {
			out->model_name = vd_xstrdup(val);
		} else if (strcmp(key, "flags") == 0 && !out->flags) {
			out->flags = split_flags(val);
		} else if (strcmp(key, "siblings") == 0) {
			siblings = (unsigned)(parse_num(val) > 0 ? parse_num(val) : 0);
		} else if (strcmp(key, "cpu cores") == 0) {
			cores = (unsigned)(parse_num(val) > 0 ? parse_num(val) : 0);
		} else if (strcmp(key, "address sizes") == 0) {
			unsigned p, v;
			if (sscanf(val, "%u bits physical, %u bits virtual", &p, &v) == 2 && p <= 64 && v <= 64) {
				out->phys_bits = p;
				out->virt_bits = v;
			}
		}
	}
	if (!processors) {
		vd_cpu_done(out);
		out->family = out->model = out->stepping = -1;
		out->err = -EBADMSG;
		return -EBADMSG;
	}
	out->nlogical = processors;
	if (siblings && cores && siblings % cores == 0)
		out->threads_per_core = siblings / cores;
	if (out->vendor_id && strcmp(out->vendor_id, "GenuineIntel") == 0)
		out->vendor = VD_CPU_INTEL;
	else if (out->vendor_id && (strcmp(out->vendor_id, "AuthenticAMD") == 0 ||
				    strcmp(out->vendor_id, "HygonGenuine") == 0))
		out->vendor = VD_CPU_AMD;
	if (!out->flags)
		out->flags = vd_xcalloc(1, sizeof(char *));
	return 0;
}

int vd_cpu_gather(const struct vd_root *root, struct vd_cpu *out)
{
	_cleanup_free_ char *text = NULL;
	size_t len;
	int ret = vd_root_read(root, "/proc/cpuinfo", 0, &text, &len);

	if (ret < 0) {
		memset(out, 0, sizeof(*out));
		out->family = out->model = out->stepping = -1;
		out->err = ret;
		return ret;
	}
	ret = vd_cpuinfo_parse(text, len, out);
	if (ret < 0)
		return ret;

	/* Hybrid parts register two core PMUs instead of /sys/devices/cpu. */
	if (vd_root_read_line(root, "/sys/devices/cpu_core/cpus", &out->pcore_cpus) == 0 &&
	    vd_root_read_line(root, "/sys/devices/cpu_atom/cpus", &out->ecore_cpus) == 0)
		out->hybrid = true;

	/* Threads per core from the topology when cpuinfo lacks siblings. */
	if (!out->threads_per_core) {
		_cleanup_free_ char *list = NULL;
		if (vd_root_read_line(root, "/sys/devices/system/cpu/cpu0/topology/thread_siblings_list", &list) == 0) {
			unsigned a, b;
			if (sscanf(list, "%u-%u", &a, &b) == 2 && b >= a)
				out->threads_per_core = b - a + 1;
			else
				out->threads_per_core = 1 + (unsigned)(strchr(list, ',') != NULL);
		}
	}
	return 0;
}

void vd_cpu_done(struct vd_cpu *cpu)
{
	free(cpu->vendor_id);
	free(cpu->model_name);
	vd_strv_free(cpu->flags);
	free(cpu->pcore_cpus);
	free(cpu->ecore_cpus);
	memset(cpu, 0, sizeof(*cpu));
}

bool vd_cpu_has_flag(const struct vd_cpu *cpu, const char *flag)
{
	size_t n = vd_strv_len(cpu->flags);
	return n && bsearch(&flag, cpu->flags, n, sizeof(char *), cmp_strp) != NULL;
}

int vd_cpu_amd_zen(const struct vd_cpu *cpu)
{
	static const struct {
		int gen, lo, hi;
	} fam17[] = {
		/* Linux arch/x86/kernel/cpu/amd.c bsp_determine_snp/init_amd_zen*:
		 * family 0x17 model ranges. */
		{1, 0x00, 0x2f}, {1, 0x50, 0x5f}, {2, 0x30, 0x4f}, {2, 0x60, 0x7f},
		{2, 0x90, 0x91}, {2, 0xa0, 0xaf},
	};
	if (cpu->vendor != VD_CPU_AMD || cpu->family != 0x17)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(fam17); i++)
		if (cpu->model >= fam17[i].lo && cpu->model <= fam17[i].hi)
			return fam17[i].gen;
	return 0;
}
