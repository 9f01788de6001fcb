// SPDX-License-Identifier: GPL-2.0-or-later
/* PCI inventory, read once through the root layer (see pci.h). */
#include "pci.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "pcilib.h"
#include "util.h"

#define SYSFS_PCI "/sys/bus/pci/devices"

/* Reads 1..max hex digits; returns the position after them or NULL. */
static const char *hexfield(const char *p, int max, unsigned *out)
{
	unsigned v = 0;
	int n = 0;
	for (; n < max && isxdigit((unsigned char)p[n]); n++)
		v = v * 16 + (unsigned)(isdigit((unsigned char)p[n]) ? p[n] - '0' : (tolower((unsigned char)p[n]) - 'a' + 10));
	if (n == 0 || isxdigit((unsigned char)p[n]))
		return NULL;
	*out = v;
	return p + n;
}

int vd_pci_parse_addr(const char *s, unsigned *domain, unsigned *bus, unsigned *dev, unsigned *fn)
{
	unsigned f[4];
	int nf = 0;
	const char *p = s;

	if (!s)
		return -EINVAL;
	/* [DDDD:]BB:SS.F, each field hex, as lspci and sysfs write them */
	for (;;) {
		p = hexfield(p, nf == 0 ? 4 : 2, &f[nf]);
		if (!p)
			return -EINVAL;
		nf++;
		if (*p == ':' && nf < 3) {
			p++;
			continue;
		}
		if (*p == '.' && nf >= 2) {
			p = hexfield(p + 1, 1, &f[nf]);
			if (!p || *p)
				return -EINVAL;
			nf++;
			break;
		}
		return -EINVAL;
	}
	unsigned d = nf == 4 ? f[0] : 0, b = f[nf - 3], sl = f[nf - 2], fu = f[nf - 1];
	if (b > 0xff || sl > 0x1f || fu > 7)
		return -EINVAL;
	*domain = d;
	*bus = b;
	*dev = sl;
	*fn = fu;
	return 0;
}

/* Six BARs, then the ROM, then (for bridges) windows: the kernel's "resource"
 * file has one "start end flags" line per struct resource of the device. */
static int parse_resource(const char *text, struct vd_bar *bars)
{
	const char *p = text;
	for (int i = 0; i < VD_PCI_NBARS; i++) {
		unsigned long long s, e, f;
		int n = 0;
		if (sscanf(p, "%llx %llx %llx%n", &s, &e, &f, &n) != 3)
			return i == 0 ? -EBADMSG : 0;
		bars[i] = (struct vd_bar){s, e, f};
		p += n;
		while (*p == '\n' || *p == ' ')
			p++;
	}
	return 0;
}

static void read_ident(const struct vd_root *root, const char *base, struct vd_pci_dev *d)
{
	static const struct {
		const char *attr;
		size_t off, width;
	} header_fields[] = {
		/* The kernel's view (vendor/device/class after quirks) from sysfs
		 * attributes; the config header is the fallback for a snapshot
		 * that lacks them. */
		{"vendor", 0x00, 2},
		{"device", 0x02, 2},
		{"subsystem_vendor", 0x2c, 2},
		{"subsystem_device", 0x2e, 2},
		{"class", 0x09, 3},
		{"revision", 0x08, 1},
	};
	uint64_t v[ARRAY_SIZE(header_fields)];
	int err = 0;

	for (size_t i = 0; i < ARRAY_SIZE(header_fields); i++) {
		_cleanup_free_ char *p = vd_xasprintf("%s/%s", base, header_fields[i].attr);
		int r = vd_root_read_u64(root, p, 16, &v[i]);
		if (r < 0) {
			size_t off = header_fields[i].off, w = header_fields[i].width;
			if (d->config_len >= off + w) {
				v[i] = 0;
				for (size_t k = 0; k < w; k++)
					v[i] |= (uint64_t)d->config[off + k] << (8 * k);
			} else {
				v[i] = 0;
				if (i < 2 || i == 4) /* vendor, device, class are essential */
					err = r;
			}
		}
	}
	d->vendor = (uint16_t)v[0];
	d->device = (uint16_t)v[1];
	d->subvendor = (uint16_t)v[2];
	d->subdevice = (uint16_t)v[3];
	d->class24 = (uint32_t)v[4] & 0xffffff;
	d->revision = (uint8_t)v[5];
	d->ident_err = err;
}

