// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: the PCI expansion ROM parser, its verdict, device
 * matching and both renderers, with the parser's promises checked: every
 * image lies in the buffer, the chain is bounded, a prefix re-parses from 0.
 *
 * Seeds (fuzz/corpus/rom) are Debian 12 files: efi-vmxnet3.rom (ipxe-qemu
 * 1.0.0+git-20190125.36a4c85-5.1, EFI + legacy), vgabios-bochs-display.bin
 * (seabios 1.16.2-1), linuxboot.bin (qemu-system-data 7.2, ISA-style), and
 * vgabios-bochs-display.bin behind a 1536-byte 0xff header (a prefixed dump). */
#include <json-c/json.h>
#include <stdint.h>
#include <stdlib.h>

#include "rom-render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vd_rom r;
	struct vd_str s = {0};
	struct vd_rom_target t = {"0000:01:00.0", 0x10de, 0x1184, NULL};

	vd_rom_parse(data, size, &r);
	if (r.nimg > VD_ROM_MAX_IMAGES || r.start > size || r.end > size)
		abort();
	for (size_t i = 0; i < r.nimg; i++) {
		const struct vd_rom_image *im = &r.img[i];
		if (im->offset >= size || im->avail > size - im->offset || (i && im->offset <= r.img[i - 1].offset))
			abort();
	}
	if ((r.error == VD_ROM_OK) != (r.error_text == NULL))
		abort();
	free(vd_rom_verdict(&r));
	vd_rom_text(&s, "fuzz", &r, &t, 80);
	json_object_put(vd_rom_json("fuzz", &r, &t));
	if (r.start) {
		struct vd_rom again;
		vd_rom_parse(data + r.start, size - r.start, &again);
		if (again.start != 0 || again.nimg == 0)
			abort();
		vd_rom_done(&again);
	}
	vd_str_done(&s);
	vd_rom_done(&r);
	return 0;
}
