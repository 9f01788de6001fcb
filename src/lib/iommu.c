// SPDX-License-Identifier: GPL-2.0-or-later
/* IOMMU facts (see iommu.h). */
#include "iommu.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

static void read_unit(const struct vd_root *root, const char *name, struct vd_iommu_unit *u)
{
	_cleanup_free_ char *cap = vd_xasprintf("/sys/class/iommu/%s/intel-iommu/cap", name);
	_cleanup_free_ char *ecap = vd_xasprintf("/sys/class/iommu/%s/intel-iommu/ecap", name);
	_cleanup_free_ char *feat = vd_xasprintf("/sys/class/iommu/%s/amd-iommu/features", name);
	_cleanup_free_ char *text = NULL;

	u->name = vd_xstrdup(name);
	u->cap_err = u->features_err = -ENOENT;
	/* Linux intel_iommu_show_cap prints the register as bare hex. */
	u->cap_err = vd_root_read_u64(root, cap, 16, &u->cap);
	if (u->cap_err != -ENOENT) {
		u->kind = VD_IOMMU_INTEL;
		vd_root_read_u64(root, ecap, 16, &u->ecap);
		if (u->cap_err == 0) {
			u->mgaw = (unsigned)((u->cap >> 16) & 0x3f) + 1;
			u->sagaw = (unsigned)(u->cap >> 8) & 0x1f;
		}
		return;
	}
	/* AMD: "%llx" on older kernels, "%llx:%llx" (EFR:EFR2) on newer. */
	u->features_err = vd_root_read_line(root, feat, &text);
	if (u->features_err != -ENOENT)
		u->kind = VD_IOMMU_AMD;
	if (u->features_err == 0) {
		char *colon = strchr(text, ':');
		if (colon)
			*colon = '\0';
		if (vd_parse_u64(text, 16, &u->features) < 0)
			u->features_err = -EBADMSG;
	}
	if (u->kind == VD_IOMMU_OTHER && (vd_startswith(name, "dmar")))
		u->kind = VD_IOMMU_INTEL;
	if (u->kind == VD_IOMMU_OTHER && (vd_startswith(name, "ivhd")))
		u->kind = VD_IOMMU_AMD;
}

static void read_group(const struct vd_root *root, int id, struct vd_iommu_group *g)
{
	_cleanup_free_ char *devs = vd_xasprintf("/sys/kernel/iommu_groups/%d/devices", id);
	_cleanup_free_ char *type = vd_xasprintf("/sys/kernel/iommu_groups/%d/type", id);
	_cleanup_free_ char *rr = vd_xasprintf("/sys/kernel/iommu_groups/%d/reserved_regions", id);
	size_t len;

	g->id = id;
	if (vd_root_list(root, devs, &g->devices) < 0)
		g->devices = vd_xcalloc(1, sizeof(char *));
	vd_root_read_line(root, type, &g->type);
	if (vd_root_read(root, rr, 0, &g->reserved_regions, &len) < 0)
		g->reserved_regions = NULL;
}

static int cmp_group(const void *a, const void *b)
{
	const struct vd_iommu_group *x = a, *y = b;
	return (x->id > y->id) - (x->id < y->id);
}

int vd_iommu_gather(const struct vd_root *root, struct vd_iommu *out)
{
	char **names = NULL;
	size_t cap = 0;
	struct stat st;

	memset(out, 0, sizeof(*out));
	out->units_err = vd_root_list(root, "/sys/class/iommu", &names);
	for (char **n = names; n && *n; n++)
		read_unit(root, *n, VD_PUSH(out->unit, out->nunits, cap));
	vd_strv_free(names);
	names = NULL;

	cap = 0;
	out->groups_err = vd_root_list(root, "/sys/kernel/iommu_groups", &names);
	for (char **n = names; n && *n; n++) {
		int id;
		if (vd_parse_int(*n, &id) == 0 && id >= 0)
			read_group(root, id, VD_PUSH(out->group, out->ngroups, cap));
	}
	vd_strv_free(names);
	if (out->ngroups)
		qsort(out->group, out->ngroups, sizeof(*out->group), cmp_group);

	/* Existence is enough (reading the table needs root). */
	out->acpi_dmar = vd_root_stat(root, "/sys/firmware/acpi/tables/DMAR", false, &st);
	out->acpi_ivrs = vd_root_stat(root, "/sys/firmware/acpi/tables/IVRS", false, &st);
	return 0;
}

void vd_iommu_done(struct vd_iommu *io)
{
	for (size_t i = 0; i < io->nunits; i++)
		free(io->unit[i].name);
	free(io->unit);
	for (size_t i = 0; i < io->ngroups; i++) {
		vd_strv_free(io->group[i].devices);
		free(io->group[i].type);
		free(io->group[i].reserved_regions);
	}
	free(io->group);
	memset(io, 0, sizeof(*io));
}

const struct vd_iommu_group *vd_iommu_find_group(const struct vd_iommu *io, int id)
{
	struct vd_iommu_group key = {.id = id};
	return io->ngroups ? bsearch(&key, io->group, io->ngroups, sizeof(key), cmp_group) : NULL;
}

unsigned vd_iommu_intel_mgaw(const struct vd_iommu *io)
{
	unsigned w = 0;
	for (size_t i = 0; i < io->nunits; i++) {
		const struct vd_iommu_unit *u = &io->unit[i];
		if (u->kind == VD_IOMMU_INTEL && u->cap_err == 0 && (w == 0 || u->mgaw < w))
			w = u->mgaw;
	}
	return w;
}

unsigned vd_iommu_amd_width(const struct vd_iommu *io)
{
	unsigned w = 0;
	for (size_t i = 0; i < io->nunits; i++) {
		const struct vd_iommu_unit *u = &io->unit[i];
		if (u->kind != VD_IOMMU_AMD || u->features_err != 0)
			continue;
		unsigned hats = (unsigned)(u->features >> 10) & 0x3;
		if (hats == 3)
			continue; /* reserved */
		/* 12 offset bits + 9 bits per level */
		unsigned bits = 12 + 9 * (4 + hats);
		if (bits > 64)
			bits = 64;
		if (w == 0 || bits < w)
			w = bits;
	}
	return w;
}

unsigned vd_iommu_width(const struct vd_iommu *io)
{
	unsigned w = vd_iommu_intel_mgaw(io);
	return w ? w : vd_iommu_amd_width(io);
}

unsigned vd_viommu_aw_bits(unsigned width)
{
	return width >= 48 || !width ? 48 : 39;
}
