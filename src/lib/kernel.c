// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel facts (see kernel.h). */
#include "kernel.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>

#include "util.h"

/* Module parameters the checks read, from /sys/module/M/parameters/P. */
static const struct {
	const char *module, *param;
} param_table[] = {
	{"kvm", "ignore_msrs"},
	{"kvm", "report_ignored_msrs"},
	{"kvm_intel", "nested"},
	{"kvm_amd", "nested"},
	{"kvm_amd", "avic"},
	{"vfio_iommu_type1", "allow_unsafe_interrupts"},
	{"vfio_pci", "ids"},
	{"vfio_pci", "disable_vga"},
	{"vfio_pci", "disable_idle_d3"},
	{"snd_hda_intel", "enable_msi"},
};

static const struct {
	const char *name, *path;
} sysctl_table[] = {
	{"kernel.split_lock_mitigate", "/proc/sys/kernel/split_lock_mitigate"},
};

/* Build options that change what the command line must say. */
static const char *const kconfig_keys[] = {
	"CONFIG_MODULES",
	"CONFIG_INTEL_IOMMU",
	"CONFIG_INTEL_IOMMU_DEFAULT_ON",
	"CONFIG_INTEL_IOMMU_DEFAULT_ON_INTGPU_OFF",
	"CONFIG_AMD_IOMMU",
	"CONFIG_IOMMU_DEFAULT_PASSTHROUGH",
	"CONFIG_VFIO_PCI",
	"CONFIG_KVM_INTEL",
	"CONFIG_KVM_AMD",
};

int vd_kernel_parse_release(const char *s, unsigned *major, unsigned *minor, unsigned *patch)
{
	unsigned a = 0, b = 0, c = 0;
	int n = 0;

	if (!s || sscanf(s, "%u.%u%n", &a, &b, &n) != 2)
		return -EINVAL;
	if (s[n] == '.')
		sscanf(s + n + 1, "%u", &c);
	*major = a;
	*minor = b;
	*patch = c;
	return 0;
}

