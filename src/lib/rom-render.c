// SPDX-License-Identifier: GPL-2.0-or-later
/* PCI expansion ROMs as text and JSON (see rom-render.h). */
#include "rom-render.h"

#include <stdio.h>
#include <string.h>

#include "render.h"

bool vd_rom_target_matches(const struct vd_rom *r, const struct vd_rom_target *t)
{
	size_t with;
	size_t n = vd_rom_count_matching(r, t->vendor, t->device, &with);
	return with > 0 && n == with;
}

static void notes_text(struct vd_str *out, const struct vd_rom_note *n, size_t count, unsigned indent, unsigned width)
{
	char first[16];
	snprintf(first, sizeof(first), "%*s! ", (int)indent, "");
	for (size_t i = 0; i < count; i++)
		vd_wrap(out, first, indent + 2, n[i].text, width);
}

static void devlist_text(struct vd_str *out, const struct vd_rom_image *im)
{
	if (!im->devlist_ptr) {
		vd_str_add(out, "none");
		return;
	}
	for (size_t i = 0; i < im->ndevlist; i++)
		vd_str_addf(out, "%s%04x", i ? " " : "", im->devlist[i]);
	if (!im->ndevlist)
		vd_str_add(out, "empty");
}

static void efi_text(struct vd_str *out, const struct vd_rom_image *im)
{
	const struct vd_rom_efi *e = &im->efi;
	const char *m = vd_efi_machine_name(e->machine), *s = vd_efi_subsystem_name(e->subsystem);
	const char *c = vd_efi_compression_name(e->compression);

	if (!e->sig_ok) {
		vd_str_addf(out, "    EFI: signature NOT valid (0x%08x)\n", e->signature);
		return;
	}
	vd_str_addf(out, "    EFI: signature valid, subsystem %s (%u), machine %s (0x%04x), %s", s ? s : "unknown",
		    e->subsystem, m ? m : "unknown", e->machine, c ? c : "unknown compression");
	if (!c)
		vd_str_addf(out, " %u", e->compression);
	vd_str_addf(out, ", image at +0x%x, initialization size %zu\n", e->image_offset,
		    (size_t)e->init_blocks * VD_ROM_BLOCK);
	switch (e->pe) {
	case VD_ROM_PE_OK:
		vd_str_addf(out, "    PE/COFF: %s, machine %s, subsystem %u: agrees with the EFI header; %s\n",
			    e->pe_te	 ? "TE"
			    : e->pe_plus ? "PE32+"
					 : "PE32",
			    vd_efi_machine_name(e->pe_machine) ? vd_efi_machine_name(e->pe_machine) : "unknown",
			    e->pe_subsystem,
			    e->pe_signed > 0	? "signed (certificate table present)"
			    : e->pe_signed == 0 ? "not signed"
						: "signature unknown");
		break;
	case VD_ROM_PE_COMPRESSED:
		vd_str_addf(out,
			    "    compressed: %u bytes, %u when unpacked (the PE/COFF header inside was not "
			    "checked)\n",
			    e->comp_size, e->orig_size);
		break;
	case VD_ROM_PE_BAD:
		vd_str_add(out, "    PE/COFF: damaged (see below)\n");
		break;
	case VD_ROM_PE_NOT_CHECKED:
		break;
	}
}

