// SPDX-License-Identifier: GPL-2.0-or-later
/* vm-topology: vCPUs presented as separate sockets; Windows client editions
 * use one socket (Home) or two (Pro), so the VM sees one core. */
#include <stdio.h>

#include "../vm-check.h"

/* Sockets the guest sees. libvirt always passes a topology to QEMU (without
 * <topology> it is one socket per vCPU); plain QEMU without one puts vCPUs
 * in sockets before machine types 6.2 and in cores since (QEMU commit
 * "hw/core/machine: prefer cores over sockets in smp parsing since 6.2"). */
static unsigned sockets_of(const struct vd_vm *vm, bool *explicit_topo)
{
	unsigned ma, mi;
	*explicit_topo = vm->topology;
	if (vm->topology)
		return vm->sockets ? vm->sockets : 1;
	if (vd_vm_is_libvirt(vm))
		return vm->vcpus;
	/* unknown version: an unversioned alias on a current QEMU */
	if (!vd_vm_machine_version(vm, &ma, &mi) || ma > 6 || (ma == 6 && mi >= 2))
		return 1;
	return vm->vcpus;
}

static void check_vm(const struct vd_check *c, const struct vd_host *h, const struct vd_vm *vm, struct vd_findings *out)
{
	bool explicit_topo;
	unsigned s = sockets_of(vm, &explicit_topo);
	unsigned cores = vm->topology ? (vm->cores ? vm->cores : 1) : (s == vm->vcpus ? 1 : vm->vcpus);
	unsigned threads = vm->topology ? (vm->threads ? vm->threads : 1) : 1;
	struct vd_finding *f;

	if (vm->vcpus <= 1) {
		vd_vm_finding(out, c, vm, VD_PASS, "The VM has one vCPU.");
		return;
	}
	if (s <= 1 || (s == 2 && (cores > 1 || threads > 1))) {
		f = vd_vm_finding(out, c, vm, VD_PASS, "%u vCPUs as %u socket%s, %u core%s, %u thread%s per core.", vm->vcpus, s,
				  s == 1 ? "" : "s", cores, cores == 1 ? "" : "s", threads, threads == 1 ? "" : "s");
		vd_vm_evidence(f, vm, "/domain/cpu/topology", "%s", explicit_topo ? "explicit" : "default");
		return;
	}
	f = vd_vm_finding(out, c, vm, s > 2 ? VD_FAIL : VD_WARN,
			  "%u vCPUs are presented as %u sockets with %u core%s each%s: Windows client editions use one "
			  "socket (Home) or two (Pro), so the guest may use only %s of them.",
			  vm->vcpus, s, cores, cores == 1 ? "" : "s", explicit_topo ? "" : " (no topology given)",
			  s > 2 ? "two" : "one");
	vd_vm_evidence(f, vm, "/domain/vcpu", "%u", vm->vcpus);
	vd_vm_evidence(f, vm, "/domain/cpu/topology", explicit_topo ? "sockets %u, cores %u, threads %u" : "absent (%u sockets)", s,
		       cores, threads);

	/* Match the host: threads per core like its SMT, the rest as cores. */
	unsigned t = h->cpu.threads_per_core ? h->cpu.threads_per_core : 1;
	if (t < 1 || vm->vcpus % t)
		t = 1;
	unsigned nc = vm->vcpus / t;
	vd_finding_hint(f, "Give the VM an explicit topology: one socket with %u core%s of %u thread%s (threads are "
			   "per core, as on the host).", nc, nc == 1 ? "" : "s", t, t == 1 ? "" : "s");
	char v[128];
	if (vd_vm_is_libvirt(vm)) {
		if (vm->dies > 1)
			snprintf(v, sizeof(v), "sockets='1' dies='1' cores='%u' threads='%u'", nc, t);
		else
			snprintf(v, sizeof(v), "sockets='1' cores='%u' threads='%u'", nc, t);
		vd_vm_fix_xml(f, VD_OP_SET, "/domain/cpu/topology", v);
	} else {
		snprintf(v, sizeof(v), "%u,sockets=1,cores=%u,threads=%u", vm->vcpus, nc, t);
		vd_vm_fix_qemu(f, VD_OP_SET, "-smp", v);
	}
}

VD_VM_CHECK_RUN(check_vm)

const struct vd_check vd_check_vm_topology = {
	.id = "vm-topology",
	.title = "vCPU topology (VM only uses one core)",
	.section = "Virtual machine only uses one core",
	.explain = "With more than one vCPU and no topology, libvirt presents each vCPU as its own socket. Windows "
		   "client editions use a limited number of sockets (Home one, Pro two), so the guest runs on one or "
		   "two cores however many vCPUs it has. The page: set the topology manually (virt-manager's "
		   "\"Manually set CPU topology\") to the desired sockets, cores and threads, keeping in mind that "
		   "threads are per core. vfio-doctor proposes one socket, the host's threads per core, and the "
		   "rest as cores. Plain QEMU since machine type 6.2 prefers cores over sockets for -smp N.",
	.looks_at = "<vcpu>, <cpu><topology>, -smp, the machine type version, the host's threads per core.",
	.fixes = "Domain XML: /domain/cpu/topology sockets='1' cores='N' threads='T'; QEMU: -smp V,sockets=1,cores=N,threads=T.",
	.run = run,
	.per_vm = true,
};
