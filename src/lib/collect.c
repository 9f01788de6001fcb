// SPDX-License-Identifier: GPL-2.0-or-later
/* collect: write what a diagnosis reads into a root tree (or .tar.gz) that
 * `check --root` replays anywhere. The inventory runs with the root layer's
 * trace on; every traced read is then reproduced in the output: file bytes
 * exactly as read, the symlinks met on the way (sysfs's structure), listings,
 * and device nodes as stand-in files (docs/snapshot.md). */
#include "collect.h"

#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "dlib.h"
#include "host.h"
#include "kernel.h"
#include "util.h"

/* Libraries' trees (modprobe.d) are copied up to these bounds. */
#define LIB_MAX_FILES 512
#define LIB_MAX_BYTES (64u << 20)

struct writer {
	const struct vd_root *root;
	int out; /* output directory */
	struct vd_collect_stats *st;
	int err;     /* first write error */
	char *where; /* and where it happened */
};

static void fail(struct writer *w, int err, const char *path)
{
	if (!w->err) {
		w->err = err;
		w->where = vd_xstrdup(path);
	}
}

static const char *rel(const char *p)
{
	while (*p == '/')
		p++;
	return p;
}

static void mkdir_p(struct writer *w, const char *path)
{
	_cleanup_free_ char *p = vd_xstrdup(rel(path));

	if (!*p)
		return;
	for (char *s = p;; s++) {
		if (*s == '/' || !*s) {
			char c = *s;
			*s = '\0';
			if (mkdirat(w->out, p, 0755) == 0)
				w->st->dirs++;
			else if (errno != EEXIST)
				fail(w, -errno, p);
			*s = c;
			if (!c)
				break;
		}
	}
}

static void mkdir_parent(struct writer *w, const char *path)
{
	const char *r = rel(path);
	const char *slash = strrchr(r, '/');
	if (slash) {
		_cleanup_free_ char *d = vd_xstrndup(r, (size_t)(slash - r));
		mkdir_p(w, d);
	}
}