static void read_config(const struct vd_root *root, const char *base, struct vd_pci_dev *d)
{
	_cleanup_free_ char *p = vd_xasprintf("%s/config", base);
	char *data = NULL;
	size_t len = 0;
	struct stat st;

	/* sysfs sizes "config" as the device's config space (256 or 4096);
	 * an unprivileged read stops after the 64-byte header (Linux
	 * drivers/pci/pci-sysfs.c pci_read_config). */
	d->config_err = vd_root_read_st(root, p, 4096, &data, &len, &st);
	if (d->config_err < 0)
		return;
	d->config_size = (size_t)st.st_size;
	d->config = (uint8_t *)data;
	d->config_len = len;
	if (len <= 64 && d->config_size > len)
		d->config_err = geteuid() == 0 ? -EBADMSG : -EACCES;
	else if (len < 64)
		d->config_err = -EBADMSG;
}

static void read_links(const struct vd_root *root, const char *base, struct vd_pci_dev *d)
{
	_cleanup_free_ char *drv = vd_xasprintf("%s/driver", base);
	_cleanup_free_ char *grp = vd_xasprintf("%s/iommu_group", base);
	_cleanup_free_ char *ovr = vd_xasprintf("%s/driver_override", base);
	_cleanup_free_ char *gname = NULL;
	char *s = NULL;

	d->driver_err = vd_root_readlink_base(root, drv, &d->driver);
	if (d->driver_err == 0) {
		/* Built-in drivers have no module link. */
		_cleanup_free_ char *mod = vd_xasprintf("%s/driver/module", base);
		vd_root_readlink_base(root, mod, &d->driver_module);
	}
	d->iommu_group = -1;
	d->iommu_group_err = vd_root_readlink_base(root, grp, &gname);
	if (d->iommu_group_err == 0 && vd_parse_int(gname, &d->iommu_group) < 0) {
		d->iommu_group = -1;
		d->iommu_group_err = -EBADMSG;
	}
	/* "(null)" is how the kernel prints an unset override. */
	if (vd_root_read_line(root, ovr, &s) == 0 && strcmp(s, "(null)") != 0)
		d->driver_override = s;
	else
		free(s);
}

static void read_attrs(const struct vd_root *root, const char *base, struct vd_pci_dev *d)
{
	char p[PATH_MAX];
	char *text = NULL;
	size_t len;
	uint64_t v;

	snprintf(p, sizeof(p), "%s/boot_vga", base);
	d->boot_vga = vd_root_read_u64(root, p, 10, &v) == 0 ? (v != 0) : -1;

	snprintf(p, sizeof(p), "%s/resource", base);
	d->resource_err = vd_root_read(root, p, 0, &text, &len);
	if (d->resource_err == 0) {
		d->resource_err = parse_resource(text, d->bar);
		free(text);
	}

	snprintf(p, sizeof(p), "%s/modalias", base);
	vd_root_read_line(root, p, &d->modalias);

	snprintf(p, sizeof(p), "%s/reset_method", base);
	d->reset_method_err = vd_root_read_line(root, p, &d->reset_method);

	/* resourceN_resize exists only for BARs the ReBAR capability lists. */
	for (int i = 0; i < 6; i++)
		d->resize[i].err = -ENOENT;
	for (unsigned i = 0; i < d->caps.rebar.count; i++) {
		unsigned bar = d->caps.rebar.bar[i].bar;
		if (bar >= 6)
			continue;
		snprintf(p, sizeof(p), "%s/resource%u_resize", base, bar);
		d->resize[bar].err = vd_root_read_u64(root, p, 16, &d->resize[bar].supported);
	}
}

