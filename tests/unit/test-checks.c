// SPDX-License-Identifier: GPL-2.0-or-later
/* Checks are pure functions of struct vd_host: build hosts in C and look at
 * the findings, with no filesystem at all. Plus the registry's invariants. */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "unit.h"

static char **flags(const char *a, const char *b)
{
	char **v = vd_xcalloc(3, sizeof(char *));
	/* sorted, as the parser leaves them */
	if (a && b && strcmp(a, b) > 0) {
		const char *t = a;
		a = b;
		b = t;
	}
	v[0] = vd_xstrdup(a);
	v[1] = vd_xstrdup(b);
	return v;
}

static void host_init(struct vd_host *h, enum vd_cpu_vendor vendor, const char *cmdline)
{
	memset(h, 0, sizeof(*h));
	h->cpu.vendor = vendor;
	h->cpu.vendor_id = vd_xstrdup(vendor == VD_CPU_INTEL ? "GenuineIntel" : "AuthenticAMD");
	h->cpu.flags = flags(vendor == VD_CPU_INTEL ? "vmx" : "svm", NULL);
	h->kernel.cmdline_raw = vd_xstrdup(cmdline);
	vd_cmdline_parse(cmdline, &h->kernel.cmdline);
	h->kernel.kconfig_err = -ENOENT;
	h->iommu.acpi_dmar = h->iommu.acpi_ivrs = -ENOENT;
	h->pci.err = 0;
}

static void host_add_units(struct vd_host *h, size_t n, enum vd_iommu_kind kind)
{
	h->iommu.unit = vd_xcalloc(n, sizeof(*h->iommu.unit));
	h->iommu.nunits = n;
	for (size_t i = 0; i < n; i++) {
		h->iommu.unit[i].name = vd_xasprintf(kind == VD_IOMMU_INTEL ? "dmar%zu" : "ivhd%zu", i);
		h->iommu.unit[i].kind = kind;
	}
}

static void host_free(struct vd_host *h)
{
	vd_cpu_done(&h->cpu);
	vd_kernel_done(&h->kernel);
	vd_iommu_done(&h->iommu);
}

static const struct vd_finding *find(const struct vd_findings *fs, const char *id, enum vd_severity sev)
{
	for (size_t i = 0; i < fs->n; i++)
		if (strcmp(fs->f[i].id, id) == 0 && fs->f[i].severity == sev)
			return &fs->f[i];
	return NULL;
}

static void run(const struct vd_host *h, const char *id, struct vd_findings *fs)
{
	char *bad = NULL;
	memset(fs, 0, sizeof(*fs));
	CHECK_INT(vd_checks_run(h, id, fs, &bad), 0);
}

static void test_registry(void)
{
	CHECK(vd_nchecks >= 7);
	for (size_t i = 0; i < vd_nchecks; i++) {
		const struct vd_check *c = vd_checks[i];
		CHECK(c->id && c->title && c->section && c->explain && c->looks_at && c->fixes && c->run);
		for (const char *p = c->id; *p; p++)
			CHECK(islower((unsigned char)*p) || isdigit((unsigned char)*p) || *p == '-');
		CHECK(c->explain && strlen(c->explain) > 80);
		for (size_t j = i + 1; j < vd_nchecks; j++)
			CHECK(strcmp(c->id, vd_checks[j]->id) != 0);
		CHECK(vd_check_find(c->id) == c);
	}
	struct vd_host h;
	struct vd_findings fs = {0};
	char *bad = NULL;
	host_init(&h, VD_CPU_INTEL, "");
	CHECK_INT(vd_checks_run(&h, "iommu-enabled,no-such-check", &fs, &bad), -EINVAL);
	CHECK_STR(bad, "no-such-check");
	free(bad);
	CHECK_INT(fs.n, 0);
	/* Every check says something about even an empty host. */
	run(&h, NULL, &fs);
	for (size_t i = 0; i < vd_nchecks; i++) {
		bool said = false;
		if (vd_checks[i]->per_vm)
			continue; /* nothing to say without VMs */
		for (size_t j = 0; j < fs.n; j++)
			said |= strcmp(fs.f[j].id, vd_checks[i]->id) == 0;
		CHECK(said);
	}
	vd_findings_done(&fs);
	host_free(&h);
}

