// SPDX-License-Identifier: GPL-2.0-or-later
/* Planning: the structured fixes of findings become steps, with the current
 * content read through the root layer so the plan shows exact diffs and
 * leaves out what is already in place (see plan.h). */
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "bootloader.h"
#include "gen.h"
#include "plan.h"
#include "textedit.h"

struct planner {
	const struct vd_host *h;
	const struct vd_plan_opts *o;
	struct vd_plan *p;
	/* kernel parameter edits gathered from every finding */
	struct vd_kedit *ke;
	char **kwhy;
	size_t nke, capke;
	bool *changed; /* per finding: a file or parameter fix of it changes something */
	size_t fi;     /* the finding being planned */
};

static void unchanged(struct planner *pl, const char *what)
{
	for (size_t i = 0; i < pl->p->nunchanged; i++)
		if (strcmp(pl->p->unchanged[i], what) == 0)
			return;
	*VD_PUSH(pl->p->unchanged, pl->p->nunchanged, pl->p->capunchanged) = vd_xstrdup(what);
}

static struct vd_step *find_step(struct vd_plan *p, const struct vd_step_kind *k, const char *target)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->step[i].kind == k && strcmp(p->step[i].target, target) == 0)
			return &p->step[i];
	return NULL;
}

/* why: a finding id, or a ", " list of them (the boot configuration's) */
static void add_why(struct vd_step *s, const char *why)
{
	for (const char *p = why; p && *(p += strspn(p, ", "));) {
		size_t n = strcspn(p, ", ");
		_cleanup_free_ char *id = vd_xstrndup(p, n);
		p += n;
		if (vd_list_has(s->why, ", ", id))
			continue;
		char *w = s->why ? vd_xasprintf("%s, %s", s->why, id) : vd_xstrdup(id);
		free(s->why);
		s->why = w;
	}
}