static bool exists(struct writer *w, const char *path)
{
	struct stat st;
	return fstatat(w->out, rel(path), &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void put_file(struct writer *w, const char *path, const char *data, size_t len, mode_t mode)
{
	mkdir_parent(w, path);
	int fd = openat(w->out, rel(path), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fail(w, -errno, path);
		return;
	}
	for (size_t off = 0; off < len;) {
		ssize_t k = write(fd, data + off, len - off);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			fail(w, -errno, path);
			break;
		}
		off += (size_t)k;
	}
	/* Permissions as seen (0000 for a file the collector could not read,
	 * so a replay without root fails the same way). */
	fchmod(fd, mode);
	close(fd);
	w->st->files++;
	w->st->bytes += len;
}

static void put_link(struct writer *w, const char *path, const char *target)
{
	mkdir_parent(w, path);
	if (symlinkat(target, w->out, rel(path)) == 0)
		w->st->links++;
	else if (errno != EEXIST)
		fail(w, -errno, path);
}

static void on_link(void *ctx, const char *link_path, const char *target)
{
	put_link(ctx, link_path, target);
}

/* Recreate every symlink on the way to path; return path with links resolved. */
static char *follow(struct writer *w, const char *path)
{
	char *res = NULL;
	vd_root_walk_links(w->root, path, on_link, w);
	if (vd_root_resolve(w->root, path, &res) < 0)
		return NULL;
	return res;
}

static char *parent_of(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash && slash != path ? vd_xstrndup(path, (size_t)(slash - path)) : vd_xstrdup("/");
}

static void put_devnode(struct writer *w, const char *path, const struct stat *st)
{
	_cleanup_free_ char *text =
		vd_xasprintf(VD_DEVNODE_MAGIC " %c %u %u %04o %u %u\n", S_ISCHR(st->st_mode) ? 'c' : 'b',
			     major(st->st_rdev), minor(st->st_rdev), st->st_mode & 07777, st->st_uid, st->st_gid);
	put_file(w, path, text, strlen(text), 0644);
}

/* Recreate something only looked at (stat) or listed, by its live type. */
static void put_like(struct writer *w, const char *path, const struct stat *st)
{
	if (exists(w, path))
		return;
	if (S_ISDIR(st->st_mode)) {
		mkdir_p(w, path);
	} else if (S_ISLNK(st->st_mode)) {
		_cleanup_free_ char *t = NULL;
		if (vd_root_readlink(w->root, path, &t) == 0)
			put_link(w, path, t);
	} else if (S_ISCHR(st->st_mode) || S_ISBLK(st->st_mode)) {
		put_devnode(w, path, st);
	} else {
		put_file(w, path, "", 0, st->st_mode & 0777);
	}
}

static void copy_lib(struct writer *w, const char *path, size_t *budget_files, size_t *budget_bytes)
{
	struct stat st;
	_cleanup_free_ char *res = follow(w, path);

	if (!res || vd_root_stat(w->root, res, false, &st) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		char **names = NULL;
		mkdir_p(w, res);
		if (vd_root_list(w->root, res, &names) < 0)
			return;
		for (char **n = names; *n; n++) {
			_cleanup_free_ char *child = vd_xasprintf("%s/%s", res, *n);
			copy_lib(w, child, budget_files, budget_bytes);
		}
		vd_strv_free(names);
	} else if (S_ISREG(st.st_mode) && *budget_files && (size_t)st.st_size <= *budget_bytes) {
		_cleanup_free_ char *data = NULL;
		size_t len;
		if (vd_root_read(w->root, res, *budget_bytes, &data, &len) == 0) {
			put_file(w, res, data, len, st.st_mode & 0777);
			(*budget_files)--;
			*budget_bytes -= len;
		}
	}
}

static void put_entry(struct writer *w, const struct vd_trace_entry *e)
{
	_cleanup_free_ char *res = NULL;

	switch (e->kind) {
	case VD_TRACE_FILE:
		if (e->err == -EACCES || e->err == -EPERM) {
			/* Exists but unreadable to the collector. */
			res = follow(w, e->path);
			if (res)
				put_file(w, res, "", 0, 0);
			return;
		}
		if (e->err)
			return;
		res = follow(w, e->path);
		if (res)
			put_file(w, res, e->data, e->len, 0644);
		return;
	case VD_TRACE_LINK: {
		if (e->err)
			return;
		_cleanup_free_ char *parent = parent_of(e->path);
		_cleanup_free_ char *pres = follow(w, parent);
		const char *base = strrchr(e->path, '/');
		if (!pres || !base)
			return;
		_cleanup_free_ char *at = vd_xasprintf("%s/%s", strcmp(pres, "/") ? pres : "", base + 1);
		put_link(w, at, e->data);
		return;
	}
	case VD_TRACE_DIR:
		if (e->err)
			return;
		res = follow(w, e->path);
		if (res)
			mkdir_p(w, res);
		return;
	case VD_TRACE_STAT: {
		if (e->err)
			return;
		/* A stat may or may not have followed the last link; walking
		 * it recreates that link either way. */
		res = follow(w, e->path);
		if (!res)
			return;
		struct stat st;
		if (vd_root_stat(w->root, res, false, &st) == 0)
			put_like(w, res, &st);
		return;
	}
	case VD_TRACE_LIB:
		return; /* copied after the rest (see vd_collect) */
	}
}

/* Entries a listing showed that nothing read: create them by type so the
 * replayed listing has the same names. */
static void fill_listing(struct writer *w, const struct vd_trace_entry *e)
{
	_cleanup_free_ char *res = NULL;

	if (e->kind != VD_TRACE_DIR || e->err || !e->data)
		return;
	res = follow(w, e->path);
	if (!res)
		return;
	for (const char *p = e->data; *p;) {
		size_t n = strcspn(p, "\n");
		_cleanup_free_ char *name = vd_xstrndup(p, n);
		_cleanup_free_ char *child = vd_xasprintf("%s/%s", strcmp(res, "/") ? res : "", name);
		struct stat st;
		if (!exists(w, child) && vd_root_stat(w->root, child, false, &st) == 0)
			put_like(w, child, &st);
		p += n + (p[n] == '\n');
	}
}

static void write_manifest(struct writer *w, const struct vd_collect_opts *o)
{
	char date[64];
	time_t now = time(NULL);
	struct tm tm;
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&now, &tm));
	_cleanup_free_ char *text = vd_xasprintf("vfio-doctor %s snapshot\n"
						 "taken: %s\n"
						 "source root: %s\n"
						 "collector was root: %s\n"
						 "kernel log: %s\n"
						 "replay: vfio-doctor check --root <this directory>\n",
						 VD_VERSION, date, vd_root_path(w->root), geteuid() == 0 ? "yes" : "no",
						 o->logs ? "included (/dev/kmsg)" : "left out (--no-logs)");
	put_file(w, "/VFIO-DOCTOR-SNAPSHOT", text, strlen(text), 0644);
}

