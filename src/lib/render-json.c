// SPDX-License-Identifier: GPL-2.0-or-later
/* JSON renderer through json-c; the schema is docs/json-schema.md. */
#include <json-c/json.h>
#include <stdio.h>
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

static json_object *vm_json(const struct vd_vm *vm);

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
	json_object *vms = json_object_new_array();
	for (size_t i = 0; i < h->vms.n; i++)
		json_object_array_add(vms, vm_json(&h->vms.vm[i]));
	json_object_object_add(o, "vms", vms);
	return o;
}

static json_object *tristate(int v)
{
	return v == VD_UNSET ? NULL : json_object_new_boolean(v == VD_ON);
}

static json_object *int_or_null(long v)
{
	return v < 0 ? NULL : json_object_new_int64(v);
}

static json_object *version_json(unsigned long v)
{
	char buf[32];
	return v ? json_object_new_string(vd_version_str(v, buf, sizeof(buf))) : NULL;
}

static json_object *strv_json(char *const *v)
{
	json_object *a = json_object_new_array();
	for (char *const *p = v; p && *p; p++)
		json_object_array_add(a, vd_json_string(*p));
	return a;
}

/* The VM facts (docs/json-schema.md "host.vms"). */
static json_object *vm_json(const struct vd_vm *vm)
{
	json_object *o = json_object_new_object(), *hd = json_object_new_array();
	unsigned ma, mi;
	char buf[32];

	json_object_object_add(o, "name", vd_json_string(vm->name ? vm->name : ""));
	json_object_object_add(o, "source", json_object_new_string(vd_vm_source_name(vm->source)));
	json_object_object_add(o, "origin", vd_json_string(vm->origin));
	json_object_object_add(o, "machine", vd_json_string(vm->machine));
	json_object_object_add(o, "q35", json_object_new_boolean(vm->q35));
	bool mv = vd_vm_machine_version(vm, &ma, &mi);
	snprintf(buf, sizeof(buf), "%u.%u", ma, mi);
	json_object_object_add(o, "machine_version", mv ? json_object_new_string(buf) : NULL);
	json_object_object_add(o, "libvirt_version", version_json(vm->libvirt_version));
	json_object_object_add(o, "qemu_version", version_json(vm->qemu_version));
	json_object_object_add(o, "firmware", json_object_new_string(vm->firmware == VD_FW_EFI ? "efi" : vm->firmware == VD_FW_BIOS ? "bios" : "unknown"));
	json_object_object_add(o, "loader", vd_json_string(vm->loader));
	json_object_object_add(o, "cpu_mode", vd_json_string(vm->cpu_mode));
	json_object_object_add(o, "vcpus", json_object_new_int64(vm->vcpus));
	json_object *t = NULL;
	if (vm->topology) {
		t = json_object_new_object();
		json_object_object_add(t, "sockets", json_object_new_int64(vm->sockets));
		json_object_object_add(t, "dies", json_object_new_int64(vm->dies));
		json_object_object_add(t, "cores", json_object_new_int64(vm->cores));
		json_object_object_add(t, "threads", json_object_new_int64(vm->threads));
	}
	json_object_object_add(o, "topology", t);
	json_object *mp = NULL;
	if (vm->maxphys_mode) {
		mp = json_object_new_object();
		json_object_object_add(mp, "mode", vd_json_string(vm->maxphys_mode));
		json_object_object_add(mp, "bits", int_or_null(vm->maxphys_bits));
		json_object_object_add(mp, "limit", int_or_null(vm->maxphys_limit));
	}
	json_object_object_add(o, "maxphysaddr", mp);
	json_object_object_add(o, "host_phys_bits_limit", int_or_null(vm->cpu_host_phys_bits_limit));
	json_object_object_add(o, "amd_stibp", tristate(vm->amd_stibp));
	json_object_object_add(o, "ioapic", vd_json_string(vm->ioapic_driver));
	static const char *const irq[] = {NULL, "on", "split", "off"};
	json_object_object_add(o, "kernel_irqchip", irq[vm->irqchip] ? json_object_new_string(irq[vm->irqchip]) : NULL);
	json_object_object_add(o, "kvm_hidden", tristate(vm->kvm_hidden));
	json_object_object_add(o, "hyperv_vendor_id", vm->hv_vendor_id == VD_ON ? vd_json_string(vm->hv_vendor_id_value) : NULL);
	json_object_object_add(o, "windows", json_object_new_boolean(vm->windows));
	json_object *io = NULL;
	if (vm->iommu_model) {
		io = json_object_new_object();
		json_object_object_add(io, "model", vd_json_string(vm->iommu_model));
		json_object_object_add(io, "intremap", tristate(vm->iommu_intremap));
		json_object_object_add(io, "caching_mode", tristate(vm->iommu_caching_mode));
		json_object_object_add(io, "eim", tristate(vm->iommu_eim));
		json_object_object_add(io, "aw_bits", int_or_null(vm->iommu_aw_bits));
	}
	json_object_object_add(o, "iommu", io);
	for (size_t i = 0; i < vm->nhostdev; i++) {
		const struct vd_vm_hostdev *d = &vm->hostdev[i];
		json_object *e = json_object_new_object();
		snprintf(buf, sizeof(buf), "%04x:%02x:%02x.%x", d->domain, d->bus, d->slot, d->fn);
		json_object_object_add(e, "address", json_object_new_string(buf));
		json_object_object_add(e, "managed", tristate(d->managed));
		json_object_object_add(e, "rom_file", vd_json_string(d->rom_file));
		json_object_object_add(e, "rom_bar", tristate(d->rom_bar));
		snprintf(buf, sizeof(buf), "%02x:%02x.%x", d->gbus, d->gslot, d->gfn);
		json_object_object_add(e, "guest_address", d->guest_addr ? json_object_new_string(buf) : NULL);
		json_object_object_add(e, "multifunction", tristate(d->multifunction));
		json_object_array_add(hd, e);
	}
	json_object_object_add(o, "hostdevs", hd);
	json_object_object_add(o, "qemu_commandline", json_object_new_boolean(vm->qemu_commandline));
	json_object_object_add(o, "qemu_namespace_ok", vm->qemu_commandline ? json_object_new_boolean(vm->qemu_ns_ok) : NULL);
	json_object_object_add(o, "qemu_args", strv_json(vm->qemu_args));
	json_object_object_add(o, "acpitables", strv_json(vm->acpitables));
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

	return vd_json_dump(root);
}

char *vd_json_dump(struct json_object *o)
{
	char *s = vd_xasprintf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
									       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return s;
}
