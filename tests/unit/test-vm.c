// SPDX-License-Identifier: GPL-2.0-or-later
/* The VM side on real data: domain XMLs and QEMU scripts users published
 * (tests/vms/, sources in its README.md) and libvirt's own test XMLs, read
 * against the fixture hosts (tests/hosts/). Every vm-* check has a positive
 * and a negative case; host facts a scenario needs beyond a fixture (a
 * laptop chassis, a kernel in the Zen 2 window, a hybrid CPU) are set in C
 * and say so. Plus the domain XML edits: text kept, idempotent, conflicts. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "domain-edit.h"
#include "unit.h"
#include "vm.h"

#define VM(f) VMS "/" f
#define LV(f) CORPUS "/qemuxml2argvdata/" f

struct env {
	struct vd_root *root;
	struct vd_host h;
	struct vd_findings fs;
};

static void load(struct env *e, const char *host, const char *xml, const char *qemu)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", FIXTURES, host);
	memset(e, 0, sizeof(*e));
	CHECK_INT(vd_root_open(path, 0, &e->root), 0);
	CHECK_INT(vd_host_gather(e->root, NULL, &e->h), 0);
	struct vd_vm_opts o = {.no_libvirt = true, .no_proc = true};
	o.xml_files = &xml;
	o.nxml = xml != NULL;
	o.qemu_files = &qemu;
	o.nqemu = qemu != NULL;
	vd_vms_gather(e->root, &o, &e->h.vms);
}

static void run(struct env *e)
{
	char *bad = NULL;
	vd_findings_done(&e->fs);
	CHECK_INT(vd_checks_run(&e->h, NULL, &e->fs, &bad), 0);
}

static void unload(struct env *e)
{
	vd_findings_done(&e->fs);
	vd_host_done(&e->h);
	vd_root_free(e->root);
}

/* The severity of check id's (only) finding about the first VM; -1 if none. */
static const struct vd_finding *get(const struct env *e, const char *id)
{
	const struct vd_finding *r = NULL;
	for (size_t i = 0; i < e->fs.n; i++)
		if (!strcmp(e->fs.f[i].id, id) && e->fs.f[i].subject && vd_startswith(e->fs.f[i].subject, "vm "))
			if (!r || e->fs.f[i].severity > r->severity)
				r = &e->fs.f[i];
	return r;
}

static int sev(const struct env *e, const char *id)
{
	const struct vd_finding *f = get(e, id);
	return f ? (int)f->severity : -1;
}

static bool has_fix(const struct vd_finding *f, enum vd_fix_kind k, const char *target, const char *value)
{
	for (size_t i = 0; f && i < f->nfix; i++)
		if (f->fix[i].kind == k && vd_streq_ptr(f->fix[i].target, target) &&
		    (!value || (f->fix[i].value && strstr(f->fix[i].value, value))))
			return true;
	return false;
}

/* What-if host changes, each a scenario the page describes. */
static void as_laptop(struct vd_host *h)
{
	h->machine.chassis_type = 10; /* Notebook */
	h->machine.battery = true;
	free(h->machine.battery_name);
	h->machine.battery_name = vd_xstrdup("BAT0");
}

static void with_kernel(struct vd_host *h, const char *rel)
{
	free(h->kernel.release);
	h->kernel.release = vd_xstrdup(rel);
	vd_kernel_parse_release(rel, &h->kernel.major, &h->kernel.minor, &h->kernel.patch);
}

