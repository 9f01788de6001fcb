/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The VM model: one structure for a guest whatever it was read from (a
 * libvirt domain XML file, libvirt itself, a QEMU command line or a running
 * QEMU process), holding the facts the VM checks look at. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "root.h"

/* libvirt's own encoding of versions: major * 1000000 + minor * 1000 + micro
 * (virGetVersion, virConnectGetVersion). 0: unknown. */
#define VD_VERSION_NUM(a, b, c) ((unsigned long)(a) * 1000000UL + (unsigned long)(b) * 1000UL + (unsigned long)(c))

/* http://libvirt.org/schemas/domain/qemu/1.0: the namespace of <qemu:commandline>. */
#define VD_QEMU_NS "http://libvirt.org/schemas/domain/qemu/1.0"

enum vd_vm_source {
	VD_VM_XML,      /* --xml FILE */
	VD_VM_LIBVIRT,  /* a domain read through the libvirt API */
	VD_VM_QEMU_CMD, /* --qemu-cmdline FILE */
	VD_VM_QEMU_PROC, /* a running QEMU process under the root's /proc */
};

enum vd_vm_firmware { VD_FW_UNKNOWN, VD_FW_BIOS, VD_FW_EFI };

/* Unset attributes stay VD_UNSET so checks can tell "absent" from "off". */
enum { VD_UNSET = -1, VD_OFF = 0, VD_ON = 1 };

enum vd_irqchip { VD_IRQCHIP_DEFAULT, VD_IRQCHIP_ON, VD_IRQCHIP_SPLIT, VD_IRQCHIP_OFF };

struct vd_vm_hostdev {
	unsigned domain, bus, slot, fn; /* host address */
	int managed;                   /* VD_ON/VD_OFF, VD_UNSET: libvirt's default (yes) */
	char *rom_file;
	int rom_bar;                   /* VD_ON/VD_OFF/VD_UNSET */
	bool guest_addr;               /* an explicit guest PCI address */
	unsigned gbus, gslot, gfn;
	int multifunction;
	bool x_vga;
};

struct vd_vm {
	char *name; /* domain name or QEMU -name; "" when none */
	enum vd_vm_source source;
	char *origin; /* the file, the libvirt URI, or /proc/PID/cmdline */
	char *domain_type; /* "kvm", "qemu"; NULL for QEMU command lines */

	char *machine; /* "pc-q35-4.2", "q35", "pc-i440fx-7.2" */
	bool q35;
	unsigned mt_major, mt_minor; /* machine type version; 0.0 unversioned */

	enum vd_vm_firmware firmware;
	char *loader; /* pflash / loader path, or -bios file */

	char *cpu_mode; /* "host-passthrough", "host-model", "custom"; QEMU: "host" maps to host-passthrough */
	char *cpu_model;
	unsigned vcpus;
	bool topology; /* sockets/cores/threads given explicitly */
	unsigned sockets, dies, cores, threads;
	char *maxphys_mode; /* <maxphysaddr mode=...>: "passthrough", "emulate" */
	int maxphys_bits, maxphys_limit; /* -1 when absent */
	/* -cpu properties (QEMU command line, or qemu:commandline) */
	int cpu_phys_bits, cpu_host_phys_bits_limit; /* -1 when absent */
	int cpu_host_phys_bits;                      /* VD_ON/VD_OFF/VD_UNSET */
	int amd_stibp;                               /* VD_OFF when disabled anywhere */

	char *ioapic_driver; /* <ioapic driver=...>: "kvm" or "qemu" */
	enum vd_irqchip irqchip; /* -machine kernel_irqchip */
	int kvm_hidden;          /* <kvm><hidden state>, -cpu kvm=off */
	bool hyperv;             /* any Hyper-V enlightenment */
	int hv_vendor_id;        /* <vendor_id state>, -cpu hv_vendor_id= */
	char *hv_vendor_id_value;
	bool windows; /* libosinfo says Windows, or Hyper-V enlightenments are on */

	char *iommu_model; /* "intel", "amd", "smmuv3", "virtio" */
	int iommu_intremap, iommu_caching_mode, iommu_eim;
	int iommu_aw_bits; /* -1 when absent */

	struct vd_vm_hostdev *hostdev;
	size_t nhostdev, caphostdev;

	bool qemu_commandline;    /* a <qemu:commandline> element */
	bool qemu_ns_ok;          /* declared with the right namespace URI */
	char *qemu_ns_problem;    /* why not: "undeclared prefix", "wrong URI ..." */
	char **qemu_args;         /* its <qemu:arg> values, NULL-terminated */
	char **acpitables;        /* -acpitable arguments, NULL-terminated */

	char *xml; /* the domain XML as read, for fixes */

