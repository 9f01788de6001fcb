// SPDX-License-Identifier: GPL-2.0-or-later
/* QEMU command lines into the VM model: the shell words of a start script or
 * /proc/PID/cmdline, and QEMU's option syntax ("key=value,key2=value2" with
 * ",," for a literal comma, or JSON for -device/-object as libvirt writes
 * them since 7.x). */
#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "pci.h"
#include "util.h"
#include "vm.h"

/* ---- shell words -------------------------------------------------------- */

struct words {
	char **v;
	size_t n, cap;
};

static void words_push(struct words *w, struct vd_str *cur)
{
	*VD_PUSH(w->v, w->n, w->cap) = vd_str_steal(cur);
}

/* Enough of POSIX sh word splitting for start scripts: quotes, backslash
 * escapes and continuations, comments, and the operators that end a
 * command (returned as their own words so the caller can stop there). */
static void shell_words(const char *s, size_t len, struct words *out)
{
	struct vd_str cur = {0};
	bool in_word = false;
	size_t i = 0;

	while (i < len) {
		char c = s[i];
		if (c == '\\' && i + 1 < len) {
			if (s[i + 1] == '\n') { /* continuation */
				i += 2;
				continue;
			}
			vd_str_addc(&cur, s[i + 1]);
			in_word = true;
			i += 2;
		} else if (c == '\'') {
			size_t j = i + 1;
			while (j < len && s[j] != '\'')
				j++;
			vd_str_addn(&cur, s + i + 1, j - i - 1);
			in_word = true;
			i = j < len ? j + 1 : j;
		} else if (c == '"') {
			size_t j = i + 1;
			while (j < len && s[j] != '"') {
				if (s[j] == '\\' && j + 1 < len && strchr("\"\\$`\n", s[j + 1])) {
					if (s[j + 1] != '\n')
						vd_str_addc(&cur, s[j + 1]);
					j += 2;
					continue;
				}
				vd_str_addc(&cur, s[j++]);
			}
			in_word = true;
			i = j < len ? j + 1 : j;
		} else if (c == '#' && !in_word) {
			while (i < len && s[i] != '\n')
				i++;
		} else if (c == '\n' || c == ';' || c == '|' || c == '&' || c == '(' || c == ')') {
			if (in_word)
				words_push(out, &cur);
			in_word = false;
			/* a command separator: one word "\n" for all of them */
			vd_str_add(&cur, "\n");
			words_push(out, &cur);
			i++;
		} else if (c == ' ' || c == '\t' || c == '\r' || c == '\0') {
			if (in_word)
				words_push(out, &cur);
			in_word = false;
			i++;
		} else {
			vd_str_addc(&cur, c);
			in_word = true;
			i++;
		}
	}
	if (in_word)
		words_push(out, &cur);
	vd_str_done(&cur);
}

static bool is_qemu_binary(const char *w)
{
	const char *base = strrchr(w, '/');
	base = base ? base + 1 : w;
	return vd_startswith(base, "qemu-system-") || strcmp(base, "qemu-kvm") == 0 || strcmp(base, "kvm") == 0;
}

int vd_qemu_split(const char *data, size_t len, bool nul_separated, char ***argv)
{
	struct words w = {0};
	size_t start = SIZE_MAX;

	if (nul_separated) {
		for (size_t i = 0; i < len;) {
			size_t k = strnlen(data + i, len - i);
			*VD_PUSH(w.v, w.n, w.cap) = vd_xstrndup(data + i, k);
			i += k + 1;
		}
		if (w.n && is_qemu_binary(w.v[0]))
			start = 0;
	} else {
		shell_words(data, len, &w);
		for (size_t i = 0; i < w.n && start == SIZE_MAX; i++)
			if (is_qemu_binary(w.v[i]))
				start = i;
	}
	if (start == SIZE_MAX) {
		for (size_t i = 0; i < w.n; i++)
			free(w.v[i]);
		free(w.v);
		return -ENOENT;
	}
	size_t end = start + 1;
	while (end < w.n && strcmp(w.v[end], "\n") != 0)
		end++;
	char **v = vd_xcalloc(end - start + 1, sizeof(char *));
	for (size_t i = 0; i < w.n; i++) {
		if (i >= start && i < end)
			v[i - start] = w.v[i];
		else
			free(w.v[i]);
	}
	free(w.v);
	*argv = v;
	return 0;
}

