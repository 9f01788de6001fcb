// SPDX-License-Identifier: GPL-2.0-or-later
/* Plans and transactions on a small host tree: apply, apply again (nothing
 * to do), undo (byte-identical), and a fault at every mutating operation of
 * a transaction (ENOSPC and EROFS sticky, EACCES and EIO once): every target
 * holds its old or new bytes, never a torn file, the journal says what
 * happened, and undo still restores the tree. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "gen.h"
#include "plan.h"
#include "unit.h"

/* tmpfs where there is one: a thousand transactions' fsyncs are free there. */
static char base[64];
static char tree[128], pristine[128];
static void build(const char *root);

static void mkdir_p(char *p)
{
	for (char *q = p + 1; *q; q++)
		if (*q == '/') {
			*q = '\0';
			mkdir(p, 0755);
			*q = '/';
		}
}

static void put(const char *root, const char *rel, const char *text, mode_t mode)
{
	char p[300];
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	mkdir_p(p);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
	chmod(p, mode);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	remove(path);
	return 0;
}

static void rm_rf(const char *path)
{
	nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* The tree as text: every entry's path, type, mode and content, without
 * the transaction state directory (the record of what happened stays). */
static struct vd_str snap;
static size_t snap_skip;
static int snap_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)flag, (void)ftw;
	const char *rel = path + snap_skip;
	if (strstr(rel, "/var/lib/vfio-doctor"))
		return 0;
	vd_str_addf(&snap, "%s %o %o\n", rel, (unsigned)(st->st_mode & S_IFMT), (unsigned)(st->st_mode & 07777));
	if (S_ISREG(st->st_mode)) {
		FILE *f = fopen(path, "r");
		char buf[4096];
		size_t k;
		while ((k = fread(buf, 1, sizeof(buf), f)) > 0)
			vd_str_addn(&snap, buf, k);
		fclose(f);
	}
	return 0;
}

static char *snapshot(const char *root)
{
	memset(&snap, 0, sizeof(snap));
	snap_skip = strlen(root);
	nftw(root, snap_entry, 16, FTW_PHYS);
	return vd_str_steal(&snap);
}

/* The published Fedora 34 line of tests/hosts/sources (grub_cmdline_msi_z390...). */
static void build(const char *root)
{
	put(root, "etc/default/grub",
	    "GRUB_TIMEOUT=5\nGRUB_DEFAULT=saved\nGRUB_CMDLINE_LINUX=\"rhgb quiet intel_iommu=on rd.driver.pre=vfio-pci kvm.ignore_msrs=1\"\n",
	    0644);
	put(root, "etc/modprobe.d/kvm.conf", "# local\noptions kvm ignore_msrs=0\n", 0644);
	put(root, "etc/libvirt/hooks/qemu", "#!/bin/sh\necho mine \"$@\"\n", 0700);
	put(root, "sys/module/kvm/parameters/ignore_msrs", "N\n", 0644);
	put(root, "usr/sbin/update-grub", "#!/bin/sh\n", 0755);
	put(root, "var/lib/dpkg/status", "", 0644); /* every system has /var/lib */
}

static char *pristine_snap;

static void reset(void)
{
	rm_rf(tree);
	build(tree);
}

static bool same_as_pristine(void)
{
	_cleanup_free_ char *now = snapshot(tree);
	return strcmp(now, pristine_snap) == 0;
}

static void findings(struct vd_findings *fs)
{
	static const struct vd_check kvm = {.id = "kvm-msrs", .title = "t", .section = "s"},
				       sleep_ = {.id = "sleep", .title = "t", .section = "s"};
	memset(fs, 0, sizeof(*fs));
	struct vd_finding *f = vd_finding_add(fs, &kvm, VD_FAIL, NULL, "x");
	_cleanup_free_ char *msrs = vd_gen_modprobe_kvm_msrs(true);
	vd_finding_fix(f, VD_FIX_FILE, VD_OP_ADD, VD_MODPROBE_KVM, msrs);
	vd_finding_fix(f, VD_FIX_RUNTIME, VD_OP_SET, "/sys/module/kvm/parameters/ignore_msrs", "1");
	vd_finding_fix(f, VD_FIX_KPARAM, VD_OP_ADD, "intel_iommu", "igfx_off");
	f = vd_finding_add(fs, &sleep_, VD_WARN, NULL, "y");
	vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, VD_HOOK_NOSLEEP, vd_gen_hook_nosleep())->mode = 0755;
	vd_finding_fix(f, VD_FIX_FILE, VD_OP_SET, VD_NOSLEEP_UNIT, vd_gen_nosleep_unit());
}

