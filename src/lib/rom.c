// SPDX-License-Identifier: GPL-2.0-or-later
/* PCI expansion ROMs: the walk through the image chain (see rom.h). */
#include "rom.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#include "util.h"

/* ROM header (PCI Firmware 3.0, 5.1.1): 55 AA, two bytes whose meaning
 * depends on the code type, and at 0x18 the offset of the PCI Data
 * Structure, common to every code type. */
#define HDR_INIT_SIZE 0x02
#define HDR_PCIR_PTR  0x18
#define HDR_LEN	      0x1a

/* PCI Data Structure (PCI Firmware 3.0, 5.1.2). */
#define PCIR_VENDOR	  0x04
#define PCIR_DEVICE	  0x06
#define PCIR_DEVLIST	  0x08 /* PCI 3.0; "VPD pointer"/reserved before */
#define PCIR_LENGTH	  0x0a
#define PCIR_REVISION	  0x0c
#define PCIR_CLASS	  0x0d
#define PCIR_IMAGE_LENGTH 0x10
#define PCIR_CODE_REV	  0x12
#define PCIR_CODE_TYPE	  0x14
#define PCIR_INDICATOR	  0x15
#define PCIR_MAX_RUNTIME  0x16 /* PCI 3.0: the three words from here */
#define PCIR_CONFIG_PTR	  0x18
#define PCIR_CLP_PTR	  0x1a
#define PCIR_SIZE_2X	  0x18
#define PCIR_SIZE_3	  0x1c
#define INDICATOR_LAST	  0x80

/* Device IDs kept from a PCI 3.0 device list; real lists hold a few. */
#define DEVLIST_MAX 256

/* NVIDIA PCI Data Extension: "NPDE" at the 16-byte boundary after the
 * PCIR, image size in blocks at +8, last-image flag in bit 7 of +10
 * (Linux drivers/gpu/drm/nouveau/nvkm/subdev/bios/npde.c). */
#define NPDE_SIZE     0x0b
#define VENDOR_NVIDIA 0x10de

#define IMAGE_NOTE(im, code, ...) vd_rom_note_add(&(im)->notes, &(im)->nnotes, &(im)->capnotes, code, __VA_ARGS__)
#define ROM_NOTE(r, code, ...)	  vd_rom_note_add(&(r)->notes, &(r)->nnotes, &(r)->capnotes, code, __VA_ARGS__)

void vd_rom_note_add(struct vd_rom_note **notes, size_t *n, size_t *cap, const char *code, const char *fmt, ...)
{
	struct vd_str s = {0};
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&s, fmt, ap);
	va_end(ap);
	struct vd_rom_note *note = VD_PUSH(*notes, *n, *cap);
	note->code = code;
	note->text = vd_str_steal(&s);
}

_printf_(4, 5) static void fail(struct vd_rom *r, enum vd_rom_error e, size_t at, const char *fmt, ...)
{
	struct vd_str s = {0};
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&s, fmt, ap);
	va_end(ap);
	r->error = e;
	r->error_at = at;
	free(r->error_text);
	r->error_text = vd_str_steal(&s);
}

static bool signature_at(const uint8_t *b, size_t len, size_t o)
{
	return vd_rom_fits(len, o, 2) && b[o] == 0x55 && b[o + 1] == 0xaa;
}

/* A ROM signature whose header points at a "PCIR" signature. */
static bool pcir_at(const uint8_t *b, size_t len, size_t o)
{
	if (!signature_at(b, len, o) || !vd_rom_fits(len, o, HDR_LEN))
		return false;
	size_t p = vd_rd16(b, o + HDR_PCIR_PTR);
	return p >= HDR_LEN && vd_rom_fits(len, o + p, 4) && memcmp(b + o + p, "PCIR", 4) == 0;
}

/* Where a ROM starts in a file that does not start with one: a whole PCI
 * Data Structure with a non-zero image length, so that a stray 55 AA in a
 * dump tool's header is not taken for a ROM. */
static bool plausible_start(const uint8_t *b, size_t len, size_t o)
{
	if (!pcir_at(b, len, o))
		return false;
	size_t p = o + vd_rd16(b, o + HDR_PCIR_PTR);
	return vd_rom_fits(len, p, PCIR_SIZE_2X) && vd_rd16(b, p + PCIR_IMAGE_LENGTH) != 0;
}

/* Offset of the first image. A ROM at offset 0 wins even when damaged
 * further on; otherwise the first plausible ROM after a prefix. */