static void image_text(struct vd_str *out, size_t idx, const struct vd_rom_image *im, unsigned width)
{
	vd_str_addf(out, "  image %zu at 0x%zx: ROM signature 55 AA, PCIR pointer 0x%x\n", idx, im->offset,
		    im->pcir_off);
	if (im->pcir_ok) {
		const char *tn = vd_rom_code_type_name(im->code_type);
		vd_str_addf(out, "    PCIR: type %u (%s), vendor %04x, device %04x, class %06x\n", im->code_type,
			    tn ? tn : "reserved", im->vendor, im->device, im->class_code);
		vd_str_addf(out,
			    "    PCIR: revision %u, vendor revision %u, image length %zu (%u x 512), indicator "
			    "0x%02x%s\n",
			    im->pcir_rev, im->code_rev, im->length, im->image_blocks, im->indicator,
			    im->last ? " (last image)" : "");
		if (im->has_v3) {
			vd_str_add(out, "    PCI 3.0: device list ");
			devlist_text(out, im);
			vd_str_addf(out, ", max runtime length %zu", (size_t)im->max_runtime_blocks * VD_ROM_BLOCK);
			if (im->config_ptr)
				vd_str_addf(out, ", configuration utility at +0x%x", im->config_ptr);
			if (im->clp_ptr)
				vd_str_addf(out, ", DMTF CLP entry at +0x%x", im->clp_ptr);
			vd_str_addc(out, '\n');
		}
		if (im->code_type == VD_ROM_CODE_EFI)
			efi_text(out, im);
		if (im->has_npde)
			vd_str_addf(out, "    NVIDIA NPDE: image length %zu (%u x 512)%s\n",
				    (size_t)im->npde_blocks * VD_ROM_BLOCK, im->npde_blocks,
				    im->npde_last ? ", last" : "");
	}
	size_t init = (size_t)im->x86_init_blocks * VD_ROM_BLOCK;
	if ((im->code_type == VD_ROM_CODE_X86 || !im->pcir_ok) && im->init_sum_len) {
		if (im->init_sum_checked)
			vd_str_addf(out, "    checksum: initialization size %zu bytes sums to 0x%02x (%s)\n", init,
				    im->init_sum, im->init_sum ? "WRONG" : "ok");
		else
			vd_str_addf(out,
				    "    checksum: initialization size %zu bytes runs past the end of the file (%zu "
				    "bytes sum to 0x%02x)\n",
				    init, im->init_sum_len, im->init_sum);
	}
	if (im->pcir_ok && im->length)
		vd_str_addf(out, "    checksum: %s sums to 0x%02x\n",
			    im->avail == im->length ? "whole image" : "the part of the image present", im->image_sum);
	notes_text(out, im->notes, im->nnotes, 4, width);
}

void vd_rom_text(struct vd_str *out, const char *name, const struct vd_rom *r, const struct vd_rom_target *t,
		 unsigned width)
{
	_cleanup_free_ char *verdict = vd_rom_verdict(r);

	vd_str_addf(out, "%s: %zu bytes, %zu image%s\n", name, r->size, r->nimg, r->nimg == 1 ? "" : "s");
	for (size_t i = 0; i < r->nimg; i++)
		image_text(out, i, &r->img[i], width);
	notes_text(out, r->notes, r->nnotes, 2, width);
	if (r->error_text)
		vd_wrap(out, "  error: ", 4, r->error_text, width);
	if (t) {
		size_t with, n = vd_rom_count_matching(r, t->vendor, t->device, &with);
		_cleanup_free_ char *line = NULL;
		if (with == 0)
			line = vd_xasprintf("no image carries PCI IDs to compare with %s [%04x:%04x].", t->address,
					    t->vendor, t->device);
		else if (n == with)
			line =
			    vd_xasprintf("matches %s [%04x:%04x]%s%s%s: %s.", t->address, t->vendor, t->device,
					 t->label ? " (" : "", t->label ? t->label : "", t->label ? ")" : "",
					 with == 1 ? "its image carries these IDs" : "every image carries these IDs");
		else
			line =
			    vd_xasprintf("MISMATCH with %s [%04x:%04x]%s%s%s: %zu of %zu images carry other IDs. A ROM "
					 "for another model: never flash it, and don't hand it to the VM.",
					 t->address, t->vendor, t->device, t->label ? " (" : "",
					 t->label ? t->label : "", t->label ? ")" : "", with - n, with);
		vd_wrap(out, "  device: ", 4, line, width);
	}
	vd_wrap(out, "  verdict: ", 4, verdict, width);
}

static json_object *hex4(uint16_t v)
{
	char b[8];
	snprintf(b, sizeof(b), "%04x", v);
	return json_object_new_string(b);
}

static json_object *notes_json(const struct vd_rom_note *n, size_t count)
{
	json_object *a = json_object_new_array();
	for (size_t i = 0; i < count; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "code", json_object_new_string(n[i].code));
		json_object_object_add(o, "message", json_object_new_string(n[i].text));
		json_object_array_add(a, o);
	}
	return a;
}

static json_object *int_or_null(bool have, int64_t v)
{
	return have ? json_object_new_int64(v) : NULL;
}

