// SPDX-License-Identifier: GPL-2.0-or-later
/* The root layer: reads stay inside the root whatever the links say, in both
 * resolvers (openat2 RESOLVE_IN_ROOT and the user-space chase). */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "root.h"
#include "unit.h"
#include "util.h"

static char tmpl[] = "/tmp/vd-test-root-XXXXXX";

static void put(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", tmpl, rel);
	FILE *f = fopen(p, "w");
	fputs(text, f);
	fclose(f);
}

static void dir(const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", tmpl, rel);
	mkdir(p, 0755);
}

static void lnk(const char *target, const char *rel)
{
	char p[512];
	snprintf(p, sizeof(p), "%s/%s", tmpl, rel);
	if (symlink(target, p) < 0)
		perror(p);
}

static void build_tree(void)
{
	dir("etc");
	put("etc/hostname", "inside\n");
	dir("sys");
	dir("sys/devices");
	dir("sys/devices/pci0000:00");
	dir("sys/devices/pci0000:00/0000:00:01.0");
	put("sys/devices/pci0000:00/0000:00:01.0/vendor", "0x10de\n");
	dir("sys/bus");
	dir("sys/bus/pci");
	dir("sys/bus/pci/drivers");
	dir("sys/bus/pci/drivers/vfio-pci");
	dir("sys/bus/pci/devices");
	lnk("../../../devices/pci0000:00/0000:00:01.0", "sys/bus/pci/devices/0000:00:01.0");
	lnk("../../../bus/pci/drivers/vfio-pci", "sys/devices/pci0000:00/0000:00:01.0/driver");
	/* hostile links */
	lnk("/etc/hostname", "abs");                          /* absolute: must mean ROOT/etc/hostname */
	lnk("../../../../../../../../../etc/hostname", "up"); /* climbing: clamps at the root */
	lnk("loop2", "loop1");
	lnk("loop1", "loop2");
	lnk("/", "rootlink");
	put("empty", "");
	put("multi", "  first line  \nsecond\n");
	char p[512];
	snprintf(p, sizeof(p), "%s/fifo", tmpl);
	mkfifo(p, 0644);
}

static void test_reads(unsigned flags)
{
	struct vd_root *r;
	char *s = NULL;
	size_t len;

	CHECK_INT(vd_root_open(tmpl, flags, &r), 0);
	CHECK(!vd_root_is_live(r));

	CHECK_INT(vd_root_read(r, "/sys/bus/pci/devices/0000:00:01.0/vendor", 0, &s, &len), 0);
	CHECK_STR(s, "0x10de\n");
	free(s);

	/* Links that would leave the root land inside it. */
	CHECK_INT(vd_root_read_line(r, "/abs", &s), 0);
	CHECK_STR(s, "inside");
	free(s);
	CHECK_INT(vd_root_read_line(r, "up", &s), 0);
	CHECK_STR(s, "inside");
	free(s);
	CHECK_INT(vd_root_read_line(r, "/rootlink/rootlink/etc/hostname", &s), 0);
	CHECK_STR(s, "inside");
	free(s);
	CHECK_INT(vd_root_read_line(r, "/../../../etc/hostname", &s), 0);
	CHECK_STR(s, "inside");
	free(s);

	CHECK_INT(vd_root_read(r, "/loop1", 0, &s, &len), -ELOOP);
	CHECK_INT(vd_root_read(r, "/missing/file", 0, &s, &len), -ENOENT);
	CHECK_INT(vd_root_read(r, "/etc", 0, &s, &len), -EISDIR);
	/* A FIFO must not block the reader. */
	CHECK_INT(vd_root_read(r, "/fifo", 0, &s, &len), -EINVAL);
	CHECK_INT(vd_root_read_line(r, "/empty", &s), -ENODATA);
	CHECK_INT(vd_root_read_line(r, "/multi", &s), 0);
	CHECK_STR(s, "first line");
	free(s);
	/* bounded reads */
	CHECK_INT(vd_root_read(r, "/multi", 4, &s, &len), -EFBIG);

	uint64_t v;
	CHECK_INT(vd_root_read_u64(r, "/sys/bus/pci/devices/0000:00:01.0/vendor", 16, &v), 0);
	CHECK_INT(v, 0x10de);
	CHECK_INT(vd_root_read_u64(r, "/multi", 16, &v), -EBADMSG);

	CHECK_INT(vd_root_readlink_base(r, "/sys/bus/pci/devices/0000:00:01.0/driver", &s), 0);
	CHECK_STR(s, "vfio-pci");
	free(s);
	CHECK_INT(vd_root_readlink(r, "/abs", &s), 0);
	CHECK_STR(s, "/etc/hostname");
	free(s);

	CHECK_INT(vd_root_resolve(r, "/sys/bus/pci/devices/0000:00:01.0", &s), 0);
	CHECK_STR(s, "/sys/devices/pci0000:00/0000:00:01.0");
	free(s);
	CHECK_INT(vd_root_resolve(r, "/up", &s), 0);
	CHECK_STR(s, "/etc/hostname");
	free(s);
	CHECK_INT(vd_root_resolve(r, "/nothere", &s), -ENOENT);

	char **names;
	CHECK_INT(vd_root_list(r, "/sys/bus/pci/devices", &names), 0);
	CHECK_INT(vd_strv_len(names), 1);
	CHECK_STR(names[0], "0000:00:01.0");
	vd_strv_free(names);
	CHECK_INT(vd_root_list(r, "/", &names), 0);
	CHECK_STR(names[0], "abs"); /* sorted */
	vd_strv_free(names);

	struct stat st;
	CHECK_INT(vd_root_stat(r, "/abs", false, &st), 0);
	CHECK(S_ISLNK(st.st_mode));
	CHECK_INT(vd_root_stat(r, "/abs", true, &st), 0);
	CHECK(S_ISREG(st.st_mode));

	char *abs;
	CHECK_INT(vd_root_abspath(r, "/up", &abs), 0);
	char expect[600];
	snprintf(expect, sizeof(expect), "%s/etc/hostname", vd_root_path(r));
	CHECK_STR(abs, expect);
	free(abs);
	vd_root_free(r);
}