/* ---- QEMU option strings ----------------------------------------------- */

struct kv {
	char *key, *val; /* key NULL for the leading implied value */
};

/* "q35,accel=kvm,kernel_irqchip=on" → {NULL,"q35"}, {"accel","kvm"}, ...
 * QEMU's QemuOpts: ",," is a literal comma; a bare word is "word=on" except
 * in the first position, where it is the implied key (type, model, driver). */
static size_t split_opts(const char *s, struct kv **out)
{
	struct kv *v = NULL;
	size_t n = 0, cap = 0;
	bool first = true;

	while (s && *s) {
		struct vd_str part = {0};
		while (*s) {
			if (*s == ',' && s[1] == ',') {
				vd_str_addc(&part, ',');
				s += 2;
			} else if (*s == ',') {
				break;
			} else {
				vd_str_addc(&part, *s++);
			}
		}
		if (*s == ',')
			s++;
		char *p = vd_str_steal(&part);
		char *eq = strchr(p, '=');
		struct kv *e = VD_PUSH(v, n, cap);
		if (eq) {
			*eq = '\0';
			e->key = vd_xstrdup(p);
			e->val = vd_xstrdup(eq + 1);
		} else if (first) {
			e->key = NULL;
			e->val = vd_xstrdup(p);
		} else {
			e->key = vd_xstrdup(p);
			e->val = NULL;
		}
		free(p);
		first = false;
	}
	*out = v;
	return n;
}

static void kv_free(struct kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].key);
		free(v[i].val);
	}
	free(v);
}

