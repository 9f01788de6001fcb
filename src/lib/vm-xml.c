// SPDX-License-Identifier: GPL-2.0-or-later
/* libvirt domain XML (what `virsh dumpxml` prints) into the VM model, with
 * libxml2: no network, no entity expansion, errors returned, never printed.
 * Element and attribute names follow libvirt's docs/formatdomain.rst. */
#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "util.h"
#include "vm.h"

#define FOREACH_CHILD(parent, c)                                                                   \
	for (xmlNodePtr c = (parent) ? (parent)->children : NULL; c; c = c->next)                  \
		if (c->type == XML_ELEMENT_NODE)

static bool is(xmlNodePtr n, const char *name)
{
	/* Elements of libvirt's own schema carry no namespace. */
	return n && n->ns == NULL && strcmp((const char *)n->name, name) == 0;
}

static xmlNodePtr child(xmlNodePtr parent, const char *name)
{
	FOREACH_CHILD(parent, c)
	if (is(c, name))
		return c;
	return NULL;
}

/* An attribute's value (owned), NULL when absent. */
static char *attr(xmlNodePtr n, const char *name)
{
	xmlChar *v = n ? xmlGetNoNsProp(n, (const xmlChar *)name) : NULL;
	char *s = vd_xstrdup((const char *)v);
	xmlFree(v);
	return s;
}

static char *text(xmlNodePtr n)
{
	xmlChar *v = n ? xmlNodeGetContent(n) : NULL;
	char *s = vd_xstrdup((const char *)v);
	xmlFree(v);
	if (s)
		vd_strstrip(s);
	return s;
}

static int onoff(xmlNodePtr n, const char *name)
{
	_cleanup_free_ char *v = attr(n, name);
	if (!v)
		return VD_UNSET;
	return strcmp(v, "on") == 0 || strcmp(v, "yes") == 0 ? VD_ON : VD_OFF;
}

/* Unsigned attribute (decimal or 0x hex, as libvirt accepts) up to max; -1 if absent or bad. */
static long num(xmlNodePtr n, const char *name, unsigned long max)
{
	_cleanup_free_ char *v = attr(n, name);
	uint64_t x;
	if (!v || vd_parse_u64(v, 0, &x) < 0 || x > max)
		return -1;
	return (long)x;
}

static void parse_os(xmlNodePtr os, struct vd_vm *vm)
{
	_cleanup_free_ char *fw = attr(os, "firmware");
	xmlNodePtr type = child(os, "type"), loader = child(os, "loader");
	_cleanup_free_ char *machine = attr(type, "machine");

	vd_vm_set_machine(vm, machine);
	vm->firmware = VD_FW_BIOS; /* libvirt's x86 default: SeaBIOS */
	if (loader) {
		_cleanup_free_ char *lt = attr(loader, "type");
		free(vm->loader);
		vm->loader = text(loader);
		/* pflash is UEFI; a "rom" loader is UEFI only when it is an OVMF build */
		if ((lt && strcmp(lt, "pflash") == 0) ||
		    (vm->loader && (strstr(vm->loader, "OVMF") || strstr(vm->loader, "ovmf") || strstr(vm->loader, "edk2"))))
			vm->firmware = VD_FW_EFI;
	}
	if (fw && strcmp(fw, "efi") == 0)
		vm->firmware = VD_FW_EFI;
}

static void parse_features(xmlNodePtr f, struct vd_vm *vm)
{
	xmlNodePtr ioapic = child(f, "ioapic"), kvm = child(f, "kvm"), hv = child(f, "hyperv");

	free(vm->ioapic_driver);
	vm->ioapic_driver = attr(ioapic, "driver");
	if (kvm)
		vm->kvm_hidden = onoff(child(kvm, "hidden"), "state");
	if (hv) {
		_cleanup_free_ char *mode = attr(hv, "mode");
		if (mode && strcmp(mode, "passthrough") == 0)
			vm->hyperv = true;
		FOREACH_CHILD(hv, c)
		{
			if (onoff(c, "state") == VD_ON)
				vm->hyperv = true;
			if (is(c, "vendor_id")) {
				vm->hv_vendor_id = onoff(c, "state");
				free(vm->hv_vendor_id_value);
				vm->hv_vendor_id_value = attr(c, "value");
			}
		}
	}
}

