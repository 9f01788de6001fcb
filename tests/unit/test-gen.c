// SPDX-License-Identifier: GPL-2.0-or-later
/* Generators byte for byte, the SSDT against the page's base64 table, and
 * the boot loader editors on real published configuration files. */
#include <stdlib.h>

#include "aml.h"
#include "bootloader.h"
#include "gen.h"
#include "unit.h"
#include "util.h"

static void own(char *s, const char *expect)
{
	CHECK_STR(s, expect);
	free(s);
}

static void test_modprobe(void)
{
	/* the page's lines (§Win10 1803, §NVIDIA USB-C, §Slowed audio, §GPU timeouts) */
	own(vd_gen_modprobe_kvm_msrs(true), "options kvm ignore_msrs=1\noptions kvm report_ignored_msrs=0\n");
	own(vd_gen_modprobe_kvm_msrs(false), "options kvm ignore_msrs=1\n");
	own(vd_gen_modprobe_blacklist("i2c_nvidia_gpu"), "blacklist i2c_nvidia_gpu\n");
	own(vd_gen_modprobe_snd_msi(), "options snd-hda-intel enable_msi=1\n");
	own(vd_gen_sysctl_split_lock(), "kernel.split_lock_mitigate = 0\n");
	/* what intel-nvidia-desktop-bound's owner ended up with */
	const char *ids[] = {"10de:1f02", "10de:10f9", "10de:1ada", "10de:1adb", "10de:10f9"};
	const char *drv[] = {"vfio-pci", NULL, "xhci_pci", "i2c_nvidia_gpu", "xhci_pci", "vfio_pci"};
	own(vd_gen_modprobe_vfio(ids, 5, drv, 6),
	    "options vfio-pci ids=10de:1f02,10de:10f9,10de:1ada,10de:1adb\nsoftdep xhci_pci pre: vfio-pci\n"
	    "softdep i2c_nvidia_gpu pre: vfio-pci\n");
	/* the page's udev rules for an RX 6900 XT (1002:73bf) */
	const struct vd_rebar_size rs[] = {{0, 14}, {2, 8}};
	own(vd_gen_udev_rebar(0x1002, 0x73bf, rs, 2),
	    "ACTION==\"add\", SUBSYSTEM==\"pci\", ATTR{vendor}==\"0x1002\", ATTR{device}==\"0x73bf\", ATTR{resource0_resize}=\"14\"\n"
	    "ACTION==\"add\", SUBSYSTEM==\"pci\", ATTR{vendor}==\"0x1002\", ATTR{device}==\"0x73bf\", ATTR{resource2_resize}=\"8\"\n");
	own(vd_gen_udev_rebar_path(0x1002, 0x73bf), "/etc/udev/rules.d/01-vfio-rebar-1002-73bf.rules");
}

static void test_hooks(void)
{
	/* the page's unit, verbatim */
	CHECK_STR(vd_gen_nosleep_unit(),
		  "[Unit]\nDescription=Preventing sleep while libvirt domain \"%i\" is running\n\n[Service]\nType=simple\n"
		  "ExecStart=/usr/bin/systemd-inhibit --what=sleep --why=\"Libvirt domain \\\"%i\\\" is running\" --who=%U "
		  "--mode=block sleep infinity\n");
	const char *nosleep = vd_gen_hook_nosleep();
	CHECK(vd_startswith(nosleep, "#!/bin/sh\n"));
	CHECK(strstr(nosleep, "systemctl start \"$(systemd-escape --template=libvirt-nosleep@.service -- \"$OBJECT\")\"\n"));
	CHECK(!strstr(nosleep, "eval"));
	const char *devs[] = {"0000:0b:00.0", "0b:00.1", "x; rm -rf /", NULL};
	char *vr = vd_gen_hook_vendor_reset(devs, 4, true);
	CHECK(strstr(vr, "        modprobe -s vendor-reset\n"
			 "        echo device_specific > /sys/bus/pci/devices/0000:0b:00.0/reset_method\n"
			 "        echo device_specific > /sys/bus/pci/devices/0000:0b:00.1/reset_method\n"
			 "        ;;\n"));
	CHECK(!strstr(vr, "rm -rf"));
	free(vr);
	vr = vd_gen_hook_vendor_reset(NULL, 0, false);
	CHECK(strstr(vr, "    prepare)\n        modprobe -s vendor-reset\n        ;;\n    release)\n        modprobe -sr vendor-reset\n"));
	free(vr);
	/* systemd-escape's rules (checked against the real tool in fix.sh) */
	own(vd_systemd_escape("win10"), "win10");
	own(vd_systemd_escape("my vm/a-b.c"), "my\\x20vm-a\\x2db.c");
	own(vd_systemd_escape(".hidden"), "\\x2ehidden");
	own(vd_systemd_escape("$(x);\n"), "\\x24\\x28x\\x29\\x3b\\x0a");
}

