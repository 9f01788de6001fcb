/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ROMs on the host, read through the root layer: a device's sysfs `rom`
 * attribute (dumped on request, `rom --device`), and what the ROM checks look
 * at (ROM files VMs hand to devices, passthrough GPUs' own ROMs). */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#include "rom.h"
#include "root.h"

struct vd_host;

/* A ROM file as the checks see it. */
struct vd_rom_evidence {
	char *path;	/* root-relative path that was read */
	int err;	/* 0: read (and parsed into rom); else -errno */
	struct stat st; /* when err is 0 */
	/* Other users (QEMU runs as one under libvirt) can read the file and
	 * search every directory above it; blocked_at names the first path
	 * component that stops them (NULL when none does). */
	bool others_can_read;
	char *blocked_at;
	struct vd_rom rom; /* when err is 0 */
};

/* A ROM file a VM hands to a passed-through device: libvirt's
 * <hostdev><rom file='PATH'/></hostdev>, QEMU's -device vfio-pci,romfile=PATH.
 *
 * vd_host_gather() adds one per host device with a ROM file of every VM it
 * read (vd_host_add_romfile()), before vd_rom_gather() runs at its end; with
 * no such VM the list is empty and the romfile check has nothing to check. */
struct vd_romfile_ref {
	char *path;		   /* as the VM configuration names it: a host path */
	char *for_bdf;		   /* the host device it is attached to ("0000:01:00.0"); NULL if unknown */
	bool ovmf;		   /* the VM boots UEFI firmware (OVMF), so the ROM needs an EFI image */
	char *source;		   /* root-relative file the reference was found in (evidence); NULL if none */
	char *vm;		   /* the VM's name, for messages; NULL if unknown */
	struct vd_rom_evidence ev; /* filled by vd_rom_gather() */
};

/* The ROM of a GPU bound to vfio-pci, read from sysfs without enabling it
 * (check changes nothing): only a root whose `rom` is readable as it is (a
 * snapshot, or a live host where someone enabled it) gives bytes. */
struct vd_gpu_rom {
	size_t dev; /* index into h->pci.dev */
	struct vd_rom_evidence ev;
};

/* Append a ROM file reference (strings are copied; NULLs allowed but path). */
struct vd_romfile_ref *vd_host_add_romfile(struct vd_host *h, const char *path, const char *for_bdf, bool ovmf,
					   const char *source, const char *vm);
/* Read every ROM the checks look at. Called by vd_host_gather() last. */
void vd_rom_gather(const struct vd_root *root, struct vd_host *h);
void vd_rom_host_done(struct vd_host *h);

/* How the `rom` attribute is read and written: the root layer by default,
 * a fake with the kernel's semantics in unit tests. */
struct vd_rom_attr_io {
	int (*read)(void *ctx, const char *path, char **data, size_t *len);
	int (*write)(void *ctx, const char *path, const char *data, size_t len);
	void *ctx;
};

enum vd_rom_dump_stage {
	VD_DUMP_OK,
	VD_DUMP_NO_DEVICE, /* no such PCI device */
	VD_DUMP_NO_ROM,	   /* the device has no `rom` attribute: no expansion ROM BAR */
	VD_DUMP_READ,	   /* reading failed (err), or gave 0 bytes (-ENODATA) */
	VD_DUMP_ENABLE,	   /* writing "1" failed (err) */
};

struct vd_rom_dump {
	char *path; /* root-relative path of the `rom` attribute */
	char *data; /* what the kernel returned; NULL on failure */
	size_t len;
	bool was_enabled;  /* readable before: left enabled as found */
	bool enabled_here; /* we wrote "1", read, and wrote "0" back */
	int restore_err;   /* writing "0" back failed: -errno, else 0 */
	enum vd_rom_dump_stage stage;
	int err;       /* -errno of the failing step */
	bool shadowed; /* the resource flags say the kernel reads the BIOS's shadow copy */
};

/* The sysfs sequence the troubleshooting page gives (echo 1 > rom; cat rom;
 * echo 0 > rom), restoring the enable state as it was found on every path.
 * Writes nothing to the device itself. Returns 0 with data, or -errno with
 * out->stage and out->err saying what failed. */
int vd_rom_dump_device(const struct vd_root *r, const char *bdf, const struct vd_rom_attr_io *io,
		       struct vd_rom_dump *out);
void vd_rom_dump_done(struct vd_rom_dump *d);