static void visit(void *ctx, const char *link, const char *target)
{
	struct vd_str *s = ctx;
	vd_str_addf(s, "%s>%s;", link, target);
}

static void test_trace_and_walk(void)
{
	struct vd_root *r;
	char *s;
	size_t len, n;

	vd_root_open(tmpl, 0, &r);
	vd_root_trace_enable(r);
	vd_root_read(r, "/etc/hostname", 0, &s, &len);
	free(s);
	vd_root_read(r, "/missing", 0, &s, &len);
	const struct vd_trace_entry *e = vd_root_trace(r, &n);
	CHECK_INT(n, 2);
	CHECK(e[0].kind == VD_TRACE_FILE && e[0].err == 0 && e[0].len == 7);
	CHECK_STR(e[0].data, "inside\n");
	CHECK_INT(e[1].err, -ENOENT);
	struct vd_trace_entry *t = vd_root_trace_take(r, &n);
	vd_trace_free(t, n);
	CHECK(vd_root_trace(r, &n) == NULL && n == 0);

	struct vd_str w = {0};
	CHECK_INT(vd_root_walk_links(r, "/sys/bus/pci/devices/0000:00:01.0/driver", visit, &w), 0);
	CHECK_STR(w.s, "/sys/bus/pci/devices/0000:00:01.0>../../../devices/pci0000:00/0000:00:01.0;"
		       "/sys/devices/pci0000:00/0000:00:01.0/driver>../../../bus/pci/drivers/vfio-pci;");
	vd_str_done(&w);
	vd_root_free(r);
}

