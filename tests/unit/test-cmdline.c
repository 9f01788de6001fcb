// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel command line parsing against the kernel's own rules (lib/cmdline.c
 * next_arg, kernel/params.c parameq, init/main.c "--"). */
#include "cmdline.h"
#include "unit.h"

static void test_basic(void)
{
	struct vd_cmdline cl;
	CHECK_INT(vd_cmdline_parse("BOOT_IMAGE=/vmlinuz ro quiet intel_iommu=on,igfx_off iommu=pt "
				   "vfio-pci.ids=10de:1b81,10de:10f0 -- single init=/bin/sh",
				   &cl),
		  0);
	CHECK_INT(cl.n, 8);
	CHECK_INT(cl.ninit, 2);
	CHECK_STR(cl.p[1].key, "ro");
	CHECK(cl.p[1].value == NULL);
	CHECK(vd_cmdline_has_opt(&cl, "intel_iommu", "on"));
	CHECK(vd_cmdline_has_opt(&cl, "intel_iommu", "igfx_off"));
	CHECK(!vd_cmdline_has_opt(&cl, "intel_iommu", "off"));
	/* '-' and '_' are the same in parameter names */
	CHECK_STR(vd_cmdline_last(&cl, "vfio_pci.ids")->value, "10de:1b81,10de:10f0");
	/* after "--": init's, not the kernel's */
	CHECK(vd_cmdline_last(&cl, "init") == NULL);
	CHECK(vd_cmdline_last(&cl, "single") == NULL);
	vd_cmdline_done(&cl);
}

static void test_quotes_and_repeats(void)
{
	struct vd_cmdline cl;
	vd_cmdline_parse("  acpi_osi=\"Windows 2015\" \"dyndbg=file x.c +p\" iommu=off iommu=pt\t", &cl);
	CHECK_INT(cl.n, 4);
	CHECK_STR(cl.p[0].key, "acpi_osi");
	CHECK_STR(cl.p[0].value, "Windows 2015");
	CHECK_STR(cl.p[1].key, "dyndbg");
	CHECK_STR(cl.p[1].value, "file x.c +p");
	/* last occurrence wins for lookups; has_opt sees every occurrence */
	CHECK_STR(vd_cmdline_last(&cl, "iommu")->value, "pt");
	CHECK(vd_cmdline_has_opt(&cl, "iommu", "off"));
	vd_cmdline_done(&cl);
}

static void test_odd_input(void)
{
	struct vd_cmdline cl;
	CHECK_INT(vd_cmdline_parse("", &cl), 0);
	CHECK_INT(cl.n, 0);
	CHECK(vd_cmdline_last(&cl, "x") == NULL);
	vd_cmdline_done(&cl);
	/* an unterminated quote swallows the rest, as in the kernel */
	vd_cmdline_parse("a=\"b c d", &cl);
	CHECK_INT(cl.n, 1);
	CHECK_STR(cl.p[0].value, "b c d");
	vd_cmdline_done(&cl);
	vd_cmdline_parse("= =x \"\" \"=\"", &cl);
	CHECK(cl.n == 4);
	vd_cmdline_done(&cl);
	CHECK_INT(vd_cmdline_parse(NULL, &cl), -22);
}

int main(void)
{
	test_basic();
	test_quotes_and_repeats();
	test_odd_input();
	return unit_done("test-cmdline");
}
