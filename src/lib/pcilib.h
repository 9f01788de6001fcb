/* SPDX-License-Identifier: GPL-2.0-or-later */
/* libpci (pciutils) behind a small interface: pci.ids names and the
 * capability walk over config-space bytes the root layer has read. */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "root.h"

struct vd_pcilib;

/* Names come from the root's pci.ids when it has one (a fixture or snapshot
 * can carry its own), else from the pci.ids of the machine running the tool.
 * *ids_path says which file was used (NULL when none could be loaded). */
int vd_pcilib_new(const struct vd_root *root, struct vd_pcilib **out);
void vd_pcilib_free(struct vd_pcilib *pl);
const char *vd_pcilib_ids_path(const struct vd_pcilib *pl);

struct vd_pci_names {
	char *vendor, *device, *class_name;
};
/* The names the reports show. Unknown IDs give NULL fields, never an error. */
void vd_pcilib_names(struct vd_pcilib *pl, uint16_t vendor, uint16_t device, uint32_t class24,
		     struct vd_pci_names *out);
void vd_pci_names_done(struct vd_pci_names *n);

enum vd_cap_type { VD_CAP_STD, VD_CAP_EXT };
typedef void (*vd_cap_visitor)(void *ctx, enum vd_cap_type type, unsigned id, unsigned offset);
/* Walk the capability lists of a config space image. Bytes past len read as
 * 0xff, exactly as libpci treats a failed read, so a 64-byte (unprivileged)
 * image yields no capabilities rather than garbage. */
int vd_pcilib_caps(struct vd_pcilib *pl, const uint8_t *config, size_t len, vd_cap_visitor visit, void *ctx);