static void test_parse_facts(void)
{
	struct env e;
	load(&e, "intel-nvidia-desktop", VM("fanfan42-legion5-17ach6h-win10.xml"), VM("aiminickwong-win3a_gpu2b.sh"));
	CHECK_INT(e.h.vms.n, 2);
	CHECK_INT(e.h.vms.nerr, 0);
	const struct vd_vm *x = &e.h.vms.vm[0], *q = &e.h.vms.vm[1];
	CHECK_STR(x->name, "win10");
	CHECK(x->q35 && x->mt_major == 6 && x->mt_minor == 2);
	CHECK_INT(x->firmware, VD_FW_EFI);
	CHECK_STR(x->cpu_mode, "host-passthrough");
	CHECK(x->topology && x->sockets == 1 && x->cores == 7 && x->threads == 2);
	CHECK_INT(x->vcpus, 14);
	CHECK_STR(x->ioapic_driver, "kvm");
	CHECK_INT(x->kvm_hidden, VD_ON);
	CHECK_STR(x->hv_vendor_id_value, "deadbeef");
	CHECK(x->windows && x->qemu_commandline && x->qemu_ns_ok);
	CHECK_INT(x->nhostdev, 2); /* the USB hostdevs are not PCI */
	CHECK(x->hostdev[1].bus == 1 && x->hostdev[1].fn == 1 && x->hostdev[1].managed == VD_ON);
	CHECK(x->acpitables && x->acpitables[0] && strstr(x->acpitables[0], "acpitable.bin"));
	CHECK_INT(vd_strv_len(x->qemu_args), 16);
	/* the QEMU script: i440fx, OVMF through pflash, kvm=off, vendor id */
	CHECK(!q->q35);
	CHECK_INT(q->firmware, VD_FW_EFI);
	CHECK_INT(q->kvm_hidden, VD_ON);
	CHECK_STR(q->hv_vendor_id_value, "Nvidia43FIX");
	CHECK_INT(q->nhostdev, 2);
	CHECK(q->hostdev[0].multifunction == VD_ON);
	CHECK_INT(q->vcpus, 1);
	unload(&e);

	load(&e, "intel-nvidia-desktop", NULL, VM("soccertack-virt-scripts-run-guest.sh"));
	q = &e.h.vms.vm[0];
	CHECK_INT(q->irqchip, VD_IRQCHIP_SPLIT);
	CHECK_STR(q->iommu_model, "intel");
	CHECK(q->iommu_intremap == VD_ON && q->iommu_caching_mode == VD_ON && q->iommu_eim == VD_OFF);
	CHECK(q->topology && q->sockets == 4 && q->vcpus == 4);
	CHECK_INT(q->firmware, VD_FW_BIOS);
	unload(&e);
}

static void test_ioapic(void)
{
	struct env e;
	/* positive: Q35 10.1, RTX passed (01:00.0 is the desktop's NVIDIA card), no ioapic */
	load(&e, "intel-nvidia-desktop", VM("manu-romero-asus-tuf-fa507nvr-win11.xml"), NULL);
	run(&e);
	CHECK_INT(sev(&e, "vm-ioapic"), VD_WARN);
	CHECK(has_fix(get(&e, "vm-ioapic"), VD_FIX_XML, "/domain/features/ioapic/@driver", "kvm"));
	/* libvirt older than 3.4.0: -machine through qemu:commandline */
	e.h.vms.vm[0].libvirt_version = VD_VERSION_NUM(3, 0, 0);
	run(&e);
	CHECK(has_fix(get(&e, "vm-ioapic"), VD_FIX_XML, "/domain/qemu:commandline/qemu:arg", "kernel_irqchip=on"));
	unload(&e);
	/* negative: <ioapic driver='kvm'/> */
	load(&e, "intel-nvidia-desktop", VM("fanfan42-legion5-17ach6h-win10.xml"), NULL);
	run(&e);
	CHECK_INT(sev(&e, "vm-ioapic"), VD_PASS);
	unload(&e);
	/* QEMU command line: q35 without kernel_irqchip */
	load(&e, "intel-nvidia-desktop", NULL, VM("adrienkohlbecker-homelab-vm.sh"));
	run(&e);
	CHECK_INT(sev(&e, "vm-ioapic"), VD_WARN);
	CHECK(has_fix(get(&e, "vm-ioapic"), VD_FIX_QEMU_ARG, "-machine", "kernel_irqchip=on"));
	unload(&e);
	/* i440fx: negative */
	load(&e, "intel-nvidia-desktop", NULL, VM("aiminickwong-win3a_gpu2b.sh"));
	run(&e);
	CHECK_INT(sev(&e, "vm-ioapic"), VD_PASS);
	unload(&e);
}