static void test_writes(unsigned flags)
{
	struct vd_root *r;
	char *s;
	size_t len;
	struct stat st;

	vd_root_open(tmpl, flags, &r);
	CHECK_INT(vd_root_mkdirs(r, "/etc/modprobe.d", 0755), 0);
	CHECK_INT(vd_root_write_atomic(r, "/etc/modprobe.d/vfio.conf", "options a\n", 10, 0644), 0);
	CHECK_INT(vd_root_read_line(r, "/etc/modprobe.d/vfio.conf", &s), 0);
	CHECK_STR(s, "options a");
	free(s);
	CHECK_INT(vd_root_write_atomic(r, "/etc/modprobe.d/vfio.conf", "b\n", 2, 0600), 0);
	CHECK_INT(vd_root_read_line(r, "/etc/modprobe.d/vfio.conf", &s), 0);
	CHECK_STR(s, "b");
	free(s);
	CHECK_INT(vd_root_stat(r, "/etc/modprobe.d/vfio.conf", false, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	/* no temporary file left behind */
	char **names;
	vd_root_list(r, "/etc/modprobe.d", &names);
	CHECK_INT(vd_strv_len(names), 1);
	vd_strv_free(names);
	/* a path through an absolute symlink is written inside the root */
	CHECK_INT(vd_root_write_atomic(r, "/rootlink/etc/written", "x", 1, 0644), 0);
	CHECK_INT(vd_root_stat(r, "/etc/written", false, &st), 0);
	/* never replace a symlink or a directory */
	CHECK_INT(vd_root_write_atomic(r, "/abs", "x", 1, 0644), -EINVAL);
	CHECK_INT(vd_root_write_atomic(r, "/etc", "x", 1, 0644), -EISDIR);
	/* mkdirs does not walk through a planted symlink, nor climb */
	CHECK_INT(vd_root_mkdirs(r, "/rootlink/x", 0755), -ENOTDIR);
	CHECK_INT(vd_root_mkdirs(r, "/../x", 0755), -EINVAL);
	/* attributes: existing files only */
	CHECK_INT(vd_root_write_attr(r, "/etc/hostname", "inside\n", 7), 0);
	CHECK_INT(vd_root_write_attr(r, "/etc/nothere", "1", 1), -ENOENT);
	CHECK_INT(vd_root_unlink(r, "/etc/written"), 0);
	CHECK_INT(vd_root_unlink(r, "/etc/modprobe.d/vfio.conf"), 0);
	CHECK_INT(vd_root_unlink(r, "/etc/written"), -ENOENT);

	/* write_new: creates, and never replaces anything (file, dangling or
	 * live link, directory); nothing is left behind when it refuses. */
	CHECK_INT(vd_root_write_new(r, "/etc/new.rom", "\x55\xaa", 2, 0644), 0);
	CHECK_INT(vd_root_read(r, "/etc/new.rom", 0, &s, &len), 0);
	CHECK(len == 2 && memcmp(s, "\x55\xaa", 2) == 0);
	free(s);
	CHECK_INT(vd_root_write_new(r, "/etc/new.rom", "x", 1, 0644), -EEXIST);
	CHECK_INT(vd_root_write_new(r, "/abs", "x", 1, 0644), -EEXIST);
	CHECK_INT(vd_root_write_new(r, "/loop1", "x", 1, 0644), -EEXIST);
	CHECK_INT(vd_root_write_new(r, "/etc", "x", 1, 0644), -EEXIST);
	CHECK_INT(vd_root_read_line(r, "/etc/hostname", &s), 0);
	CHECK_STR(s, "inside");
	free(s);
	vd_root_list(r, "/etc", &names);
	for (size_t i = 0; names[i]; i++)
		CHECK(!vd_startswith(names[i], ".#"));
	vd_strv_free(names);
	CHECK_INT(vd_root_unlink(r, "/etc/new.rom"), 0);
	vd_root_free(r);
}

/* The fault seam and the primitives the transaction engine needs. */
static void test_write_faults(void)
{
	struct vd_root *r;
	char *s;
	size_t len;
	struct stat st;
	char **names;

	vd_root_open(tmpl, 0, &r);
	CHECK_INT(vd_root_write_atomic(r, "/etc/f", "old\n", 4, 0644), 0);
	/* Every failure point of an atomic replacement leaves the old bytes
	 * and no temporary file. */
	unsigned total = 0;
	vd_root_set_fault(r, VD_FAULT_ALL, 1000, EIO, false);
	CHECK_INT(vd_root_write_atomic(r, "/etc/f", "new content\n", 12, 0644), 0);
	total = vd_root_fault_count(r);
	CHECK(total >= 5); /* open, write, fchmod, fsync, rename, fsync(dir) */
	CHECK_INT(vd_root_write_atomic(r, "/etc/f", "old\n", 4, 0644), 0);
	for (unsigned n = 1; n <= total; n++) {
		static const int errs[] = {ENOSPC, EROFS, EACCES};
		int e = errs[n % 3];
		vd_root_set_fault(r, VD_FAULT_ALL, n, e, true);
		int ret = vd_root_write_atomic(r, "/etc/f", "new content\n", 12, 0644);
		CHECK_INT(ret, -e);
		vd_root_set_fault(r, 0, 0, 0, false);
		CHECK_INT(vd_root_read(r, "/etc/f", 0, &s, &len), 0);
		/* the last fault is the directory fsync, after the rename */
		CHECK_STR(s, n == total ? "new content\n" : "old\n");
		free(s);
		CHECK_INT(vd_root_list(r, "/etc", &names), 0);
		for (char **p = names; *p; p++)
			CHECK(!vd_startswith(*p, ".#vfio-doctor"));
		vd_strv_free(names);
		vd_root_write_atomic(r, "/etc/f", "old\n", 4, 0644);
	}
	/* mkdir, unlink and rmdir go through the seam too. */
	vd_root_set_fault(r, VD_FAULT_MKDIR, 2, ENOSPC, false);
	CHECK_INT(vd_root_mkdirs(r, "/etc/a/b/c", 0755), -ENOSPC);
	CHECK_INT(vd_root_stat(r, "/etc/a", false, &st), 0);
	CHECK_INT(vd_root_stat(r, "/etc/a/b", false, &st), -ENOENT);
	vd_root_set_fault(r, VD_FAULT_UNLINK, 1, EROFS, false);
	CHECK_INT(vd_root_rmdir(r, "/etc/a"), -EROFS);
	CHECK_INT(vd_root_rmdir(r, "/etc/a"), 0);
	CHECK_INT(vd_root_rmdir(r, "/etc/a"), -ENOENT);
	CHECK_INT(vd_root_rmdir(r, "/etc"), -ENOTEMPTY);
	vd_root_set_fault(r, VD_FAULT_WRITE, 1, ENOSPC, false);
	CHECK_INT(vd_root_write_attr(r, "/etc/f", "12", 2), -ENOSPC);
	vd_root_set_fault(r, 0, 0, 0, false);
	CHECK_INT(vd_root_unlink(r, "/etc/f"), 0);

	/* can_write looks at the deepest existing directory */
	CHECK_INT(vd_root_can_write(r, "/etc/modprobe.d/x.conf"), 0);
	CHECK_INT(vd_root_can_write(r, "/no/such/dir/file"), 0);
	char p[600];
	snprintf(p, sizeof(p), "%s/ro", tmpl);
	mkdir(p, 0555);
	if (geteuid() != 0)
		CHECK_INT(vd_root_can_write(r, "/ro/x/y"), -EACCES);
	rmdir(p);

	/* owner kept (only testable for our own ids without root) */
	CHECK_INT(vd_root_write_atomic_owned(r, "/etc/owned", "x", 1, 0640, getuid(), getgid()), 0);
	CHECK_INT(vd_root_stat(r, "/etc/owned", false, &st), 0);
	CHECK_INT(st.st_uid, getuid());
	CHECK_INT(st.st_mode & 0777, 0640);
	if (geteuid() == 0) {
		CHECK_INT(vd_root_write_atomic_owned(r, "/etc/owned", "y", 1, 0644, 65534, 65534), 0);
		CHECK_INT(vd_root_stat(r, "/etc/owned", false, &st), 0);
		CHECK_INT(st.st_uid, 65534);
		CHECK_INT(st.st_gid, 65534);
	}
	vd_root_unlink(r, "/etc/owned");
	vd_root_free(r);
}

/* Files named on the command line: relative to the working directory. */
static void test_user_files(void)
{
	char cwd[512], *s;
	size_t len;

	if (!getcwd(cwd, sizeof(cwd)) || chdir(tmpl) < 0) {
		CHECK(false);
		return;
	}
	CHECK_INT(vd_write_user_file("out.rom", "abc", 3, 0644, false), 0);
	CHECK_INT(vd_write_user_file("out.rom", "xyz", 3, 0644, false), -EEXIST);
	CHECK_INT(vd_read_user_file("out.rom", 0, &s, &len), 0);
	CHECK(len == 3 && memcmp(s, "abc", 3) == 0);
	free(s);
	/* replace: binary bytes, atomically over the old file */
	CHECK_INT(vd_write_user_file("out.rom", "ab\0c", 4, 0644, true), 0);
	CHECK_INT(vd_read_user_file("out.rom", 0, &s, &len), 0);
	CHECK(len == 4 && memcmp(s, "ab\0c", 4) == 0);
	free(s);
	CHECK_INT(vd_write_user_file("nodir/out.rom", "abc", 3, 0644, false), -ENOENT);
	CHECK_INT(vd_write_user_file("", "abc", 3, 0644, true), -EINVAL);
	CHECK_INT(unlink("out.rom"), 0);
	CHECK_INT(chdir(cwd), 0);
}

/* openat2 answers EAGAIN when any rename on the system races a ".." it
 * resolves; sysfs paths are full of "..", so a busy host must not turn
 * that into "could not read". A child renames in a loop meanwhile. */
static void test_rename_race(void)
{
	struct vd_root *r;
	char a[600], b[600];
	int failures = 0;

	snprintf(a, sizeof(a), "%s/race-a", tmpl);
	snprintf(b, sizeof(b), "%s/race-b", tmpl);
	close(open(a, O_CREAT | O_WRONLY, 0644));
	pid_t pid = fork();
	if (pid == 0) {
		for (;;) {
			if (rename(a, b) < 0 || rename(b, a) < 0)
				_exit(0);
		}
	}
	vd_root_open(tmpl, 0, &r);
	for (int i = 0; i < 20000; i++) {
		int fd = vd_root_openat(r, "/sys/bus/pci/devices/0000:00:01.0/vendor", O_RDONLY);
		if (fd < 0)
			failures++;
		else
			close(fd);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	CHECK_INT(failures, 0);
	vd_root_free(r);
	unlink(a);
	unlink(b);
}

int main(void)
{
	if (!mkdtemp(tmpl))
		return 2;
	build_tree();
	test_reads(0);
	test_reads(VD_ROOT_NO_OPENAT2);
	test_trace_and_walk();
	test_writes(0);
	test_writes(VD_ROOT_NO_OPENAT2);
	test_write_faults();
	test_rename_race();
	test_user_files();
	struct vd_root *r;
	CHECK_INT(vd_root_open("/nonexistent/root", 0, &r), -ENOENT);
	char cmd[600];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpl);
	if (system(cmd) != 0)
		return 2;
	return unit_done("test-root");
}