static int write_tree(struct vd_root *root, int outfd, const struct vd_collect_opts *o, struct vd_collect_stats *st,
		      char **where)
{
	struct writer w = {.root = root, .out = outfd, .st = st};
	struct vd_host h;
	size_t n;

	struct vd_host_opts ho = {.log = {.skip = !o->logs}};
	vd_root_trace_enable(root);
	int ret = vd_host_gather(root, &ho, &h);
	if (ret == 0)
		vd_host_done(&h);
	struct vd_trace_entry *e = vd_root_trace_take(root, &n);
	if (ret < 0) {
		vd_trace_free(e, n);
		return ret;
	}

	for (size_t i = 0; i < n; i++)
		put_entry(&w, &e[i]);
	for (size_t i = 0; i < n; i++)
		fill_listing(&w, &e[i]);
	size_t files = LIB_MAX_FILES, bytes = LIB_MAX_BYTES;
	for (size_t i = 0; i < n; i++)
		if (e[i].kind == VD_TRACE_LIB)
			copy_lib(&w, e[i].path, &files, &bytes);
	write_manifest(&w, o);
	vd_trace_free(e, n);
	if (w.err) {
		*where = w.where;
		return w.err;
	}
	return 0;
}

bool vd_is_tarball(const char *out)
{
	size_t n = strlen(out);
	return (n > 7 && strcmp(out + n - 7, ".tar.gz") == 0) || (n > 4 && strcmp(out + n - 4, ".tgz") == 0);
}

/* libarchive, loaded when a run writes or replays a tarball (dlib.h says
 * why). */
struct arc {
	void *dl;
	__typeof__(archive_entry_filetype) *archive_entry_filetype;
	__typeof__(archive_entry_free) *archive_entry_free;
	__typeof__(archive_entry_new) *archive_entry_new;
	__typeof__(archive_entry_pathname) *archive_entry_pathname;
	__typeof__(archive_entry_set_pathname) *archive_entry_set_pathname;
	__typeof__(archive_entry_size) *archive_entry_size;
	__typeof__(archive_entry_sourcepath) *archive_entry_sourcepath;
	__typeof__(archive_read_close) *archive_read_close;
	__typeof__(archive_read_data_block) *archive_read_data_block;
	__typeof__(archive_read_disk_descend) *archive_read_disk_descend;
	__typeof__(archive_read_disk_new) *archive_read_disk_new;
	__typeof__(archive_read_disk_open) *archive_read_disk_open;
	__typeof__(archive_read_disk_set_behavior) *archive_read_disk_set_behavior;
	__typeof__(archive_read_disk_set_symlink_physical) *archive_read_disk_set_symlink_physical;
	__typeof__(archive_read_free) *archive_read_free;
	__typeof__(archive_read_new) *archive_read_new;
	__typeof__(archive_read_next_header) *archive_read_next_header;
	__typeof__(archive_read_next_header2) *archive_read_next_header2;
	__typeof__(archive_read_open_filename) *archive_read_open_filename;
	__typeof__(archive_read_support_filter_all) *archive_read_support_filter_all;
	__typeof__(archive_read_support_format_tar) *archive_read_support_format_tar;
	__typeof__(archive_write_add_filter_gzip) *archive_write_add_filter_gzip;
	__typeof__(archive_write_close) *archive_write_close;
	__typeof__(archive_write_data) *archive_write_data;
	__typeof__(archive_write_data_block) *archive_write_data_block;
	__typeof__(archive_write_disk_new) *archive_write_disk_new;
	__typeof__(archive_write_disk_set_options) *archive_write_disk_set_options;
	__typeof__(archive_write_finish_entry) *archive_write_finish_entry;
	__typeof__(archive_write_free) *archive_write_free;
	__typeof__(archive_write_header) *archive_write_header;
	__typeof__(archive_write_new) *archive_write_new;
	__typeof__(archive_write_open_filename) *archive_write_open_filename;
	__typeof__(archive_write_set_format_pax_restricted) *archive_write_set_format_pax_restricted;
};