static void test_amd_stibp(void)
{
	struct env e;
	/* Ryzen 5 3600 (family 23 model 113: Zen 2); the fixture's kernel is
	 * 5.18.5, outside the window: negative. */
	load(&e, "amd-ryzen-two-gpus", VM("fanfan42-legion5-17ach6h-win10.xml"), NULL);
	run(&e);
	CHECK_INT(sev(&e, "vm-amd-stibp"), VD_PASS);
	/* the same host on 5.7 (what-if): positive */
	with_kernel(&e.h, "5.7.12-arch1-1");
	run(&e);
	const struct vd_finding *f = get(&e, "vm-amd-stibp");
	CHECK_INT(f ? (int)f->severity : -1, VD_FAIL);
	CHECK(has_fix(f, VD_FIX_XML, "/domain/cpu/feature[@name='amd-stibp']/@policy", "disable"));
	CHECK(has_fix(f, VD_FIX_MANUAL, "host kernel", "5.8.2"));
	/* libvirt 6.4: the page's older form, host-model */
	e.h.vms.vm[0].libvirt_version = VD_VERSION_NUM(6, 4, 0);
	run(&e);
	CHECK(has_fix(get(&e, "vm-amd-stibp"), VD_FIX_XML, "/domain/cpu/@mode", "host-model"));
	/* the fix applied: negative */
	e.h.vms.vm[0].libvirt_version = 0;
	run(&e);
	f = get(&e, "vm-amd-stibp");
	struct vd_domain_plan p;
	char *why = NULL;
	const struct vd_fix *fx[4];
	size_t nfx = 0;
	for (size_t i = 0; f && i < f->nfix && nfx < 4; i++)
		fx[nfx++] = &f->fix[i];
	CHECK_INT(vd_domain_plan(e.h.vms.vm[0].xml, fx, nfx, &p, &why), 0);
	CHECK(p.new_xml && strstr(p.new_xml, "<feature name='amd-stibp' policy='disable'/>"));
	vd_vm_done(&e.h.vms.vm[0]);
	vd_vm_init(&e.h.vms.vm[0], VD_VM_XML, "fixed.xml");
	CHECK_INT(vd_vm_parse_xml(p.new_xml, strlen(p.new_xml), &e.h.vms.vm[0], &why), 0);
	run(&e);
	CHECK_INT(sev(&e, "vm-amd-stibp"), VD_PASS);
	vd_domain_plan_done(&p);
	unload(&e);
}

static void test_battery_and_namespace(void)
{
	struct env e;
	/* positive: the ASUS TUF laptop's RTX 4060 VM, no -acpitable, on a laptop host */
	load(&e, "intel-nvidia-desktop", VM("manu-romero-asus-tuf-fa507nvr-win11.xml"), NULL);
	run(&e);
	CHECK_INT(sev(&e, "vm-battery"), VD_PASS); /* a desktop */
	as_laptop(&e.h);
	run(&e);
	const struct vd_finding *f = get(&e, "vm-battery");
	CHECK_INT(f ? (int)f->severity : -1, VD_FAIL);
	CHECK(has_fix(f, VD_FIX_COMMAND, NULL, "vfio-doctor ssdt battery -o /var/lib/vfio-doctor/SSDT1.dat"));
	CHECK(has_fix(f, VD_FIX_XML, "/domain/qemu:commandline/qemu:arg", "-acpitable\nfile=/var/lib/vfio-doctor/SSDT1.dat"));
	CHECK_INT(sev(&e, "vm-qemu-namespace"), VD_PASS);
	unload(&e);
	/* negative: the Legion laptop's VM adds its ACPI table */
	load(&e, "intel-nvidia-desktop", VM("fanfan42-legion5-17ach6h-win10.xml"), NULL);
	as_laptop(&e.h);
	run(&e);
	CHECK_INT(sev(&e, "vm-battery"), VD_PASS);
	/* the same XML without the namespace declaration (the page's warning) */
	size_t len;
	char *xml = NULL;
	CHECK_INT(vd_read_user_file(VM("fanfan42-legion5-17ach6h-win10.xml"), 1 << 20, &xml, &len), 0);
	char *ns = strstr(xml, " xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'");
	CHECK(ns != NULL);
	if (ns)
		memmove(ns, ns + 56, strlen(ns + 56) + 1);
	struct vd_vm *vm = &e.h.vms.vm[0];
	char *why = NULL;
	vd_vm_done(vm);
	vd_vm_init(vm, VD_VM_XML, "no-ns.xml");
	CHECK_INT(vd_vm_parse_xml(xml, strlen(xml), vm, &why), 0);
	CHECK(vm->qemu_commandline && !vm->qemu_ns_ok);
	run(&e);
	f = get(&e, "vm-qemu-namespace");
	CHECK_INT(f ? (int)f->severity : -1, VD_FAIL);
	CHECK(has_fix(f, VD_FIX_XML, "/domain/@xmlns:qemu", VD_QEMU_NS));
	/* the fix puts the declaration back exactly as the user had it */
	char *fixed = vd_xstrdup(xml);
	CHECK_INT(vd_domain_edit(&fixed, VD_OP_SET, "/domain/@xmlns:qemu", VD_QEMU_NS, &why), 0);
	char *orig = NULL;
	CHECK_INT(vd_read_user_file(VM("fanfan42-legion5-17ach6h-win10.xml"), 1 << 20, &orig, &len), 0);
	CHECK_STR(fixed, orig);
	free(orig);
	free(fixed);
	free(xml);
	unload(&e);
}

