// SPDX-License-Identifier: GPL-2.0-or-later
/* ROMs on the host: the sysfs dump sequence against a fake `rom` attribute
 * that behaves like the kernel's, and the ROM checks (gpu-rom, romfile) on
 * hosts built in C over a temporary root holding real ROMs. */
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "rom-host.h"
#include "unit.h"
#include "util.h"

#define EFI_ROM "/usr/lib/ipxe/qemu/efi-virtio.rom"
#define VGA_ROM "/usr/share/seabios/vgabios-stdvga.bin"
#define GPU	"0000:01:00.0"
#define GPU_DIR "/sys/bus/pci/devices/" GPU

static char tmpl[] = "/tmp/vd-test-rom-XXXXXX";

/* Linux drivers/pci/pci-sysfs.c, pci_read_rom/pci_write_rom: reads give
 * EINVAL until enabled; a write enables unless it is exactly "0" and one
 * more byte at offset 0. */
struct fake_kernel {
	bool enabled;
	int read_err, write_err; /* when enabled / on every write */
	const char *data;
	size_t len;
	char log[8][4];
	size_t nlog;
};

static int fk_read(void *ctx, const char *path, char **data, size_t *len)
{
	struct fake_kernel *k = ctx;
	CHECK_STR(path, GPU_DIR "/rom");
	if (!k->enabled)
		return -EINVAL;
	if (k->read_err)
		return k->read_err;
	*data = vd_xmalloc(k->len + 1);
	memcpy(*data, k->data, k->len);
	*len = k->len;
	return 0;
}

static int fk_write(void *ctx, const char *path, const char *data, size_t len)
{
	struct fake_kernel *k = ctx;
	(void)path;
	if (k->nlog < 8)
		snprintf(k->log[k->nlog++], 4, "%.*s", (int)(len < 3 ? len : 3), data);
	if (k->write_err)
		return k->write_err;
	k->enabled = !(len == 2 && data[0] == '0');
	return 0;
}

static void put_file(struct vd_root *r, const char *path, const void *data, size_t len, mode_t mode)
{
	vd_root_unlink(r, path);
	CHECK_INT(vd_root_write_atomic(r, path, data, len, mode), 0);
}

static char *load(const char *path, size_t *len)
{
	char *d = NULL;
	if (vd_read_user_file(path, VD_ROM_MAX_SIZE, &d, len) < 0) {
		fprintf(stderr, "cannot read %s (sh tools/deps.sh test installs it)\n", path);
		unit_failures++;
	}
	return d;
}

static const char resource_plain[] = "0x00000000f6000000 0x00000000f6ffffff 0x0000000000040200\n"
				     "0 0 0\n0 0 0\n0 0 0\n0 0 0\n0 0 0\n"
				     "0x00000000f7000000 0x00000000f707ffff 0x0000000000046200\n";
static const char resource_shadow[] = "0x00000000f6000000 0x00000000f6ffffff 0x0000000000040200\n"
				      "0 0 0\n0 0 0\n0 0 0\n0 0 0\n0 0 0\n"
				      "0x00000000000c0000 0x00000000000dffff 0x0000000000000202\n";

