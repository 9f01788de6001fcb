// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: domain XML into the VM model, then every kind of edit
 * the fixes make, and the diff of the result. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "domain-edit.h"
#include "util.h"
#include "vm.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct vd_fix edits[] = {
	{.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/features/ioapic/@driver", .value = "kvm"},
	{.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/cpu/feature[@name='amd-stibp']/@policy", .value = "disable"},
	{.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/cpu/topology", .value = "sockets='1' cores='2' threads='2'"},
	{.kind = VD_FIX_XML, .op = VD_OP_REMOVE, .target = "/domain/devices/iommu/driver/@intremap"},
	{.kind = VD_FIX_XML, .op = VD_OP_ADD, .target = "/domain/qemu:commandline/qemu:arg", .value = "-acpitable\nfile=/x.dat"},
	{.kind = VD_FIX_XML, .op = VD_OP_ADD, .target = "/domain/devices",
	 .value = "<hostdev mode='subsystem' type='pci'><source><address bus='0x01' slot='0x00' function='0x1'/></source></hostdev>"},
	{.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/@xmlns:qemu", .value = VD_QEMU_NS},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vd_vm vm;
	char *why = NULL;
	char *text = vd_xstrndup((const char *)data, size); /* the plan takes a C string */

	vd_vm_init(&vm, VD_VM_XML, "fuzz.xml");
	if (vd_vm_parse_xml((const char *)data, size, &vm, &why) == 0 && strlen(text) == size) {
		const struct vd_fix *fx[ARRAY_SIZE(edits)];
		for (size_t i = 0; i < ARRAY_SIZE(edits); i++)
			fx[i] = &edits[i];
		struct vd_domain_plan p;
		char *pwhy = NULL;
		if (vd_domain_plan(text, fx, ARRAY_SIZE(edits), &p, &pwhy) == 0) {
			char *d = vd_diff_unified(p.old_xml, strlen(p.old_xml), p.new_xml, strlen(p.new_xml), "a", "b");
			free(d);
			vd_domain_plan_done(&p);
		}
		free(pwhy);
	}
	free(why);
	free(text);
	vd_vm_done(&vm);
	return 0;
}
