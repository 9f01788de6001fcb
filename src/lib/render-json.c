// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON renderer through json-c; the schema is docs/json-schema.md. */
#include <json-c/json.h>
#include <string.h>

#include "config.h"
#include "render.h"

/* JSON must be UTF-8 (RFC 8259), but what the tool shows comes from files:
 * device names, log lines and paths can hold any bytes. Invalid sequences
 * become U+FFFD, control characters are left to json-c's escaping. */
char *vd_utf8_clean(const char *s)
{
	struct vd_str o = {0};
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 : (*p & 0xf8) == 0xf0 ? 4 : 0;
		bool ok = n > 0;
		for (int i = 1; ok && i < n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		/* no overlong two-byte forms, no surrogates, nothing past U+10FFFF */
		if (ok && n == 2 && *p < 0xc2)
			ok = false;
		if (ok && n == 3 && ((*p == 0xe0 && p[1] < 0xa0) || (*p == 0xed && p[1] >= 0xa0)))
			ok = false;
		if (ok && n == 4 && ((*p == 0xf0 && p[1] < 0x90) || *p > 0xf4 || (*p == 0xf4 && p[1] >= 0x90)))
			ok = false;
		if (ok) {
			vd_str_addn(&o, (const char *)p, (size_t)n);
			p += n;
		} else {
			vd_str_add(&o, "\xef\xbf\xbd");
			p++;
		}
	}
	return vd_str_steal(&o);
}

json_object *vd_json_string(const char *s)
{
	if (!s)
		return NULL;
	char *c = vd_utf8_clean(s);
	json_object *o = json_object_new_string(c);
	free(c);
	return o;
}

static json_object *host_json(const struct vd_host *h)
{
	json_object *o = json_object_new_object(), *cpu = json_object_new_object(), *k = json_object_new_object(),
		    *m = json_object_new_object();
	size_t ngpu = 0;

	for (size_t i = 0; i < h->pci.n; i++)
		ngpu += vd_pci_is_gpu(&h->pci.dev[i]);
	json_object_object_add(cpu, "vendor", vd_json_string(h->cpu.vendor_id));
	json_object_object_add(cpu, "model_name", vd_json_string(h->cpu.model_name));
	json_object_object_add(cpu, "family", json_object_new_int(h->cpu.family));
	json_object_object_add(cpu, "model", json_object_new_int(h->cpu.model));
	json_object_object_add(cpu, "stepping", json_object_new_int(h->cpu.stepping));
	json_object_object_add(cpu, "phys_bits", json_object_new_int((int)h->cpu.phys_bits));
	json_object_object_add(cpu, "virt_bits", json_object_new_int((int)h->cpu.virt_bits));
	json_object_object_add(cpu, "hybrid", json_object_new_boolean(h->cpu.hybrid));
	json_object_object_add(cpu, "virtual_machine", json_object_new_boolean(vd_host_is_vm(h)));
	json_object_object_add(o, "cpu", cpu);

	json_object_object_add(k, "release", vd_json_string(h->kernel.release));
	json_object_object_add(k, "cmdline", vd_json_string(h->kernel.cmdline_raw));
	json_object_object_add(o, "kernel", k);

	json_object_object_add(m, "chassis_type", json_object_new_int(h->machine.chassis_type));
	json_object_object_add(m, "laptop", json_object_new_boolean(vd_machine_is_laptop(&h->machine)));
	json_object_object_add(m, "board", vd_json_string(h->machine.board_name));
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

	json_object_object_add(o, "id", vd_json_string(f->id));
	json_object_object_add(o, "severity", json_object_new_string(vd_severity_name(f->severity)));
	json_object_object_add(o, "subject", vd_json_string(f->subject));
	json_object_object_add(o, "title", vd_json_string(f->title));
	json_object_object_add(o, "message", vd_json_string(f->message));
	json_object_object_add(o, "hint", vd_json_string(f->hint));
	json_object_object_add(o, "section", vd_json_string(f->section));
	for (size_t i = 0; i < f->nev; i++) {
		json_object *e = json_object_new_object();
		json_object_object_add(e, "source", vd_json_string(f->ev[i].source));
		json_object_object_add(e, "value", vd_json_string(f->ev[i].value));
		json_object_array_add(ev, e);
	}
	json_object_object_add(o, "evidence", ev);
	for (size_t i = 0; i < f->nfix; i++) {
		const struct vd_fix *x = &f->fix[i];
		json_object *e = json_object_new_object();
		json_object_object_add(e, "kind", json_object_new_string(vd_fix_kind_name(x->kind)));
		json_object_object_add(e, "op", json_object_new_string(vd_fix_op_name(x->op)));
		json_object_object_add(e, "target", vd_json_string(x->target));
		json_object_object_add(e, "value", vd_json_string(x->value));
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
	json_object_object_add(root, "root", vd_json_string(vd_root_path(h->root)));
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