static void test_dump(struct vd_root *r, const char *rom, size_t len)
{
	struct vd_rom_dump d;
	struct fake_kernel k = {.data = rom, .len = len};
	struct vd_rom_attr_io io = {fk_read, fk_write, &k};

	put_file(r, GPU_DIR "/resource", resource_plain, strlen(resource_plain), 0444);

	/* Disabled, as the kernel starts: enable, read, disable. */
	CHECK_INT(vd_rom_dump_device(r, "01:00.0", &io, &d), 0);
	CHECK(d.len == len && memcmp(d.data, rom, len) == 0);
	CHECK(d.enabled_here && !d.was_enabled && !d.shadowed);
	CHECK_INT(k.nlog, 2);
	CHECK_STR(k.log[0], "1\n");
	CHECK_STR(k.log[1], "0\n");
	CHECK(!k.enabled);
	CHECK_STR(d.path, GPU_DIR "/rom");
	vd_rom_dump_done(&d);

	/* Someone left it enabled: read, and leave it so (no writes). */
	k = (struct fake_kernel){.enabled = true, .data = rom, .len = len};
	CHECK_INT(vd_rom_dump_device(r, GPU, &io, &d), 0);
	CHECK(d.was_enabled && !d.enabled_here && k.nlog == 0 && k.enabled);
	vd_rom_dump_done(&d);

	/* The kernel cannot map the ROM once enabled (in use, shadow gone):
	 * EIO, and it is disabled again. */
	k = (struct fake_kernel){.read_err = -EIO, .data = rom, .len = len};
	CHECK_INT(vd_rom_dump_device(r, GPU, &io, &d), -EIO);
	CHECK_INT(d.stage, VD_DUMP_READ);
	CHECK(d.data == NULL && !k.enabled && k.nlog == 2);
	vd_rom_dump_done(&d);

	/* Enabled but zero bytes: refused as such, disabled again. */
	k = (struct fake_kernel){.data = rom, .len = 0};
	CHECK_INT(vd_rom_dump_device(r, GPU, &io, &d), -ENODATA);
	CHECK(d.data == NULL && !k.enabled);
	vd_rom_dump_done(&d);

	/* The enable write fails: the disable is still written. */
	k = (struct fake_kernel){.write_err = -EACCES, .data = rom, .len = len};
	CHECK_INT(vd_rom_dump_device(r, GPU, &io, &d), -EACCES);
	CHECK_INT(d.stage, VD_DUMP_ENABLE);
	CHECK_INT(k.nlog, 2);
	CHECK_INT(d.restore_err, -EACCES);
	vd_rom_dump_done(&d);

	/* Not root on a live host: the first read says so, nothing written. */
	k = (struct fake_kernel){.enabled = true, .read_err = -EACCES};
	CHECK_INT(vd_rom_dump_device(r, GPU, &io, &d), -EACCES);
	CHECK(d.stage == VD_DUMP_READ && k.nlog == 0);
	vd_rom_dump_done(&d);

	/* The shadow flag on the ROM resource is reported. */
	put_file(r, GPU_DIR "/resource", resource_shadow, strlen(resource_shadow), 0444);
	k = (struct fake_kernel){.data = rom, .len = len};
	CHECK_INT(vd_rom_dump_device(r, GPU, &io, &d), 0);
	CHECK(d.shadowed);
	vd_rom_dump_done(&d);

	/* No such device, no rom attribute, a malformed address. */
	CHECK_INT(vd_rom_dump_device(r, "0000:02:00.0", &io, &d), -ENOENT);
	CHECK_INT(d.stage, VD_DUMP_NO_DEVICE);
	vd_rom_dump_done(&d);
	vd_root_unlink(r, GPU_DIR "/rom");
	CHECK_INT(vd_rom_dump_device(r, GPU, &io, &d), -ENOENT);
	CHECK_INT(d.stage, VD_DUMP_NO_ROM);
	vd_rom_dump_done(&d);
	CHECK_INT(vd_rom_dump_device(r, "bogus", &io, &d), -EINVAL);
	vd_rom_dump_done(&d);

	/* The root layer's own I/O on a fixture's regular file: it reads, so it
	 * counts as enabled and nothing is written to it. */
	put_file(r, GPU_DIR "/rom", rom, len, 0600);
	CHECK_INT(vd_rom_dump_device(r, GPU, NULL, &d), 0);
	CHECK(d.was_enabled && d.len == len && memcmp(d.data, rom, len) == 0);
	vd_rom_dump_done(&d);
}

/* A host with one GPU on vfio-pci, built in C. */
static void host_init(struct vd_host *h, const struct vd_root *r, uint16_t ven, uint16_t dev)
{
	memset(h, 0, sizeof(*h));
	h->root = r;
	h->is_root = true;
	h->pci.n = 1;
	h->pci.dev = vd_xcalloc(1, sizeof(*h->pci.dev));
	struct vd_pci_dev *d = &h->pci.dev[0];
	snprintf(d->name, sizeof(d->name), GPU);
	d->bus = 1;
	d->vendor = ven;
	d->device = dev;
	d->class24 = 0x030000;
	d->driver = vd_xstrdup("vfio-pci");
	d->iommu_group = -1;
	d->boot_vga = 0;
}

static const struct vd_finding *only(const struct vd_findings *fs, const char *id, enum vd_severity sev)
{
	const struct vd_finding *f = NULL;
	size_t n = 0;
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].id, id) == 0 && fs->f[i].severity != VD_PASS) {
			n++;
			f = &fs->f[i];
		}
	if (n != 1 || f->severity != sev) {
		fprintf(stderr, "%s: %zu findings, last %s\n", id, n, f ? vd_severity_name(f->severity) : "-");
		for (size_t i = 0; i < fs->n; i++)
			fprintf(stderr, "  %s %s: %s\n", fs->f[i].id, vd_severity_name(fs->f[i].severity),
				fs->f[i].message);
		unit_failures++;
		return NULL;
	}
	return f;
}

static void run_check(struct vd_host *h, const char *id, struct vd_findings *fs)
{
	char *bad = NULL;
	memset(fs, 0, sizeof(*fs));
	vd_rom_gather(h->root, h);
	CHECK_INT(vd_checks_run(h, id, fs, &bad), 0);
}