static void parse_cpu(xmlNodePtr cpu, struct vd_vm *vm)
{
	xmlNodePtr topo = child(cpu, "topology"), mpa = child(cpu, "maxphysaddr");

	free(vm->cpu_mode);
	vm->cpu_mode = attr(cpu, "mode");
	if (!vm->cpu_mode)
		vm->cpu_mode = vd_xstrdup("custom");
	free(vm->cpu_model);
	vm->cpu_model = text(child(cpu, "model"));
	if (topo) {
		long s = num(topo, "sockets", 65535), d = num(topo, "dies", 65535), c = num(topo, "cores", 65535),
		     t = num(topo, "threads", 65535);
		vm->topology = true;
		vm->sockets = s > 0 ? (unsigned)s : 0;
		vm->dies = d > 0 ? (unsigned)d : 0;
		vm->cores = c > 0 ? (unsigned)c : 0;
		vm->threads = t > 0 ? (unsigned)t : 0;
	}
	FOREACH_CHILD(cpu, c)
	{
		if (!is(c, "feature"))
			continue;
		_cleanup_free_ char *name = attr(c, "name"), *policy = attr(c, "policy");
		if (!name || strcmp(name, "amd-stibp") != 0)
			continue;
		/* policy defaults to "require"; a later element overrides an earlier one */
		bool off = policy && (strcmp(policy, "disable") == 0 || strcmp(policy, "forbid") == 0);
		vm->amd_stibp = off ? VD_OFF : VD_ON;
	}
	if (mpa) {
		free(vm->maxphys_mode);
		vm->maxphys_mode = attr(mpa, "mode");
		vm->maxphys_bits = (int)num(mpa, "bits", 64);
		vm->maxphys_limit = (int)num(mpa, "limit", 64);
	}
}

static void parse_hostdev(xmlNodePtr hd, struct vd_vm *vm)
{
	_cleanup_free_ char *mode = attr(hd, "mode"), *type = attr(hd, "type");
	xmlNodePtr src = child(hd, "source");
	xmlNodePtr a = child(src, "address"), rom = child(hd, "rom"), ga = child(hd, "address");

	if (!type || strcmp(type, "pci") != 0 || (mode && strcmp(mode, "subsystem") != 0) || !a)
		return;
	long dom = num(a, "domain", 0xffff), bus = num(a, "bus", 0xff), slot = num(a, "slot", 0x1f),
	     fn = num(a, "function", 7);
	if (bus < 0 || slot < 0 || fn < 0)
		return; /* no usable host address: nothing to check against the host */
	struct vd_vm_hostdev *d = vd_vm_add_hostdev(vm);
	d->domain = dom < 0 ? 0 : (unsigned)dom;
	d->bus = (unsigned)bus;
	d->slot = (unsigned)slot;
	d->fn = (unsigned)fn;
	d->managed = onoff(hd, "managed");
	if (rom) {
		d->rom_file = attr(rom, "file");
		d->rom_bar = onoff(rom, "bar");
	}
	_cleanup_free_ char *gtype = attr(ga, "type");
	if (ga && gtype && strcmp(gtype, "pci") == 0) {
		long gb = num(ga, "bus", 0xff), gs = num(ga, "slot", 0x1f), gf = num(ga, "function", 7);
		if (gb >= 0 && gs >= 0) {
			d->guest_addr = true;
			d->gbus = (unsigned)gb;
			d->gslot = (unsigned)gs;
			d->gfn = gf < 0 ? 0 : (unsigned)gf;
			d->multifunction = onoff(ga, "multifunction");
		}
	}
}

static void parse_iommu(xmlNodePtr io, struct vd_vm *vm)
{
	xmlNodePtr drv = child(io, "driver");
	free(vm->iommu_model);
	vm->iommu_model = attr(io, "model");
	vm->iommu_intremap = onoff(drv, "intremap");
	vm->iommu_caching_mode = onoff(drv, "caching_mode");
	vm->iommu_eim = onoff(drv, "eim");
	vm->iommu_aw_bits = (int)num(drv, "aw_bits", 64);
}

static void parse_devices(xmlNodePtr devs, struct vd_vm *vm)
{
	FOREACH_CHILD(devs, c)
	{
		if (is(c, "hostdev"))
			parse_hostdev(c, vm);
		else if (is(c, "iommu"))
			parse_iommu(c, vm);
	}
}

/* <qemu:commandline>: libvirt only honours it in its namespace; an undeclared
 * prefix makes libvirt's parser reject the whole XML, a wrong URI makes
 * libvirt ignore the element (the page: "otherwise the XML verification
 * will fail"). */