static void test_desktop(void)
{
	/* §X does not start: the page's Intel example, hex 00:02.0 -> decimal */
	own(vd_gen_xorg_busid("0000:00:02.0", "i915"),
	    "Section \"Device\"\n        Identifier \"Intel GPU\"\n        Driver \"modesetting\"\n        BusID  \"PCI:0:2:0\"\n"
	    "EndSection\n");
	own(vd_gen_xorg_busid("0000:0a:1f.3", "amdgpu"),
	    "Section \"Device\"\n        Identifier \"AMD GPU\"\n        Driver \"amdgpu\"\n        BusID  \"PCI:10:31:3\"\n"
	    "EndSection\n");
	own(vd_gen_xorg_busid("0001:10:00.0", "nvidia"),
	    "Section \"Device\"\n        Identifier \"NVIDIA GPU\"\n        Driver \"nvidia\"\n        BusID  \"PCI:16@1:0:0\"\n"
	    "EndSection\n");
	CHECK(vd_gen_xorg_busid("bogus", "i915") == NULL);
	own(vd_gen_xorg_path("amdgpu"), "/etc/X11/xorg.conf.d/10-amd.conf");
	own(vd_gen_chromium_flags(0x8086, 0x3e92), "--gpu-testing-vendor-id=0x8086 --gpu-testing-device-id=0x3e92");
	own(vd_gen_chromium_debian(0x8086, 0x3e92),
	    "# Installed by vfio-doctor: use the host's GPU, not the one bound to vfio-pci.\n"
	    "export CHROMIUM_FLAGS=\"$CHROMIUM_FLAGS --gpu-testing-vendor-id=0x8086 --gpu-testing-device-id=0x3e92\"\n");
	const char *ids[] = {"10de:1f02", "10de:10f9", "zz:top"};
	char *ps = vd_gen_msi_powershell(ids, 3);
	CHECK(strstr(ps, "$ids = @('VEN_10DE&DEV_1F02', 'VEN_10DE&DEV_10F9')\n"));
	CHECK(strstr(ps, "'Device Parameters\\Interrupt Management\\MessageSignaledInterruptProperties'"));
	CHECK(strstr(ps, "-Name 'MSISupported' -PropertyType DWord -Value 1"));
	free(ps);
}

/* The page's SSDT1.dat, base64-decoded. */
static const unsigned char page_ssdt[] = {
	0x53, 0x53, 0x44, 0x54, 0xa1, 0x00, 0x00, 0x00, 0x01, 0xf4, 0x42, 0x4f, 0x43, 0x48, 0x53, 0x00, 0x42, 0x58, 0x50,
	0x43, 0x53, 0x53, 0x44, 0x54, 0x01, 0x00, 0x00, 0x00, 0x49, 0x4e, 0x54, 0x4c, 0x18, 0x10, 0x19, 0x20, 0xa0, 0x0f,
	0x00, 0x15, 0x5c, 0x2e, 0x5f, 0x53, 0x42, 0x5f, 0x50, 0x43, 0x49, 0x30, 0x06, 0x00, 0x10, 0x4c, 0x06, 0x2e, 0x5f,
	0x53, 0x42, 0x5f, 0x50, 0x43, 0x49, 0x30, 0x5b, 0x82, 0x4f, 0x05, 0x42, 0x41, 0x54, 0x30, 0x08, 0x5f, 0x48, 0x49,
	0x44, 0x0c, 0x41, 0xd0, 0x0c, 0x0a, 0x08, 0x5f, 0x55, 0x49, 0x44, 0x00, 0x14, 0x09, 0x5f, 0x53, 0x54, 0x41, 0x00,
	0xa4, 0x0a, 0x1f, 0x14, 0x2b, 0x5f, 0x42, 0x49, 0x46, 0x00, 0xa4, 0x12, 0x23, 0x0d, 0x01, 0x0b, 0x70, 0x17, 0x0b,
	0x70, 0x17, 0x01, 0x0b, 0xd0, 0x39, 0x0b, 0x58, 0x02, 0x0b, 0x2c, 0x01, 0x0a, 0x3c, 0x0a, 0x3c, 0x0d, 0x00, 0x0d,
	0x00, 0x0d, 0x4c, 0x49, 0x4f, 0x4e, 0x00, 0x0d, 0x00, 0x14, 0x12, 0x5f, 0x42, 0x53, 0x54, 0x00, 0xa4, 0x12, 0x0a,
	0x04, 0x00, 0x00, 0x0b, 0x70, 0x17, 0x0b, 0xd0, 0x39,
};