static void test_topology(void)
{
	struct env e;
	/* positive: libvirt's own hostdev-pci-multifunction.xml, 4 vCPUs, no topology */
	load(&e, "intel-nvidia-desktop", LV("hostdev-pci-multifunction.xml"), VM("soccertack-virt-scripts-run-guest.sh"));
	run(&e);
	CHECK_INT(e.h.vms.n, 2);
	int fails = 0;
	for (size_t i = 0; i < e.fs.n; i++)
		fails += !strcmp(e.fs.f[i].id, "vm-topology") && e.fs.f[i].severity == VD_FAIL;
	CHECK_INT(fails, 2); /* 4 sockets each */
	const struct vd_finding *f = get(&e, "vm-topology");
	/* the i7-8700K has 2 threads per core: 2 cores x 2 threads */
	CHECK(has_fix(f, VD_FIX_XML, "/domain/cpu/topology", "sockets='1' cores='2' threads='2'"));
	unload(&e);
	/* negative: one socket of 7 cores x 2 threads; -smp 4,sockets=1 */
	load(&e, "intel-nvidia-desktop", VM("fanfan42-legion5-17ach6h-win10.xml"), VM("adrienkohlbecker-homelab-vm.sh"));
	run(&e);
	for (size_t i = 0; i < e.fs.n; i++)
		if (!strcmp(e.fs.f[i].id, "vm-topology"))
			CHECK_INT(e.fs.f[i].severity, VD_PASS);
	unload(&e);
}

static void test_firmware_and_hostdev(void)
{
	struct env e;
	/* positive: SeaBIOS (-bios bios.bin) with the GPU at 01:00.0 */
	load(&e, "intel-nvidia-desktop", NULL, VM("adrienkohlbecker-homelab-vm.sh"));
	run(&e);
	const struct vd_finding *f = get(&e, "vm-firmware");
	CHECK_INT(f ? (int)f->severity : -1, VD_FAIL);
	CHECK(has_fix(f, VD_FIX_QEMU_ARG, "-drive", "if=pflash"));
	/* the card's USB-C and UCSI functions are left out */
	f = get(&e, "vm-hostdev");
	CHECK_INT(f ? (int)f->severity : -1, VD_WARN);
	CHECK(has_fix(f, VD_FIX_QEMU_ARG, "-device", "vfio-pci,host=0000:01:00.3"));
	unload(&e);
	/* negative firmware: OVMF pflash */
	load(&e, "intel-nvidia-desktop", NULL, VM("aiminickwong-win3a_gpu2b.sh"));
	run(&e);
	CHECK_INT(sev(&e, "vm-firmware"), VD_PASS);
	unload(&e);
	/* positive hostdev: the 12700KF's addresses do not exist on this host */
	load(&e, "intel-nvidia-desktop", VM("whosboosh-win11-12700kf.xml"), NULL);
	run(&e);
	size_t missing = 0;
	for (size_t i = 0; i < e.fs.n; i++)
		missing += !strcmp(e.fs.f[i].id, "vm-hostdev") && e.fs.f[i].severity == VD_FAIL;
	CHECK_INT(missing, 3);
	unload(&e);
	/* negative hostdev: the Legion VM once the fix added the card's other functions */
	load(&e, "intel-nvidia-desktop", VM("fanfan42-legion5-17ach6h-win10.xml"), NULL);
	run(&e);
	f = get(&e, "vm-hostdev");
	CHECK_INT(f ? (int)f->severity : -1, VD_WARN);
	const struct vd_fix *fx[8];
	size_t nfx = 0;
	for (size_t i = 0; f && i < f->nfix && nfx < 8; i++)
		fx[nfx++] = &f->fix[i];
	struct vd_domain_plan p;
	char *why = NULL;
	CHECK_INT(vd_domain_plan(e.h.vms.vm[0].xml, fx, nfx, &p, &why), 0);
	struct vd_vm *vm = &e.h.vms.vm[0];
	vd_vm_done(vm);
	vd_vm_init(vm, VD_VM_XML, "fixed.xml");
	CHECK_INT(vd_vm_parse_xml(p.new_xml, strlen(p.new_xml), vm, &why), 0);
	CHECK_INT(vm->nhostdev, 4);
	run(&e);
	CHECK_INT(sev(&e, "vm-hostdev"), VD_PASS);
	vd_domain_plan_done(&p);
	unload(&e);
}