static json_object *name_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *pcir_json(const struct vd_rom_image *im)
{
	json_object *o = json_object_new_object(), *dl = NULL;
	char cls[8];

	if (im->has_v3 && im->devlist_ptr) {
		dl = json_object_new_array();
		for (size_t i = 0; i < im->ndevlist; i++)
			json_object_array_add(dl, hex4(im->devlist[i]));
	}
	snprintf(cls, sizeof(cls), "%06x", im->class_code);
	json_object_object_add(o, "vendor_id", hex4(im->vendor));
	json_object_object_add(o, "device_id", hex4(im->device));
	json_object_object_add(o, "class", json_object_new_string(cls));
	json_object_object_add(o, "revision", json_object_new_int(im->pcir_rev));
	json_object_object_add(o, "length", json_object_new_int(im->pcir_len));
	json_object_object_add(o, "code_revision", json_object_new_int(im->code_rev));
	json_object_object_add(o, "code_type", json_object_new_int(im->code_type));
	json_object_object_add(o, "code_type_name", name_or_null(vd_rom_code_type_name(im->code_type)));
	json_object_object_add(o, "indicator", json_object_new_int(im->indicator));
	json_object_object_add(o, "last", json_object_new_boolean(im->last));
	json_object_object_add(o, "device_list", dl);
	json_object_object_add(o, "max_runtime_length",
			       int_or_null(im->has_v3, (int64_t)im->max_runtime_blocks * VD_ROM_BLOCK));
	json_object_object_add(o, "config_utility_offset", int_or_null(im->has_v3 && im->config_ptr, im->config_ptr));
	json_object_object_add(o, "dmtf_clp_offset", int_or_null(im->has_v3 && im->clp_ptr, im->clp_ptr));
	return o;
}

static const char *const pe_states[] = {
    [VD_ROM_PE_NOT_CHECKED] = "not-checked",
    [VD_ROM_PE_OK] = "ok",
    [VD_ROM_PE_COMPRESSED] = "compressed",
    [VD_ROM_PE_BAD] = "bad",
};

static json_object *efi_json(const struct vd_rom_efi *e)
{
	json_object *o = json_object_new_object();
	bool pe = e->pe == VD_ROM_PE_OK;
	bool comp = e->pe == VD_ROM_PE_COMPRESSED;

	json_object_object_add(o, "signature_valid", json_object_new_boolean(e->sig_ok));
	json_object_object_add(o, "subsystem", json_object_new_int(e->subsystem));
	json_object_object_add(o, "subsystem_name", name_or_null(vd_efi_subsystem_name(e->subsystem)));
	json_object_object_add(o, "machine", hex4(e->machine));
	json_object_object_add(o, "machine_name", name_or_null(vd_efi_machine_name(e->machine)));
	json_object_object_add(o, "compression", json_object_new_int(e->compression));
	json_object_object_add(o, "compression_name", name_or_null(vd_efi_compression_name(e->compression)));
	json_object_object_add(o, "image_offset", json_object_new_int(e->image_offset));
	json_object_object_add(o, "initialization_size", json_object_new_int64((int64_t)e->init_blocks * VD_ROM_BLOCK));
	json_object_object_add(o, "pe", json_object_new_string(pe_states[e->pe]));
	json_object_object_add(o, "pe_format",
			       pe ? json_object_new_string(e->pe_te	? "TE"
							   : e->pe_plus ? "PE32+"
									: "PE32")
				  : NULL);
	json_object_object_add(o, "pe_machine", pe ? hex4(e->pe_machine) : NULL);
	json_object_object_add(o, "pe_subsystem", int_or_null(pe, e->pe_subsystem));
	json_object_object_add(o, "signed", pe && e->pe_signed >= 0 ? json_object_new_boolean(e->pe_signed) : NULL);
	json_object_object_add(o, "compressed_size", int_or_null(comp, e->comp_size));
	json_object_object_add(o, "decompressed_size", int_or_null(comp, e->orig_size));
	json_object_object_add(o, "loadable", json_object_new_boolean(e->loadable));
	return o;
}

