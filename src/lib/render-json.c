// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON renderer through json-c; the schema is docs/json-schema.md. */
#include <json-c/json.h>
#include <string.h>

#include "config.h"
#include "render.h"

static json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static json_object *host_json(const struct vd_host *h)
{
	json_object *o = json_object_new_object(), *cpu = json_object_new_object(), *k = json_object_new_object(),
		    *m = json_object_new_object();
	size_t ngpu = 0;

	for (size_t i = 0; i < h->pci.n; i++)
		ngpu += vd_pci_is_gpu(&h->pci.dev[i]);
	json_object_object_add(cpu, "vendor", str_or_null(h->cpu.vendor_id));
	json_object_object_add(cpu, "model_name", str_or_null(h->cpu.model_name));
	json_object_object_add(cpu, "family", json_object_new_int(h->cpu.family));
	json_object_object_add(cpu, "model", json_object_new_int(h->cpu.model));
	json_object_object_add(cpu, "stepping", json_object_new_int(h->cpu.stepping));
	json_object_object_add(cpu, "phys_bits", json_object_new_int((int)h->cpu.phys_bits));
	json_object_object_add(cpu, "virt_bits", json_object_new_int((int)h->cpu.virt_bits));
	json_object_object_add(cpu, "hybrid", json_object_new_boolean(h->cpu.hybrid));
	json_object_object_add(cpu, "virtual_machine", json_object_new_boolean(vd_host_is_vm(h)));
	json_object_object_add(o, "cpu", cpu);

	json_object_object_add(k, "release", str_or_null(h->kernel.release));
	json_object_object_add(k, "cmdline", str_or_null(h->kernel.cmdline_raw));
	json_object_object_add(o, "kernel", k);

	json_object_object_add(m, "chassis_type", json_object_new_int(h->machine.chassis_type));
	json_object_object_add(m, "laptop", json_object_new_boolean(vd_machine_is_laptop(&h->machine)));
	json_object_object_add(m, "board", str_or_null(h->machine.board_name));
	json_object_object_add(o, "machine", m);

	json_object_object_add(o, "pci_functions", json_object_new_int64((int64_t)h->pci.n));
	json_object_object_add(o, "gpus", json_object_new_int64((int64_t)ngpu));
	json_object_object_add(o, "iommu_units", json_object_new_int64((int64_t)h->iommu.nunits));
	json_object_object_add(o, "iommu_groups", json_object_new_int64((int64_t)h->iommu.ngroups));
	return o;
}

static json_object *finding_json(const struct vd_finding *f)
{
	json_object *o = json_object_new_object(), *ev = json_object_new_array(), *fx = json_object_new_array();

	json_object_object_add(o, "id", json_object_new_string(f->id));
	json_object_object_add(o, "severity", json_object_new_string(vd_severity_name(f->severity)));
	json_object_object_add(o, "subject", str_or_null(f->subject));
	json_object_object_add(o, "title", json_object_new_string(f->title));
	json_object_object_add(o, "message", json_object_new_string(f->message));
	json_object_object_add(o, "hint", str_or_null(f->hint));
	json_object_object_add(o, "section", str_or_null(f->section));
	for (size_t i = 0; i < f->nev; i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "source", json_object_new_string(f->ev[i].source));
		json_object_object_add(e, "value", json_object_new_string(f->ev[i].value));
		json_object_array_add(ev, e);
	}
	json_object_object_add(o, "evidence", ev);
	for (size_t i = 0; i < f->nfix; i++) {
		const struct vd_fix *x = &f->fix[i];
		json_object *e = json_object_new_object();
		json_object_object_add(e, "kind", json_object_new_string(vd_fix_kind_name(x->kind)));
		json_object_object_add(e, "op", json_object_new_string(vd_fix_op_name(x->op)));
		json_object_object_add(e, "target", str_or_null(x->target));
		json_object_object_add(e, "value", str_or_null(x->value));
		if (x->mode)
			json_object_object_add(e, "mode", json_object_new_int((int)x->mode));
		json_object_array_add(fx, e);
	}
	json_object_object_add(o, "fixes", fx);
	return o;
}

char *vd_render_json(const struct vd_host *h, const struct vd_findings *fs)
{
	json_object *root = json_object_new_object(), *sum = json_object_new_object(), *arr = json_object_new_array();
	size_t counts[VD_NSEVERITY];

	json_object_object_add(root, "schema", json_object_new_string("vfio-doctor/check/1"));
	json_object_object_add(root, "version", json_object_new_string(VD_VERSION));
	json_object_object_add(root, "root", json_object_new_string(vd_root_path(h->root)));
	json_object_object_add(root, "host", host_json(h));
	vd_findings_count(fs, counts);
	for (int s = 0; s < VD_NSEVERITY; s++)
		json_object_object_add(sum, vd_severity_name((enum vd_severity)s), json_object_new_int64((int64_t)counts[s]));
	json_object_object_add(root, "summary", sum);
	for (size_t i = 0; i < fs->n; i++)
		json_object_array_add(arr, finding_json(&fs->f[i]));
	json_object_object_add(root, "findings", arr);

	char *s = vd_xasprintf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
									       JSON_C_TO_STRING_SPACED |
									       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(root);
	return s;
}