static void test_iommu_intel_param_missing(void)
{
	struct vd_host h;
	struct vd_findings fs;
	host_init(&h, VD_CPU_INTEL, "root=/dev/sda1 quiet");
	h.iommu.acpi_dmar = 0; /* firmware announces VT-d */
	run(&h, "iommu-enabled", &fs);
	const struct vd_finding *f = find(&fs, "iommu-enabled", VD_FAIL);
	CHECK(f != NULL);
	CHECK(f && f->nfix == 1 && f->fix[0].kind == VD_FIX_KPARAM && f->fix[0].op == VD_OP_ADD);
	CHECK_STR(f ? f->fix[0].target : NULL, "intel_iommu");
	CHECK_STR(f ? f->fix[0].value : NULL, "on");
	vd_findings_done(&fs);
	host_free(&h);
}

static void test_iommu_off_param(void)
{
	struct vd_host h;
	struct vd_findings fs;
	host_init(&h, VD_CPU_AMD, "amd_iommu=off quiet");
	h.iommu.acpi_ivrs = 0;
	run(&h, "iommu-enabled", &fs);
	const struct vd_finding *f = find(&fs, "iommu-enabled", VD_FAIL);
	CHECK(f && f->nfix == 1 && f->fix[0].op == VD_OP_REMOVE);
	CHECK_STR(f ? f->fix[0].target : NULL, "amd_iommu");
	CHECK(f && strstr(f->message, "amd_iommu=off"));
	vd_findings_done(&fs);
	host_free(&h);
}

static void test_iommu_wrong_vendor_param(void)
{
	struct vd_host h;
	struct vd_findings fs;
	host_init(&h, VD_CPU_AMD, "intel_iommu=on amd_iommu=on iommu=pt");
	h.iommu.acpi_ivrs = 0;
	host_add_units(&h, 1, VD_IOMMU_AMD);
	run(&h, "iommu-enabled", &fs);
	CHECK(find(&fs, "iommu-enabled", VD_PASS) != NULL);
	size_t infos = 0;
	for (size_t i = 0; i < fs.n; i++)
		infos += fs.f[i].severity == VD_INFO;
	CHECK_INT(infos, 2); /* intel_iommu on AMD, and amd_iommu=on being no value */
	CHECK(find(&fs, "iommu-enabled", VD_FAIL) == NULL);
	vd_findings_done(&fs);
	host_free(&h);
}

static void test_iommu_in_vm(void)
{
	struct vd_host h;
	struct vd_findings fs;
	host_init(&h, VD_CPU_AMD, "");
	vd_strv_free(h.cpu.flags);
	h.cpu.flags = flags("hypervisor", NULL);
	run(&h, "iommu-enabled,cpu-virt", &fs);
	const struct vd_finding *f = find(&fs, "iommu-enabled", VD_FAIL);
	CHECK(f && strstr(f->message, "virtual machine") && strstr(f->message, "IVRS"));
	f = find(&fs, "cpu-virt", VD_FAIL);
	CHECK(f && strstr(f->message, "svm"));
	vd_findings_done(&fs);
	host_free(&h);
}

static void test_iommu_unreadable(void)
{
	struct vd_host h;
	struct vd_findings fs;
	host_init(&h, VD_CPU_INTEL, "");
	h.iommu.units_err = -EACCES;
	run(&h, "iommu-enabled", &fs);
	const struct vd_finding *f = find(&fs, "iommu-enabled", VD_UNKNOWN);
	CHECK(f && strstr(f->message, "needs root"));
	CHECK_INT(fs.n, 1);
	vd_findings_done(&fs);
	host_free(&h);
}

int main(void)
{
	test_registry();
	test_iommu_intel_param_missing();
	test_iommu_off_param();
	test_iommu_wrong_vendor_param();
	test_iommu_in_vm();
	test_iommu_unreadable();
	return unit_done("test-checks");
}
