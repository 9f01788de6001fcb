// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-doctor rom: parse PCI expansion ROM files, compare them with a host
 * device, strip a dump tool's header, dump a device's ROM through sysfs. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "cli.h"
#include "rom-host.h"
#include "rom-render.h"

struct rom_opts {
	const char *for_bdf, *device, *output;
	bool strip;
};

static void help(void)
{
	printf("usage: vfio-doctor rom FILE... [--for BDF] [--json]\n"
	       "       vfio-doctor rom FILE --strip -o OUT\n"
	       "       vfio-doctor [--root DIR] rom --device BDF -o OUT\n\n"
	       "Reads PCI expansion ROMs (GPU VBIOS dumps, option ROMs): every image with the facts\n"
	       "rom-parser prints, checksums, EFI details, and whether OVMF can use it.\n\n"
	       "  --for BDF       compare the ROM's vendor/device IDs with host device BDF (under --root)\n"
	       "  --strip         write the ROM without the header some dump tools put before it\n"
	       "  --device BDF    read BDF's ROM through sysfs (echo 1 > rom; cat rom; echo 0 > rom), as root\n"
	       "  -o, --output    the file to create (never replaced, never the input)\n\n"
	       "vfio-doctor never writes firmware to a device.\n\n"
	       "Exit status: FILE...: 0 every ROM is valid and UEFI-capable (and matches --for), 1 not,\n"
	       "2 usage or read errors. --strip, --device: 0 written, 1 refused (nothing written), 2 errors.\n");
}

/* The document: the ROMs, and what --strip or --device did (null otherwise). */
static void print_json(json_object *roms, json_object *strip, json_object *dump)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "schema", json_object_new_string("vfio-doctor/rom/1"));
	json_object_object_add(o, "roms", roms);
	json_object_object_add(o, "strip", strip);
	json_object_object_add(o, "dump", dump);
	cli_print_json(o);
}

static json_object *unreadable_json(const char *name, int err)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "file", json_object_new_string(name));
	json_object_object_add(o, "read_error", json_object_new_string(strerror(-err)));
	static const char *const nulls[] = {
	    "size",   "valid", "usable_as_romfile", "start", "end", "truncated", "error", "notes",
	    "images", "uefi",  "verdict",	    "device"};
	for (size_t i = 0; i < ARRAY_SIZE(nulls); i++)
		json_object_object_add(o, nulls[i], NULL);
	return o;
}

/* What a user does next, for text output only. */
static void hints(struct vd_str *s, const char *name, const struct vd_rom *r)
{
	if (r->start && r->error == VD_ROM_OK) {
		_cleanup_free_ char *t =
		    vd_xasprintf("Write a copy QEMU can use: vfio-doctor rom %s --strip -o %s.stripped", name, name);
		vd_wrap(s, "  > ", 4, t, 80);
	}
	/* Display controllers only: for a NIC's boot ROM the verdict says enough. */
	if (r->nimg && r->img[0].pcir_ok && r->img[0].class_code >> 16 == 0x03 && !vd_rom_uefi_image(r))
		vd_wrap(s, "  > ", 4,
			"OVMF needs a UEFI (type 3, EFI) image to show anything before the guest's driver loads. Give "
			"the VM a UEFI-capable ROM of the same model (<rom file='...'/> in the hostdev, or romfile=); "
			"vfio-doctor never flashes firmware (see 'vfio-doctor explain gpu-rom').",
			80);
}

static int read_rom_file(const char *name, char **data, size_t *len)
{
	int ret = vd_read_user_file(name, VD_ROM_MAX_SIZE, data, len);
	if (ret == -EFBIG)
		cli_error("rom: %s: larger than 16 MiB, the most a PCI ROM BAR decodes: not a ROM", name);
	else if (ret < 0)
		cli_error("rom: %s: %s", name, strerror(-ret));
	return ret;
}

/* --for BDF: the device under --root. */
static int find_target(struct cli *c, const char *bdf, struct vd_root **root, struct vd_host *h,
		       struct vd_rom_target *t, char **label)
{
	unsigned dom, bus, dev, fn;
	char name[16];

