/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A parsed PCI expansion ROM as text (rom-parser's facts and more) or as
 * JSON (docs/json-schema.md, "vfio-doctor/rom/1"); the CLI prints them. */
#pragma once

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>

#include "rom.h"
#include "util.h"

/* The host device a ROM is compared with (rom FILE --for BDF). */
struct vd_rom_target {
	const char *address; /* "0000:01:00.0" */
	uint16_t vendor, device;
	const char *label; /* "NVIDIA Corporation GK104 [GeForce GTX 770]" or NULL */
};

/* Does every image that carries a PCIR match the target? (No image with a
 * PCIR: false.) */
bool vd_rom_target_matches(const struct vd_rom *r, const struct vd_rom_target *t);

/* name: how to call the ROM (the file name); target may be NULL. */
void vd_rom_text(struct vd_str *out, const char *name, const struct vd_rom *r, const struct vd_rom_target *t,
		 unsigned width);
json_object *vd_rom_json(const char *name, const struct vd_rom *r, const struct vd_rom_target *t);