static void test_maxphysaddr(void)
{
	struct env e;
	/* negative: i7-8700K, 39 bits physical, VT-d MGAW 39, host-passthrough */
	load(&e, "intel-nvidia-desktop", VM("whosboosh-win11-12700kf.xml"), NULL);
	run(&e);
	CHECK_INT(sev(&e, "vm-maxphysaddr"), VD_PASS);
	/* positive: the same VM on a hybrid CPU (the 12700KF it was written for) */
	e.h.cpu.hybrid = true;
	e.h.cpu.pcore_cpus = vd_xstrdup("0-15");
	e.h.cpu.ecore_cpus = vd_xstrdup("16-19");
	run(&e);
	const struct vd_finding *f = get(&e, "vm-maxphysaddr");
	CHECK_INT(f ? (int)f->severity : -1, VD_WARN);
	/* libvirt unknown: the form 8.7.0 to 9.2 take */
	CHECK(has_fix(f, VD_FIX_XML, "/domain/cpu/maxphysaddr", "mode='emulate' bits='39'"));
	e.h.vms.vm[0].libvirt_version = VD_VERSION_NUM(9, 3, 0);
	run(&e);
	CHECK(has_fix(get(&e, "vm-maxphysaddr"), VD_FIX_XML, "/domain/cpu/maxphysaddr", "mode='passthrough' limit='39'"));
	e.h.vms.vm[0].libvirt_version = VD_VERSION_NUM(8, 0, 0);
	run(&e);
	CHECK(has_fix(get(&e, "vm-maxphysaddr"), VD_FIX_XML, "/domain/qemu:commandline/qemu:arg",
		      "host-x86_64-cpu.host-phys-bits-limit=39"));
	unload(&e);
	/* positive: libvirt's cpu-phys-bits-emulate.xml asks for 42 bits on a 39-bit host */
	load(&e, "intel-nvidia-desktop", LV("cpu-phys-bits-emulate.xml"), NULL);
	run(&e);
	CHECK_INT(sev(&e, "vm-maxphysaddr"), VD_FAIL);
	unload(&e);
}

static void test_viommu(void)
{
	struct env e;
	/* positive: libvirt's intel-iommu-aw-bits.xml, aw_bits 48 > MGAW 39 */
	load(&e, "intel-nvidia-desktop", LV("intel-iommu-aw-bits.xml"), NULL);
	run(&e);
	const struct vd_finding *f = get(&e, "vm-viommu");
	CHECK_INT(f ? (int)f->severity : -1, VD_FAIL);
	CHECK(has_fix(f, VD_FIX_XML, "/domain/devices/iommu[@model='intel']/driver", "caching_mode='on' aw_bits='39'"));
	unload(&e);
	/* the QEMU script: caching mode on, default aw-bits on an unversioned q35 */
	load(&e, "intel-nvidia-desktop", NULL, VM("soccertack-virt-scripts-run-guest.sh"));
	run(&e);
	CHECK_INT(sev(&e, "vm-viommu"), VD_FAIL);
	unload(&e);
	/* negative: AMD host, HATS 6 levels, 48 fits */
	load(&e, "amd-ryzen-two-gpus", NULL, VM("soccertack-virt-scripts-run-guest.sh"));
	run(&e);
	CHECK_INT(vd_iommu_amd_width(&e.h.iommu), 64);
	CHECK_INT(sev(&e, "vm-viommu"), VD_PASS);
	unload(&e);
	/* negative: no vIOMMU */
	load(&e, "intel-nvidia-desktop", VM("fanfan42-legion5-17ach6h-win10.xml"), NULL);
	run(&e);
	CHECK_INT(sev(&e, "vm-viommu"), VD_PASS);
	unload(&e);
}