static void set_names(struct vd_pcilib *pl, struct vd_pci_dev *d)
{
	struct vd_pci_names n;
	vd_pcilib_names(pl, d->vendor, d->device, d->class24, &n);
	d->vendor_name = TAKE_PTR(n.vendor);
	d->device_name = TAKE_PTR(n.device);
	d->class_name = TAKE_PTR(n.class_name);
	vd_pci_names_done(&n);
}

static int gather_one(const struct vd_root *root, struct vd_pcilib *pl, const char *name, struct vd_pci_dev *d)
{
	_cleanup_free_ char *link = vd_xasprintf(SYSFS_PCI "/%s", name);
	int ret;

	if (vd_pci_parse_addr(name, &d->domain, &d->bus, &d->dev, &d->fn) < 0)
		return -EBADMSG;
	snprintf(d->name, sizeof(d->name), "%04x:%02x:%02x.%x", d->domain, d->bus, d->dev, d->fn);
	d->parent = -1;
	ret = vd_root_resolve(root, link, &d->path);
	if (ret < 0)
		return ret;

	read_config(root, d->path, d);
	read_ident(root, d->path, d);
	if (d->config)
		vd_pci_decode_caps(pl, d->config, d->config_len, &d->caps);
	read_links(root, d->path, d);
	read_attrs(root, d->path, d);
	set_names(pl, d);
	return 0;
}

static void dev_done(struct vd_pci_dev *d)
{
	free(d->path);
	free(d->vendor_name);
	free(d->device_name);
	free(d->class_name);
	free(d->driver);
	free(d->driver_module);
	free(d->driver_override);
	free(d->modalias);
	vd_strv_free(d->alias_modules);
	free(d->config);
	free(d->reset_method);
}

/* The upstream bridge is the parent directory in the device's sysfs path,
 * when that directory is itself a PCI function (what lspci -t draws). */
static void link_parents(struct vd_pci *pci)
{
	for (size_t i = 0; i < pci->n; i++) {
		struct vd_pci_dev *d = &pci->dev[i];
		const char *slash = strrchr(d->path, '/');
		if (!slash || slash == d->path)
			continue;
		const char *prev = slash - 1;
		while (prev > d->path && *prev != '/')
			prev--;
		_cleanup_free_ char *pname = vd_xstrndup(prev + 1, (size_t)(slash - prev - 1));
		const struct vd_pci_dev *p = vd_pci_find(pci, pname);
		if (p && p != d)
			d->parent = vd_pci_index(pci, p);
	}
}

int vd_pci_gather(const struct vd_root *root, struct vd_pcilib *pl, struct vd_pci *out)
{
	char **names = NULL;
	size_t cap = 0;

	memset(out, 0, sizeof(*out));
	out->err = vd_root_list(root, SYSFS_PCI, &names);
	if (out->err < 0)
		return out->err;
	for (char **n = names; *n; n++) {
		struct vd_pci_dev d = {0};
		if (gather_one(root, pl, *n, &d) < 0) {
			/* A dangling or malformed entry is skipped, not fatal. */
			dev_done(&d);
			continue;
		}
		*VD_PUSH(out->dev, out->n, cap) = d;
	}
	vd_strv_free(names);
	link_parents(out);
	if (vd_pcilib_ids_path(pl))
		out->ids_path = vd_xstrdup(vd_pcilib_ids_path(pl));
	return 0;
}

void vd_pci_done(struct vd_pci *pci)
{
	for (size_t i = 0; i < pci->n; i++)
		dev_done(&pci->dev[i]);
	free(pci->dev);
	free(pci->ids_path);
	memset(pci, 0, sizeof(*pci));
}