bool vd_kernel_at_least(const struct vd_kernel *k, unsigned major, unsigned minor, unsigned patch)
{
	if (k->release_err || (!k->major && !k->minor))
		return false;
	if (k->major != major)
		return k->major > major;
	if (k->minor != minor)
		return k->minor > minor;
	return k->patch >= patch;
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void read_modules(const struct vd_root *root, struct vd_kernel *k)
{
	_cleanup_free_ char *text = NULL;
	size_t len, n = 0, cap = 0;

	k->modules_err = vd_root_read(root, "/proc/modules", 0, &text, &len);
	if (k->modules_err == 0) {
		for (char *line = text, *next; line && *line; line = next) {
			next = strchr(line, '\n');
			if (next)
				*next++ = '\0';
			size_t w = strcspn(line, " \t");
			if (w)
				*VD_PUSH(k->modules, n, cap) = vd_xstrndup(line, w);
		}
		(void)VD_PUSH(k->modules, n, cap);
		n--;
		qsort(k->modules, n, sizeof(char *), cmp_strp);
	}
	k->sys_modules_err = vd_root_list(root, "/sys/module", &k->sys_modules);
}

static void read_params(const struct vd_root *root, struct vd_kernel *k)
{
	k->nparams = ARRAY_SIZE(param_table);
	k->params = vd_xcalloc(k->nparams, sizeof(*k->params));
	for (size_t i = 0; i < k->nparams; i++) {
		struct vd_modparam *p = &k->params[i];
		_cleanup_free_ char *path =
			vd_xasprintf("/sys/module/%s/parameters/%s", param_table[i].module, param_table[i].param);
		p->module = param_table[i].module;
		p->param = param_table[i].param;
		p->err = vd_root_read_line(root, path, &p->value);
		if (p->err == -ENODATA) { /* an empty string parameter ("ids") */
			p->err = 0;
			p->value = vd_xstrdup("");
		}
	}
	k->nsysctls = ARRAY_SIZE(sysctl_table);
	k->sysctls = vd_xcalloc(k->nsysctls, sizeof(*k->sysctls));
	for (size_t i = 0; i < k->nsysctls; i++) {
		k->sysctls[i].name = sysctl_table[i].name;
		k->sysctls[i].path = sysctl_table[i].path;
		k->sysctls[i].err = vd_root_read_line(root, sysctl_table[i].path, &k->sysctls[i].value);
	}
}

static void read_kconfig(const struct vd_root *root, struct vd_kernel *k)
{
	_cleanup_free_ char *text = NULL;
	size_t len;

	k->nkconfig = ARRAY_SIZE(kconfig_keys);
	k->kconfig = vd_xcalloc(k->nkconfig, sizeof(*k->kconfig));
	for (size_t i = 0; i < k->nkconfig; i++)
		k->kconfig[i].key = kconfig_keys[i];
	if (!k->release) {
		k->kconfig_err = -ENOENT;
		return;
	}
	k->kconfig_path = vd_xasprintf("/boot/config-%s", k->release);
	k->kconfig_err = vd_root_read(root, k->kconfig_path, 0, &text, &len);
	if (k->kconfig_err < 0)
		return;
	for (char *line = text, *next; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		char *eq = strchr(line, '=');
		if (line[0] != 'C' || !eq)
			continue; /* "# CONFIG_X is not set" leaves the value NULL */
		*eq = '\0';
		for (size_t i = 0; i < k->nkconfig; i++)
			if (strcmp(line, kconfig_keys[i]) == 0 && !k->kconfig[i].value)
				k->kconfig[i].value = vd_xstrdup(eq + 1);
	}
}

/* A snapshot cannot hold device nodes (git and tar without root cannot
 * recreate them), so collect writes a regular file that describes the node;
 * see docs/snapshot.md. On a live root only a real node counts. */
static int parse_node_standin(const struct vd_root *root, const char *path, struct stat *st)
{
	_cleanup_free_ char *line = NULL;
	unsigned maj, min, mode, uid, gid;
	char type;
	int ret = vd_root_read_line(root, path, &line);
	if (ret < 0)
		return ret;
	if (sscanf(line, VD_DEVNODE_MAGIC " %c %u %u %o %u %u", &type, &maj, &min, &mode, &uid, &gid) != 6 ||
	    (type != 'c' && type != 'b'))
		return -EBADMSG;
	st->st_mode = (type == 'c' ? S_IFCHR : S_IFBLK) | (mode & 07777);
	st->st_rdev = makedev(maj, min);
	st->st_uid = uid;
	st->st_gid = gid;
	return 0;
}

static void read_kvm_node(const struct vd_root *root, struct vd_kernel *k)
{
	struct stat st;

	k->kvm_err = vd_root_stat(root, "/dev/kvm", true, &st);
	if (k->kvm_err == 0 && S_ISREG(st.st_mode) && !vd_root_is_live(root))
		k->kvm_err = parse_node_standin(root, "/dev/kvm", &st);
	if (k->kvm_err < 0)
		return;
	k->kvm_mode = st.st_mode;
	k->kvm_uid = st.st_uid;
	k->kvm_gid = st.st_gid;
	/* Linux include/linux/miscdevice.h: KVM_MINOR 232 on misc major 10. */
	k->kvm_chr = S_ISCHR(st.st_mode) && major(st.st_rdev) == 10 && minor(st.st_rdev) == 232;
}

int vd_kernel_gather(const struct vd_root *root, struct vd_kernel *k)
{
	memset(k, 0, sizeof(*k));
	k->release_err = vd_root_read_line(root, "/proc/sys/kernel/osrelease", &k->release);
	if (k->release_err == 0 && vd_kernel_parse_release(k->release, &k->major, &k->minor, &k->patch) < 0)
		k->release_err = -EBADMSG;

	k->cmdline_err = vd_root_read_line(root, "/proc/cmdline", &k->cmdline_raw);
	if (k->cmdline_err == -ENODATA) {
		k->cmdline_err = 0;
		k->cmdline_raw = vd_xstrdup("");
	}
	vd_cmdline_parse(k->cmdline_raw ? k->cmdline_raw : "", &k->cmdline);

	read_modules(root, k);
	read_params(root, k);

	k->clocksource_err = vd_root_read_line(
		root, "/sys/devices/system/clocksource/clocksource0/current_clocksource", &k->clocksource);
	vd_root_read_line(root, "/sys/devices/system/clocksource/clocksource0/available_clocksource",
			  &k->clocksource_avail);

	read_kvm_node(root, k);
	read_kconfig(root, k);
	return 0;
}

void vd_kernel_done(struct vd_kernel *k)
{
	free(k->release);
	free(k->cmdline_raw);
	vd_cmdline_done(&k->cmdline);
	vd_strv_free(k->modules);
	vd_strv_free(k->sys_modules);
	for (size_t i = 0; i < k->nparams; i++)
		free(k->params[i].value);
	free(k->params);
	for (size_t i = 0; i < k->nsysctls; i++)
		free(k->sysctls[i].value);
	free(k->sysctls);
	free(k->clocksource);
	free(k->clocksource_avail);
	free(k->kconfig_path);
	for (size_t i = 0; i < k->nkconfig; i++)
		free(k->kconfig[i].value);
	free(k->kconfig);
	memset(k, 0, sizeof(*k));
}

static bool sorted_contains(char *const *v, const char *s)
{
	size_t n = vd_strv_len(v);
	return n && bsearch(&s, v, n, sizeof(char *), cmp_strp) != NULL;
}

enum vd_mod_state vd_kernel_module_state(const struct vd_kernel *k, const char *name)
{
	char norm[64];
	size_t i;

	/* Module names use '_' internally; "vfio-pci" is vfio_pci. */
	for (i = 0; name[i] && i < sizeof(norm) - 1; i++)
		norm[i] = name[i] == '-' ? '_' : name[i];
	norm[i] = '\0';

	if (k->modules_err == 0 && sorted_contains(k->modules, norm))
		return VD_MOD_LOADED;
	if (k->sys_modules_err == 0 && sorted_contains(k->sys_modules, norm))
		return VD_MOD_BUILTIN;
	if (k->sys_modules_err == 0)
		return VD_MOD_ABSENT;
	return VD_MOD_UNKNOWN;
}

const struct vd_modparam *vd_kernel_param(const struct vd_kernel *k, const char *module, const char *param)
{
	for (size_t i = 0; i < k->nparams; i++)
		if (vd_streq_dash(k->params[i].module, module) && strcmp(k->params[i].param, param) == 0)
			return &k->params[i];
	return NULL;
}

const struct vd_sysctl *vd_kernel_sysctl(const struct vd_kernel *k, const char *name)
{
	for (size_t i = 0; i < k->nsysctls; i++)
		if (strcmp(k->sysctls[i].name, name) == 0)
			return &k->sysctls[i];
	return NULL;
}

const char *vd_kernel_config(const struct vd_kernel *k, const char *key)
{
	for (size_t i = 0; i < k->nkconfig; i++)
		if (strcmp(k->kconfig[i].key, key) == 0)
			return k->kconfig[i].value;
	return NULL;
}