static void test_hidden(void)
{
	struct env e;
	load(&e, "intel-nvidia-desktop", VM("manu-romero-asus-tuf-fa507nvr-win11.xml"), NULL);
	run(&e);
	const struct vd_finding *f = get(&e, "vm-hidden");
	CHECK_INT(f ? (int)f->severity : -1, VD_INFO);
	CHECK(has_fix(f, VD_FIX_XML, "/domain/features/kvm/hidden/@state", "on"));
	unload(&e);
	load(&e, "intel-nvidia-desktop", VM("fanfan42-legion5-17ach6h-win10.xml"), VM("adrienkohlbecker-homelab-vm.sh"));
	run(&e);
	f = get(&e, "vm-hidden");
	CHECK_INT(f ? (int)f->severity : -1, VD_INFO); /* hidden, vendor id set: no fix */
	CHECK(f && f->nfix == 0);
	unload(&e);
}

static void test_bad_input(void)
{
	struct vd_vm vm;
	char *why = NULL;
	static const char *const bad[] = {
		"", "<domain", "<notadomain/>", "<domain><vcpu>99999999999999999999</vcpu></domain>",
		"<!DOCTYPE d [<!ENTITY x SYSTEM 'http://example.invalid/x'>]><domain>&x;</domain>",
	};
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		vd_vm_init(&vm, VD_VM_XML, "bad.xml");
		int r = vd_vm_parse_xml(bad[i], strlen(bad[i]), &vm, &why);
		CHECK(r == 0 || (r == -EBADMSG && why && !strchr(why, '\n')));
		free(why);
		why = NULL;
		vd_vm_done(&vm);
	}
	/* absurd numbers are ignored, not trusted */
	const char *x = "<domain type='kvm'><vcpu>0</vcpu><devices><hostdev mode='subsystem' type='pci'><source>"
			"<address domain='0x0' bus='0x1ff' slot='0x0' function='0x9'/></source></hostdev></devices></domain>";
	vd_vm_init(&vm, VD_VM_XML, "x.xml");
	CHECK_INT(vd_vm_parse_xml(x, strlen(x), &vm, &why), 0);
	CHECK_INT(vm.nhostdev, 0);
	CHECK_INT(vm.vcpus, 1);
	vd_vm_done(&vm);
	vd_vm_init(&vm, VD_VM_QEMU_CMD, "x.sh");
	CHECK_INT(vd_vm_parse_qemu("echo hello\n", 11, false, &vm, &why), -EBADMSG);
	free(why);
	vd_vm_done(&vm);
}