static void host(struct vd_host *h, struct vd_root *r)
{
	memset(h, 0, sizeof(*h));
	h->root = r;
	vd_cmdline_parse("BOOT_IMAGE=x ro rhgb quiet", &h->kernel.cmdline);
}

static int plan_for(struct vd_root *r, struct vd_plan *p)
{
	struct vd_host h;
	struct vd_findings fs;
	struct vd_plan_opts o = {0};
	host(&h, r);
	findings(&fs);
	int ret = vd_plan_build(&h, &fs, &o, p);
	vd_findings_done(&fs);
	vd_cmdline_done(&h.kernel.cmdline);
	return ret;
}

static char *slurp(struct vd_root *r, const char *path, bool *exists)
{
	char *d = NULL;
	size_t len;
	*exists = vd_root_read(r, path, 0, &d, &len) == 0;
	return d;
}

static void test_round_trip(void)
{
	struct vd_root *r;
	struct vd_plan p;
	struct vd_txn_result res;

	reset();
	CHECK_INT(vd_root_open(tree, 0, &r), 0);
	plan_for(r, &p);
	/* dirs: qemu.vfio-doctor.d, /etc/systemd, /etc/systemd/system; files:
	 * kvm.conf, qemu.orig (the user's hook kept), qemu (the dispatcher:
	 * libvirt's version is unknown), the hook, the unit, grub; the
	 * runtime write; update-grub (shown, not run: not the live root) */
	CHECK_INT(p.n, 11);
	char *text = vd_plan_render_text(&p, r);
	if (p.n != 11)
		fputs(text, stderr);
	CHECK(strstr(text, "-options kvm ignore_msrs=0\n    +options kvm ignore_msrs=1\n    +options kvm report_ignored_msrs=0"));
	CHECK(strstr(text, "+GRUB_CMDLINE_LINUX=\"rhgb quiet intel_iommu=on,igfx_off rd.driver.pre=vfio-pci kvm.ignore_msrs=1\""));
	CHECK(strstr(text, "write /sys/module/kvm/parameters/ignore_msrs"));
	CHECK(strstr(text, "run: update-grub"));
	free(text);
	CHECK_INT(vd_txn_apply(r, &p, NULL, &res), 0);
	CHECK_STR(res.state, "applied");
	CHECK_STR(res.id, "0001");
	vd_txn_result_done(&res);
	bool ex;
	char *s = slurp(r, VD_HOOKS_QEMU_ORIG, &ex);
	CHECK_STR(s, "#!/bin/sh\necho mine \"$@\"\n"); /* the user's hook kept */
	free(s);
	struct stat st;
	CHECK_INT(vd_root_stat(r, VD_HOOKS_QEMU_ORIG, false, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0700);
	CHECK_INT(vd_root_stat(r, VD_HOOKS_DISPATCH_D "/vfio-doctor-nosleep", false, &st), 0);
	CHECK_INT(st.st_mode & 07777, 0755);
	s = slurp(r, "/sys/module/kvm/parameters/ignore_msrs", &ex);
	CHECK_STR(s, "1\n");
	free(s);
	vd_plan_done(&p);

	/* idempotent: ignore_msrs reads "1" now, as Y would on a live host */
	plan_for(r, &p);
	CHECK_INT(p.n, 0);
	CHECK(p.nunchanged >= 5);
	CHECK_INT(vd_txn_apply(r, &p, NULL, &res), -EALREADY);
	vd_txn_result_done(&res);
	vd_plan_done(&p);

	struct vd_txn_info *info;
	size_t n;
	CHECK_INT(vd_txn_list(r, &info, &n), 0);
	CHECK_INT(n, 1);
	CHECK_STR(info[0].state, "applied");
	vd_txn_info_free(info, n);

	CHECK_INT(vd_txn_undo(r, NULL, NULL, &res), 0);
	CHECK_STR(res.state, "undone");
	vd_txn_result_done(&res);
	CHECK(same_as_pristine());
	CHECK_INT(vd_txn_undo(r, NULL, NULL, &res), -ENOENT);
	vd_txn_result_done(&res);

	/* a file changed after apply is not thrown away by undo */
	plan_for(r, &p);
	CHECK_INT(vd_txn_apply(r, &p, NULL, &res), 0);
	vd_txn_result_done(&res);
	vd_plan_done(&p);
	CHECK_INT(vd_root_write_atomic(r, VD_MODPROBE_KVM, "edited\n", 7, 0644), 0);
	CHECK_INT(vd_txn_undo(r, NULL, NULL, &res), -ESTALE);
	CHECK(res.error && strstr(res.error, VD_MODPROBE_KVM));
	vd_txn_result_done(&res);
	vd_root_free(r);
}

/* Every file target holds its old or its new bytes and no temporary file
 * is left next to it. */
static void check_targets(struct vd_root *r, const struct vd_plan *p)
{
	for (size_t i = 0; i < p->n; i++) {
		const struct vd_step *s = &p->step[i];
		if (s->kind != &vd_step_file)
			continue;
		bool ex;
		char *cur = slurp(r, s->target, &ex);
		bool is_old = ex == s->had_old && (!ex || strcmp(cur, s->old) == 0);
		bool is_new = ex == s->has_new && (!ex || strcmp(cur, s->new) == 0);
		if (!is_old && !is_new)
			fprintf(stderr, "torn: %s\n", s->target);
		CHECK(is_old || is_new);
		free(cur);
		char dir[512];
		snprintf(dir, sizeof(dir), "%s", s->target);
		*strrchr(dir, '/') = '\0';
		char **names = NULL;
		if (vd_root_list(r, dir, &names) == 0)
			for (char **q = names; *q; q++)
				CHECK(!vd_startswith(*q, ".#vfio-doctor"));
		vd_strv_free(names);
	}
}

static void test_faults(void)
{
	static const struct {
		int err;
		bool sticky;
	} modes[] = {{ENOSPC, true}, {EROFS, true}, {EACCES, false}, {EIO, false}};
	struct vd_root *r;
	struct vd_plan p;
	struct vd_txn_result res;

	/* How many mutating operations a clean transaction makes. */
	reset();
	vd_root_open(tree, 0, &r);
	plan_for(r, &p);
	vd_root_set_fault(r, VD_FAULT_ALL, 100000, EIO, false);
	CHECK_INT(vd_txn_apply(r, &p, NULL, &res), 0);
	unsigned total = vd_root_fault_count(r);
	vd_txn_result_done(&res);
	vd_plan_done(&p);
	vd_root_free(r);
	CHECK(total > 40);

	unsigned runs = 0, rolled_back = 0;
	for (size_t m = 0; m < ARRAY_SIZE(modes); m++) {
		for (unsigned nth = 1; nth <= total; nth++) {
			reset();
			vd_root_open(tree, 0, &r);
			plan_for(r, &p);
			vd_root_set_fault(r, VD_FAULT_ALL, nth, modes[m].err, modes[m].sticky);
			int ret = vd_txn_apply(r, &p, NULL, &res);
			runs++;
			CHECK(ret < 0);
			CHECK(res.error != NULL);
			if (res.state && strcmp(res.state, "rolled-back") == 0)
				rolled_back++;
			/* one-shot faults roll back completely */
			if (!modes[m].sticky && res.state && strcmp(res.state, "not-started") != 0)
				CHECK_STR(res.state, "rolled-back");
			vd_txn_result_done(&res);
			vd_root_set_fault(r, 0, 0, 0, false);
			check_targets(r, &p);
			/* the journal is readable whenever the transaction got started */
			struct vd_txn_info *info;
			size_t n;
			CHECK_INT(vd_txn_list(r, &info, &n), 0);
			vd_txn_info_free(info, n);
			/* undo puts everything back, whatever state the fault left */
			ret = vd_txn_undo(r, NULL, NULL, &res);
			CHECK(ret == 0 || ret == -ENOENT);
			vd_txn_result_done(&res);
			if (!same_as_pristine())
				fprintf(stderr, "not restored: fault %d at op %u\n", modes[m].err, nth);
			CHECK(same_as_pristine());
			vd_plan_done(&p);
			vd_root_free(r);
		}
	}
	fprintf(stderr, "fault injection: %u operations per transaction, %u runs, %u rolled back at once\n", total, runs,
		rolled_back);
	CHECK(rolled_back > 0);
}

int main(void)
{
	struct stat st;
	snprintf(base, sizeof(base), "%s/vd-test-fix-XXXXXX", stat("/dev/shm", &st) == 0 && access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp");
	if (!mkdtemp(base))
		return 2;
	snprintf(tree, sizeof(tree), "%s/tree", base);
	snprintf(pristine, sizeof(pristine), "%s/pristine", base);
	build(pristine);
	pristine_snap = snapshot(pristine);
	test_round_trip();
	test_faults();
	rm_rf(base);
	free(pristine_snap);
	return unit_done("test-fix");
}