static json_object *image_json(const struct vd_rom_image *im)
{
	json_object *o = json_object_new_object(), *ck = json_object_new_object(), *npde = NULL;
	bool x86 = im->code_type == VD_ROM_CODE_X86 || !im->pcir_ok;

	json_object_object_add(o, "offset", json_object_new_int64((int64_t)im->offset));
	json_object_object_add(o, "length", int_or_null(im->pcir_ok, (int64_t)im->length));
	json_object_object_add(o, "available", json_object_new_int64((int64_t)im->avail));
	json_object_object_add(o, "pcir_offset", json_object_new_int(im->pcir_off));
	json_object_object_add(o, "pcir", im->pcir_ok ? pcir_json(im) : NULL);
	json_object_object_add(ck, "initialization_size",
			       int_or_null(x86 && im->init_sum_len, (int64_t)im->x86_init_blocks * VD_ROM_BLOCK));
	json_object_object_add(ck, "initialization_sum", int_or_null(x86 && im->init_sum_checked, im->init_sum));
	json_object_object_add(ck, "image_sum", int_or_null(im->pcir_ok && im->length, im->image_sum));
	json_object_object_add(o, "checksum", ck);
	json_object_object_add(o, "efi", im->pcir_ok && im->code_type == VD_ROM_CODE_EFI ? efi_json(&im->efi) : NULL);
	if (im->has_npde) {
		npde = json_object_new_object();
		json_object_object_add(npde, "image_length",
				       json_object_new_int64((int64_t)im->npde_blocks * VD_ROM_BLOCK));
		json_object_object_add(npde, "last", json_object_new_boolean(im->npde_last));
	}
	json_object_object_add(o, "npde", npde);
	json_object_object_add(o, "notes", notes_json(im->notes, im->nnotes));
	return o;
}

json_object *vd_rom_json(const char *name, const struct vd_rom *r, const struct vd_rom_target *t)
{
	json_object *o = json_object_new_object(), *imgs = json_object_new_array(), *err = NULL, *dev = NULL;
	_cleanup_free_ char *verdict = vd_rom_verdict(r);

	for (size_t i = 0; i < r->nimg; i++)
		json_object_array_add(imgs, image_json(&r->img[i]));
	if (r->error != VD_ROM_OK) {
		err = json_object_new_object();
		json_object_object_add(err, "code", json_object_new_string(vd_rom_error_code(r->error)));
		json_object_object_add(err, "offset", json_object_new_int64((int64_t)r->error_at));
		json_object_object_add(err, "message", json_object_new_string(r->error_text));
	}
	if (t) {
		size_t with, n = vd_rom_count_matching(r, t->vendor, t->device, &with);
		dev = json_object_new_object();
		json_object_object_add(dev, "address", json_object_new_string(t->address));
		json_object_object_add(dev, "vendor_id", hex4(t->vendor));
		json_object_object_add(dev, "device_id", hex4(t->device));
		json_object_object_add(dev, "name", name_or_null(t->label));
		json_object_object_add(dev, "images_with_pcir", json_object_new_int64((int64_t)with));
		json_object_object_add(dev, "matching_images", json_object_new_int64((int64_t)n));
		json_object_object_add(dev, "match", json_object_new_boolean(with > 0 && n == with));
	}
	json_object_object_add(o, "file", json_object_new_string(name));
	json_object_object_add(o, "read_error", NULL);
	json_object_object_add(o, "size", json_object_new_int64((int64_t)r->size));
	json_object_object_add(o, "valid", json_object_new_boolean(r->error == VD_ROM_OK));
	json_object_object_add(o, "usable_as_romfile", json_object_new_boolean(vd_rom_usable(r)));
	json_object_object_add(o, "start", json_object_new_int64((int64_t)r->start));
	json_object_object_add(o, "end", json_object_new_int64((int64_t)r->end));
	json_object_object_add(o, "truncated", json_object_new_boolean(r->truncated));
	json_object_object_add(o, "error", err);
	json_object_object_add(o, "notes", notes_json(r->notes, r->nnotes));
	json_object_object_add(o, "images", imgs);
	json_object_object_add(o, "uefi", json_object_new_boolean(vd_rom_uefi_image(r) != NULL));
	json_object_object_add(o, "verdict", json_object_new_string(verdict));
	json_object_object_add(o, "device", dev);
	return o;
}
