// SPDX-License-Identifier: GPL-2.0-or-later
/* The `groups` view (see groups.h). */
#include "groups.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "gpu.h"

/* Is d a GPU or another function of a GPU's card? */
static bool card_function(const struct vd_host *h, const struct vd_pci_dev *d)
{
	if (vd_pci_is_gpu(d))
		return true;
	int sib[8];
	size_t n = vd_gpu_siblings(h, d, sib, 8);
	for (size_t i = 0; i < n; i++)
		if (vd_pci_is_gpu(&h->pci.dev[sib[i]]))
			return true;
	return false;
}

enum isolation { NO_GPU, GPU_ISOLATED, GPU_SHARED };

/* A group's verdict for passthrough (gpu-iommu-group's rule): does a GPU in
 * it share it with other endpoints? */
static enum isolation group_isolation(const struct vd_host *h, int id)
{
	const struct vd_pci_dev *gpu = NULL;

	for (size_t i = 0; i < h->pci.n; i++)
		if (h->pci.dev[i].iommu_group == id && vd_pci_is_gpu(&h->pci.dev[i]))
			gpu = &h->pci.dev[i];
	if (!gpu)
		return NO_GPU;
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *m = &h->pci.dev[i];
		if (m->iommu_group == id && !vd_gpu_group_harmless(gpu, m))
			return GPU_SHARED;
	}
	return GPU_ISOLATED;
}

static const char *group_note(enum isolation v)
{
	return v == GPU_SHARED	 ? "GPU shares this group with other devices"
	       : v == GPU_ISOLATED ? "GPU isolated: only its own functions and bridges"
				   : NULL;
}

static void dev_line(struct vd_str *out, const struct vd_host *h, const struct vd_pci_dev *d, const struct vd_render_opts *o)
{
	_cleanup_free_ char *label = vd_pci_label(d);
	bool kern;
	_cleanup_free_ char *reset = vd_pci_reset_methods(&h->pci, d, &kern);
	bool card = card_function(h, d);

	if (card && o->color)
		vd_str_add(out, "\033[1m");
	vd_str_addf(out, "  %c %s [%04x:%04x] %s: %s", card ? '*' : ' ', d->name, d->vendor, d->device,
		    vd_pci_kind(d), label);
	if (d->revision)
		vd_str_addf(out, " (rev %02x)", d->revision);
	if (card && o->color)
		vd_str_add(out, VD_COLOR_RESET);
	vd_str_addf(out, "\n      driver: %s", d->driver ? d->driver : "none");
	if (d->driver_override)
		vd_str_addf(out, " (override %s)", d->driver_override);
	if (d->boot_vga == 1)
		vd_str_add(out, ", boot VGA");
	if (*reset)
		vd_str_addf(out, ", reset: %s%s", reset, kern ? "" : " (from capabilities)");
	else if (d->caps.known || kern)
		vd_str_add(out, ", reset: none");
	else
		vd_str_addf(out, ", reset: unknown (%s)", vd_pci_config_reason(d));
	vd_str_addc(out, '\n');
}

char *vd_groups_text(const struct vd_host *h, const struct vd_render_opts *o)
{
	struct vd_str out = {0};
	size_t ungrouped = 0;

	if (!h->iommu.ngroups) {
		vd_str_addf(&out, "No IOMMU groups: %s\n",
			    h->iommu.nunits ? "the IOMMU units exist but hold no devices."
					    : "the IOMMU is off, so no device can be passed through "
					      "('vfio-doctor explain iommu-enabled').");
	}
	for (size_t g = 0; g < h->iommu.ngroups; g++) {
		const struct vd_iommu_group *grp = &h->iommu.group[g];
		const char *note = group_note(group_isolation(h, grp->id));
		vd_str_addf(&out, "IOMMU group %d", grp->id);
		if (grp->type)
			vd_str_addf(&out, " (%s)", grp->type);
		if (note)
			vd_str_addf(&out, ": %s", note);
		vd_str_addc(&out, '\n');
		for (size_t i = 0; i < h->pci.n; i++)
			if (h->pci.dev[i].iommu_group == grp->id)
				dev_line(&out, h, &h->pci.dev[i], o);
		/* Non-PCI members (platform devices) only have a name. */
		for (char **m = grp->devices; m && *m; m++)
			if (!vd_pci_find(&h->pci, *m))
				vd_str_addf(&out, "    %s (not a PCI function)\n", *m);
	}
	for (size_t i = 0; i < h->pci.n; i++)
		ungrouped += h->pci.dev[i].iommu_group < 0;
	if (ungrouped) {
		vd_str_addf(&out, "%sNot in any IOMMU group:\n", h->iommu.ngroups ? "\n" : "");
		for (size_t i = 0; i < h->pci.n; i++)
			if (h->pci.dev[i].iommu_group < 0)
				dev_line(&out, h, &h->pci.dev[i], o);
	}
	vd_str_add(&out, "\n* marks GPUs and the other functions of their cards.\n");
	return vd_str_steal(&out);
}