/* QEMU booleans: on/off, yes/no, true/false (qapi/qobject-input-visitor). */
static int parse_bool(const char *v)
{
	if (!v)
		return VD_ON;
	if (!strcmp(v, "on") || !strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
		return VD_ON;
	if (!strcmp(v, "off") || !strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
		return VD_OFF;
	return VD_UNSET;
}

static int parse_num(const char *v)
{
	char *end;
	if (!v || !*v)
		return -1;
	errno = 0;
	long x = strtol(v, &end, 0); /* host-phys-bits-limit=0x28 as the page writes it */
	if (errno || *end || x < 0 || x > 4096)
		return -1;
	return (int)x;
}

static bool key_is(const char *k, const char *name)
{
	/* QEMU accepts '_' and '-' alike in many property names (hv_vendor_id,
	 * kernel_irqchip): compare them as equal. */
	return k && vd_streq_dash(k, name);
}

/* "0000:01:00.0", "01:00.0", or a sysfs path ending in one. */
static bool parse_host_addr(const char *s, struct vd_vm_hostdev *d)
{
	const char *base = strrchr(s, '/');
	if (base)
		s = base + 1;
	return vd_pci_parse_addr(s, &d->domain, &d->bus, &d->slot, &d->fn) == 0;
}

/* Guest address "0x2", "1c.0", "0x1c.0x1". */
static void parse_guest_addr(const char *s, struct vd_vm_hostdev *d)
{
	char *end;
	long slot = strtol(s, &end, 16);
	long fn = 0;
	if (end == s || slot < 0 || slot > 31)
		return;
	if (*end == '.') {
		const char *f = end + 1;
		fn = strtol(f, &end, 16);
		if (end == f || fn < 0 || fn > 7)
			return;
	}
	if (*end)
		return;
	d->guest_addr = true;
	d->gslot = (unsigned)slot;
	d->gfn = (unsigned)fn;
}

static void cpu_flag(struct vd_vm *vm, const char *key, const char *val)
{
	char sign = 0;
	if (key[0] == '+' || key[0] == '-') {
		sign = key[0];
		key++;
	}
	int on = sign == '-' ? VD_OFF : sign == '+' ? VD_ON : parse_bool(val);
	if (key_is(key, "kvm"))
		vm->kvm_hidden = on == VD_OFF ? VD_ON : VD_OFF;
	else if (key_is(key, "hv-vendor-id")) {
		vm->hv_vendor_id = VD_ON;
		free(vm->hv_vendor_id_value);
		vm->hv_vendor_id_value = vd_xstrdup(val);
		vm->hyperv = true;
	} else if (vd_startswith(key, "hv_") || vd_startswith(key, "hv-"))
		vm->hyperv = true;
	else if (key_is(key, "host-phys-bits-limit"))
		vm->cpu_host_phys_bits_limit = parse_num(val);
	else if (key_is(key, "phys-bits"))
		vm->cpu_phys_bits = parse_num(val);
	else if (key_is(key, "host-phys-bits"))
		vm->cpu_host_phys_bits = on;
	else if (key_is(key, "amd-stibp"))
		vm->amd_stibp = on;
}

static void apply_cpu(struct vd_vm *vm, const char *arg)
{
	struct kv *o;
	size_t n = split_opts(arg, &o);
	for (size_t i = 0; i < n; i++) {
		if (!o[i].key) {
			const char *model = o[i].val;
			free(vm->cpu_mode);
			free(vm->cpu_model);
			vm->cpu_model = NULL;
			/* libvirt's host-passthrough is QEMU's "host" (and "max" under TCG). */
			if (!strcmp(model, "host") || !strcmp(model, "max")) {
				vm->cpu_mode = vd_xstrdup("host-passthrough");
			} else {
				vm->cpu_mode = vd_xstrdup("custom");
				vm->cpu_model = vd_xstrdup(model);
			}
		} else {
			cpu_flag(vm, o[i].key, o[i].val);
		}
	}
	kv_free(o, n);
}

static void apply_machine(struct vd_vm *vm, const char *arg)
{
	struct kv *o;
	size_t n = split_opts(arg, &o);
	for (size_t i = 0; i < n; i++) {
		const char *k = o[i].key, *v = o[i].val;
		if (!k || key_is(k, "type"))
			vd_vm_set_machine(vm, v);
		else if (key_is(k, "kernel-irqchip"))
			vm->irqchip = !v || !strcmp(v, "on") ? VD_IRQCHIP_ON
				      : !strcmp(v, "split")  ? VD_IRQCHIP_SPLIT
				      : !strcmp(v, "off")    ? VD_IRQCHIP_OFF
							     : VD_IRQCHIP_DEFAULT;
		else if (key_is(k, "pflash0"))
			vm->firmware = VD_FW_EFI; /* libvirt >= 7.x: pflash as -blockdev nodes */
	}
	kv_free(o, n);
}

static void apply_smp(struct vd_vm *vm, const char *arg)
{
	struct kv *o;
	size_t n = split_opts(arg, &o);
	int cpus = -1, s = -1, d = -1, c = -1, t = -1;
	for (size_t i = 0; i < n; i++) {
		const char *k = o[i].key;
		int v = parse_num(o[i].val);
		if (!k || key_is(k, "cpus"))
			cpus = v;
		else if (key_is(k, "sockets"))
			s = v;
		else if (key_is(k, "dies"))
			d = v;
		else if (key_is(k, "cores"))
			c = v;
		else if (key_is(k, "threads"))
			t = v;
	}
	kv_free(o, n);
	vm->topology = s > 0 || c > 0 || t > 0;
	vm->sockets = s > 0 ? (unsigned)s : 0;
	vm->dies = d > 0 ? (unsigned)d : 0;
	vm->cores = c > 0 ? (unsigned)c : 0;
	vm->threads = t > 0 ? (unsigned)t : 0;
	if (cpus > 0)
		vm->vcpus = (unsigned)cpus;
	else if (vm->topology)
		vm->vcpus = (s > 0 ? (unsigned)s : 1) * (d > 0 ? (unsigned)d : 1) * (c > 0 ? (unsigned)c : 1) *
			    (t > 0 ? (unsigned)t : 1);
}

/* A device's properties, from "driver,k=v" or JSON, as key/value strings. */
static size_t device_props(const char *arg, struct kv **out)
{
	if (arg[0] != '{')
		return split_opts(arg, out);
	json_object *j = json_tokener_parse(arg);
	struct kv *v = NULL;
	size_t n = 0, cap = 0;
	if (!j || !json_object_is_type(j, json_type_object)) {
		json_object_put(j);
		*out = NULL;
		return 0;
	}
	json_object_object_foreach(j, key, val)
	{
		struct kv *e = VD_PUSH(v, n, cap);
		/* "driver" first: callers look for the implied key */
		e->key = strcmp(key, "driver") == 0 ? NULL : vd_xstrdup(key);
		if (json_object_is_type(val, json_type_boolean))
			e->val = vd_xstrdup(json_object_get_boolean(val) ? "on" : "off");
		else
			e->val = vd_xstrdup(json_object_get_string(val));
	}
	json_object_put(j);
	*out = v;
	return n;
}

static void apply_device(struct vd_vm *vm, const char *arg)
{
	struct kv *o;
	size_t n = device_props(arg, &o);
	const char *driver = NULL;
	for (size_t i = 0; i < n; i++)
		if (!o[i].key)
			driver = o[i].val;
	if (!driver) {
		kv_free(o, n);
		return;
	}
	if (!strcmp(driver, "vfio-pci") || !strcmp(driver, "vfio-pci-nohotplug")) {
		struct vd_vm_hostdev d = {.managed = VD_UNSET, .rom_bar = VD_UNSET, .multifunction = VD_UNSET};
		bool ok = false;
		for (size_t i = 0; i < n; i++) {
			const char *k = o[i].key, *v = o[i].val ? o[i].val : "on";
			if (key_is(k, "host") || key_is(k, "sysfsdev"))
				ok = parse_host_addr(v, &d);
			else if (key_is(k, "multifunction"))
				d.multifunction = parse_bool(v);
			else if (key_is(k, "x-vga"))
				d.x_vga = parse_bool(v) == VD_ON;
			else if (key_is(k, "romfile"))
				d.rom_file = vd_xstrdup(v);
			else if (key_is(k, "rombar"))
				d.rom_bar = parse_bool(v);
			else if (key_is(k, "addr"))
				parse_guest_addr(v, &d);
		}
		if (ok) {
			struct vd_vm_hostdev *h = vd_vm_add_hostdev(vm);
			*h = d;
		} else {
			free(d.rom_file); /* an mdev (sysfsdev=/sys/bus/mdev/...) or no address */
		}
	} else if (!strcmp(driver, "intel-iommu") || !strcmp(driver, "amd-iommu") ||
		   !strcmp(driver, "virtio-iommu-pci")) {
		free(vm->iommu_model);
		vm->iommu_model = vd_xstrdup(driver[0] == 'i' ? "intel" : driver[0] == 'a' ? "amd" : "virtio");
		for (size_t i = 0; i < n; i++) {
			const char *k = o[i].key, *v = o[i].val;
			if (key_is(k, "intremap"))
				vm->iommu_intremap = parse_bool(v);
			else if (key_is(k, "caching-mode"))
				vm->iommu_caching_mode = parse_bool(v);
			else if (key_is(k, "eim"))
				vm->iommu_eim = parse_bool(v);
			else if (key_is(k, "aw-bits"))
				vm->iommu_aw_bits = parse_num(v);
		}
	}
	kv_free(o, n);
}

static void apply_drive(struct vd_vm *vm, const char *arg)
{
	struct kv *o;
	size_t n = split_opts(arg, &o);
	bool pflash = false;
	const char *file = NULL;
	for (size_t i = 0; i < n; i++) {
		if (key_is(o[i].key, "if") && o[i].val && !strcmp(o[i].val, "pflash"))
			pflash = true;
		else if (key_is(o[i].key, "file"))
			file = o[i].val;
	}
	if (pflash) {
		vm->firmware = VD_FW_EFI;
		if (!vm->loader)
			vm->loader = vd_xstrdup(file);
	}
	kv_free(o, n);
}

/* -blockdev {"driver":"file","filename":"/usr/share/OVMF/OVMF_CODE.fd","node-name":"libvirt-pflash0-storage"...} */
static void apply_blockdev(struct vd_vm *vm, const char *arg)
{
	struct kv *o;
	size_t n = device_props(arg, &o);
	const char *node = NULL, *file = NULL;
	for (size_t i = 0; i < n; i++) {
		if (key_is(o[i].key, "node-name"))
			node = o[i].val;
		else if (key_is(o[i].key, "filename"))
			file = o[i].val;
	}
	if (node && file && strstr(node, "pflash0") && !vm->loader)
		vm->loader = vd_xstrdup(file);
	kv_free(o, n);
}

static void apply_global(struct vd_vm *vm, const char *arg)
{
	/* driver.property=value (QEMU qdev_prop_register_global) */
	const char *dot = strchr(arg, '.'), *eq = strchr(arg, '=');
	if (!dot || !eq || eq < dot)
		return;
	_cleanup_free_ char *drv = vd_xstrndup(arg, (size_t)(dot - arg));
	_cleanup_free_ char *prop = vd_xstrndup(dot + 1, (size_t)(eq - dot - 1));
	const char *val = eq + 1;
	if (!strcmp(drv, "intel-iommu")) {
		if (key_is(prop, "aw-bits"))
			vm->iommu_aw_bits = parse_num(val);
		else if (key_is(prop, "caching-mode"))
			vm->iommu_caching_mode = parse_bool(val);
		else if (key_is(prop, "intremap"))
			vm->iommu_intremap = parse_bool(val);
	} else if (vd_startswith(drv, "host-") && strstr(drv, "-cpu")) {
		cpu_flag(vm, prop, val);
	}
}

static void apply_name(struct vd_vm *vm, const char *arg)
{
	struct kv *o;
	size_t n = split_opts(arg, &o);
	for (size_t i = 0; i < n; i++) {
		if (!o[i].key || key_is(o[i].key, "guest")) {
			free(vm->name);
			vm->name = vd_xstrdup(o[i].val ? o[i].val : "");
		}
	}
	kv_free(o, n);
}

static void push_strv(char ***v, const char *s)
{
	size_t n = vd_strv_len(*v);
	*v = vd_xrealloc(*v, (n + 2) * sizeof(char *));
	(*v)[n] = vd_xstrdup(s);
	(*v)[n + 1] = NULL;
}

static const struct {
	const char *opt;
	void (*apply)(struct vd_vm *vm, const char *arg);
} opt_table[] = {
	{"machine", apply_machine}, {"M", apply_machine},  {"cpu", apply_cpu},         {"smp", apply_smp},
	{"device", apply_device},   {"drive", apply_drive}, {"blockdev", apply_blockdev}, {"global", apply_global},
	{"name", apply_name},
};

void vd_vm_apply_qemu_args(struct vd_vm *vm, char *const *argv, size_t argc)
{
	for (size_t i = 0; i < argc; i++) {
		const char *a = argv[i];
		if (a[0] != '-')
			continue;
		const char *opt = a + 1 + (a[1] == '-'); /* --machine works like -machine */
		const char *arg = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(opt, "bios") && arg) {
			/* -bios is SeaBIOS unless the file is an OVMF build */
			vm->firmware = (strstr(arg, "OVMF") || strstr(arg, "ovmf") || strstr(arg, "edk2")) ? VD_FW_EFI : VD_FW_BIOS;
			free(vm->loader);
			vm->loader = vd_xstrdup(arg);
			i++;
			continue;
		}
		if (!strcmp(opt, "acpitable") && arg) {
			push_strv(&vm->acpitables, arg);
			i++;
			continue;
		}
		for (size_t k = 0; k < ARRAY_SIZE(opt_table); k++) {
			if (strcmp(opt, opt_table[k].opt) == 0 && arg) {
				opt_table[k].apply(vm, arg);
				i++;
				break;
			}
		}
	}
}

int vd_vm_parse_qemu(const char *data, size_t len, bool nul_separated, struct vd_vm *vm, char **why)
{
	char **argv = NULL;
	int ret = vd_qemu_split(data, len, nul_separated, &argv);

	if (ret < 0) {
		*why = vd_xstrdup("no qemu-system-* (or qemu-kvm) command found");
		return -EBADMSG;
	}
	vd_vm_set_machine(vm, "pc"); /* QEMU's default x86 machine */
	vd_vm_apply_qemu_args(vm, argv + 1, vd_strv_len(argv) - 1);
	if (vm->firmware == VD_FW_UNKNOWN)
		vm->firmware = VD_FW_BIOS; /* QEMU boots SeaBIOS unless told otherwise */
	if (!vm->cpu_mode)
		vm->cpu_mode = vd_xstrdup("custom"); /* qemu64 */
	if (vm->hyperv)
		vm->windows = true;
	vd_strv_free(argv);
	return 0;
}
