// SPDX-License-Identifier: GPL-2.0-or-later
/* Every domain XML of the robustness corpus (146 files from libvirt's own
 * test suite, tests/corpus/libvirt-xml/MANIFEST.md) through the parser,
 * the checks and a plan of every kind of edit: no crash, no sanitizer
 * report, no leak (ASan and valgrind builds run this too). */
#include <errno.h>

#include "check.h"
#include "domain-edit.h"
#include "unit.h"
#include "vm.h"

static const struct vd_fix edits[] = {
	{.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/features/ioapic/@driver", .value = "kvm"},
	{.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/cpu/feature[@name='amd-stibp']/@policy", .value = "disable"},
	{.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/cpu/topology", .value = "sockets='1' cores='2' threads='2'"},
	{.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/devices/iommu[@model='intel']/driver", .value = "caching_mode='on' aw_bits='39'"},
	{.kind = VD_FIX_XML, .op = VD_OP_ADD, .target = "/domain/qemu:commandline/qemu:arg", .value = "-acpitable\nfile=/var/lib/vfio-doctor/SSDT1.dat"},
	{.kind = VD_FIX_XML, .op = VD_OP_SET, .target = "/domain/os/@firmware", .value = "efi"},
};

int main(void)
{
	char root_path[1024];
	struct vd_root *root;
	struct vd_host h;
	static const char *const dirs[] = {"qemuxml2argvdata", "qemuxml2xmloutdata", "qemuxmlconfdata"};
	size_t files = 0, parsed = 0;

	snprintf(root_path, sizeof(root_path), "%s/intel-nvidia-desktop", FIXTURES);
	CHECK_INT(vd_root_open(root_path, 0, &root), 0);
	CHECK_INT(vd_host_gather(root, NULL, &h), 0);
	for (size_t d = 0; d < ARRAY_SIZE(dirs); d++) {
		char dir[1024];
		snprintf(dir, sizeof(dir), "%s/%s", CORPUS, dirs[d]);
		char **names = NULL;
		struct vd_root *cr;
		/* the corpus is read through the root layer like anything else */
		if (vd_root_open(dir, 0, &cr) < 0) {
			fprintf(stderr, "test-vm-corpus: no corpus at %s, skipped\n", dir);
			continue;
		}
		CHECK_INT(vd_root_list(cr, "/", &names), 0);
		for (char **n = names; n && *n; n++) {
			char *data = NULL, *why = NULL;
			size_t len;
			char rel[512];
			snprintf(rel, sizeof(rel), "/%s", *n);
			if (vd_root_read(cr, rel, 0, &data, &len) < 0)
				continue;
			files++;
			struct vd_vm *vm = vd_vms_add(&h.vms, VD_VM_XML, *n);
			if (vd_vm_parse_xml(data, len, vm, &why) == 0) {
				parsed++;
				struct vd_findings fs = {0};
				char *bad = NULL;
				CHECK_INT(vd_checks_run(&h, NULL, &fs, &bad), 0);
				vd_findings_done(&fs);
				const struct vd_fix *fx[ARRAY_SIZE(edits)];
				for (size_t i = 0; i < ARRAY_SIZE(edits); i++)
					fx[i] = &edits[i];
				struct vd_domain_plan p;
				char *pwhy = NULL;
				if (vd_domain_plan(data, fx, ARRAY_SIZE(edits), &p, &pwhy) == 0) {
					/* the result parses, and a second plan changes nothing */
					struct vd_vm v2;
					char *w2 = NULL;
					vd_vm_init(&v2, VD_VM_XML, "planned");
					CHECK_INT(vd_vm_parse_xml(p.new_xml, strlen(p.new_xml), &v2, &w2), 0);
					free(w2);
					vd_vm_done(&v2);
					struct vd_domain_plan p2;
					CHECK_INT(vd_domain_plan(p.new_xml, fx, ARRAY_SIZE(edits), &p2, &pwhy), 0);
					if (p2.new_xml && strcmp(p2.new_xml, p.new_xml) != 0)
						fprintf(stderr, "not idempotent: %s\n", *n);
					CHECK(p2.new_xml && strcmp(p2.new_xml, p.new_xml) == 0);
					vd_domain_plan_done(&p2);
					vd_domain_plan_done(&p);
				}
				free(pwhy);
			}
			free(why);
			vd_vm_done(vm);
			h.vms.n--;
			free(data);
		}
		vd_strv_free(names);
		vd_root_free(cr);
	}
	fprintf(stderr, "test-vm-corpus: %zu files, %zu parsed as domains\n", files, parsed);
	vd_host_done(&h);
	vd_root_free(root);
	return unit_done("test-vm-corpus");
}
