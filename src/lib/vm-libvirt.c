// SPDX-License-Identifier: GPL-2.0-or-later
/* Domains through the libvirt client API (optional: HAVE_LIBVIRT). Reads the
 * persistent (inactive) configuration, which is what the next start uses and
 * what `fix` edits, plus the libvirt and QEMU versions of the connection. */
#include <errno.h>
#include <string.h>

#include "config.h"
#include "dlib.h"
#include "util.h"
#include "vm-libvirt.h"
#include "vm.h"

#if HAVE_LIBVIRT
#include <dlfcn.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

/* libvirt is loaded when a run talks to libvirt, not linked (dlib.h says
 * why). Each entry point loads the table for the duration of its call;
 * nothing is kept between calls. */
struct virt {
	void *dl;
	__typeof__(virGetLastError) *virGetLastError;
	__typeof__(virResetLastError) *virResetLastError;
	__typeof__(virSetErrorFunc) *virSetErrorFunc;
	__typeof__(virGetVersion) *virGetVersion;
	__typeof__(virDomainIsPersistent) *virDomainIsPersistent;
	__typeof__(virDomainGetXMLDesc) *virDomainGetXMLDesc;
	__typeof__(virDomainGetName) *virDomainGetName;
	__typeof__(virConnectOpenReadOnly) *virConnectOpenReadOnly;
	__typeof__(virConnectOpen) *virConnectOpen;
	__typeof__(virConnectGetLibVersion) *virConnectGetLibVersion;
	__typeof__(virConnectGetVersion) *virConnectGetVersion;
	__typeof__(virDomainLookupByName) *virDomainLookupByName;
	__typeof__(virDomainFree) *virDomainFree;
	__typeof__(virConnectListAllDomains) *virConnectListAllDomains;
	__typeof__(virConnectClose) *virConnectClose;
	__typeof__(virDomainDefineXMLFlags) *virDomainDefineXMLFlags;
};

/* libvirt's default error handler prints to stderr; the library must not. */
static void quiet(void *opaque _unused_, virErrorPtr err _unused_)
{
}

static int virt_open(struct virt *v, char **why)
{
	memset(v, 0, sizeof(*v));
	int ret = vd_dlopen_syms(&v->dl, "libvirt.so.0", "libvirt", why, VD_DLSYM(v, virGetLastError),
				 VD_DLSYM(v, virResetLastError), VD_DLSYM(v, virSetErrorFunc), VD_DLSYM(v, virGetVersion),
				 VD_DLSYM(v, virDomainIsPersistent), VD_DLSYM(v, virDomainGetXMLDesc),
				 VD_DLSYM(v, virDomainGetName), VD_DLSYM(v, virConnectOpenReadOnly),
				 VD_DLSYM(v, virConnectOpen), VD_DLSYM(v, virConnectGetLibVersion),
				 VD_DLSYM(v, virConnectGetVersion), VD_DLSYM(v, virDomainLookupByName),
				 VD_DLSYM(v, virDomainFree), VD_DLSYM(v, virConnectListAllDomains),
				 VD_DLSYM(v, virConnectClose), VD_DLSYM(v, virDomainDefineXMLFlags), NULL);
	if (ret < 0)
		return ret;
	/* Sets libvirt's own handler (its state, not ours); idempotent. */
	v->virSetErrorFunc(NULL, quiet);
	return 0;
}

static void virt_close(struct virt *v)
{
	if (v->dl)
		dlclose(v->dl);
	memset(v, 0, sizeof(*v));
}

/* libvirt's message on one line: schema errors come as several. */
static char *last_error(const struct virt *v)
{
	virErrorPtr e = v->virGetLastError();
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
	v->virResetLastError();
	return vd_str_steal(&s);
}

unsigned long vd_libvirt_lib_version(void)
{
	struct virt v;
	unsigned long ver = 0;
	if (virt_open(&v, NULL) < 0)
		return 0;
	if (v.virGetVersion(&ver, NULL, NULL) < 0)
		ver = 0;
	virt_close(&v);
	return ver;
}

static char *domain_xml(const struct virt *v, virDomainPtr d)
{
	/* The persistent definition when there is one; a transient domain has
	 * only its live XML. */
	unsigned flags = v->virDomainIsPersistent(d) == 1 ? VIR_DOMAIN_XML_INACTIVE : 0;
	return v->virDomainGetXMLDesc(d, flags);
}

