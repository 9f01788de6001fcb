// SPDX-License-Identifier: GPL-2.0-or-later
/* GPU roles (see gpu.h). */
#include "gpu.h"

#include <string.h>

#include "util.h"

/* Kernel DRM/fbdev drivers of discrete and integrated GPUs, plus the
 * proprietary NVIDIA module: any of these bound means the host drives it. */
static const char *const host_gpu_drivers[] = {
	"amdgpu", "radeon", "nouveau", "nvidia", "i915", "xe", "ast", "mgag200", "bochs-drm",
	"virtio-pci", "qxl", "vmwgfx", "simpledrm", "cirrus", "hibmc-drm",
};

const char *vd_gpu_role_name(enum vd_gpu_role r)
{
	switch (r) {
	case VD_GPU_PASSTHROUGH:
		return "passthrough";
	case VD_GPU_HOST:
		return "host";
	case VD_GPU_UNCLAIMED:
		return "unclaimed";
	}
	return "?";
}

/* Host graphics drivers: their presence on a function means the host uses it. */
static bool driver_is_gpu_host(const char *driver)
{
	for (size_t i = 0; driver && i < ARRAY_SIZE(host_gpu_drivers); i++)
		if (vd_streq_dash(driver, host_gpu_drivers[i]))
			return true;
	return false;
}

enum vd_gpu_role vd_gpu_role(const struct vd_pci_dev *d)
{
	if (vd_pci_on_vfio(d) || (!d->driver && d->driver_override &&
				  (strcmp(d->driver_override, "vfio-pci") == 0)))
		return VD_GPU_PASSTHROUGH;
	if (d->driver)
		return VD_GPU_HOST;
	return VD_GPU_UNCLAIMED;
}

bool vd_gpu_group_harmless(const struct vd_pci_dev *gpu, const struct vd_pci_dev *m)
{
	return m == gpu || vd_pci_same_slot(m, gpu) || vd_pci_is_bridge(m);
}

bool vd_gpu_is_passthrough(const struct vd_pci_dev *d)
{
	return vd_pci_is_gpu(d) && vd_gpu_role(d) == VD_GPU_PASSTHROUGH;
}

size_t vd_gpu_siblings(const struct vd_host *h, const struct vd_pci_dev *d, int *out, size_t max)
{
	size_t n = 0;
	int self = vd_pci_index(&h->pci, d);

	/* Functions of one slot are adjacent in the sorted list. */
	for (int i = self - 1; i >= 0 && vd_pci_same_slot(&h->pci.dev[i], d); i--)
		if (n < max)
			out[n++] = i;
	for (size_t i = (size_t)self + 1; i < h->pci.n && vd_pci_same_slot(&h->pci.dev[i], d); i++)
		if (n < max)
			out[n++] = (int)i;
	return n;
}

bool vd_gpu_is_candidate(const struct vd_host *h, const struct vd_pci_dev *d)
{
	if (!vd_pci_is_gpu(d))
		return false;
	if (vd_gpu_role(d) == VD_GPU_PASSTHROUGH)
		return true;
	/* A GPU the host does not need: another GPU is the boot display or
	 * has a host driver, and this one is not the boot display. */
	if (d->boot_vga == 1)
		return false;
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *o = &h->pci.dev[i];
		if (o != d && vd_pci_is_gpu(o) && vd_gpu_role(o) != VD_GPU_PASSTHROUGH &&
		    (o->boot_vga == 1 || driver_is_gpu_host(o->driver)))
			return true;
	}
	return false;
}

char *vd_pci_id_str(const struct vd_pci_dev *d)
{
	return vd_xasprintf("%04x:%04x", d->vendor, d->device);
}

static void add_ids(struct vd_str *s, const char *list)
{
	for (const char *p = list; p && *p;) {
		size_t w = strcspn(p, ", ");
		if (w) {
			_cleanup_free_ char *id = vd_xstrndup(p, w);
			bool dup = false;
			/* Keep the first spelling of each id once. */
			for (const char *q = s->s; q && *q && !dup;) {
				size_t k = strcspn(q, ",");
				dup = k == w && strncmp(q, id, w) == 0;
				q += k;
				if (*q == ',')
					q++;
			}
			if (!dup) {
				if (s->len)
					vd_str_addc(s, ',');
				vd_str_add(s, id);
			}
		}
		p += w;
		while (*p == ',' || *p == ' ')
			p++;
	}
}

char *vd_vfio_ids_configured(const struct vd_host *h)
{
	struct vd_str s = {0};
	const struct vd_kparam *kp = vd_cmdline_last(&h->kernel.cmdline, "vfio_pci.ids");
	const struct vd_modinfo *m = vd_host_module(h, "vfio_pci");
	const struct vd_modparam *mp = vd_kernel_param(&h->kernel, "vfio_pci", "ids");

	if (kp)
		add_ids(&s, kp->value);
	if (m && m->options) {
		/* "ids=10de:1b81,10de:10f0 disable_vga=1" */
		for (const char *p = m->options; (p = strstr(p, "ids=")); p += 4) {
			if (p != m->options && p[-1] != ' ')
				continue;
			_cleanup_free_ char *v = vd_xstrndup(p + 4, strcspn(p + 4, " "));
			add_ids(&s, v);
		}
	}
	if (mp && mp->err == 0)
		add_ids(&s, mp->value);
	return s.len ? vd_str_steal(&s) : (vd_str_done(&s), NULL);
}

void vd_gpu_host_and_passthrough(const struct vd_host *h, const struct vd_pci_dev **host,
				 const struct vd_pci_dev **pass)
{
	*host = *pass = NULL;
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_pci_is_gpu(d))
			continue;
		if (vd_gpu_role(d) == VD_GPU_PASSTHROUGH)
			*pass = *pass ? *pass : d;
		else if (driver_is_gpu_host(d->driver) && (!*host || d->boot_vga == 1))
			*host = d;
	}
}