/* Directories a new file needs, outermost first, as "dir" steps. */
static void plan_dirs(struct planner *pl, const char *path, const char *why)
{
	_cleanup_free_ char *dir = vd_xstrdup(path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	struct stat st;
	if (vd_root_stat(pl->h->root, dir, true, &st) == 0 || find_step(pl->p, &vd_step_dir, dir))
		return;
	plan_dirs(pl, dir, why);
	struct vd_step *s = vd_plan_add_step(pl->p, &vd_step_dir, dir, why);
	s->mode = 0755;
}

/* Why a path must not be written, or NULL: it is a symlink, or a directory
 * on the way resolves somewhere else (a link out of the expected place). */
static char *unsafe_path(const struct vd_root *r, const char *path)
{
	struct stat st;
	if (vd_root_stat(r, path, false, &st) == 0 && !S_ISREG(st.st_mode))
		return vd_xasprintf("%s is %s, not a regular file: change it by hand", path,
				    S_ISLNK(st.st_mode) ? "a symbolic link" : "a directory or device");
	_cleanup_free_ char *dir = vd_xstrdup(path);
	for (char *slash; (slash = strrchr(dir, '/')) && slash != dir;) {
		*slash = '\0';
		_cleanup_free_ char *res = NULL;
		if (vd_root_resolve(r, dir, &res) < 0)
			continue; /* does not exist yet: mkdirs never follows links */
		if (strcmp(res, dir) != 0)
			return vd_xasprintf("%s leads to %s through a symbolic link: not writing through it", dir, res);
		break;
	}
	return NULL;
}

/* Plan a file's new content. Returns the step, or NULL when nothing changes
 * (or when it cannot be written, which becomes a manual entry). */
static struct vd_step *plan_content(struct planner *pl, const char *path, const char *content, size_t len, mode_t mode,
				    const char *why)
{
	struct vd_step *s = find_step(pl->p, &vd_step_file, path);
	if (s) { /* a later fix for the same file: content was merged by the caller */
		vd_step_set_new(s, content, len);
		add_why(s, why);
		return s;
	}
	_cleanup_free_ char *bad = unsafe_path(pl->h->root, path);
	if (bad) {
		vd_plan_add_manual(pl->p, why, path, bad);
		return NULL;
	}
	_cleanup_free_ char *old = NULL;
	size_t olen = 0;
	struct stat st;
	int ret = vd_root_read(pl->h->root, path, 0, &old, &olen);
	if (ret < 0 && ret != -ENOENT) {
		_cleanup_free_ char *how = vd_xasprintf("cannot read it (%s): write it by hand", vd_errno_reason(ret));
		vd_plan_add_manual(pl->p, why, path, how);
		return NULL;
	}
	bool had = ret == 0;
	if (had && vd_root_stat(pl->h->root, path, false, &st) < 0)
		had = false;
	mode_t want_mode = had ? (st.st_mode & 07777) | (mode & 0111) : mode;
	if (had && olen == len && memcmp(old, content, len) == 0 && want_mode == (st.st_mode & 07777)) {
		unchanged(pl, path);
		return NULL;
	}
	if (!had)
		plan_dirs(pl, path, why);
	s = vd_plan_add_step(pl->p, &vd_step_file, path, why);
	if (had) {
		vd_step_set_old(s, old, olen);
		s->old_mode = st.st_mode & 07777;
		s->old_uid = st.st_uid;
		s->old_gid = st.st_gid;
	}
	vd_step_set_new(s, content, len);
	s->mode = want_mode;
	return s;
}

/* A file of the finding being planned: when it changes, so does the finding
 * (its commands then run). The boot configuration, planned after every
 * finding, belongs to the findings with kernel parameters instead. */
static void plan_finding_content(struct planner *pl, const char *path, const char *content, size_t len, mode_t mode,
				 const char *why)
{
	if (plan_content(pl, path, content, len, mode, why))
		pl->changed[pl->fi] = true;
}

/* The content a file has so far in this plan (a previous fix's result), or on disk. */
static char *current(struct planner *pl, const char *path, bool *exists)
{
	struct vd_step *s = find_step(pl->p, &vd_step_file, path);
	if (s) {
		*exists = s->has_new;
		return s->has_new ? vd_xstrdup(s->new) : NULL;
	}
	char *data = NULL;
	size_t len;
	*exists = vd_root_read(pl->h->root, path, 0, &data, &len) == 0;
	return data;
}

/* ---- libvirt hooks ---- */

/* hooks/qemu.d/ exists from libvirt 6.5.0 (libvirt's hooks page). Older or
 * unknown versions get the dispatcher at hooks/qemu, which keeps an
 * existing hook (moved to hooks/qemu.orig) and runs our scripts from a
 * directory of its own, so a later libvirt upgrade never runs them twice. */
static bool plan_hook(struct planner *pl, const struct vd_fix *x, const char *why)
{
	const char *name = vd_skip_prefix(x->target, VD_HOOKS_QEMU_D "/");
	if (!name || strchr(name, '/'))
		return false;
	if (pl->o && pl->o->libvirt_version >= 6005000)
		return false; /* the ordinary file rule installs it in qemu.d */
	bool exists;
	_cleanup_free_ char *cur = current(pl, VD_HOOKS_QEMU, &exists);
	const char *disp = vd_gen_hook_dispatcher();
	if (!exists || strcmp(cur, disp) != 0) {
		if (exists) {
			bool orig;
			_cleanup_free_ char *o = current(pl, VD_HOOKS_QEMU_ORIG, &orig);
			if (orig && strcmp(o, cur) != 0) {
				vd_plan_add_manual(pl->p, why, VD_HOOKS_QEMU,
						   "both hooks/qemu and hooks/qemu.orig exist: merge them by hand, then "
						   "run fix again");
				return true;
			}
			struct stat st;
			mode_t m = vd_root_stat(pl->h->root, VD_HOOKS_QEMU, false, &st) == 0 ? st.st_mode & 07777 : 0755;
			plan_finding_content(pl, VD_HOOKS_QEMU_ORIG, cur, strlen(cur), m, why);
		}
		plan_finding_content(pl, VD_HOOKS_QEMU, disp, strlen(disp), 0755, why);
		vd_plan_add_note(pl->p, "libvirt reads hooks/qemu when it starts: restart libvirtd (or virtqemud) once.");
	}
	_cleanup_free_ char *path = vd_xasprintf("%s/%s", VD_HOOKS_DISPATCH_D, name);
	plan_finding_content(pl, path, x->value ? x->value : "", x->value ? strlen(x->value) : 0, x->mode ? x->mode : 0755,
			     why);
	return true;
}

/* ---- fix kinds ---- */

static void plan_file(struct planner *pl, const struct vd_finding *f, const struct vd_fix *x)
{
	if (!x->target || x->target[0] != '/') {
		vd_plan_add_manual(pl->p, f->id, x->target ? x->target : "file", "not an absolute path: skipped");
		return;
	}
	if (plan_hook(pl, x, f->id))
		return;
	bool exists;
	_cleanup_free_ char *cur = current(pl, x->target, &exists);
	_cleanup_free_ char *next = NULL;
	switch (x->op) {
	case VD_OP_SET:
		next = vd_xstrdup(x->value ? x->value : "");
		break;
	case VD_OP_REMOVE:
		if (!exists)
			return;
		next = vd_conf_remove(cur, x->value);
		break;
	case VD_OP_ADD:
	default:
		next = vd_conf_merge(exists ? cur : NULL, x->value, vd_conf_syntax_for(x->target));
		break;
	}
	plan_finding_content(pl, x->target, next, strlen(next), x->mode ? x->mode : 0644, f->id);
}

static void plan_kparam(struct planner *pl, const struct vd_finding *f, const struct vd_fix *x)
{
	if (!x->target || !*x->target)
		return;
	/* "add intel_iommu=on,igfx_off" arrives as one fix or several; each
	 * becomes an edit and the editors merge them. */
	struct vd_kedit *e = VD_PUSH(pl->ke, pl->nke, pl->capke);
	e->op = x->op == VD_OP_REMOVE ? VD_KEDIT_REMOVE : VD_KEDIT_ADD;
	e->key = x->target;
	e->value = x->value;
	pl->kwhy = vd_xrealloc(pl->kwhy, pl->capke * sizeof(char *));
	pl->kwhy[pl->nke - 1] = f->id;
}

/* Runtime attributes: how to read the old value and put it back. */
enum rt_how {
	RT_VALUE,    /* reads back what it takes */
	RT_OVERRIDE, /* driver_override: reads "(null)" when unset, cleared by "\n" */
	RT_RESIZE,   /* resourceN_resize reads the supported sizes, not the current one */
	RT_ACTION,   /* remove, rescan, reset: an action, nothing to restore */
};

static const struct {
	const char *pattern; /* fnmatch(3) */
	enum rt_how how;
} rt_rules[] = {
	{"/sys/bus/pci/rescan", RT_ACTION},
	{"/sys/bus/pci/devices/*/remove", RT_ACTION},
	{"/sys/bus/pci/devices/*/reset", RT_ACTION},
	{"/sys/bus/pci/devices/*/rescan", RT_ACTION},
	{"/sys/bus/pci/devices/*/driver_override", RT_OVERRIDE},
	{"/sys/bus/pci/devices/*/resource[0-5]_resize", RT_RESIZE},
};

/* Boolean module parameters read back as Y/N whatever was written
 * (kernel/params.c param_get_bool). */
static bool same_value(const char *a, const char *b)
{
	static const char *const yes[] = {"1", "Y", "y"}, *const no[] = {"0", "N", "n"};
	bool ay = false, by = false, an = false, bn = false;
	for (size_t i = 0; i < 3; i++) {
		ay |= strcmp(a, yes[i]) == 0, by |= strcmp(b, yes[i]) == 0;
		an |= strcmp(a, no[i]) == 0, bn |= strcmp(b, no[i]) == 0;
	}
	return strcmp(a, b) == 0 || (ay && by) || (an && bn);
}

static void plan_runtime(struct planner *pl, const struct vd_finding *f, const struct vd_fix *x)
{
	enum rt_how how = RT_VALUE;
	for (size_t i = 0; i < ARRAY_SIZE(rt_rules); i++)
		if (x->target && fnmatch(rt_rules[i].pattern, x->target, FNM_PATHNAME) == 0)
			how = rt_rules[i].how;
	if (!x->target || !x->value || !(vd_startswith(x->target, "/sys/") || vd_startswith(x->target, "/proc/sys/"))) {
		vd_plan_add_manual(pl->p, f->id, x->target ? x->target : "runtime", "only /sys and /proc/sys attributes are written");
		return;
	}
	_cleanup_free_ char *old = NULL;
	int ret = how == RT_ACTION ? 0 : vd_root_read_line(pl->h->root, x->target, &old);
	if (ret == -ENODATA)
		old = vd_xstrdup(""), ret = 0;
	if (ret < 0) {
		_cleanup_free_ char *how_s = vd_xasprintf("write %s to it (%s here)", x->value, vd_errno_reason(ret));
		vd_plan_add_manual(pl->p, f->id, x->target, how_s);
		return;
	}
	if (how == RT_VALUE && same_value(old, x->value)) {
		unchanged(pl, x->target);
		return;
	}
	if (find_step(pl->p, &vd_step_runtime, x->target))
		return;
	struct vd_step *s = vd_plan_add_step(pl->p, &vd_step_runtime, x->target, f->id);
	vd_step_set_new(s, x->value, strlen(x->value));
	switch (how) {
	case RT_VALUE:
		vd_step_set_old(s, old, strlen(old));
		break;
	case RT_OVERRIDE:
		if (strcmp(old, x->value) == 0) {
			pl->p->n--;
			vd_step_done(s);
			unchanged(pl, x->target);
			return;
		}
		vd_step_set_old(s, strcmp(old, "(null)") == 0 ? "\n" : old, strcmp(old, "(null)") == 0 ? 1 : strlen(old));
		break;
	case RT_RESIZE: {
		/* The current size comes from the Resizable BAR capability. */
		unsigned bar = 0;
		char bdf[32] = "";
		const struct vd_pci_dev *d = NULL;
		if (sscanf(x->target, "/sys/bus/pci/devices/%31[^/]/resource%u_resize", bdf, &bar) == 2)
			d = vd_pci_find(&pl->h->pci, bdf);
		for (unsigned i = 0; d && d->caps.rebar.present && i < d->caps.rebar.count && i < 6; i++)
			if (d->caps.rebar.bar[i].bar == bar) {
				_cleanup_free_ char *cur = vd_xasprintf("%u", d->caps.rebar.bar[i].current);
				vd_step_set_old(s, cur, strlen(cur));
			}
		if (!s->had_old) {
			s->flags |= VD_STEP_NO_UNDO;
			s->note = vd_xstrdup("the current BAR size is unknown (config space unreadable): a reboot restores it");
		}
		break;
	}
	case RT_ACTION:
		s->flags |= VD_STEP_NO_UNDO;
		s->note = vd_xstrdup("an action: nothing to undo");
		break;
	}
}

/* A command runs forward on apply and again on undo, after the files are
 * back (so no NO_UNDO flag). */
static void plan_command(struct planner *pl, const struct vd_finding *f, const struct vd_fix *x)
{
	if (!x->value || !*x->value)
		return;
	struct vd_step *s = find_step(pl->p, &vd_step_command, x->value);
	if (s) {
		add_why(s, f->id);
		return;
	}
	_cleanup_free_ char *prog = vd_xstrndup(x->value, strcspn(x->value, " "));
	s = vd_plan_add_step(pl->p, &vd_step_command, x->value, f->id);
	if (!vd_root_is_live(pl->h->root)) {
		s->flags |= VD_STEP_SKIP;
		s->note = vd_xasprintf("not run: %s is not the running system; run it there (chroot %s %s)",
				       vd_root_path(pl->h->root), vd_root_path(pl->h->root), x->value);
	} else if (!vd_root_has_program(pl->h->root, prog)) {
		s->flags |= VD_STEP_SKIP;
		s->note = vd_xasprintf("%s is not installed here: run the equivalent yourself", prog);
	}
}

static void plan_manual(struct planner *pl, const struct vd_finding *f, const struct vd_fix *x)
{
	vd_plan_add_manual(pl->p, f->id, x->target ? x->target : "", x->value ? x->value : "");
}

static void plan_xml(struct planner *pl, const struct vd_finding *f, const struct vd_fix *x)
{
	/* Domain XML edits are planned per domain by the VM side (fix
	 * --domain NAME / --xml FILE, which shows their diff); listed here,
	 * with the command that applies them, so nothing is hidden. */
	_cleanup_free_ char *how = vd_xasprintf("%s %s", vd_fix_op_name(x->op), x->value ? x->value : "");
	const char *vm = f->subject && vd_startswith(f->subject, "vm ") ? f->subject + 3 : NULL;
	_cleanup_free_ char *what = vm ? vd_xasprintf("domain %s (vfio-doctor fix --domain %s), XML %s", vm, vm,
						   x->target ? x->target : "")
				       : vd_xasprintf("domain XML %s", x->target ? x->target : "");
	vd_plan_add_manual(pl->p, f->id, what, how);
}

static void plan_qemu_arg(struct planner *pl, const struct vd_finding *f, const struct vd_fix *x)
{
	/* A VM started by a script: the argument to change in it. */
	_cleanup_free_ char *what = vd_xasprintf("QEMU command line%s%s: %s", f->subject ? " of " : "",
						 f->subject ? f->subject : "", x->target ? x->target : "");
	vd_plan_add_manual(pl->p, f->id, what, x->value ? x->value : "");
}

/* The boot loader half: every configuration that holds the command line
 * gets the same edits; each that changed gets its regeneration command. */
static void plan_boot(struct planner *pl)
{
	struct vd_boot_file *bf = NULL;
	size_t nbf = 0;
	struct vd_str words = {0}, whys = {0};

	for (size_t i = 0; i < pl->nke; i++) {
		vd_str_addf(&words, "%s%s%s%s%s", words.len ? " " : "", pl->ke[i].op == VD_KEDIT_REMOVE ? "-" : "",
			    pl->ke[i].key, pl->ke[i].value ? "=" : "", pl->ke[i].value ? pl->ke[i].value : "");
		if (!vd_list_has(whys.s, ", ", pl->kwhy[i]))
			vd_str_addf(&whys, "%s%s", whys.len ? ", " : "", pl->kwhy[i]);
	}
	vd_boot_find(pl->h->root, pl->h->kernel.release, &bf, &nbf);
	if (!nbf) {
		vd_plan_add_manual(pl->p, whys.s, "kernel command line",
				   "no GRUB, kernel-install, loader entry or kernelstub configuration found: add (or, "
				   "with -, remove) these parameters in your boot loader by hand");
		vd_plan_add_note(pl->p, "kernel parameters to change: %s", words.s);
	}
	struct vd_str names = {0};
	for (size_t i = 0; i < nbf; i++) {
		_cleanup_free_ char *old = NULL, *next = NULL;
		size_t len;
		const char *why = NULL;
		vd_str_addf(&names, "%s%s %s", names.len ? ", " : "", bf[i].format, bf[i].path);
		if (vd_root_read(pl->h->root, bf[i].path, 0, &old, &len) < 0)
			continue;
		if (bf[i].edit(old, pl->ke, pl->nke, &next, &why) < 0) {
			_cleanup_free_ char *how = vd_xasprintf("cannot be edited safely (%s): change %s there by hand", why, words.s);
			vd_plan_add_manual(pl->p, whys.s, bf[i].path, how);
			continue;
		}
		size_t before = pl->p->n;
		plan_content(pl, bf[i].path, next, strlen(next), 0644, whys.s);
		if (pl->p->n == before) /* already configured */
			continue;
		if (bf[i].regen) {
			struct vd_fix rx = {.kind = VD_FIX_COMMAND, .value = bf[i].regen};
			struct vd_finding pseudo = {.id = whys.s};
			plan_command(pl, &pseudo, &rx);
		}
	}
	if (nbf) {
		pl->p->bootloader = vd_str_steal(&names);
		/* A parameter configured but not on /proc/cmdline: not booted yet. */
		for (size_t i = 0; i < pl->nke; i++) {
			if (pl->ke[i].op != VD_KEDIT_ADD)
				continue;
			bool on_cmdline = pl->ke[i].value ? vd_cmdline_has_opt(&pl->h->kernel.cmdline, pl->ke[i].key, pl->ke[i].value)
							  : vd_cmdline_last(&pl->h->kernel.cmdline, pl->ke[i].key) != NULL;
			if (!on_cmdline) {
				vd_plan_add_note(pl->p, "Reboot to use the new kernel command line.");
				break;
			}
		}
	}
	vd_str_done(&names);
	vd_str_done(&words);
	vd_str_done(&whys);
	vd_boot_files_free(bf, nbf);
}

/* One row per fix kind: how its fixes become steps. The VM side replaces
 * the domain-xml row with its own planner. */
static const struct {
	enum vd_fix_kind kind;
	void (*plan)(struct planner *pl, const struct vd_finding *f, const struct vd_fix *x);
} planners[] = {
	{VD_FIX_FILE, plan_file},
	{VD_FIX_KPARAM, plan_kparam},
	{VD_FIX_RUNTIME, plan_runtime},
	{VD_FIX_XML, plan_xml},
	{VD_FIX_QEMU_ARG, plan_qemu_arg},
	{VD_FIX_MANUAL, plan_manual},
};

int vd_plan_build(const struct vd_host *h, const struct vd_findings *fs, const struct vd_plan_opts *o,
		  struct vd_plan *out)
{
	struct planner pl = {.h = h, .o = o, .p = out};

	memset(out, 0, sizeof(*out));
	pl.changed = vd_xcalloc(fs->n ? fs->n : 1, sizeof(bool));
	for (size_t i = 0; i < fs->n; i++) {
		pl.fi = i;
		for (size_t j = 0; j < fs->f[i].nfix; j++)
			for (size_t k = 0; k < ARRAY_SIZE(planners); k++)
				if (planners[k].kind == fs->f[i].fix[j].kind)
					planners[k].plan(&pl, &fs->f[i], &fs->f[i].fix[j]);
	}
	if (pl.nke) {
		size_t before = out->n;
		plan_boot(&pl);
		/* Findings whose parameters changed a configuration count as changed. */
		if (out->n > before)
			for (size_t i = 0; i < fs->n; i++)
				for (size_t j = 0; j < fs->f[i].nfix; j++)
					if (fs->f[i].fix[j].kind == VD_FIX_KPARAM)
						pl.changed[i] = true;
	}
	/* Commands regenerate what a finding's files feed (the initramfs from
	 * modprobe.d): they run only when those files change, so a second
	 * run of fix finds nothing to do. */
	for (size_t i = 0; i < fs->n; i++) {
		const struct vd_finding *f = &fs->f[i];
		bool has_files = false;
		for (size_t j = 0; j < f->nfix; j++)
			has_files |= f->fix[j].kind == VD_FIX_FILE || f->fix[j].kind == VD_FIX_KPARAM;
		for (size_t j = 0; j < f->nfix; j++)
			if (f->fix[j].kind == VD_FIX_COMMAND && (!has_files || pl.changed[i]))
				plan_command(&pl, f, &f->fix[j]);
	}
	free(pl.ke);
	free(pl.kwhy);
	free(pl.changed);
	return 0;
}