static void test_edits(void)
{
	char *xml = NULL, *why = NULL;
	size_t len;
	CHECK_INT(vd_read_user_file(VM("fanfan42-legion5-17ach6h-win10.xml"), 1 << 20, &xml, &len), 0);
	char *orig = vd_xstrdup(xml);
	/* a new element under <cpu>, in the document's quote style and indentation */
	CHECK_INT(vd_domain_edit(&xml, VD_OP_SET, "/domain/cpu/maxphysaddr", "mode='emulate' bits='39'", &why), 0);
	CHECK(strstr(xml, "    <feature policy='require' name='topoext'/>\n    <maxphysaddr mode='emulate' bits='39'/>\n  </cpu>") != NULL);
	/* idempotent */
	char *once = vd_xstrdup(xml);
	CHECK_INT(vd_domain_edit(&xml, VD_OP_SET, "/domain/cpu/maxphysaddr", "mode='emulate' bits='39'", &why), 0);
	CHECK_STR(xml, once);
	/* the rest is byte for byte: only the one line was added */
	char *diff = vd_diff_unified(orig, strlen(orig), xml, strlen(xml), "a", "b");
	size_t plus = 0, minus = 0;
	for (const char *p = diff; *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p)) {
		plus += p[0] == '+' && p[1] != '+';
		minus += p[0] == '-' && p[1] != '-';
	}
	CHECK_INT(plus, 1);
	CHECK_INT(minus, 0);
	CHECK(strstr(xml, "WARNING: THIS IS AN AUTO-GENERATED FILE") != NULL); /* comment kept */
	/* qemu args: appended once */
	CHECK_INT(vd_domain_edit(&xml, VD_OP_ADD, "/domain/qemu:commandline/qemu:arg", "-acpitable\nfile=/x.dat", &why), 0);
	free(once);
	once = vd_xstrdup(xml);
	CHECK_INT(vd_domain_edit(&xml, VD_OP_ADD, "/domain/qemu:commandline/qemu:arg", "-acpitable\nfile=/x.dat", &why), 0);
	CHECK_STR(xml, once);
	/* remove an attribute that is not there: nothing */
	CHECK_INT(vd_domain_edit(&xml, VD_OP_REMOVE, "/domain/devices/iommu/driver/@intremap", NULL, &why), 0);
	CHECK_STR(xml, once);
	/* malformed paths are refused with a reason */
	CHECK_INT(vd_domain_edit(&xml, VD_OP_SET, "domain/cpu", "x='1'", &why), -EINVAL);
	CHECK(why != NULL);
	free(why);
	why = NULL;
	free(diff);
	free(once);
	free(orig);
	free(xml);

	/* qemu:commandline created, namespace declared, in a file without either */
	CHECK_INT(vd_read_user_file(LV("hostdev-vfio.xml"), 1 << 20, &xml, &len), 0);
	CHECK_INT(vd_domain_edit(&xml, VD_OP_ADD, "/domain/qemu:commandline/qemu:arg", "-acpitable\nfile=/x.dat", &why), 0);
	struct vd_vm vm;
	vd_vm_init(&vm, VD_VM_XML, "t.xml");
	CHECK_INT(vd_vm_parse_xml(xml, strlen(xml), &vm, &why), 0);
	CHECK(vm.qemu_ns_ok && vm.acpitables && !strcmp(vm.acpitables[0], "file=/x.dat"));
	vd_vm_done(&vm);
	free(xml);
}

static void test_conflict(void)
{
	/* libvirt's intel-iommu-aw-bits.xml has intremap='on'; the GPU's fix
	 * wants <ioapic driver='kvm'/>: the plan drops remapping and says so. */
	char *xml = NULL, *why = NULL;
	size_t len;
	CHECK_INT(vd_read_user_file(LV("intel-iommu-aw-bits.xml"), 1 << 20, &xml, &len), 0);
	struct vd_fix a = {.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/features/ioapic/@driver", .value = "kvm"};
	struct vd_fix b = {.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/devices/iommu[@model='intel']/driver",
			   .value = "caching_mode='on' aw_bits='39'"};
	const struct vd_fix *fx[] = {&a, &b};
	struct vd_domain_plan p;
	CHECK_INT(vd_domain_plan(xml, fx, 2, &p, &why), 0);
	CHECK(p.new_xml && strstr(p.new_xml, "<ioapic driver='kvm'/>") && !strstr(p.new_xml, "intremap"));
	CHECK(p.new_xml && strstr(p.new_xml, "<driver aw_bits='39' caching_mode='on'/>"));
	CHECK(p.notes && p.notes[0] && strstr(p.notes[0], "intremap"));
	struct vd_domain_plan p2;
	CHECK_INT(vd_domain_plan(p.new_xml, fx, 2, &p2, &why), 0);
	CHECK_INT(p2.nedits, 0);
	CHECK_STR(p2.new_xml, p.new_xml);
	vd_domain_plan_done(&p2);
	vd_domain_plan_done(&p);
	free(xml);
}

int main(void)
{
	test_parse_facts();
	test_ioapic();
	test_amd_stibp();
	test_battery_and_namespace();
	test_topology();
	test_firmware_and_hostdev();
	test_maxphysaddr();
	test_viommu();
	test_hidden();
	test_bad_input();
	test_edits();
	test_conflict();
	return unit_done("test-vm");
}
