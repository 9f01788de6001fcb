// SPDX-License-Identifier: GPL-2.0-or-later
/* ROMs on the host: the sysfs dump sequence and the ROM checks' evidence
 * (see rom-host.h). */
#include "rom-host.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "gpu.h"
#include "host.h"
#include "util.h"

/* include/linux/ioport.h: for the ROM resource, bit 1 of its flags means
 * the kernel reads the copy the BIOS shadowed at 0xC0000, not the card
 * (IORESOURCE_ROM_SHADOW; x86 sets it for the boot VGA device). */
#define IORESOURCE_ROM_SHADOW 0x2u

struct vd_romfile_ref *vd_host_add_romfile(struct vd_host *h, const char *path, const char *for_bdf, bool ovmf,
					   const char *source, const char *vm)
{
	h->romfiles = vd_xrealloc(h->romfiles, (h->nromfiles + 1) * sizeof(*h->romfiles));
	struct vd_romfile_ref *f = &h->romfiles[h->nromfiles++];
	memset(f, 0, sizeof(*f));
	f->path = vd_xstrdup(path);
	f->for_bdf = vd_xstrdup(for_bdf);
	f->ovmf = ovmf;
	f->source = vd_xstrdup(source);
	f->vm = vd_xstrdup(vm);
	return f;
}

/* Can a user other than the owner (and not in its group) open path for
 * reading? Each directory needs o+x, the file o+r. Symlinks are followed
 * (stat), as open() would. */
static void others_access(const struct vd_root *root, struct vd_rom_evidence *ev)
{
	_cleanup_free_ char *p = vd_xstrdup(ev->path);
	struct stat st;

	ev->others_can_read = true;
	for (char *s = strchr(p + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		int err = vd_root_stat(root, p, true, &st);
		if (err < 0 || !(st.st_mode & S_IXOTH)) {
			ev->others_can_read = false;
			ev->blocked_at = err < 0 ? vd_xasprintf("%s (%s)", p, vd_errno_reason(err))
						 : vd_xasprintf("%s (mode %04o)", p, (unsigned)(st.st_mode & 07777));
			return;
		}
		*s = '/';
	}
	if (!(ev->st.st_mode & S_IROTH)) {
		ev->others_can_read = false;
		ev->blocked_at =
		    vd_xasprintf("%s (mode %04o, owner %u:%u)", ev->path, (unsigned)(ev->st.st_mode & 07777),
				 (unsigned)ev->st.st_uid, (unsigned)ev->st.st_gid);
	}
}

static void read_rom(const struct vd_root *root, const char *path, bool access, struct vd_rom_evidence *ev)
{
	char *data = NULL;
	size_t len = 0;

	ev->path = vd_xstrdup(path);
	ev->err = vd_root_read(root, path, VD_ROM_MAX_SIZE, &data, &len);
	if (ev->err == 0 && (ev->err = vd_root_stat(root, path, true, &ev->st)) == 0) {
		vd_rom_parse((const uint8_t *)data, len, &ev->rom);
		if (access)
			others_access(root, ev);
	}
	free(data);
}

void vd_rom_gather(const struct vd_root *root, struct vd_host *h)
{
	for (size_t i = 0; i < h->nromfiles; i++) {
		struct vd_romfile_ref *f = &h->romfiles[i];
		/* QEMU's qemu_find_file(QEMU_FILE_TYPE_BIOS) takes a relative
		 * romfile from its working directory (/ under libvirt), then
		 * from its data directory (Debian's /usr/share/qemu): a bare
		 * name like "efi-virtio.rom" is the latter, "roms/x.rom" the
		 * former. */
		const char *rf = f->path;
		_cleanup_free_ char *p = rf[0] == '/'       ? vd_xstrdup(rf)
					 : strchr(rf, '/') ? vd_xasprintf("/%s", rf)
							   : vd_xasprintf("/usr/share/qemu/%s", rf);
		read_rom(root, p, true, &f->ev);
	}
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_gpu_is_passthrough(d))
			continue;
		h->gpu_roms = vd_xrealloc(h->gpu_roms, (h->ngpu_roms + 1) * sizeof(*h->gpu_roms));
		struct vd_gpu_rom *g = &h->gpu_roms[h->ngpu_roms++];
		memset(g, 0, sizeof(*g));
		g->dev = i;
		_cleanup_free_ char *p = vd_xasprintf("/sys/bus/pci/devices/%s/rom", d->name);
		read_rom(root, p, false, &g->ev);
	}
}

static void evidence_done(struct vd_rom_evidence *ev)
{
	free(ev->path);
	free(ev->blocked_at);
	vd_rom_done(&ev->rom);
}

