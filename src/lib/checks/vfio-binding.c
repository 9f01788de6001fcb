// SPDX-License-Identifier: GPL-2.0-or-later
/* vfio-binding: a passthrough GPU and every function of its slot are bound to
 * vfio-pci, not some of them left on snd_hda_intel or xhci_hcd. */
#include <string.h>

#include "check.h"
#include "gpu.h"

#define MAX_FUNCS 8

/* Would "ids=" also grab a device the host keeps (two identical cards)? */
static const struct vd_pci_dev *id_twin(const struct vd_host *h, const struct vd_pci_dev *gpu,
					const struct vd_pci_dev *d)
{
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *o = &h->pci.dev[i];
		if (o->vendor == d->vendor && o->device == d->device && !vd_pci_same_slot(o, gpu))
			return o;
	}
	return NULL;
}

static void add_softdep(struct vd_str *soft, const char *mod)
{
	if (!mod || vd_streq_dash(mod, "vfio_pci") || vd_streq_dash(mod, "vfio_pci_core"))
		return;
	_cleanup_free_ char *line = vd_xasprintf("softdep %s pre: vfio-pci\n", mod);
	if (!soft->s || !strstr(soft->s, line))
		vd_str_add(soft, line);
}

/* The configuration that binds the card's functions at boot: vfio-pci ids=
 * plus a softdep so vfio-pci loads before the drivers that would grab them.
 * Which form works depends on whether vfio-pci is a module (modprobe.d) or
 * built in (kernel command line); see Documentation/admin-guide/
 * kernel-parameters.txt for module parameters on the command line. */
static void add_binding_fix(struct vd_finding *f, const struct vd_host *h, const struct vd_pci_dev *gpu,
			    const int *fn, size_t nfn)
{
	_cleanup_free_ char *have = vd_vfio_ids_configured(h);
	struct vd_str ids = {0}, soft = {0};
	const struct vd_modinfo *vm = vd_host_module(h, "vfio_pci");

	if (have)
		vd_str_add(&ids, have);
	/* The card's functions in address order: they are adjacent in the
	 * sorted device list, starting at the lowest sibling. */
	int first = vd_pci_index(&h->pci, gpu);
	for (size_t i = 0; i < nfn; i++)
		if (fn[i] < first)
			first = fn[i];
	for (size_t i = 0; i <= nfn; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[first + (int)i];
		_cleanup_free_ char *id = vd_pci_id_str(d);
		bool present = false;
		for (const char *p = ids.s; p && *p && !present;) {
			size_t w = strcspn(p, ",");
			present = w == strlen(id) && strncmp(p, id, w) == 0;
			p += w + (p[w] == ',');
		}
		if (!present)
			vd_str_addf(&ids, "%s%s", ids.len ? "," : "", id);
		/* Every driver that could claim the function at boot must load
		 * after vfio-pci: the one bound now and those its modalias
		 * matches (what lspci -k lists as "Kernel modules"). */
		add_softdep(&soft, vd_pci_on_vfio(d) ? NULL : d->driver_module);
		for (char **m = d->alias_modules; m && *m; m++)
			add_softdep(&soft, *m);
	}
	if (vm && vm->state == VD_MOD_BUILTIN) {
		vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "vfio-pci.ids", ids.s);
	} else {
		_cleanup_free_ char *body = vd_xasprintf("options vfio-pci ids=%s\n%s", ids.s, soft.s ? soft.s : "");
		vd_finding_fix(f, VD_FIX_FILE, VD_OP_ADD, "/etc/modprobe.d/vfio.conf", body);
		/* vfio-pci must be in the initramfs to win the race at boot. */
		const char *cmd = vd_os_initramfs_cmd(&h->os);
		if (cmd)
			vd_finding_fix(f, VD_FIX_COMMAND, VD_OP_ADD, NULL, cmd);
		else /* not a command line: `fix` must not try to run it */
			vd_finding_fix(f, VD_FIX_MANUAL, VD_OP_ADD, "initramfs",
				       "regenerate it with your distribution's tool");
	}
	vd_str_done(&ids);
	vd_str_done(&soft);
}

static void check_gpu(const struct vd_check *c, const struct vd_host *h, const struct vd_pci_dev *gpu,
		      struct vd_findings *out)
{
	int fn[MAX_FUNCS];
	size_t nfn = vd_gpu_siblings(h, gpu, fn, MAX_FUNCS), nhost = 0, nfree = 0;
	_cleanup_free_ char *label = vd_pci_label(gpu);
	struct vd_finding *f;