	unsigned long libvirt_version, qemu_version; /* 0: unknown */
};

/* A list of VMs plus what went wrong while reading them. */
struct vd_vm_error {
	char *origin; /* the file, URI, process */
	char *reason; /* one line */
	bool requested; /* the user named this source (else a default one) */
};

struct vd_vms {
	struct vd_vm *vm;
	size_t n, cap;
	struct vd_vm_error *err;
	size_t nerr, caperr;
	char **notes; /* what was looked at: "libvirt qemu:///system: 3 domains, 1 with PCI hostdevs" */
	bool requested; /* the user asked for VM sources (--xml, --domain, ...) */
	unsigned long libvirt_version, qemu_version; /* of the connection or installed library */
};

void vd_vm_init(struct vd_vm *vm, enum vd_vm_source src, const char *origin);
void vd_vm_done(struct vd_vm *vm);
void vd_vms_done(struct vd_vms *vms);
struct vd_vm *vd_vms_add(struct vd_vms *vms, enum vd_vm_source src, const char *origin);
void vd_vms_error(struct vd_vms *vms, const char *origin, bool requested, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void vd_vms_note(struct vd_vms *vms, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Machine type "pc-q35-4.2" → q35, 4.2; "q35" → q35, 0.0; "pc" → i440fx. */
void vd_vm_set_machine(struct vd_vm *vm, const char *machine);
/* The QEMU version the machine type stands for: its own version when
 * versioned, else the QEMU version when known; false when unknown. */
bool vd_vm_machine_version(const struct vd_vm *vm, unsigned *major, unsigned *minor);
/* "9.0.0"; buf of at least 32 bytes. */
const char *vd_version_str(unsigned long v, char *buf, size_t len);

struct vd_vm_hostdev *vd_vm_add_hostdev(struct vd_vm *vm);
bool vd_vm_passes(const struct vd_vm *vm, unsigned domain, unsigned bus, unsigned slot, unsigned fn);
/* The VM's name for findings: "vm win10". */
char *vd_vm_subject(const struct vd_vm *vm);
const char *vd_vm_source_name(enum vd_vm_source s);
/* Is the fix form a domain XML edit (libvirt sources) rather than QEMU arguments? */
bool vd_vm_is_libvirt(const struct vd_vm *vm);

/* Parsers (vm-xml.c, vm-qemu.c). Return 0 or -EBADMSG with *why set to a
 * one-line reason; the VM holds what could be read either way. */
int vd_vm_parse_xml(const char *data, size_t len, struct vd_vm *vm, char **why);
/* Keep libxml2 from printing errors it reports outside a parser context. */
void vd_xml_quiet(void);
/* Apply QEMU arguments to the model (a command line, or the arguments of a
 * <qemu:commandline>, which QEMU reads after libvirt's own). */
void vd_vm_apply_qemu_args(struct vd_vm *vm, char *const *argv, size_t argc);
/* A QEMU command line: a shell script or a line as `ps` prints it (quotes,
 * backslash-newline continuations, comments, variable assignments before
 * the binary), or /proc/PID/cmdline (NUL-separated, nul_separated=true). */
int vd_vm_parse_qemu(const char *data, size_t len, bool nul_separated, struct vd_vm *vm, char **why);
/* The words of the first QEMU invocation in a script, NULL-terminated;
 * -ENOENT when there is none. */
int vd_qemu_split(const char *data, size_t len, bool nul_separated, char ***argv);

/* Where to read VMs from (vm-gather.c). Lists are arrays of n strings. */
struct vd_vm_opts {
	const char *const *xml_files; /* --xml */
	size_t nxml;
	const char *const *qemu_files; /* --qemu-cmdline */
	size_t nqemu;
	const char *uri;               /* -c URI; NULL: qemu:///system on a live root */
	const char *const *domains;    /* --domain NAME; none: every domain with PCI hostdevs */
	size_t ndomains;
	bool no_libvirt;               /* never connect (tests, --root snapshots) */
	bool no_proc;                  /* do not look for running QEMU processes */
};

/* Read every source the options name, plus the defaults: libvirt at
 * qemu:///system when the root is the live host, running QEMU processes
 * under the root's /proc. Failures land in vms->err. */
void vd_vms_gather(const struct vd_root *root, const struct vd_vm_opts *o, struct vd_vms *vms);

/* libvirt client (vm-libvirt.c; -ENOTSUP when built without libvirt). */
int vd_libvirt_gather(const char *uri, const char *const *names, size_t nnames, bool requested, struct vd_vms *vms);
/* Version of the libvirt library this binary runs with (major * 1000000 +
 * minor * 1000 + micro); 0 when libvirt is absent or cannot be loaded. */
unsigned long vd_libvirt_lib_version(void);