	if (vd_pci_parse_addr(bdf, &dom, &bus, &dev, &fn) < 0)
		return cli_error("rom: --for %s: not a PCI address (DDDD:BB:DD.F or BB:DD.F)", bdf);
	snprintf(name, sizeof(name), "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	if (cli_open_root(c, root))
		return EXIT_USAGE;
	struct vd_host_opts ho = {.pci_only = true};
	int ret = vd_host_gather(*root, &ho, h);
	if (ret < 0)
		return cli_error("rom: could not gather the host: %s", strerror(-ret));
	const struct vd_pci_dev *d = vd_pci_find(&h->pci, name);
	if (!d)
		return cli_error("rom: --for %s: no such PCI device under %s", name, vd_root_path(*root));
	if (d->ident_err)
		return cli_error("rom: --for %s: its vendor and device IDs are unreadable (%s)", name,
				 vd_errno_reason(d->ident_err));
	*label = vd_pci_label(d);
	t->address = d->name;
	t->vendor = d->vendor;
	t->device = d->device;
	t->label = *label;
	return EXIT_OK;
}

static int report_files(struct cli *c, const struct rom_opts *o, int n, char **files)
{
	struct vd_root *root = NULL;
	struct vd_host h = {0};
	struct vd_rom_target target, *t = NULL;
	_cleanup_free_ char *label = NULL;
	json_object *roms = c->json ? json_object_new_array() : NULL;
	int rc = EXIT_OK;

	if (o->for_bdf) {
		rc = find_target(c, o->for_bdf, &root, &h, &target, &label);
		if (rc != EXIT_OK)
			goto out;
		t = &target;
	}
	for (int i = 0; i < n; i++) {
		_cleanup_free_ char *data = NULL;
		size_t len;
		struct vd_rom r;
		int ret = c->json ? vd_read_user_file(files[i], VD_ROM_MAX_SIZE, &data, &len)
				  : read_rom_file(files[i], &data, &len);
		if (ret < 0) {
			if (roms)
				json_object_array_add(roms, unreadable_json(files[i], ret));
			rc = EXIT_USAGE;
			continue;
		}
		vd_rom_parse((const uint8_t *)data, len, &r);
		if (roms) {
			json_object_array_add(roms, vd_rom_json(files[i], &r, t));
		} else {
			struct vd_str s = {0};
			if (i)
				vd_str_addc(&s, '\n');
			vd_rom_text(&s, files[i], &r, t, 80);
			hints(&s, files[i], &r);
			fputs(s.s, stdout);
			vd_str_done(&s);
		}
		bool good = vd_rom_usable(&r) && vd_rom_uefi_image(&r) && (!t || vd_rom_target_matches(&r, t));
		if (!good && rc == EXIT_OK)
			rc = EXIT_FINDINGS;
		vd_rom_done(&r);
	}
	if (roms) {
		print_json(roms, NULL, NULL);
		roms = NULL;
	}
out:
	json_object_put(roms);
	vd_host_done(&h);
	vd_root_free(root);
	return rc;
}

static int write_output(const char *out, const char *data, size_t len)
{
	int ret = vd_write_user_file(out, data, len, 0644, false);
	if (ret == -EEXIST)
		return cli_error("rom: %s already exists: give a new file name (vfio-doctor replaces nothing)", out);
	if (ret < 0)
		return cli_error("rom: writing %s: %s", out, strerror(-ret));
	/* Read it back: what is on disk must be what was verified. */
	_cleanup_free_ char *back = NULL;
	size_t blen;
	ret = vd_read_user_file(out, VD_ROM_MAX_SIZE, &back, &blen);
	if (ret < 0 || blen != len || memcmp(back, data, len) != 0)
		return cli_error("rom: %s does not read back as written%s%s", out, ret < 0 ? ": " : "",
				 ret < 0 ? strerror(-ret) : "");
	return EXIT_OK;
}

/* The written ROM, reported like `rom FILE`. */
static void report_written(struct cli *c, const char *out, const struct vd_rom *r, json_object *strip,
			   json_object *dump)
{
	if (c->json) {
		json_object *roms = json_object_new_array();
		json_object_array_add(roms, vd_rom_json(out, r, NULL));
		print_json(roms, strip, dump);
		return;
	}
	struct vd_str s = {0};
	vd_rom_text(&s, out, r, NULL, 80);
	hints(&s, out, r);
	fputs(s.s, stdout);
	vd_str_done(&s);
}

static int strip(struct cli *c, const char *in, const char *out)
{
	_cleanup_free_ char *data = NULL;
	size_t len;
	struct vd_rom r, again;

	if (read_rom_file(in, &data, &len) < 0)
		return EXIT_USAGE;
	vd_rom_parse((const uint8_t *)data, len, &r);
	if (r.start == 0) {
		if (r.nimg)
			fprintf(stderr,
				"vfio-doctor: rom: %s starts with its ROM signature: nothing to strip, %s not "
				"written\n",
				in, out);
		else
			fprintf(stderr, "vfio-doctor: rom: %s: no ROM to strip (%s); %s not written\n", in,
				r.error_text, out);
		vd_rom_done(&r);
		return EXIT_FINDINGS;
	}
	size_t start = r.start;
	vd_rom_done(&r);
	/* The output is the input from the signature on, byte for byte; it
	 * must parse whole from offset 0 before anything is written. */
	vd_rom_parse((const uint8_t *)data + start, len - start, &again);
	if (!vd_rom_usable(&again)) {
		fprintf(stderr, "vfio-doctor: rom: the ROM at 0x%zx in %s does not parse whole (%s); %s not written\n",
			start, in, again.error_text ? again.error_text : "no image", out);
		vd_rom_done(&again);
		return EXIT_FINDINGS;
	}
	int rc = write_output(out, data + start, len - start);
	if (rc == EXIT_OK) {
		json_object *j = NULL;
		if (c->json) {
			j = json_object_new_object();
			json_object_object_add(j, "input", json_object_new_string(in));
			json_object_object_add(j, "output", json_object_new_string(out));
			json_object_object_add(j, "removed", json_object_new_int64((int64_t)start));
			json_object_object_add(j, "bytes", json_object_new_int64((int64_t)(len - start)));
		} else {
			fprintf(stderr, "vfio-doctor: wrote %s: %zu bytes, %s without its first %zu bytes\n", out,
				len - start, in, start);
		}
		report_written(c, out, &again, j, NULL);
	}
	vd_rom_done(&again);
	return rc;
}

/* Why the kernel gave nothing, as one line. */
static int dump_refused(const struct vd_rom_dump *d, const char *bdf, const char *out)
{
	switch (d->stage) {
	case VD_DUMP_NO_DEVICE:
		return cli_error("rom: --device %s: no such PCI device (%s)", bdf, strerror(-d->err));
	case VD_DUMP_NO_ROM:
		return cli_error("rom: --device %s has no rom attribute: the device exposes no expansion ROM (many "
				 "laptop GPUs keep their VBIOS in the system firmware); %s not written",
				 bdf, out);
	case VD_DUMP_ENABLE:
	case VD_DUMP_READ:
	case VD_DUMP_OK:
		break;
	}
	if (d->err == -EACCES || d->err == -EPERM)
		return cli_error("rom: --device %s: permission denied: the rom attribute is root's only; run as root",
				 bdf);
	if (d->err == -ENODATA) {
		cli_error("rom: --device %s: the kernel returned 0 bytes; %s not written", bdf, out);
		return EXIT_FINDINGS;
	}
	if (d->err == -EIO) {
		cli_error("rom: --device %s: the kernel could not read a valid ROM (EIO): the card's ROM is %s; %s not "
			  "written",
			  bdf,
			  d->shadowed
			      ? "shadowed (the BIOS's copy of the boot GPU's ROM is gone or damaged)"
			      : "disabled or hidden while a driver uses the card, or the card has none; try with "
				"the card unbound (vfio-pci, no VM running)",
			  out);
		return EXIT_FINDINGS;
	}
	return cli_error("rom: --device %s: %s the rom attribute: %s; %s not written", bdf,
			 d->stage == VD_DUMP_ENABLE ? "enabling" : "reading", strerror(-d->err), out);
}

static int dump(struct cli *c, const char *arg, const char *out)
{
	struct vd_root *root;
	struct vd_rom_dump d;
	struct vd_rom r;
	unsigned dom, bus, dev, fn;
	char bdf[16];
	int rc;

	if (vd_pci_parse_addr(arg, &dom, &bus, &dev, &fn) < 0)
		return cli_error("rom: --device %s: not a PCI address (DDDD:BB:DD.F or BB:DD.F)", arg);
	snprintf(bdf, sizeof(bdf), "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	if (cli_open_root(c, &root))
		return EXIT_USAGE;
	if (vd_root_is_live(root) && geteuid() != 0) {
		vd_root_free(root);
		return cli_error(
		    "rom: --device needs root: the kernel's rom attribute is readable and writable by root "
		    "only");
	}
	int ret = vd_rom_dump_device(root, bdf, NULL, &d);
	vd_root_free(root);
	if (d.restore_err)
		cli_error("rom: --device %s: could not disable the rom attribute again (%s): run 'echo 0 > "
			  "/sys/bus/pci/devices/%s/rom' as root",
			  bdf, strerror(-d.restore_err), bdf);
	if (ret < 0) {
		rc = dump_refused(&d, bdf, out);
		vd_rom_dump_done(&d);
		return rc;
	}
	vd_rom_parse((const uint8_t *)d.data, d.len, &r);
	if (r.nimg == 0 || !r.img[0].pcir_ok || r.start != 0) {
		cli_error("rom: --device %s: the kernel returned %zu bytes, but they do not start with a PCI ROM (%s); "
			  "%s not written",
			  bdf, d.len, r.error_text ? r.error_text : "header before the signature", out);
		vd_rom_done(&r);
		vd_rom_dump_done(&d);
		return EXIT_FINDINGS;
	}
	rc = write_output(out, d.data, d.len);
	if (rc == EXIT_OK) {
		json_object *j = NULL;
		if (c->json) {
			j = json_object_new_object();
			json_object_object_add(j, "device", json_object_new_string(bdf));
			json_object_object_add(j, "output", json_object_new_string(out));
			json_object_object_add(j, "bytes", json_object_new_int64((int64_t)d.len));
			json_object_object_add(j, "was_enabled", json_object_new_boolean(d.was_enabled));
			json_object_object_add(j, "shadowed", json_object_new_boolean(d.shadowed));
		} else {
			fprintf(stderr, "vfio-doctor: wrote %s: %zu bytes from %s%s%s\n", out, d.len, d.path,
				d.was_enabled ? " (it was enabled already and is left so)" : "",
				d.shadowed
				    ? "; the kernel read the BIOS's shadow copy, which may hold the legacy image "
				      "only"
				    : "");
		}
		report_written(c, out, &r, NULL, j);
	}
	vd_rom_done(&r);
	vd_rom_dump_done(&d);
	return rc;
}

int cmd_rom(struct cli *c, int argc, char **argv)
{
	static const struct option opts[] = {
	    CLI_COMMON_OPTIONS,
	    {"for", required_argument, NULL, 'f'},
	    {"strip", no_argument, NULL, 's'},
	    {"device", required_argument, NULL, 'd'},
	    {"output", required_argument, NULL, 'o'},
	    {0},
	};
	struct rom_opts o = {0};
	int opt;

	while ((opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (cli_common(c, opt, optarg))
			continue;
		switch (opt) {
		case 'h':
			help();
			return EXIT_OK;
		case 'f':
			o.for_bdf = optarg;
			break;
		case 's':
			o.strip = true;
			break;
		case 'd':
			o.device = optarg;
			break;
		case 'o':
			o.output = optarg;
			break;
		default:
			return cli_bad_option("rom", argc, argv);
		}
	}
	int nfiles = argc - optind;
	char **files = argv + optind;

	if (o.device) {
		if (nfiles || o.strip || o.for_bdf)
			return cli_error("rom: --device takes no FILE, --strip or --for");
		if (!o.output)
			return cli_error("rom: --device needs -o OUT");
		return dump(c, o.device, o.output);
	}
	if (o.strip) {
		if (nfiles != 1 || !o.output || o.for_bdf)
			return cli_error("rom: --strip takes exactly one FILE and -o OUT");
		return strip(c, files[0], o.output);
	}
	if (o.output)
		return cli_error("rom: -o goes with --strip or --device");
	if (!nfiles)
		return cli_error("rom: give a ROM FILE (see 'vfio-doctor rom --help')");
	return report_files(c, &o, nfiles, files);
}