static void test_gpu_rom(struct vd_root *r, const char *efi, size_t elen, const char *vga, size_t vlen)
{
	struct vd_host h;
	struct vd_findings fs;
	const struct vd_finding *f;

	/* The card's own ROM is a UEFI-capable one with its IDs. */
	host_init(&h, r, 0x1af4, 0x1041);
	put_file(r, GPU_DIR "/rom", efi, elen, 0600);
	run_check(&h, "gpu-rom", &fs);
	CHECK_INT(fs.n, 1);
	CHECK(fs.n && fs.f[0].severity == VD_PASS && strstr(fs.f[0].message, "UEFI-capable (X64 boot-service driver)"));
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* Legacy only: a warning naming error 43, a manual fix, never a flash. */
	host_init(&h, r, 0x1234, 0x1111);
	put_file(r, GPU_DIR "/rom", vga, vlen, 0600);
	run_check(&h, "gpu-rom", &fs);
	f = only(&fs, "gpu-rom", VD_WARN);
	CHECK(f && strstr(f->message, "no UEFI image") && strstr(f->message, "error 43"));
	CHECK(f && f->nfix == 1 && f->fix[0].kind == VD_FIX_MANUAL);
	CHECK(f && strstr(f->hint, "Never flash"));
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* ... unless the kernel read the BIOS's shadow copy: then unknown. */
	host_init(&h, r, 0x1234, 0x1111);
	h.pci.dev[0].bar[VD_PCI_ROM_BAR].flags = 0x202;
	run_check(&h, "gpu-rom", &fs);
	f = only(&fs, "gpu-rom", VD_UNKNOWN);
	CHECK(f && strstr(f->message, "shadow"));
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* A card flashed with another model's ROM. */
	host_init(&h, r, 0x10de, 0x1184);
	put_file(r, GPU_DIR "/rom", efi, elen, 0600);
	run_check(&h, "gpu-rom", &fs);
	f = only(&fs, "gpu-rom", VD_WARN);
	CHECK(f && strstr(f->message, "another model") && strstr(f->message, "[10de:1184]"));
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* No rom attribute in a snapshot; garbage from the kernel. */
	host_init(&h, r, 0x10de, 0x1184);
	vd_root_unlink(r, GPU_DIR "/rom");
	run_check(&h, "gpu-rom", &fs);
	f = only(&fs, "gpu-rom", VD_INFO);
	CHECK(f && strstr(f->message, "snapshot") && f->hint && strstr(f->hint, "rom --device " GPU));
	vd_findings_done(&fs);
	vd_host_done(&h);
	host_init(&h, r, 0x10de, 0x1184);
	put_file(r, GPU_DIR "/rom", "\xff\xff\xff\xff", 4, 0600);
	run_check(&h, "gpu-rom", &fs);
	f = only(&fs, "gpu-rom", VD_WARN);
	CHECK(f && strstr(f->message, "does not start with a PCI expansion ROM"));
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* No GPU on vfio-pci. */
	host_init(&h, r, 0x10de, 0x1184);
	free(h.pci.dev[0].driver);
	h.pci.dev[0].driver = vd_xstrdup("nouveau");
	run_check(&h, "gpu-rom", &fs);
	f = only(&fs, "gpu-rom", VD_INFO);
	CHECK(f && f->subject == NULL && h.ngpu_roms == 0);
	vd_findings_done(&fs);
	vd_host_done(&h);
}

/* One ROM file reference, checked. */
static const struct vd_finding *romfile(struct vd_host *h, struct vd_findings *fs, const char *path, bool ovmf,
					enum vd_severity sev)
{
	vd_host_add_romfile(h, path, GPU, ovmf, "/etc/libvirt/qemu/win10.xml", "win10");
	run_check(h, "romfile", fs);
	return only(fs, "romfile", sev);
}