	for (size_t i = 0; i < nfn; i++) {
		const struct vd_pci_dev *s = &h->pci.dev[fn[i]];
		if (vd_pci_on_vfio(s))
			continue;
		if (s->driver)
			nhost++;
		else
			nfree++;
	}
	if (vd_gpu_role(gpu) == VD_GPU_PASSTHROUGH && !vd_pci_on_vfio(gpu)) {
		/* driver_override set but not yet rebound */
		f = vd_finding_add(out, c, VD_WARN, gpu->name,
				   "%s (%s) has driver_override=%s but no driver bound yet: it binds at the next probe "
				   "(unbind and reprobe, or reboot).",
				   gpu->name, label, gpu->driver_override);
	} else if (nhost) {
		f = vd_finding_add(out, c, VD_FAIL, gpu->name,
				   "%s (%s) is on %s, but %zu other function%s of the card %s still bound to host "
				   "drivers: the card's functions share its IOMMU group, which is not viable while "
				   "any of them has a host driver, and the VM would miss them.",
				   gpu->name, label, gpu->driver, nhost, nhost == 1 ? "" : "s", nhost == 1 ? "is" : "are");
	} else if (nfree) {
		f = vd_finding_add(out, c, VD_INFO, gpu->name,
				   "%s (%s) is on %s; %zu function%s of the card %s no driver, which vfio accepts. "
				   "Pass %s to the VM too, so the guest's drivers find the whole card.",
				   gpu->name, label, gpu->driver, nfree, nfree == 1 ? "" : "s", nfree == 1 ? "has" : "have",
				   nfree == 1 ? "it" : "them");
	} else {
		f = vd_finding_add(out, c, VD_PASS, gpu->name, "%s (%s) and the %zu other function%s of the card are on vfio-pci.",
				   gpu->name, label, nfn, nfn == 1 ? "" : "s");
	}
	_cleanup_free_ char *gsrc = vd_xasprintf("/sys/bus/pci/devices/%s/driver", gpu->name);
	vd_finding_evidence(f, gsrc, "%s", gpu->driver ? gpu->driver : "none");
	for (size_t i = 0; i < nfn; i++) {
		const struct vd_pci_dev *s = &h->pci.dev[fn[i]];
		_cleanup_free_ char *src = vd_xasprintf("/sys/bus/pci/devices/%s/driver", s->name);
		vd_finding_evidence(f, src, "%s (%s [%04x:%04x])", s->driver ? s->driver : "none", vd_pci_kind(s), s->vendor,
				    s->device);
	}
	if (!nhost)
		return;

	/* Identical cards: ids= would take the host's card too. */
	const struct vd_pci_dev *twin = NULL;
	for (size_t i = 0; i < nfn && !twin; i++)
		twin = id_twin(h, gpu, &h->pci.dev[fn[i]]);
	if (!twin)
		twin = id_twin(h, gpu, gpu);
	if (twin) {
		vd_finding_hint(f, "Another device (%s) has the same vendor:device ID, so vfio-pci ids= would take it "
				   "too: bind these functions by address with driver_override instead.",
				twin->name);
		for (size_t i = 0; i < nfn; i++) {
			const struct vd_pci_dev *s = &h->pci.dev[fn[i]];
			if (vd_pci_on_vfio(s) || !s->driver)
				continue;
			_cleanup_free_ char *p = vd_xasprintf("/sys/bus/pci/devices/%s/driver_override", s->name);
			vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, p, "vfio-pci");
		}
		return;
	}
	vd_finding_hint(f, "Bind every function of the card to vfio-pci at boot: list all their IDs in vfio-pci's "
			   "ids= and make vfio-pci load before the drivers that claim them now.");
	add_binding_fix(f, h, gpu, fn, nfn);
}

static void run(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out)
{
	size_t n = 0;

	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (vd_gpu_is_passthrough(d)) {
			check_gpu(c, h, d, out);
			n++;
		}
	}
	if (n)
		return;
	for (size_t i = 0; i < h->pci.n; i++) {
		const struct vd_pci_dev *d = &h->pci.dev[i];
		if (!vd_gpu_is_candidate(h, d))
			continue;
		int fn[MAX_FUNCS];
		size_t nfn = vd_gpu_siblings(h, d, fn, MAX_FUNCS);
		_cleanup_free_ char *label = vd_pci_label(d);
		struct vd_finding *f = vd_finding_add(
			out, c, VD_INFO, d->name,
			"No GPU is bound to vfio-pci. %s (%s) is free for passthrough: to hand it to a VM, bind it and "
			"its %zu other function%s to vfio-pci.",
			d->name, label, nfn, nfn == 1 ? "" : "s");
		_cleanup_free_ char *src = vd_xasprintf("/sys/bus/pci/devices/%s/driver", d->name);
		vd_finding_evidence(f, src, "%s", d->driver ? d->driver : "none");
		add_binding_fix(f, h, d, fn, nfn);
		return;
	}
	struct vd_finding *f = vd_finding_add(out, c, VD_INFO, NULL, "No GPU is bound to vfio-pci, and none is free for passthrough.");
	vd_finding_evidence(f, "/sys/bus/pci/devices", "%zu functions", h->pci.n);
}

const struct vd_check vd_check_vfio_binding = {
	.id = "vfio-binding",
	.title = "Passthrough GPU and its sibling functions on vfio-pci",
	.section = "Prerequisites (assumed by the page): isolating the GPU",
	.explain = "A graphics card is several PCI functions in one slot: the GPU (.0), its HDMI/DP audio (.1) "
		   "and on some cards USB-C (.2) and a UCSI serial bus (.3). They share an IOMMU group, and VFIO "
		   "only opens a group whose endpoints are all on vfio-pci or driverless; the page insists on "
		   "treating .0 and .1 together (its MSI section). The usual mistake is binding the GPU by ID while "
		   "snd_hda_intel or xhci_hcd keeps the other functions. Binding at boot takes vfio-pci ids= "
		   "for every function plus a softdep so vfio-pci loads before those drivers; two identical cards "
		   "need binding by address (driver_override) instead, because ids= would take both.",
	.looks_at = "Driver, driver module and driver_override of every function in the slot of each GPU on "
		    "vfio-pci; vfio-pci ids already configured on the command line, in modprobe.d and in the "
		    "module's parameters.",
	.fixes = "A modprobe.d file with options vfio-pci ids=... and softdeps (or vfio-pci.ids= on the command "
		 "line when vfio-pci is built in), or driver_override writes for identical cards.",
	.run = run,
};
