// SPDX-License-Identifier: GPL-2.0-or-later
/* /proc/cpuinfo parsing on the real blocks in the fixtures, and on junk. */
#include <errno.h>
#include <stdlib.h>

#include "cpu.h"
#include "unit.h"
#include "util.h"

static void test_amd(void)
{
	size_t len;
	char *t = unit_slurp("amd-ryzen-two-gpus/proc/cpuinfo", &len);
	struct vd_cpu c;
	CHECK(t != NULL);
	CHECK_INT(vd_cpuinfo_parse(t, len, &c), 0);
	CHECK(c.vendor == VD_CPU_AMD);
	CHECK_INT(c.family, 23);
	CHECK_INT(c.model, 113);
	CHECK_STR(c.model_name, "AMD Ryzen 5 3600 6-Core Processor");
	CHECK_INT(c.phys_bits, 43);
	CHECK_INT(c.virt_bits, 48);
	CHECK_INT(c.nlogical, 12);
	CHECK_INT(c.threads_per_core, 2);
	CHECK(vd_cpu_has_flag(&c, "svm"));
	CHECK(vd_cpu_has_flag(&c, "npt"));
	CHECK(!vd_cpu_has_flag(&c, "vmx"));
	CHECK(!vd_cpu_has_flag(&c, "sv"));
	CHECK_INT(vd_cpu_amd_zen(&c), 2); /* model 0x71: Matisse */
	vd_cpu_done(&c);
	free(t);
}

static void test_intel(void)
{
	size_t len;
	char *t = unit_slurp("intel-nvidia-desktop/proc/cpuinfo", &len);
	struct vd_cpu c;
	CHECK_INT(vd_cpuinfo_parse(t, len, &c), 0);
	CHECK(c.vendor == VD_CPU_INTEL);
	CHECK_INT(c.family, 6);
	CHECK_INT(c.model, 158);
	CHECK_INT(c.stepping, 10);
	CHECK_INT(c.phys_bits, 39);
	CHECK(vd_cpu_has_flag(&c, "vmx"));
	CHECK_INT(vd_cpu_amd_zen(&c), 0);
	vd_cpu_done(&c);
	free(t);
}

static void test_junk(void)
{
	struct vd_cpu c;
	CHECK_INT(vd_cpuinfo_parse("", 0, &c), -EBADMSG);
	vd_cpu_done(&c);
	CHECK_INT(vd_cpuinfo_parse("garbage\n\n:::\n", 13, &c), -EBADMSG);
	vd_cpu_done(&c);
	/* a block cut short still identifies what it has */
	const char *cut = "processor\t: 0\nvendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t";
	CHECK_INT(vd_cpuinfo_parse(cut, strlen(cut), &c), 0);
	CHECK(c.vendor == VD_CPU_INTEL);
	CHECK_INT(c.model, -1);
	CHECK(!vd_cpu_has_flag(&c, "vmx"));
	vd_cpu_done(&c);
	/* absurd numbers are dropped, not trusted */
	const char *odd = "processor : 0\ncpu family : 99999999999999\naddress sizes : 999 bits physical, 48 bits virtual\n";
	CHECK_INT(vd_cpuinfo_parse(odd, strlen(odd), &c), 0);
	CHECK_INT(c.family, -1);
	CHECK_INT(c.phys_bits, 0);
	vd_cpu_done(&c);
	/* NUL bytes inside */
	const char nul[] = "processor : 0\nvendor_id : Authentic\0AMD\nflags : svm\n";
	CHECK_INT(vd_cpuinfo_parse(nul, sizeof(nul) - 1, &c), 0);
	vd_cpu_done(&c);
}

int main(void)
{
	test_amd();
	test_intel();
	test_junk();
	return unit_done("test-cpuinfo");
}