static size_t find_start(const uint8_t *b, size_t len, bool *prefixed)
{
	*prefixed = false;
	if (pcir_at(b, len, 0))
		return 0;
	for (size_t o = 1; o + 1 < len; o++) {
		const uint8_t *p = memchr(b + o, 0x55, len - 1 - o);
		if (!p)
			break;
		o = (size_t)(p - b);
		if (b[o + 1] == 0xaa && plausible_start(b, len, o)) {
			*prefixed = true;
			return o;
		}
	}
	return 0;
}

static uint8_t sum8(const uint8_t *b, size_t n)
{
	unsigned s = 0;
	for (size_t i = 0; i < n; i++)
		s += b[i];
	return (uint8_t)s;
}

static void read_devlist(const uint8_t *b, size_t len, struct vd_rom_image *im)
{
	size_t p = im->offset + im->pcir_off + im->devlist_ptr;
	size_t end = im->offset + im->avail; /* the list belongs to the image */

	if (end > len)
		end = len;
	if (p >= end) {
		IMAGE_NOTE(im, "devlist-outside",
			   "The PCI 3.0 device list pointer (0x%x from the PCI Data Structure) points outside the "
			   "image; the device list was not read.",
			   im->devlist_ptr);
		return;
	}
	for (; vd_rom_fits(end, p, 2); p += 2) {
		uint16_t id = vd_rd16(b, p);
		if (id == 0)
			return;
		if (im->ndevlist == DEVLIST_MAX)
			break;
		im->devlist = vd_xrealloc(im->devlist, (im->ndevlist + 1) * sizeof(*im->devlist));
		im->devlist[im->ndevlist++] = id;
	}
	IMAGE_NOTE(im, "devlist-unterminated",
		   "The PCI 3.0 device list has no 0000 terminator within the image; %zu IDs were read.", im->ndevlist);
}

static void read_pcir(const uint8_t *b, size_t len, struct vd_rom_image *im)
{
	size_t p = im->offset + im->pcir_off;

	im->pcir_ok = true;
	im->vendor = vd_rd16(b, p + PCIR_VENDOR);
	im->device = vd_rd16(b, p + PCIR_DEVICE);
	im->devlist_ptr = vd_rd16(b, p + PCIR_DEVLIST);
	im->pcir_len = vd_rd16(b, p + PCIR_LENGTH);
	im->pcir_rev = b[p + PCIR_REVISION];
	/* Class code bytes are prog-if, sub-class, base class (as in config space). */
	im->class_code =
	    (uint32_t)b[p + PCIR_CLASS + 2] << 16 | (uint32_t)b[p + PCIR_CLASS + 1] << 8 | b[p + PCIR_CLASS];
	im->image_blocks = vd_rd16(b, p + PCIR_IMAGE_LENGTH);
	im->code_rev = vd_rd16(b, p + PCIR_CODE_REV);
	im->code_type = b[p + PCIR_CODE_TYPE];
	im->indicator = b[p + PCIR_INDICATOR];
	im->last = im->indicator & INDICATOR_LAST;
	im->length = (size_t)im->image_blocks * VD_ROM_BLOCK;

	if (im->pcir_rev >= 3 && im->pcir_len >= PCIR_SIZE_3 && vd_rom_fits(len, p, PCIR_SIZE_3)) {
		im->has_v3 = true;
		im->max_runtime_blocks = vd_rd16(b, p + PCIR_MAX_RUNTIME);
		im->config_ptr = vd_rd16(b, p + PCIR_CONFIG_PTR);
		im->clp_ptr = vd_rd16(b, p + PCIR_CLP_PTR);
	}
	if (im->pcir_len < PCIR_SIZE_2X)
		IMAGE_NOTE(im, "pcir-length",
			   "The PCI Data Structure says it is %u bytes long, less than the 24 bytes "
			   "every revision has.",
			   im->pcir_len);
	else if (im->pcir_rev >= 3 && im->pcir_len < PCIR_SIZE_3)
		IMAGE_NOTE(im, "pcir-length",
			   "The PCI Data Structure is revision %u but only %u bytes long (PCI 3.0 "
			   "needs 28): its PCI 3.0 fields were not read.",
			   im->pcir_rev, im->pcir_len);
	if (im->pcir_rev != 0 && im->pcir_rev != 3)
		IMAGE_NOTE(im, "pcir-revision",
			   "PCI Data Structure revision %u is neither 0 (PCI 2.x) nor 3 (PCI 3.0).", im->pcir_rev);
	if (im->indicator & ~INDICATOR_LAST)
		IMAGE_NOTE(im, "indicator-reserved",
			   "The indicator byte is 0x%02x: reserved bits are set. Only bit 7 means \"last image\" "
			   "(rom-parser takes any non-zero value for it).",
			   im->indicator);
}

