/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A small ACPI Machine Language encoder (ACPI 6.4, chapter 20 "ACPI Machine
 * Language Specification"): names, integers, strings, packages, devices,
 * methods, scopes, externals and the table header with its checksum; enough
 * for the SSDTs passthrough needs, encoded the way iasl encodes them. */
#pragma once

#include <stdint.h>

#include "util.h"

/* Each function appends one term's bytes to out. Bodies are built first in
 * their own vd_str and passed in, so package lengths are known. */
void vd_aml_int(struct vd_str *out, uint64_t v); /* Zero, One, Ones, Byte/Word/DWord/QWordConst */
void vd_aml_string(struct vd_str *out, const char *s);
/* "\\_SB.PCI0", "_SB.PCI0", "BAT0": root and dual/multi name prefixes, segments padded with '_'. */
void vd_aml_namestring(struct vd_str *out, const char *path);
void vd_aml_name(struct vd_str *out, const char *name, const struct vd_str *value);
void vd_aml_package(struct vd_str *out, unsigned nelems, const struct vd_str *elems);
void vd_aml_return(struct vd_str *out, const struct vd_str *value);
void vd_aml_method(struct vd_str *out, const char *name, unsigned nargs, int serialized, const struct vd_str *body);
void vd_aml_device(struct vd_str *out, const char *name, const struct vd_str *body);
void vd_aml_scope(struct vd_str *out, const char *path, const struct vd_str *body);
void vd_aml_if(struct vd_str *out, const struct vd_str *predicate, const struct vd_str *body);
/* External (path, type, nargs): iasl emits it inside If (Zero) so that
 * interpreters which do not know ExternalOp skip it. Type 6 = device. */
void vd_aml_external(struct vd_str *out, const char *path, unsigned type, unsigned nargs);
/* "PNP0C0A" → the compressed EISA ID iasl's EisaId() produces. */
uint32_t vd_aml_eisaid(const char *id);
/* A whole definition block: 36-byte header (signature, length, revision,
 * checksum, OEM ID, OEM table ID, OEM revision, creator ID and revision),
 * then body; the checksum makes all bytes sum to 0. */
void vd_aml_table(struct vd_str *out, const char *sig, uint8_t rev, const char *oem, const char *oem_table,
		  uint32_t oem_rev, const char *creator, uint32_t creator_rev, const struct vd_str *body);

/* The battery SSDT of §"Error 43" with mobile NVIDIA GPUs: a control method
 * battery BAT0 under \_SB.PCI0 with _STA, _BIF and _BST, byte for byte the
 * table the page ships as base64. */
void vd_ssdt_battery(struct vd_str *out);