static int arc_open(struct arc *x, char **why)
{
	return vd_dlopen_syms(&x->dl, "libarchive.so.13", "libarchive", why,
			      VD_DLSYM(x, archive_entry_filetype), VD_DLSYM(x, archive_entry_free),
			      VD_DLSYM(x, archive_entry_new), VD_DLSYM(x, archive_entry_pathname),
			      VD_DLSYM(x, archive_entry_set_pathname), VD_DLSYM(x, archive_entry_size),
			      VD_DLSYM(x, archive_entry_sourcepath), VD_DLSYM(x, archive_read_close),
			      VD_DLSYM(x, archive_read_data_block), VD_DLSYM(x, archive_read_disk_descend),
			      VD_DLSYM(x, archive_read_disk_new), VD_DLSYM(x, archive_read_disk_open),
			      VD_DLSYM(x, archive_read_disk_set_behavior),
			      VD_DLSYM(x, archive_read_disk_set_symlink_physical), VD_DLSYM(x, archive_read_free),
			      VD_DLSYM(x, archive_read_new), VD_DLSYM(x, archive_read_next_header),
			      VD_DLSYM(x, archive_read_next_header2), VD_DLSYM(x, archive_read_open_filename),
			      VD_DLSYM(x, archive_read_support_filter_all),
			      VD_DLSYM(x, archive_read_support_format_tar),
			      VD_DLSYM(x, archive_write_add_filter_gzip), VD_DLSYM(x, archive_write_close),
			      VD_DLSYM(x, archive_write_data), VD_DLSYM(x, archive_write_data_block),
			      VD_DLSYM(x, archive_write_disk_new), VD_DLSYM(x, archive_write_disk_set_options),
			      VD_DLSYM(x, archive_write_finish_entry), VD_DLSYM(x, archive_write_free),
			      VD_DLSYM(x, archive_write_header), VD_DLSYM(x, archive_write_new),
			      VD_DLSYM(x, archive_write_open_filename),
			      VD_DLSYM(x, archive_write_set_format_pax_restricted), NULL);
}

static int rm_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

static int archive_tree(const struct arc *x, const char *dir, const char *out)
{
	struct archive *a = x->archive_write_new(), *disk = x->archive_read_disk_new();
	struct archive_entry *entry;
	int ret = 0;
	size_t dlen = strlen(dir);

	x->archive_write_add_filter_gzip(a);
	x->archive_write_set_format_pax_restricted(a);
	x->archive_read_disk_set_behavior(disk, ARCHIVE_READDISK_NO_TRAVERSE_MOUNTS);
	x->archive_read_disk_set_symlink_physical(disk);
	if (x->archive_write_open_filename(a, out) != ARCHIVE_OK || x->archive_read_disk_open(disk, dir) != ARCHIVE_OK) {
		ret = -EIO;
		goto done;
	}
	for (;;) {
		entry = x->archive_entry_new();
		int r = x->archive_read_next_header2(disk, entry);
		if (r == ARCHIVE_EOF) {
			x->archive_entry_free(entry);
			break;
		}
		if (r != ARCHIVE_OK) {
			x->archive_entry_free(entry);
			ret = -EIO;
			break;
		}
		x->archive_read_disk_descend(disk);
		const char *p = x->archive_entry_pathname(entry);
		if (strlen(p) <= dlen) {
			x->archive_entry_free(entry);
			continue; /* the top directory itself */
		}
		_cleanup_free_ char *name = vd_xstrdup(p + dlen + 1);
		x->archive_entry_set_pathname(entry, name);
		if (x->archive_write_header(a, entry) != ARCHIVE_OK) {
			x->archive_entry_free(entry);
			ret = -EIO;
			break;
		}
		if (x->archive_entry_filetype(entry) == AE_IFREG && x->archive_entry_size(entry) > 0) {
			int fd = open(x->archive_entry_sourcepath(entry), O_RDONLY | O_CLOEXEC);
			char buf[65536];
			ssize_t k;
			while (fd >= 0 && (k = read(fd, buf, sizeof(buf))) > 0)
				x->archive_write_data(a, buf, (size_t)k);
			if (fd >= 0)
				close(fd);
		}
		x->archive_entry_free(entry);
	}
done:
	x->archive_read_close(disk);
	x->archive_read_free(disk);
	if (x->archive_write_close(a) != ARCHIVE_OK && !ret)
		ret = -EIO;
	x->archive_write_free(a);
	return ret;
}