/* Legacy x86 images: the bytes of the initialization size (header byte 2,
 * in blocks) must sum to 0 mod 256 (the PC option ROM convention; SeaBIOS
 * src/optionroms.c is_valid_rom). ISA-style ROMs without a PCIR are x86 too. */
static void legacy_checksum(const uint8_t *b, size_t len, struct vd_rom_image *im)
{
	size_t init = (size_t)im->x86_init_blocks * VD_ROM_BLOCK;
	size_t have = len - im->offset;

	if (init == 0) {
		IMAGE_NOTE(im, "x86-init-size", "The legacy header's initialization size is 0.");
		return;
	}
	im->init_sum_checked = init <= have;
	im->init_sum_len = init <= have ? init : have;
	im->init_sum = sum8(b + im->offset, im->init_sum_len);
	if (im->init_sum_checked && im->init_sum != 0)
		IMAGE_NOTE(im, "legacy-checksum",
			   "The legacy image's %zu initialization bytes sum to 0x%02x, not 0: legacy BIOSes such as "
			   "SeaBIOS check this sum and may skip the image.",
			   init, im->init_sum);
	if (im->pcir_ok && init > im->length && im->length)
		IMAGE_NOTE(im, "x86-init-size",
			   "The legacy initialization size (%zu bytes) is larger than the image length (%zu bytes).",
			   init, im->length);
}

static void read_npde(const uint8_t *b, size_t len, struct vd_rom_image *im)
{
	size_t q = im->offset + (((size_t)im->pcir_off + im->pcir_len + 0x0f) & ~(size_t)0x0f);
	if (im->vendor != VENDOR_NVIDIA || !vd_rom_fits(len, q, NPDE_SIZE) || memcmp(b + q, "NPDE", 4) != 0)
		return;
	im->has_npde = true;
	im->npde_blocks = vd_rd16(b, q + 8);
	im->npde_last = b[q + 10] & INDICATOR_LAST;
}

/* After the image marked last: anything left is not part of the ROM. */
static void after_last(const uint8_t *b, size_t len, struct vd_rom *r, size_t end)
{
	r->end = end;
	if (end >= len)
		return;
	if (signature_at(b, len, end))
		ROM_NOTE(r, "trailing-data",
			 "%zu bytes follow the image marked last (from 0x%zx), beginning with another ROM signature: "
			 "firmware stops at the last image and ignores them.",
			 len - end, end);
	else
		ROM_NOTE(r, "trailing-data",
			 "%zu bytes follow the image marked last (from 0x%zx): firmware ignores them.", len - end, end);
}

/* Parse the image at o. Returns true with *next set when the chain goes
 * on; false at the last image or an error (r->error says which). */
