// SPDX-License-Identifier: GPL-2.0-or-later
/* Configuration merges, kernel parameter list edits and the unified diff,
 * byte for byte. (The diff is also checked against patch(1) in fix.sh.) */
#include <stdlib.h>

#include "cmdline.h"
#include "textedit.h"
#include "unit.h"
#include "util.h"

static void merge(const char *old, const char *want, enum vd_conf_syntax syn, const char *expect)
{
	char *out = vd_conf_merge(old, want, syn);
	CHECK_STR(out, expect);
	/* merging again changes nothing */
	char *again = vd_conf_merge(out, want, syn);
	CHECK_STR(again, out);
	free(again);
	free(out);
}

static void test_merge(void)
{
	/* a new file is the wanted lines verbatim */
	merge(NULL, "options kvm ignore_msrs=1\noptions kvm report_ignored_msrs=0\n", VD_CONF_MODPROBE,
	      "options kvm ignore_msrs=1\noptions kvm report_ignored_msrs=0\n");
	/* an existing parameter is changed in place, comments and the rest kept */
	merge("# mine\noptions kvm ignore_msrs=0 halt_poll_ns=0\nblacklist nouveau", "options kvm ignore_msrs=1\noptions kvm report_ignored_msrs=0\n",
	      VD_CONF_MODPROBE, "# mine\noptions kvm ignore_msrs=1 halt_poll_ns=0\nblacklist nouveau\noptions kvm report_ignored_msrs=0\n");
	/* vfio-pci ids= replaced, dash/underscore module names are one */
	merge("options vfio_pci ids=1002:731f,1002:ab38\n", "options vfio-pci ids=1002:731f,1002:ab38,1002:1234\nsoftdep amdgpu pre: vfio-pci\n",
	      VD_CONF_MODPROBE, "options vfio_pci ids=1002:731f,1002:ab38,1002:1234\nsoftdep amdgpu pre: vfio-pci\n");
	/* a module joins an existing softdep line instead of a second line */
	merge("softdep amdgpu pre: vfio-pci\nsoftdep snd_hda_intel pre: foo post: bar\n",
	      "softdep snd_hda_intel pre: vfio-pci\nsoftdep amdgpu pre: vfio-pci\n", VD_CONF_MODPROBE,
	      "softdep amdgpu pre: vfio-pci\nsoftdep snd_hda_intel pre: foo vfio-pci post: bar\n");
	/* a commented-out line does not count */
	merge("#blacklist i2c_nvidia_gpu\n", "blacklist i2c_nvidia_gpu\n", VD_CONF_MODPROBE,
	      "#blacklist i2c_nvidia_gpu\nblacklist i2c_nvidia_gpu\n");
	merge("blacklist   i2c_nvidia_gpu\n", "blacklist i2c_nvidia_gpu\n", VD_CONF_MODPROBE, "blacklist   i2c_nvidia_gpu\n");
	/* sysctl: one value per key, '/' and '.' alike */
	merge("kernel/split_lock_mitigate=1\nvm.swappiness = 10\n", "kernel.split_lock_mitigate = 0\n", VD_CONF_SYSCTL,
	      "kernel.split_lock_mitigate = 0\nvm.swappiness = 10\n");
	merge("kernel.split_lock_mitigate=0\n", "kernel.split_lock_mitigate = 0\n", VD_CONF_SYSCTL, "kernel.split_lock_mitigate=0\n");
	/* plain: appended once */
	merge("a\nb", "b\nc\n", VD_CONF_PLAIN, "a\nb\nc\n");

	char *out = vd_conf_remove("# x\nblacklist a\nblacklist  b\n", "blacklist b\n");
	CHECK_STR(out, "# x\nblacklist a\n");
	free(out);
	CHECK_INT(vd_conf_syntax_for("/etc/modprobe.d/kvm.conf"), VD_CONF_MODPROBE);
	CHECK_INT(vd_conf_syntax_for("/etc/sysctl.d/split-lock.conf"), VD_CONF_SYSCTL);
	CHECK_INT(vd_conf_syntax_for("/etc/udev/rules.d/x.rules"), VD_CONF_PLAIN);
}