static void test_aml(void)
{
	struct vd_str t = {0};
	vd_ssdt_battery(&t);
	CHECK_INT(t.len, sizeof(page_ssdt));
	CHECK(t.len == sizeof(page_ssdt) && memcmp(t.s, page_ssdt, t.len) == 0);
	unsigned sum = 0;
	for (size_t i = 0; i < t.len; i++)
		sum += (unsigned char)t.s[i];
	CHECK_INT(sum & 0xff, 0);
	vd_str_done(&t);
	CHECK_INT(vd_aml_eisaid("PNP0C0A"), 0x0a0cd041);
	/* integers take the shortest encoding; long package lengths use more bytes */
	struct vd_str s = {0};
	vd_aml_int(&s, 0x12345);
	vd_aml_int(&s, UINT64_MAX);
	vd_aml_int(&s, 0x100000000ull);
	CHECK(s.len == 5 + 1 + 9 && (unsigned char)s.s[0] == 0x0c && (unsigned char)s.s[5] == 0xff && (unsigned char)s.s[6] == 0x0e);
	s.len = 0;
	struct vd_str big = {0};
	for (int i = 0; i < 100; i++)
		vd_aml_int(&big, 0x1000); /* 300 bytes */
	vd_aml_package(&s, 100, &big);
	/* PackageOp, 2-byte PkgLength (1 + 2 + 300 = 303 = 0x12f), count */
	CHECK((unsigned char)s.s[0] == 0x12 && (unsigned char)s.s[1] == 0x4f && (unsigned char)s.s[2] == 0x12 && (unsigned char)s.s[3] == 100);
	vd_str_done(&s);
	vd_str_done(&big);
	s.len = 0;
	vd_aml_namestring(&s, "\\_SB.PCI0.GPP0.BAT");
	CHECK(s.len == 1 + 2 + 16 && (unsigned char)s.s[1] == 0x2f && s.s[2] == 4 && memcmp(s.s + 15, "BAT_", 4) == 0);
	vd_str_done(&s);
}

static void edit(int (*fn)(const char *, const struct vd_kedit *, size_t, char **, const char **), const char *in,
		 const struct vd_kedit *e, size_t n, const char *expect)
{
	char *out = NULL;
	const char *why = NULL;
	int ret = fn(in, e, n, &out, &why);
	if (!expect) {
		CHECK(ret < 0 && why);
		return;
	}
	CHECK_INT(ret, 0);
	CHECK_STR(out, expect);
	/* editing again changes nothing */
	char *again = NULL;
	CHECK_INT(fn(out, e, n, &again, &why), 0);
	CHECK_STR(again, out);
	free(again);
	free(out);
}

