// SPDX-License-Identifier: GPL-2.0-or-later
/* Gather VMs from every source the options name (see vm.h). */
#include <errno.h>
#include <string.h>

#include "util.h"
#include "vm.h"

/* A domain XML or QEMU script is small; anything bigger is not one. */
#define VM_FILE_MAX (4u << 20)

static void read_file(struct vd_vms *vms, const char *path, enum vd_vm_source src)
{
	_cleanup_free_ char *data = NULL, *why = NULL;
	size_t len;
	int ret = vd_read_user_file(path, VM_FILE_MAX, &data, &len);

	if (ret < 0) {
		vd_vms_error(vms, path, true, "%s", vd_errno_reason(ret));
		return;
	}
	struct vd_vm *vm = vd_vms_add(vms, src, path);
	ret = src == VD_VM_XML ? vd_vm_parse_xml(data, len, vm, &why) : vd_vm_parse_qemu(data, len, false, vm, &why);
	if (ret < 0) {
		vd_vms_error(vms, path, true, "%s", why);
		vd_vm_done(vm);
		vms->n--;
	}
}

static bool have_name(const struct vd_vms *vms, const char *name)
{
	for (size_t i = 0; i < vms->n; i++)
		if (vms->vm[i].source == VD_VM_LIBVIRT && strcmp(vms->vm[i].name, name) == 0)
			return true;
	return false;
}

/* Running QEMU processes: /proc/PID/cmdline under the root. Those libvirt
 * started were already read from libvirt (same -name guest=). */
static void scan_proc(const struct vd_root *root, struct vd_vms *vms)
{
	char **pids = NULL;
	size_t found = 0;

	if (vd_root_list(root, "/proc", &pids) < 0)
		return;
	for (char **p = pids; *p; p++) {
		if (!(**p >= '1' && **p <= '9') || strspn(*p, "0123456789") != strlen(*p))
			continue;
		_cleanup_free_ char *path = vd_xasprintf("/proc/%s/cmdline", *p);
		_cleanup_free_ char *data = NULL, *why = NULL;
		size_t len;
		if (vd_root_read(root, path, 1u << 20, &data, &len) < 0 || len == 0)
			continue;
		/* a process that is not QEMU fails the parse and is dropped */
		struct vd_vm *vm = vd_vms_add(vms, VD_VM_QEMU_PROC, path);
		if (vd_vm_parse_qemu(data, len, true, vm, &why) < 0 || (*vm->name && have_name(vms, vm->name))) {
			vd_vm_done(vm);
			vms->n--;
			continue;
		}
		found++;
	}
	vd_strv_free(pids);
	vd_vms_note(vms, "/proc: %zu QEMU process%s not started by libvirt", found, found == 1 ? "" : "es");
}

void vd_vms_gather(const struct vd_root *root, const struct vd_vm_opts *o, struct vd_vms *vms)
{
	static const struct vd_vm_opts none = {0};

	memset(vms, 0, sizeof(*vms));
	if (!o)
		o = &none;
	vms->requested = o->nxml || o->nqemu || o->uri || o->ndomains;
	for (size_t i = 0; i < o->nxml; i++)
		read_file(vms, o->xml_files[i], VD_VM_XML);
	for (size_t i = 0; i < o->nqemu; i++)
		read_file(vms, o->qemu_files[i], VD_VM_QEMU_CMD);

	/* libvirt: what the user named, or qemu:///system by default, but
	 * only for the live host: a --root snapshot is not this daemon's. */
	if (o->uri || o->ndomains)
		vd_libvirt_gather(o->uri ? o->uri : "qemu:///system", o->domains, o->ndomains, true, vms);
	else if (vms->requested)
		;
	else if (o->no_libvirt)
		vd_vms_note(vms, "libvirt: not consulted (--no-vms)");
	else if (!vd_root_is_live(root))
		vd_vms_note(vms, "libvirt: not consulted (the root is not the live host)");
	else
		vd_libvirt_gather("qemu:///system", NULL, 0, false, vms);

	if (!vms->requested && !o->no_proc)
		scan_proc(root, vms);

	/* The form of a fix depends on the installed libvirt: without a
	 * connection, the library this tool runs with is the best guess, and
	 * only when the root is this machine. Loading libvirt costs more than
	 * a whole check, so only when there is a VM to give the version to. */
	if (vms->n && !vms->libvirt_version && vd_root_is_live(root))
		vms->libvirt_version = vd_libvirt_lib_version();
	for (size_t i = 0; i < vms->n; i++) {
		if (!vms->vm[i].libvirt_version)
			vms->vm[i].libvirt_version = vms->libvirt_version;
		if (!vms->vm[i].qemu_version)
			vms->vm[i].qemu_version = vms->qemu_version;
	}
}