static json_object *dev_json(const struct vd_host *h, const struct vd_pci_dev *d)
{
	json_object *o = json_object_new_object(), *r = json_object_new_array();
	bool kern;
	_cleanup_free_ char *reset = vd_pci_reset_methods(&h->pci, d, &kern);
	char cls[8];

	snprintf(cls, sizeof(cls), "%06x", d->class24);
	json_object_object_add(o, "address", json_object_new_string(d->name));
	char id[8];
	snprintf(id, sizeof(id), "%04x", d->vendor);
	json_object_object_add(o, "vendor_id", json_object_new_string(id));
	snprintf(id, sizeof(id), "%04x", d->device);
	json_object_object_add(o, "device_id", json_object_new_string(id));
	json_object_object_add(o, "class", json_object_new_string(cls));
	json_object_object_add(o, "vendor", vd_json_string(d->vendor_name));
	json_object_object_add(o, "device", vd_json_string(d->device_name));
	json_object_object_add(o, "class_name", vd_json_string(d->class_name));
	json_object_object_add(o, "driver", vd_json_string(d->driver));
	json_object_object_add(o, "gpu", json_object_new_boolean(vd_pci_is_gpu(d)));
	json_object_object_add(o, "card_function", json_object_new_boolean(card_function(h, d)));
	json_object_object_add(o, "boot_vga", json_object_new_boolean(d->boot_vga == 1));
	for (const char *p = reset; *p;) {
		size_t w = strcspn(p, " ");
		_cleanup_free_ char *m = vd_xstrndup(p, w);
		json_object_array_add(r, vd_json_string(m));
		p += w;
		while (*p == ' ')
			p++;
	}
	json_object_object_add(o, "reset_methods", r);
	json_object_object_add(o, "reset_source", json_object_new_string(kern ? "kernel" : "capabilities"));
	return o;
}

char *vd_groups_json(const struct vd_host *h)
{
	json_object *root = json_object_new_object(), *arr = json_object_new_array(), *ung = json_object_new_array();

	json_object_object_add(root, "schema", json_object_new_string("vfio-doctor/groups/1"));
	for (size_t g = 0; g < h->iommu.ngroups; g++) {
		const struct vd_iommu_group *grp = &h->iommu.group[g];
		json_object *o = json_object_new_object(), *devs = json_object_new_array();
		enum isolation v = group_isolation(h, grp->id);
		json_object_object_add(o, "id", json_object_new_int(grp->id));
		json_object_object_add(o, "type", vd_json_string(grp->type));
		json_object_object_add(o, "gpu_isolated", v == NO_GPU ? NULL : json_object_new_boolean(v == GPU_ISOLATED));
		for (size_t i = 0; i < h->pci.n; i++)
			if (h->pci.dev[i].iommu_group == grp->id)
				json_object_array_add(devs, dev_json(h, &h->pci.dev[i]));
		json_object_object_add(o, "devices", devs);
		json_object_array_add(arr, o);
	}
	for (size_t i = 0; i < h->pci.n; i++)
		if (h->pci.dev[i].iommu_group < 0)
			json_object_array_add(ung, dev_json(h, &h->pci.dev[i]));
	json_object_object_add(root, "groups", arr);
	json_object_object_add(root, "ungrouped", ung);
	return vd_json_dump(root);
}
