// SPDX-License-Identifier: GPL-2.0-or-later
/* Domains through the libvirt client API (optional: HAVE_LIBVIRT). Reads the
 * persistent (inactive) configuration, which is what the next start uses and
 * what `fix` edits, plus the libvirt and QEMU versions of the connection. */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "util.h"
#include "vm-libvirt.h"
#include "vm.h"

#if HAVE_LIBVIRT
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* libvirt's default error handler prints to stderr; the library must not. */
static void quiet(void *opaque _unused_, virErrorPtr err _unused_)
{
}

/* libvirt's message on one line: schema errors come as several. */
static char *last_error(void)
{
	virErrorPtr e = virGetLastError();
	struct vd_str s = {0};
	const char *m = e && e->message ? e->message : "unknown libvirt error";

	for (const char *p = m; *p;) {
		size_t w = strcspn(p, "\n");
		if (w) {
			if (s.len)
				vd_str_add(&s, "; ");
			vd_str_addn(&s, p, w);
		}
		p += w + (p[w] == '\n');
	}
	virResetLastError();
	return vd_str_steal(&s);
}

static void libvirt_init(void)
{
	/* Sets libvirt's own handler (its state, not ours); idempotent. */
	virSetErrorFunc(NULL, quiet);
}

unsigned long vd_libvirt_lib_version(void)
{
	unsigned long v = 0;
	libvirt_init();
	return virGetVersion(&v, NULL, NULL) == 0 ? v : 0;
}

static char *domain_xml(virDomainPtr d)
{
	/* The persistent definition when there is one; a transient domain has
	 * only its live XML. */
	unsigned flags = virDomainIsPersistent(d) == 1 ? VIR_DOMAIN_XML_INACTIVE : 0;
	return virDomainGetXMLDesc(d, flags);
}

/* Parse one domain; keep it when it has PCI hostdevs or was named. */
static void add_domain(virDomainPtr d, const char *uri, bool keep_always, struct vd_vms *vms, size_t *kept)
{
	char *xml = domain_xml(d);
	const char *name = virDomainGetName(d);

	if (!xml) {
		_cleanup_free_ char *e = last_error();
		vd_vms_error(vms, uri, keep_always, "domain %s: %s", name ? name : "?", e);
		return;
	}
	struct vd_vm *vm = vd_vms_add(vms, VD_VM_LIBVIRT, uri);
	_cleanup_free_ char *why = NULL;
	if (vd_vm_parse_xml(xml, strlen(xml), vm, &why) < 0) {
		vd_vms_error(vms, uri, keep_always, "domain %s: %s", name ? name : "?", why);
		vd_vm_done(vm);
		vms->n--;
	} else if (!keep_always && vm->nhostdev == 0) {
		vd_vm_done(vm);
		vms->n--;
	} else {
		(*kept)++;
	}
	free(xml);
}

int vd_libvirt_gather(const char *uri, const char *const *names, size_t nnames, bool requested, struct vd_vms *vms)
{
	virConnectPtr c;
	size_t kept = 0;

	libvirt_init();
	c = virConnectOpenReadOnly(uri);
	if (!c) {
		_cleanup_free_ char *e = last_error();
		vd_vms_error(vms, uri, requested, "cannot connect to libvirt: %s", e);
		return -ECONNREFUSED;
	}
	unsigned long lv = 0, hv = 0;
	if (virConnectGetLibVersion(c, &lv) == 0)
		vms->libvirt_version = lv;
	if (virConnectGetVersion(c, &hv) == 0 && hv)
		vms->qemu_version = hv;
	size_t first = vms->n;
	if (nnames) {
		for (size_t i = 0; i < nnames; i++) {
			virDomainPtr d = virDomainLookupByName(c, names[i]);
			if (!d) {
				_cleanup_free_ char *e = last_error();
				vd_vms_error(vms, uri, true, "no domain %s: %s", names[i], e);
				continue;
			}
			add_domain(d, uri, true, vms, &kept);
			virDomainFree(d);
		}
		vd_vms_note(vms, "libvirt %s: %zu of %zu named domains read", uri, kept, nnames);
	} else {
		virDomainPtr *doms = NULL;
		int n = virConnectListAllDomains(c, &doms, 0);
		if (n < 0) {
			_cleanup_free_ char *e = last_error();
			vd_vms_error(vms, uri, requested, "cannot list domains: %s", e);
		}
		for (int i = 0; i < n; i++) {
			add_domain(doms[i], uri, false, vms, &kept);
			virDomainFree(doms[i]);
		}
		free(doms);
		vd_vms_note(vms, "libvirt %s: %d domain%s, %zu with PCI host devices", uri, n < 0 ? 0 : n, n == 1 ? "" : "s",
			    kept);
	}
	for (size_t i = first; i < vms->n; i++) {
		vms->vm[i].libvirt_version = vms->libvirt_version;
		vms->vm[i].qemu_version = vms->qemu_version;
	}
	virConnectClose(c);
	return 0;
}

/* A read-write connection for fix: one-line reason on failure. */
static virConnectPtr open_rw(const char *uri, char **why)
{
	libvirt_init();
	virConnectPtr c = virConnectOpen(uri);
	if (!c) {
		_cleanup_free_ char *e = last_error();
		*why = vd_xasprintf("cannot connect to %s: %s", uri, e);
	}
	return c;
}

int vd_libvirt_domain_xml(const char *uri, const char *name, char **xml, char **why)
{
	virConnectPtr c = open_rw(uri, why);
	virDomainPtr d;

	if (!c)
		return -ECONNREFUSED;
	d = virDomainLookupByName(c, name);
	if (!d) {
		_cleanup_free_ char *e = last_error();
		*why = vd_xasprintf("no domain %s: %s", name, e);
		virConnectClose(c);
		return -ENOENT;
	}
	/* SECURE: keep passwords and keys, or defining the edited XML would
	 * drop them. */
	unsigned flags = (virDomainIsPersistent(d) == 1 ? VIR_DOMAIN_XML_INACTIVE : 0) | VIR_DOMAIN_XML_SECURE;
	*xml = virDomainGetXMLDesc(d, flags);
	if (!*xml)
		*why = last_error();
	virDomainFree(d);
	virConnectClose(c);
	return *xml ? 0 : -EIO;
}

int vd_libvirt_define(const char *uri, const char *xml, char **why)
{
	virConnectPtr c = open_rw(uri, why);
	virDomainPtr d;

	if (!c)
		return -ECONNREFUSED;
	/* VALIDATE: without it libvirt silently drops what its schema does not
	 * know (maxphysaddr limit= before 9.3.0), and the fix would be lost. */
	d = virDomainDefineXMLFlags(c, xml, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!d) {
		*why = last_error();
		virConnectClose(c);
		return -EINVAL;
	}
	virDomainFree(d);
	virConnectClose(c);
	return 0;
}

#else /* !HAVE_LIBVIRT */

unsigned long vd_libvirt_lib_version(void)
{
	return 0;
}

int vd_libvirt_gather(const char *uri, const char *const *names _unused_, size_t nnames _unused_, bool requested,
		      struct vd_vms *vms)
{
	vd_vms_error(vms, uri, requested, "built without libvirt support");
	return -ENOTSUP;
}

int vd_libvirt_domain_xml(const char *uri _unused_, const char *name _unused_, char **xml _unused_, char **why)
{
	*why = vd_xstrdup("built without libvirt support: use --xml FILE");
	return -ENOTSUP;
}

int vd_libvirt_define(const char *uri _unused_, const char *xml _unused_, char **why)
{
	*why = vd_xstrdup("built without libvirt support");
	return -ENOTSUP;
}

#endif