static void test_boot(void)
{
	const struct vd_kedit igfx[] = {{VD_KEDIT_ADD, "intel_iommu", "on"}, {VD_KEDIT_ADD, "intel_iommu", "igfx_off"}};
	/* tests/hosts/sources: the Z390 owner's Fedora line, and the Manjaro i7-8700's */
	edit(vd_boot_edit_grub, "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"rhgb quiet intel_iommu=on rd.driver.pre=vfio-pci kvm.ignore_msrs=1\"\n",
	     igfx, 2, "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"rhgb quiet intel_iommu=on,igfx_off rd.driver.pre=vfio-pci kvm.ignore_msrs=1\"\n");
	edit(vd_boot_edit_grub,
	     "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet resume=UUID=bef93fb7-18ba-466d-8e9c-2847867f0e35 intel_iommu=on iommu=pt\"\nGRUB_CMDLINE_LINUX=\"\"\n",
	     igfx, 2,
	     "GRUB_CMDLINE_LINUX_DEFAULT=\"quiet resume=UUID=bef93fb7-18ba-466d-8e9c-2847867f0e35 intel_iommu=on,igfx_off iommu=pt\"\nGRUB_CMDLINE_LINUX=\"\"\n");
	/* new parameters go to _DEFAULT; removal reaches both */
	const struct vd_kedit mix[] = {{VD_KEDIT_ADD, "video", "efifb:off"}, {VD_KEDIT_REMOVE, "iommu", "off"}};
	edit(vd_boot_edit_grub, "GRUB_CMDLINE_LINUX_DEFAULT='quiet iommu=off'\nGRUB_CMDLINE_LINUX=\"iommu=off\" # x\n", mix, 2,
	     "GRUB_CMDLINE_LINUX_DEFAULT='quiet video=efifb:off'\nGRUB_CMDLINE_LINUX=\"\" # x\n");
	edit(vd_boot_edit_grub, "GRUB_TIMEOUT=5", mix, 1, "GRUB_TIMEOUT=5\nGRUB_CMDLINE_LINUX=\"video=efifb:off\"\n");
	edit(vd_boot_edit_grub, "GRUB_CMDLINE_LINUX_DEFAULT=\"$X quiet\"\n", igfx, 1, NULL);
	/* a loader entry (Arch's systemd-boot example) */
	edit(vd_boot_edit_entry, "title   Arch Linux\nlinux   /vmlinuz-linux\ninitrd  /initramfs-linux.img\noptions root=UUID=x rw\n", igfx, 2,
	     "title   Arch Linux\nlinux   /vmlinuz-linux\ninitrd  /initramfs-linux.img\noptions root=UUID=x rw intel_iommu=on,igfx_off\n");
	edit(vd_boot_edit_entry, "title Fedora\noptions $kernelopts\n", igfx, 1, NULL);
	edit(vd_boot_edit_kernel_cmdline, "root=UUID=x rw quiet\n", igfx, 2, "root=UUID=x rw quiet intel_iommu=on,igfx_off\n");
	/* kernelstub's file as Pop!_OS writes it (a published configuration,
	 * see tests/fix/README.md); the stray "" element stays */
	const char *stub = "{\n  \"default\": {\n    \"kernel_options\": [\n      \"quiet\",\n      \"splash\"\n    ],\n"
			   "    \"esp_path\": \"/boot/efi\",\n    \"config_rev\": 3\n  },\n  \"user\": {\n    \"kernel_options\": [\n"
			   "      \"quiet\",\n      \"splash\",\n      \"\",\n      \"amd-iommu=on\"\n    ],\n    \"esp_path\": \"/boot/efi\",\n"
			   "    \"setup_loader\": true,\n    \"config_rev\": 3\n  }\n}";
	const struct vd_kedit amd[] = {{VD_KEDIT_REMOVE, "amd_iommu", NULL}, {VD_KEDIT_ADD, "iommu", "pt"}};
	char *out = NULL;
	const char *why;
	CHECK_INT(vd_boot_edit_kernelstub(stub, amd, 2, &out, &why), 0);
	CHECK(out && strstr(out, "\"kernel_options\": [\n      \"quiet\",\n      \"splash\",\n      \"\",\n      \"iommu=pt\"\n    ],\n    \"esp_path\""));
	CHECK(out && strstr(out, "\"default\": {\n    \"kernel_options\": [\n      \"quiet\",\n      \"splash\"\n    ],"));
	free(out);
	/* nothing to change: the file stays byte for byte */
	const struct vd_kedit none[] = {{VD_KEDIT_ADD, "quiet", NULL}};
	CHECK_INT(vd_boot_edit_kernelstub(stub, none, 1, &out, &why), 0);
	CHECK_STR(out, stub);
	free(out);
	out = vd_json_python_style(stub);
	CHECK_STR(out, stub);
	free(out);
}

int main(void)
{
	test_modprobe();
	test_hooks();
	test_desktop();
	test_aml();
	test_boot();
	return unit_done("test-gen");
}