int vd_collect(struct vd_root *root, const char *out, const struct vd_collect_opts *o, struct vd_collect_stats *st,
	       char **where)
{
	memset(st, 0, sizeof(*st));
	*where = NULL;

	if (!vd_is_tarball(out)) {
		if (mkdir(out, 0755) < 0 && errno != EEXIST)
			return -errno;
		_cleanup_close_ int fd = open(out, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		/* Never mix a snapshot into an existing tree. */
		struct stat s;
		if (fstatat(fd, "VFIO-DOCTOR-SNAPSHOT", &s, 0) == 0 || fstatat(fd, "sys", &s, 0) == 0 ||
		    fstatat(fd, "proc", &s, 0) == 0)
			return -EEXIST;
		return write_tree(root, fd, o, st, where);
	}

	_cleanup_free_ char *parent = vd_xstrdup(out);
	char *slash = strrchr(parent, '/');
	_cleanup_free_ char *tmpl = slash ? (*slash = '\0', vd_xasprintf("%s/.vfio-doctor-collect-XXXXXX", *parent ? parent : "/"))
					  : vd_xstrdup(".vfio-doctor-collect-XXXXXX");
	if (!mkdtemp(tmpl))
		return -errno;
	int ret;
	{
		_cleanup_close_ int fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		ret = fd < 0 ? -errno : write_tree(root, fd, o, st, where);
	}
	struct arc x;
	if (ret == 0 && (ret = arc_open(&x, NULL)) == 0) {
		ret = archive_tree(&x, tmpl, out);
		dlclose(x.dl);
	}
	nftw(tmpl, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
	return ret;
}

int vd_snapshot_extract(const char *tarball, char **dir)
{
	char tmpl[] = "/tmp/vfio-doctor-snapshot-XXXXXX";
	struct archive *a, *w;
	struct archive_entry *e;
	struct stat st;
	int ret = 0;

	/* A directory that happens to be named *.tar.gz is a root as it is. */
	if (stat(tarball, &st) < 0)
		return -errno;
	if (S_ISDIR(st.st_mode))
		return -EISDIR;
	struct arc arc, *x = &arc;
	ret = arc_open(x, NULL);
	if (ret < 0)
		return ret;
	if (!mkdtemp(tmpl)) {
		ret = -errno;
		dlclose(x->dl);
		return ret;
	}
	a = x->archive_read_new();
	w = x->archive_write_disk_new();
	x->archive_read_support_filter_all(a);
	x->archive_read_support_format_tar(a);
	/* Names are checked below (relative, no ".."), then placed under
	 * the temporary directory, which is why NOABSOLUTEPATHS cannot be
	 * used; SECURE_SYMLINKS still refuses to write through a link. */
	x->archive_write_disk_set_options(w, ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
						  ARCHIVE_EXTRACT_PERM);
	if (x->archive_read_open_filename(a, tarball, 1 << 16) != ARCHIVE_OK) {
		ret = -EBADMSG;
		goto out;
	}
	for (;;) {
		int r = x->archive_read_next_header(a, &e);
		if (r == ARCHIVE_EOF)
			break;
		if (r != ARCHIVE_OK) {
			ret = -EBADMSG;
			break;
		}
		/* Only what a snapshot holds: files, directories, symlinks. */
		mode_t t = x->archive_entry_filetype(e);
		if (t != AE_IFREG && t != AE_IFDIR && t != AE_IFLNK)
			continue;
		const char *name = x->archive_entry_pathname(e);
		if (!name || name[0] == '/' || strcmp(name, "..") == 0 || strncmp(name, "../", 3) == 0 ||
		    strstr(name, "/../") || (strlen(name) >= 3 && strcmp(name + strlen(name) - 3, "/..") == 0)) {
			ret = -EINVAL;
			break;
		}
		_cleanup_free_ char *to = vd_xasprintf("%s/%s", tmpl, name);
		x->archive_entry_set_pathname(e, to);
		if (x->archive_write_header(w, e) != ARCHIVE_OK) {
			ret = -EINVAL;
			break;
		}
		const void *buf;
		size_t len;
		la_int64_t off;
		while ((r = x->archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
			if (x->archive_write_data_block(w, buf, len, off) != ARCHIVE_OK)
				break;
		x->archive_write_finish_entry(w);
	}
out:
	x->archive_read_free(a);
	x->archive_write_free(w);
	dlclose(x->dl);
	if (ret < 0) {
		vd_snapshot_remove(tmpl);
		return ret;
	}
	*dir = vd_xstrdup(tmpl);
	return 0;
}

void vd_snapshot_remove(const char *dir)
{
	if (dir)
		nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}