void vd_rom_host_done(struct vd_host *h)
{
	for (size_t i = 0; i < h->nromfiles; i++) {
		struct vd_romfile_ref *f = &h->romfiles[i];
		free(f->path);
		free(f->for_bdf);
		free(f->source);
		free(f->vm);
		evidence_done(&f->ev);
	}
	free(h->romfiles);
	for (size_t i = 0; i < h->ngpu_roms; i++)
		evidence_done(&h->gpu_roms[i].ev);
	free(h->gpu_roms);
	h->romfiles = NULL;
	h->gpu_roms = NULL;
	h->nromfiles = h->ngpu_roms = 0;
}

struct root_io {
	const struct vd_root *root;
};

static int root_read(void *ctx, const char *path, char **data, size_t *len)
{
	const struct root_io *io = ctx;
	return vd_root_read(io->root, path, VD_ROM_MAX_SIZE, data, len);
}

static int root_write(void *ctx, const char *path, const char *data, size_t len)
{
	const struct root_io *io = ctx;
	return vd_root_write_attr(io->root, path, data, len);
}

/* The ROM resource (line 7 of the resource file: six BARs, then the ROM). */
static bool rom_shadowed(const struct vd_root *r, const char *dir)
{
	_cleanup_free_ char *p = vd_xasprintf("%s/resource", dir);
	_cleanup_free_ char *text = NULL;
	size_t len;
	uint64_t start, end, flags;

	if (vd_root_read(r, p, 0, &text, &len) < 0)
		return false;
	const char *line = text;
	for (int i = 0; i < 6 && line; i++) {
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return line && sscanf(line, "%" SCNx64 " %" SCNx64 " %" SCNx64, &start, &end, &flags) == 3 &&
	       (flags & IORESOURCE_ROM_SHADOW);
}

int vd_rom_dump_device(const struct vd_root *r, const char *bdf, const struct vd_rom_attr_io *io,
		       struct vd_rom_dump *out)
{
	struct root_io rio = {r};
	struct vd_rom_attr_io def = {root_read, root_write, &rio};
	unsigned dom, bus, dev, fn;
	struct stat st;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!io)
		io = &def;
	if (vd_pci_parse_addr(bdf, &dom, &bus, &dev, &fn) < 0) {
		out->stage = VD_DUMP_NO_DEVICE;
		return out->err = -EINVAL;
	}
	_cleanup_free_ char *dir = vd_xasprintf("/sys/bus/pci/devices/%04x:%02x:%02x.%x", dom, bus, dev, fn);
	out->path = vd_xasprintf("%s/rom", dir);
	ret = vd_root_stat(r, dir, true, &st);
	if (ret < 0) {
		out->stage = VD_DUMP_NO_DEVICE;
		return out->err = ret;
	}
	ret = vd_root_stat(r, out->path, true, &st);
	if (ret < 0) {
		out->stage = ret == -ENOENT ? VD_DUMP_NO_ROM : VD_DUMP_READ;
		return out->err = ret;
	}
	out->shadowed = rom_shadowed(r, dir);

	/* The kernel refuses reads with EINVAL until "1" is written
	 * (drivers/pci/pci-sysfs.c pci_read_rom: !rom_attr_enabled). A read
	 * that works means someone enabled it: read, and leave it so. */
	ret = io->read(io->ctx, out->path, &out->data, &out->len);
	if (ret == 0) {
		out->was_enabled = true;
		goto done;
	}
	if (ret != -EINVAL) {
		out->stage = VD_DUMP_READ;
		return out->err = ret;
	}

	/* pci_write_rom: any write enables, except exactly "0" plus one more
	 * byte at offset 0, which disables ("echo 0 > rom" writes "0\n"); a
	 * bare "0" would enable it. Later kernels parse the value with
	 * kstrtobool instead; "1\n" and "0\n" mean the same to both. The
	 * disable is written whatever happened after the enable was tried. */
	out->enabled_here = true;
	ret = io->write(io->ctx, out->path, "1\n", 2);
	if (ret < 0) {
		out->stage = VD_DUMP_ENABLE;
		out->err = ret;
	} else {
		ret = io->read(io->ctx, out->path, &out->data, &out->len);
		if (ret < 0) {
			out->stage = VD_DUMP_READ;
			out->err = ret;
		}
	}
	out->restore_err = io->write(io->ctx, out->path, "0\n", 2);
	if (out->err)
		return out->err;
done:
	if (out->len == 0) {
		free(out->data);
		out->data = NULL;
		out->stage = VD_DUMP_READ;
		return out->err = -ENODATA;
	}
	return 0;
}

void vd_rom_dump_done(struct vd_rom_dump *d)
{
	if (!d)
		return;
	free(d->path);
	free(d->data);
	memset(d, 0, sizeof(*d));
}