static bool parse_image(const uint8_t *b, size_t len, size_t o, struct vd_rom *r, size_t *next)
{
	size_t idx = r->nimg;
	struct vd_rom_image *im = VD_PUSH(r->img, r->nimg, r->capimg);

	im->offset = o;
	im->avail = len - o;
	if (!vd_rom_fits(len, o, HDR_LEN)) {
		r->truncated = true;
		r->end = len;
		fail(r, VD_ROM_HEADER_TRUNCATED, o,
		     "Image %zu at 0x%zx is truncated: the file ends %zu bytes into its 26-byte ROM header.", idx, o,
		     len - o);
		return false;
	}
	im->x86_init_blocks = b[o + HDR_INIT_SIZE];
	im->pcir_off = vd_rd16(b, o + HDR_PCIR_PTR);
	size_t p = o + im->pcir_off;

	if (im->pcir_off == 0) {
		legacy_checksum(b, len, im);
		fail(
		    r, VD_ROM_NO_PCIR, o,
		    "Image %zu at 0x%zx has a ROM signature but no PCI Data Structure (its pointer is 0): an ISA-style "
		    "option ROM, not a PCI expansion ROM.",
		    idx, o);
		return false;
	}
	if (p >= len) {
		legacy_checksum(b, len, im);
		fail(r, VD_ROM_PCIR_OUTSIDE, o,
		     "Image %zu at 0x%zx points to its PCI Data Structure at 0x%zx, past the end of the file (%zu "
		     "bytes).",
		     idx, o, p, len);
		return false;
	}
	/* The file may end inside the signature or the structure: truncated. */
	bool cut = !vd_rom_fits(len, p, PCIR_SIZE_2X);
	size_t have = cut ? len - p : 4;
	if (memcmp(b + p, "PCIR", have < 4 ? have : 4) != 0) {
		legacy_checksum(b, len, im);
		fail(r, VD_ROM_NO_PCIR, o,
		     "Image %zu at 0x%zx has a ROM signature but no PCI Data Structure: its pointer leads to 0x%zx, "
		     "which does not hold \"PCIR\" (not a PCI expansion ROM, or a damaged one).",
		     idx, o, p);
		return false;
	}
	if (cut) {
		r->truncated = true;
		r->end = len;
		fail(r, VD_ROM_PCIR_TRUNCATED, o,
		     "Image %zu at 0x%zx is truncated: the file ends %zu bytes into its 24-byte PCI Data Structure (at "
		     "0x%zx).",
		     idx, o, have, p);
		return false;
	}
	read_pcir(b, len, im);
	if (im->image_blocks == 0) {
		im->avail = 0;
		fail(r, VD_ROM_IMAGE_LENGTH_ZERO, o,
		     "Image %zu at 0x%zx has image length 0: the chain cannot go on (a walker that trusts the length "
		     "reads this image again forever).",
		     idx, o);
		return false;
	}
	if (im->avail > im->length)
		im->avail = im->length;
	r->end = o + im->avail;

	if (im->devlist_ptr && im->pcir_rev >= 3)
		read_devlist(b, len, im);
	if (im->code_type == VD_ROM_CODE_X86)
		legacy_checksum(b, len, im);
	im->image_sum = sum8(b + o, im->avail);
	if (im->code_type == VD_ROM_CODE_EFI)
		vd_rom_parse_efi(b, len, im);
	read_npde(b, len, im);

	/* The PCI Data Structure must be DWORD-aligned; EDK2's PCI bus driver
	 * stops reading the ROM at one that is not. */
	if (im->pcir_off & 3) {
		fail(r, VD_ROM_PCIR_UNALIGNED, o,
		     "Image %zu at 0x%zx has its PCI Data Structure at offset 0x%x, which is not DWORD-aligned: UEFI "
		     "firmware (EDK2, OVMF) stops reading the ROM here.",
		     idx, o, im->pcir_off);
		return false;
	}
	if (im->length > len - o) {
		r->truncated = true;
		fail(r, VD_ROM_IMAGE_TRUNCATED, o,
		     "Image %zu at 0x%zx is truncated: it is %zu bytes long, but the file ends after %zu of them.", idx,
		     o, im->length, len - o);
		return false;
	}
	size_t n = o + im->length;
	if (im->last) {
		after_last(b, len, r, n);
		return false;
	}
	if (n == len) {
		r->truncated = true;
		fail(r, VD_ROM_NO_LAST_IMAGE, n,
		     "Image %zu ends at the end of the file (0x%zx) but is not marked as the last image: the rest of "
		     "the ROM is missing.",
		     idx, n);
		return false;
	}
	if (signature_at(b, len, n)) {
		*next = n;
		return true;
	}
	/* EDK2 looks for the next signature in 512-byte steps; the PCI spec
	 * puts images back to back. Follow the firmware, and say so. */
	for (size_t g = n + VD_ROM_BLOCK; vd_rom_fits(len, g, 2); g += VD_ROM_BLOCK) {
		if (signature_at(b, len, g)) {
			ROM_NOTE(
			    r, "chain-gap",
			    "No ROM signature where image %zu ends (0x%zx); the next one is %zu bytes later, at 0x%zx. "
			    "UEFI firmware (EDK2) skips such gaps in 512-byte steps; the PCI specification puts images "
			    "back to back.",
			    idx, n, g - n, g);
			*next = g;
			return true;
		}
	}
	fail(r, VD_ROM_CHAIN_BROKEN, n,
	     "Image %zu is not marked as the last image, but no ROM signature follows it (0x%zx holds %02x %02x).", idx,
	     n, b[n], n + 1 < len ? b[n + 1] : 0);
	return false;
}