static int cmp_name(const void *key, const void *elem)
{
	return strcmp(key, ((const struct vd_pci_dev *)elem)->name);
}

const struct vd_pci_dev *vd_pci_find(const struct vd_pci *pci, const char *name)
{
	unsigned dom, bus, dev, fn;
	char norm[16];

	if (vd_pci_parse_addr(name, &dom, &bus, &dev, &fn) < 0)
		return NULL;
	snprintf(norm, sizeof(norm), "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	/* Sorted by name: readdir order sorted, and the kernel's names are
	 * fixed-width lower-case hex, so string order is address order. */
	return pci->n ? bsearch(norm, pci->dev, pci->n, sizeof(*pci->dev), cmp_name) : NULL;
}

int vd_pci_index(const struct vd_pci *pci, const struct vd_pci_dev *d)
{
	return d ? (int)(d - pci->dev) : -1;
}

bool vd_pci_is_gpu(const struct vd_pci_dev *d)
{
	return (d->class24 >> 16) == 0x03;
}

bool vd_pci_is_bridge(const struct vd_pci_dev *d)
{
	unsigned cls = d->class24 >> 8;
	return cls == 0x0600 || cls == 0x0604 || cls == 0x0609;
}

bool vd_pci_same_slot(const struct vd_pci_dev *a, const struct vd_pci_dev *b)
{
	return a->domain == b->domain && a->bus == b->bus && a->dev == b->dev;
}

bool vd_pci_on_vfio(const struct vd_pci_dev *d)
{
	return d->driver && (strcmp(d->driver, "vfio-pci") == 0 || strcmp(d->driver, "pci-stub") == 0);
}

char *vd_pci_label(const struct vd_pci_dev *d)
{
	if (d->vendor_name && d->device_name)
		return vd_xasprintf("%s %s", d->vendor_name, d->device_name);
	if (d->vendor_name)
		return vd_xasprintf("%s Device %04x", d->vendor_name, d->device);
	return vd_xasprintf("Device %04x:%04x", d->vendor, d->device);
}

const char *vd_pci_kind(const struct vd_pci_dev *d)
{
	return d->class_name ? d->class_name : "PCI function";
}

char *vd_pci_reset_methods(const struct vd_pci *pci, const struct vd_pci_dev *d, bool *from_kernel)
{
	struct vd_str s = {0};

	if (d->reset_method_err == 0 && d->reset_method) {
		*from_kernel = true;
		return vd_xstrdup(d->reset_method);
	}
	*from_kernel = false;
	if (!d->caps.known)
		return vd_xstrdup("");
	if (d->caps.pcie.flr)
		vd_str_add(&s, "flr ");
	if (d->caps.af.flr)
		vd_str_add(&s, "af_flr ");
	/* D3hot→D0 resets only when the function does not set No_Soft_Reset
	 * (pci_pm_reset). */
	if (d->caps.pm.present && !d->caps.pm.no_soft_reset)
		vd_str_add(&s, "pm ");
	/* A secondary bus reset is offered for a function alone on its bus
	 * (pci_parent_bus_reset). */
	if (d->parent >= 0) {
		bool alone = true;
		for (size_t i = 0; i < pci->n && alone; i++)
			alone = &pci->dev[i] == d || pci->dev[i].domain != d->domain || pci->dev[i].bus != d->bus;
		if (alone)
			vd_str_add(&s, "bus ");
	}
	if (s.len)
		s.s[--s.len] = '\0';
	return vd_str_steal(&s);
}

const char *vd_pci_config_reason(const struct vd_pci_dev *d)
{
	switch (d->config_err) {
	case 0:
		return d->caps.known ? "config space read" : "config space holds only the 64-byte header";
	case -ENOENT:
		return "no config space in this tree";
	case -EACCES:
	case -EPERM:
		return "config space past the header needs root";
	default:
		return vd_errno_reason(d->config_err);
	}
}