/* Parse one domain; keep it when it has PCI hostdevs or was named. */
static void add_domain(const struct virt *v, virDomainPtr d, const char *uri, bool keep_always, struct vd_vms *vms,
		       size_t *kept)
{
	char *xml = domain_xml(v, d);
	const char *name = v->virDomainGetName(d);

	if (!xml) {
		_cleanup_free_ char *e = last_error(v);
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
	struct virt v;
	virConnectPtr c;
	size_t kept = 0;
	char *why = NULL;

	if (virt_open(&v, &why) < 0) {
		vd_vms_error(vms, uri, requested, "%s", why);
		free(why);
		return -ENOTSUP;
	}
	c = v.virConnectOpenReadOnly(uri);
	if (!c) {
		_cleanup_free_ char *e = last_error(&v);
		vd_vms_error(vms, uri, requested, "cannot connect to libvirt: %s", e);
		virt_close(&v);
		return -ECONNREFUSED;
	}
	unsigned long lv = 0, hv = 0;
	if (v.virConnectGetLibVersion(c, &lv) == 0)
		vms->libvirt_version = lv;
	if (v.virConnectGetVersion(c, &hv) == 0 && hv)
		vms->qemu_version = hv;
	if (nnames) {
		for (size_t i = 0; i < nnames; i++) {
			virDomainPtr d = v.virDomainLookupByName(c, names[i]);
			if (!d) {
				_cleanup_free_ char *e = last_error(&v);
				vd_vms_error(vms, uri, true, "no domain %s: %s", names[i], e);
				continue;
			}
			add_domain(&v, d, uri, true, vms, &kept);
			v.virDomainFree(d);
		}
		vd_vms_note(vms, "libvirt %s: %zu of %zu named domains read", uri, kept, nnames);
	} else {
		virDomainPtr *doms = NULL;
		int n = v.virConnectListAllDomains(c, &doms, 0);
		if (n < 0) {
			_cleanup_free_ char *e = last_error(&v);
			vd_vms_error(vms, uri, requested, "cannot list domains: %s", e);
		}
		for (int i = 0; i < n; i++) {
			add_domain(&v, doms[i], uri, false, vms, &kept);
			v.virDomainFree(doms[i]);
		}
		free(doms);
		vd_vms_note(vms, "libvirt %s: %d domain%s, %zu with PCI host devices", uri, n < 0 ? 0 : n, n == 1 ? "" : "s",
			    kept);
	}
	v.virConnectClose(c);
	virt_close(&v);
	return 0;
}

/* A read-write connection for fix: one-line reason on failure. */
static virConnectPtr open_rw(struct virt *v, const char *uri, char **why)
{
	if (virt_open(v, why) < 0)
		return NULL;
	virConnectPtr c = v->virConnectOpen(uri);
	if (!c) {
		_cleanup_free_ char *e = last_error(v);
		*why = vd_xasprintf("cannot connect to %s: %s", uri, e);
		virt_close(v);
	}
	return c;
}

int vd_libvirt_domain_xml(const char *uri, const char *name, char **xml, char **why)
{
	struct virt v;
	virConnectPtr c = open_rw(&v, uri, why);
	virDomainPtr d;

	if (!c)
		return -ECONNREFUSED;
	d = v.virDomainLookupByName(c, name);
	if (!d) {
		_cleanup_free_ char *e = last_error(&v);
		*why = vd_xasprintf("no domain %s: %s", name, e);
		v.virConnectClose(c);
		virt_close(&v);
		return -ENOENT;
	}
	/* SECURE: keep passwords and keys, or defining the edited XML would
	 * drop them. */
	unsigned flags = (v.virDomainIsPersistent(d) == 1 ? VIR_DOMAIN_XML_INACTIVE : 0) | VIR_DOMAIN_XML_SECURE;
	*xml = v.virDomainGetXMLDesc(d, flags);
	if (!*xml)
		*why = last_error(&v);
	v.virDomainFree(d);
	v.virConnectClose(c);
	virt_close(&v);
	return *xml ? 0 : -EIO;
}

int vd_libvirt_define(const char *uri, const char *xml, char **why)
{
	struct virt v;
	virConnectPtr c = open_rw(&v, uri, why);
	virDomainPtr d;

	if (!c)
		return -ECONNREFUSED;
	/* VALIDATE: without it libvirt silently drops what its schema does not
	 * know (maxphysaddr limit= before 9.3.0), and the fix would be lost. */
	d = v.virDomainDefineXMLFlags(c, xml, VIR_DOMAIN_DEFINE_VALIDATE);
	if (!d) {
		*why = last_error(&v);
		v.virConnectClose(c);
		virt_close(&v);
		return -EINVAL;
	}
	v.virDomainFree(d);
	v.virConnectClose(c);
	virt_close(&v);
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