static void parse_qemu_commandline(xmlNodePtr n, struct vd_vm *vm)
{
	char **args = NULL;
	size_t nargs = 0, cap = 0;

	vm->qemu_commandline = true;
	if (!n->ns) {
		vm->qemu_ns_ok = false;
		free(vm->qemu_ns_problem);
		vm->qemu_ns_problem = vd_xstrdup("the qemu: prefix is not declared (no xmlns:qemu on <domain>)");
	} else if (strcmp((const char *)n->ns->href, VD_QEMU_NS) != 0) {
		vm->qemu_ns_ok = false;
		free(vm->qemu_ns_problem);
		vm->qemu_ns_problem = vd_xasprintf("xmlns:%s is \"%s\", not \"%s\"", n->ns->prefix ? (const char *)n->ns->prefix : "",
						   (const char *)n->ns->href, VD_QEMU_NS);
	} else if (!vm->qemu_ns_problem) {
		vm->qemu_ns_ok = true;
	}
	FOREACH_CHILD(n, c)
	{
		const char *nm = (const char *)c->name;
		if (strcmp(nm, "arg") != 0 && strcmp(nm, "qemu:arg") != 0)
			continue;
		char *v = attr(c, "value");
		if (v)
			*VD_PUSH(args, nargs, cap) = v;
	}
	(void)VD_PUSH(args, nargs, cap);
	nargs--;
	args[nargs] = NULL;
	for (size_t i = 0; i < nargs; i++) {
		size_t n0 = vd_strv_len(vm->qemu_args);
		vm->qemu_args = vd_xrealloc(vm->qemu_args, (n0 + 2) * sizeof(char *));
		vm->qemu_args[n0] = vd_xstrdup(args[i]);
		vm->qemu_args[n0 + 1] = NULL;
	}
	/* QEMU reads these after libvirt's own arguments: later -cpu, -machine
	 * and -global options win or merge, exactly as applying them here. */
	vd_vm_apply_qemu_args(vm, args, nargs);
	vd_strv_free(args);
}

static bool is_qemu_commandline(xmlNodePtr n)
{
	if (n->ns)
		return strcmp((const char *)n->name, "commandline") == 0 && n->ns->prefix &&
		       strcmp((const char *)n->ns->prefix, "qemu") == 0;
	return strcmp((const char *)n->name, "qemu:commandline") == 0;
}

static void parse_metadata(xmlNodePtr md, struct vd_vm *vm)
{
	/* <libosinfo:os id="http://microsoft.com/win/10"/> (virt-install, virt-manager) */
	FOREACH_CHILD(md, lo)
	{
		if (strcmp((const char *)lo->name, "libosinfo") != 0)
			continue;
		FOREACH_CHILD(lo, os)
		{
			_cleanup_free_ char *id = attr(os, "id");
			if (id && strstr(id, "microsoft.com/win"))
				vm->windows = true;
		}
	}
}

/* libxml2 reports some errors (input encoding) through its generic handler,
 * which prints to stderr whatever the parser options say. */
static void quiet(void *ctx _unused_, const char *msg _unused_, ...)
{
}

void vd_xml_quiet(void)
{
	/* libxml2's own (thread-local) handler state, not ours */
	xmlSetGenericErrorFunc(NULL, quiet);
}

int vd_vm_parse_xml(const char *data, size_t len, struct vd_vm *vm, char **why)
{
	xmlParserCtxtPtr ctxt;
	xmlDocPtr doc;
	xmlNodePtr root;

	if (len > INT32_MAX) {
		*why = vd_xstrdup("file too large");
		return -EBADMSG;
	}
	vd_xml_quiet();
	ctxt = xmlNewParserCtxt();
	if (!ctxt) {
		*why = vd_xstrdup("out of memory");
		return -ENOMEM;
	}
	/* NONET: never fetch a DTD or entity from the network; no NOENT: entities
	 * stay unexpanded; NOERROR/NOWARNING: the library never prints. */
	doc = xmlCtxtReadMemory(ctxt, data, (int)len, "domain.xml", NULL,
				XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		if (e && e->message) {
			_cleanup_free_ char *msg = vd_xstrdup(e->message);
			*why = vd_xasprintf("not well-formed XML (line %d: %s)", e->line, vd_strstrip(msg));
		} else {
			*why = vd_xstrdup("not well-formed XML");
		}
		xmlFreeParserCtxt(ctxt);
		return -EBADMSG;
	}
	xmlFreeParserCtxt(ctxt);
	root = xmlDocGetRootElement(doc);
	if (!root || !is(root, "domain")) {
		*why = vd_xasprintf("not a libvirt domain XML (root element <%s>)", root ? (const char *)root->name : "none");
		xmlFreeDoc(doc);
		return -EBADMSG;
	}
	free(vm->domain_type);
	vm->domain_type = attr(root, "type");
	_cleanup_free_ char *name = text(child(root, "name"));
	if (name) {
		free(vm->name);
		vm->name = TAKE_PTR(name);
	}
	_cleanup_free_ char *vcpu = text(child(root, "vcpu"));
	uint64_t nv;
	if (vcpu && vd_parse_u64(vcpu, 10, &nv) == 0 && nv > 0 && nv <= 16384)
		vm->vcpus = (unsigned)nv;
	parse_metadata(child(root, "metadata"), vm);
	parse_os(child(root, "os"), vm);
	parse_features(child(root, "features"), vm);
	xmlNodePtr cpu = child(root, "cpu");
	if (cpu)
		parse_cpu(cpu, vm);
	parse_devices(child(root, "devices"), vm);
	FOREACH_CHILD(root, c)
	if (is_qemu_commandline(c))
		parse_qemu_commandline(c, vm);
	if (vm->hyperv)
		vm->windows = true; /* Hyper-V enlightenments are for Windows guests */
	free(vm->xml);
	vm->xml = vd_xstrndup(data, len);
	xmlFreeDoc(doc);
	return 0;
}