static void edit(const char *line, const struct vd_kedit *e, size_t n, const char *expect)
{
	char *out = vd_cmdline_edit(line, e, n);
	CHECK_STR(out, expect);
	CHECK(vd_cmdline_edit_is_noop(out, e, n));
	free(out);
}

static void test_cmdline_edit(void)
{
	const struct vd_kedit igfx[] = {{VD_KEDIT_ADD, "intel_iommu", "on"}, {VD_KEDIT_ADD, "intel_iommu", "igfx_off"}};
	/* the page's example: intel_iommu=on + igfx_off */
	edit("quiet intel_iommu=on iommu=pt", igfx, 2, "quiet intel_iommu=on,igfx_off iommu=pt");
	edit("", igfx, 2, "intel_iommu=on,igfx_off");
	edit("  rhgb  quiet ", igfx, 1, "  rhgb  quiet intel_iommu=on ");
	/* on replaces off; dash and underscore are one name */
	const struct vd_kedit on[] = {{VD_KEDIT_ADD, "intel_iommu", "on"}};
	edit("intel-iommu=off quiet", on, 1, "intel-iommu=on quiet");
	/* one value per framebuffer driver */
	const struct vd_kedit fb[] = {{VD_KEDIT_ADD, "video", "efifb:off"}, {VD_KEDIT_ADD, "video", "vesafb:off"}};
	edit("video=efifb:on video=HDMI-A-1:1920x1080", fb, 2, "video=efifb:off video=HDMI-A-1:1920x1080 video=vesafb:off");
	/* single values are replaced; flags added once */
	const struct vd_kedit cs[] = {{VD_KEDIT_ADD, "clocksource", "tsc"}, {VD_KEDIT_ADD, "tsc", "reliable"}, {VD_KEDIT_ADD, "quiet", NULL}};
	edit("clocksource=hpet quiet", cs, 3, "clocksource=tsc quiet tsc=reliable");
	/* removal: whole parameter, or one option of a list */
	const struct vd_kedit rm[] = {{VD_KEDIT_REMOVE, "iommu", "off"}, {VD_KEDIT_REMOVE, "amd_iommu", NULL}};
	edit("root=/dev/sda1 iommu=off amd_iommu=on quiet", rm, 2, "root=/dev/sda1 quiet");
	const struct vd_kedit rm2[] = {{VD_KEDIT_REMOVE, "intel_iommu", "igfx_off"}};
	edit("intel_iommu=on,igfx_off", rm2, 1, "intel_iommu=on");
	/* quoted values stay one word */
	const struct vd_kedit q[] = {{VD_KEDIT_ADD, "iommu", "pt"}};
	edit("dyndbg=\"file x.c +p\" iommu=soft", q, 1, "dyndbg=\"file x.c +p\" iommu=soft,pt");
}

static void diff(const char *a, const char *b, const char *expect)
{
	char *d = vd_diff_unified(a, a ? strlen(a) : 0, b, b ? strlen(b) : 0, a ? "a/f" : NULL, b ? "b/f" : NULL);
	CHECK_STR(d, expect);
	free(d);
}

static void test_diff(void)
{
	diff("x\n", "x\n", "");
	diff(NULL, "a\nb\n", "--- /dev/null\n+++ b/f\n@@ -0,0 +1,2 @@\n+a\n+b\n");
	diff("a\nb\n", NULL, "--- a/f\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-a\n-b\n");
	diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n", "1\n2\n3\n4\nX\n6\n7\n8\n9\n",
	     "--- a/f\n+++ b/f\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+X\n 6\n 7\n 8\n");
	diff("a\nb", "a\nb\nc\n", "--- a/f\n+++ b/f\n@@ -1,2 +1,3 @@\n a\n-b\n\\ No newline at end of file\n+b\n+c\n");
	/* two hunks far apart (as GNU diff -u prints them) */
	diff("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n",
	     "--- a/f\n+++ b/f\n@@ -1,3 +1,4 @@\n+0\n 1\n 2\n 3\n@@ -10,3 +11,4 @@\n 10\n 11\n 12\n+13\n");
}

int main(void)
{
	test_merge();
	test_cmdline_edit();
	test_diff();
	return unit_done("test-textedit");
}