static void test_romfile(struct vd_root *r, const char *efi, size_t elen, const char *vga, size_t vlen)
{
	struct vd_host h;
	struct vd_findings fs;
	const struct vd_finding *f;

	vd_root_mkdirs(r, "/srv/roms", 0755);
	put_file(r, "/srv/roms/virtio.rom", efi, elen, 0644);
	put_file(r, "/srv/roms/stdvga.rom", vga, vlen, 0644);

	/* Nothing to check without references. */
	host_init(&h, r, 0x1af4, 0x1041);
	run_check(&h, "romfile", &fs);
	CHECK(fs.n == 1 && fs.f[0].severity == VD_INFO && strstr(fs.f[0].message, "nothing to check"));
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* All good: exists, readable by others, whole, matches, UEFI. */
	host_init(&h, r, 0x1af4, 0x1041);
	vd_host_add_romfile(&h, "/srv/roms/virtio.rom", GPU, true, "/etc/libvirt/qemu/win10.xml", "win10");
	run_check(&h, "romfile", &fs);
	CHECK(fs.n == 1 && fs.f[0].severity == VD_PASS && strcmp(fs.f[0].subject, GPU) == 0);
	CHECK(fs.n == 1 && strstr(fs.f[0].message, "for " GPU " [1af4:1041]; UEFI-capable"));
	CHECK(fs.n == 1 && fs.f[0].nev == 2 && strcmp(fs.f[0].ev[1].source, "/etc/libvirt/qemu/win10.xml") == 0);
	vd_findings_done(&fs);
	vd_host_done(&h);

	host_init(&h, r, 0x1af4, 0x1041);
	f = romfile(&h, &fs, "/srv/roms/missing.rom", true, VD_FAIL);
	CHECK(f && strstr(f->message, "does not exist"));
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* Owner-only: QEMU's user cannot read it. */
	put_file(r, "/srv/roms/private.rom", efi, elen, 0600);
	host_init(&h, r, 0x1af4, 0x1041);
	f = romfile(&h, &fs, "/srv/roms/private.rom", true, VD_WARN);
	CHECK(f && strstr(f->message, "QEMU may not be able to read") && strstr(f->message, "0600"));
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* A ROM for another model. */
	host_init(&h, r, 0x10de, 0x1184);
	f = romfile(&h, &fs, "/srv/roms/virtio.rom", false, VD_FAIL);
	CHECK(f && strstr(f->message, "another model") && strstr(f->message, "never flash"));
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* Legacy only, VM on OVMF: fail; on SeaBIOS: fine. */
	host_init(&h, r, 0x1234, 0x1111);
	f = romfile(&h, &fs, "/srv/roms/stdvga.rom", true, VD_FAIL);
	CHECK(f && strstr(f->message, "boots OVMF") && strstr(f->message, "no UEFI image"));
	vd_findings_done(&fs);
	vd_host_done(&h);
	host_init(&h, r, 0x1234, 0x1111);
	vd_host_add_romfile(&h, "/srv/roms/stdvga.rom", GPU, false, NULL, NULL);
	run_check(&h, "romfile", &fs);
	CHECK(fs.n == 1 && fs.f[0].severity == VD_PASS);
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* A dump with a tool's header before the signature: the fix strips it. */
	char *pre = vd_xmalloc(0x600 + elen);
	memset(pre, 0, 0x600);
	memcpy(pre + 0x600, efi, elen);
	put_file(r, "/srv/roms/prefixed.rom", pre, 0x600 + elen, 0644);
	free(pre);
	host_init(&h, r, 0x1af4, 0x1041);
	f = romfile(&h, &fs, "/srv/roms/prefixed.rom", true, VD_FAIL);
	CHECK(f && strstr(f->message, "1536 bytes before its ROM signature"));
	CHECK(f && f->nfix == 1 &&
	      strcmp(f->fix[0].value, "vfio-doctor rom /srv/roms/prefixed.rom --strip -o "
				      "/srv/roms/prefixed.rom.stripped") == 0);
	vd_findings_done(&fs);
	vd_host_done(&h);

	/* Truncated, and not a ROM at all. */
	put_file(r, "/srv/roms/cut.rom", efi, 100000, 0644);
	host_init(&h, r, 0x1af4, 0x1041);
	vd_host_add_romfile(&h, "/srv/roms/cut.rom", GPU, false, NULL, NULL);
	run_check(&h, "romfile", &fs);
	f = only(&fs, "romfile", VD_FAIL);
	CHECK(f && strstr(f->message, "damaged") && strstr(f->message, "truncated"));
	vd_findings_done(&fs);
	vd_host_done(&h);
	put_file(r, "/srv/roms/text.rom", "hello\n", 6, 0644);
	host_init(&h, r, 0x1af4, 0x1041);
	f = romfile(&h, &fs, "/srv/roms/text.rom", false, VD_FAIL);
	CHECK(f && strstr(f->message, "not a PCI expansion ROM"));
	vd_findings_done(&fs);
	vd_host_done(&h);
}

int main(void)
{
	struct vd_root *r;
	size_t elen = 0, vlen = 0;
	char *efi = load(EFI_ROM, &elen), *vga = load(VGA_ROM, &vlen);

	if (!mkdtemp(tmpl) || vd_root_open(tmpl, 0, &r) < 0)
		return 2;
	chmod(tmpl, 0755);
	CHECK_INT(vd_root_mkdirs(r, GPU_DIR, 0755), 0);
	if (efi && vga) {
		put_file(r, GPU_DIR "/rom", efi, elen, 0600);
		test_dump(r, efi, elen);
		test_gpu_rom(r, efi, elen, vga, vlen);
		test_romfile(r, efi, elen, vga, vlen);
	}
	vd_root_free(r);
	free(efi);
	free(vga);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		return 2;
	return unit_done("test-rom-host");
}