int vd_rom_parse(const uint8_t *buf, size_t len, struct vd_rom *out)
{
	bool prefixed;

	memset(out, 0, sizeof(*out));
	out->size = len;
	if (len == 0) {
		fail(out, VD_ROM_EMPTY, 0, "The file is empty.");
		return -EBADMSG;
	}
	size_t o = find_start(buf, len, &prefixed);
	if (!prefixed && !signature_at(buf, len, 0)) {
		fail(out, VD_ROM_NO_SIGNATURE, 0,
		     "No PCI expansion ROM here: the file does not start with the ROM signature 55 AA (it starts with "
		     "%02x %02x), and no ROM image follows anywhere in its %zu bytes.",
		     buf[0], len > 1 ? buf[1] : 0, len);
		return -EBADMSG;
	}
	out->start = o;
	if (prefixed)
		ROM_NOTE(out, "prefixed",
			 "The ROM starts at 0x%zx, not at offset 0: %zu bytes of something else come first (a header "
			 "some dumping and flashing tools add). QEMU's romfile must start with the ROM signature, so "
			 "these bytes must go.",
			 o, o);
	for (;;) {
		size_t next;
		if (out->nimg == VD_ROM_MAX_IMAGES) {
			fail(out, VD_ROM_TOO_MANY_IMAGES, o,
			     "More than %d images, none marked last: this is not a ROM (or a damaged one).",
			     VD_ROM_MAX_IMAGES);
			break;
		}
		if (!parse_image(buf, len, o, out, &next))
			break;
		o = next; /* always past the image just read: the walk cannot loop */
	}
	return out->error == VD_ROM_OK ? 0 : -EBADMSG;
}

static void notes_free(struct vd_rom_note *n, size_t count)
{
	for (size_t i = 0; i < count; i++)
		free(n[i].text);
	free(n);
}

void vd_rom_done(struct vd_rom *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nimg; i++) {
		free(r->img[i].devlist);
		notes_free(r->img[i].notes, r->img[i].nnotes);
	}
	free(r->img);
	notes_free(r->notes, r->nnotes);
	free(r->error_text);
	memset(r, 0, sizeof(*r));
}

bool vd_rom_usable(const struct vd_rom *r)
{
	return r->error == VD_ROM_OK && r->start == 0 && r->nimg > 0;
}

bool vd_rom_image_matches(const struct vd_rom_image *im, uint16_t vendor, uint16_t device)
{
	if (!im->pcir_ok || im->vendor != vendor)
		return false;
	if (im->device == device)
		return true;
	for (size_t i = 0; i < im->ndevlist; i++)
		if (im->devlist[i] == device)
			return true;
	return false;
}

size_t vd_rom_count_matching(const struct vd_rom *r, uint16_t vendor, uint16_t device, size_t *with_pcir)
{
	size_t n = 0, w = 0;
	for (size_t i = 0; i < r->nimg; i++) {
		w += r->img[i].pcir_ok;
		n += vd_rom_image_matches(&r->img[i], vendor, device);
	}
	if (with_pcir)
		*with_pcir = w;
	return n;
}

static const char *const code_types[] = {
    [VD_ROM_CODE_X86] = "x86 PC-AT",
    [VD_ROM_CODE_OPENFIRMWARE] = "Open Firmware",
    [VD_ROM_CODE_PARISC] = "PA-RISC",
    [VD_ROM_CODE_EFI] = "EFI",
};

const char *vd_rom_code_type_name(uint8_t t)
{
	return t < ARRAY_SIZE(code_types) ? code_types[t] : NULL;
}

static const char *const error_codes[] = {
    [VD_ROM_OK] = "ok",
    [VD_ROM_EMPTY] = "empty",
    [VD_ROM_NO_SIGNATURE] = "no-signature",
    [VD_ROM_HEADER_TRUNCATED] = "header-truncated",
    [VD_ROM_NO_PCIR] = "no-pcir",
    [VD_ROM_PCIR_OUTSIDE] = "pcir-outside",
    [VD_ROM_PCIR_TRUNCATED] = "pcir-truncated",
    [VD_ROM_PCIR_UNALIGNED] = "pcir-unaligned",
    [VD_ROM_IMAGE_LENGTH_ZERO] = "image-length-zero",
    [VD_ROM_IMAGE_TRUNCATED] = "image-truncated",
    [VD_ROM_NO_LAST_IMAGE] = "no-last-image",
    [VD_ROM_CHAIN_BROKEN] = "chain-broken",
    [VD_ROM_TOO_MANY_IMAGES] = "too-many-images",
};

const char *vd_rom_error_code(enum vd_rom_error e)
{
	return (size_t)e < ARRAY_SIZE(error_codes) ? error_codes[e] : "unknown";
}
