// SPDX-License-Identifier: GPL-2.0-or-later
/* The root layer: the only code that reads the filesystem (see root.h). */
#include "root.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* Linux's own limit on symlinks followed in one lookup (MAXSYMLINKS). */
#define MAX_LINKS 40

struct vd_trace {
	struct vd_trace_entry *e;
	size_t n, cap;
};

struct vd_fault {
	unsigned ops, nth, count;
	int err;
	bool sticky;
};

struct vd_root {
	int fd;
	char *path;
	bool live;
	bool use_openat2;
	struct vd_trace *trace; /* NULL unless tracing */
	struct vd_fault *fault; /* NULL unless a test armed it */
};

void vd_root_set_fault(struct vd_root *r, unsigned ops, unsigned nth, int err, bool sticky)
{
	if (!r->fault)
		r->fault = vd_xcalloc(1, sizeof(*r->fault));
	*r->fault = (struct vd_fault){.ops = ops, .nth = nth, .err = err < 0 ? -err : err, .sticky = sticky};
}

unsigned vd_root_fault_count(const struct vd_root *r)
{
	return r->fault ? r->fault->count : 0;
}

/* 0, or the injected -errno for this operation (see vd_root_set_fault). */
static int fault(const struct vd_root *r, unsigned op)
{
	struct vd_fault *f = r->fault;
	if (!f || !(f->ops & op))
		return 0;
	f->count++;
	if (f->count == f->nth || (f->sticky && f->count > f->nth))
		return -f->err;
	return 0;
}

/* write(2) through the seam: an injected failure writes half first. */
static ssize_t write_seam(const struct vd_root *r, int fd, const void *buf, size_t len)
{
	int err = fault(r, VD_FAULT_WRITE);
	if (err) {
		if (len > 1 && write(fd, buf, len / 2) < 0)
			return -1;
		errno = -err;
		return -1;
	}
	return write(fd, buf, len);
}

static int fsync_seam(const struct vd_root *r, int fd)
{
	int err = fault(r, VD_FAULT_FSYNC);
	if (err) {
		errno = -err;
		return -1;
	}
	return fsync(fd);
}

int vd_root_open(const char *path, unsigned flags, struct vd_root **out)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *canon = NULL;
	struct stat st;

	if (!path || !*path)
		return -EINVAL;
	canon = realpath(path, NULL);
	if (!canon)
		return -errno;
	fd = open(canon, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;

	struct vd_root *r = vd_xcalloc(1, sizeof(*r));
	r->fd = TAKE_FD(fd);
	r->path = TAKE_PTR(canon);
	r->live = strcmp(r->path, "/") == 0;
	r->use_openat2 = !(flags & VD_ROOT_NO_OPENAT2);
	*out = r;
	return 0;
}

static void trace_free(struct vd_trace *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->e[i].path);
		free(t->e[i].data);
	}
	free(t->e);
	free(t);
}

void vd_root_free(struct vd_root *r)
{
	if (!r)
		return;
	close(r->fd);
	free(r->path);
	trace_free(r->trace);
	free(r->fault);
	free(r);
}

const char *vd_root_path(const struct vd_root *r)
{
	return r->path;
}

bool vd_root_is_live(const struct vd_root *r)
{
	return r->live;
}

void vd_root_trace_enable(struct vd_root *r)
{
	if (!r->trace)
		r->trace = vd_xcalloc(1, sizeof(*r->trace));
}

struct vd_trace_entry *vd_root_trace_take(struct vd_root *r, size_t *n)
{
	struct vd_trace_entry *e = NULL;

	*n = 0;
	if (r->trace) {
		e = r->trace->e;
		*n = r->trace->n;
		free(r->trace);
		r->trace = NULL;
	}
	return e;
}

void vd_trace_free(struct vd_trace_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(e[i].path);
		free(e[i].data);
	}
	free(e);
}

const struct vd_trace_entry *vd_root_trace(const struct vd_root *r, size_t *n)
{
	*n = r->trace ? r->trace->n : 0;
	return r->trace ? r->trace->e : NULL;
}

static void trace_add(const struct vd_root *r, enum vd_trace_kind kind, const char *path, int err,
		      const char *data, size_t len, const struct stat *st)
{
	if (!r->trace)
		return;
	struct vd_trace *t = r->trace;
	struct vd_trace_entry *e = VD_PUSH(t->e, t->n, t->cap);
	e->kind = kind;
	e->path = vd_xstrdup(path);
	e->err = err;
	if (st)
		e->st = *st;
	if (data) {
		e->data = vd_xmalloc(len + 1);
		memcpy(e->data, data, len);
		e->data[len] = '\0';
		e->len = len;
	}
}

/* "/a/b" and "a/b" both mean root/a/b; the empty path is the root itself. */
static const char *relative(const char *path)
{
	while (*path == '/')
		path++;
	return *path ? path : ".";
}

/* User-space resolution inside the root, after systemd's chase(): each
 * component is looked up with O_NOFOLLOW, symlinks are expanded by hand,
 * absolute targets restart at the root and ".." never climbs above it. On
 * success *dirfd is the directory holding the last component and *name its
 * name ("." when the path names a directory reached by ".."/""), and
 * *resolved (if asked) the root-relative resolved path. */
static int chase(const struct vd_root *r, const char *path, bool follow_last, int *dirfd, char **name,
		 char **resolved, vd_link_visitor visit, void *ctx)
{
	_cleanup_free_ char *todo = vd_xstrdup(relative(path));
	struct vd_str done = {0};
	_cleanup_close_ int fd = -1;
	int links = 0, ret;

	fd = openat(r->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	vd_str_add(&done, "");

	char *p = todo;
	for (;;) {
		while (*p == '/')
			p++;
		if (!*p) {
			/* The path ends in a directory: hand back itself. */
			*dirfd = TAKE_FD(fd);
			*name = vd_xstrdup(".");
			goto out_ok;
		}
		char *slash = strchr(p, '/');
		size_t clen = slash ? (size_t)(slash - p) : strlen(p);
		_cleanup_free_ char *comp = vd_xstrndup(p, clen);
		p += clen;
		while (*p == '/')
			p++;
		bool last = !*p;

		if (strcmp(comp, ".") == 0)
			continue;
		if (strcmp(comp, "..") == 0) {
			char *cut = strrchr(done.s, '/');
			if (cut) {
				*cut = '\0';
				done.len = (size_t)(cut - done.s);
			}
			int nfd = openat(r->fd, done.len ? done.s + 1 : ".", O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
			if (nfd < 0) {
				ret = -errno;
				goto out_err;
			}
			close(fd);
			fd = nfd;
			continue;
		}

		struct stat st;
		if (fstatat(fd, comp, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			if (errno == ENOENT && last) {
				/* Let the caller's open say ENOENT (or create). */
				*dirfd = TAKE_FD(fd);
				*name = TAKE_PTR(comp);
				goto out_ok;
			}
			ret = -errno;
			goto out_err;
		}

		if (S_ISLNK(st.st_mode) && (!last || follow_last)) {
			char target[PATH_MAX];
			if (++links > MAX_LINKS) {
				ret = -ELOOP;
				goto out_err;
			}
			ssize_t n = readlinkat(fd, comp, target, sizeof(target) - 1);
			if (n < 0) {
				ret = -errno;
				goto out_err;
			}
			target[n] = '\0';
			if (visit) {
				_cleanup_free_ char *lp = vd_xasprintf("%s/%s", done.s, comp);
				visit(ctx, lp, target);
			}
			_cleanup_free_ char *rest = vd_xasprintf("%s/%s", target, p);
			if (target[0] == '/') {
				int nfd = openat(r->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
				if (nfd < 0) {
					ret = -errno;
					goto out_err;
				}
				close(fd);
				fd = nfd;
				done.len = 0;
				done.s[0] = '\0';
			}
			free(todo);
			todo = TAKE_PTR(rest);
			p = todo;
			continue;
		}

		if (last) {
			*dirfd = TAKE_FD(fd);
			*name = TAKE_PTR(comp);
			goto out_ok;
		}
		if (!S_ISDIR(st.st_mode)) {
			ret = -ENOTDIR;
			goto out_err;
		}
		int nfd = openat(fd, comp, O_PATH | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
		if (nfd < 0) {
			ret = -errno;
			goto out_err;
		}
		close(fd);
		fd = nfd;
		vd_str_addc(&done, '/');
		vd_str_add(&done, comp);
	}

out_ok:
	if (resolved) {
		if (strcmp(*name, ".") == 0)
			*resolved = done.len ? vd_xstrdup(done.s) : vd_xstrdup("/");
		else
			*resolved = vd_xasprintf("%s/%s", done.s, *name);
	}
	vd_str_done(&done);
	return 0;
out_err:
	vd_str_done(&done);
	return ret;
}

static int open_chase(const struct vd_root *r, const char *path, int flags)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = NULL;
	int ret = chase(r, path, true, &dfd, &name, NULL, NULL, NULL);
	if (ret < 0)
		return ret;
	int fd = openat(dfd, name, flags | O_CLOEXEC | (strcmp(name, ".") ? O_NOFOLLOW : 0));
	return fd < 0 ? -errno : fd;
}

int vd_root_openat(const struct vd_root *r, const char *path, int flags)
{
	if (r->use_openat2) {
		struct open_how how = {
			.flags = (uint64_t)(flags | O_CLOEXEC),
			.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
		};
		long fd;
		/* EAGAIN: a rename or mount anywhere on the system while a ".."
		 * was resolved, so the kernel could not prove it stayed inside
		 * (openat2(2)); sysfs links are full of "..", and a busy host
		 * renames all the time. The man page says retry; after that
		 * many tries, the userspace walk below decides. */
		for (unsigned tries = 0; tries < 64; tries++) {
			fd = syscall(SYS_openat2, r->fd, relative(path), &how, sizeof(how));
			if (fd >= 0)
				return (int)fd;
			if (errno != EAGAIN)
				break;
		}
		/* ENOSYS: kernel < 5.6; EPERM: a seccomp filter that predates it. */
		if (errno != ENOSYS && errno != EPERM && errno != EAGAIN)
			return -errno;
	}
	return open_chase(r, path, flags);
}

/* Read everything from fd. sysfs attributes produce their text at open time,
 * procfs files may change between reads: read until EOF, never trust st_size. */
static int read_fd(int fd, size_t max, char **data, size_t *len)
{
	size_t cap = 4096, n = 0;
	char *buf = vd_xmalloc(cap + 1);

	for (;;) {
		if (n == cap) {
			if (cap > max) {
				free(buf);
				return -EFBIG;
			}
			cap *= 2;
			buf = vd_xrealloc(buf, cap + 1);
		}
		ssize_t k = read(fd, buf + n, cap - n);
		if (k < 0) {
			if (errno == EINTR)
				continue;
			int err = -errno;
			free(buf);
			return err;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	if (n > max) {
		free(buf);
		return -EFBIG;
	}
	buf[n] = '\0';
	*data = buf;
	*len = n;
	return 0;
}

int vd_root_read_st(const struct vd_root *r, const char *path, size_t max, char **data, size_t *len, struct stat *stp)
{
	_cleanup_close_ int fd = vd_root_openat(r, path, O_RDONLY | O_NONBLOCK);
	char *buf = NULL;
	size_t n = 0;
	int ret;
	struct stat st;

	if (fd < 0) {
		ret = fd;
	} else if (fstat(fd, &st) < 0) {
		ret = -errno;
	} else if (!S_ISREG(st.st_mode)) {
		/* A FIFO or device in a fixture must not block or stream forever. */
		ret = S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	} else {
		ret = read_fd(fd, max ? max : VD_ROOT_READ_MAX, &buf, &n);
	}
	trace_add(r, VD_TRACE_FILE, path, ret, buf, n, NULL);
	if (ret < 0)
		return ret;
	*data = buf;
	*len = n;
	if (stp)
		*stp = st;
	return 0;
}

int vd_root_read(const struct vd_root *r, const char *path, size_t max, char **data, size_t *len)
{
	return vd_root_read_st(r, path, max, data, len, NULL);
}

int vd_root_read_records(const struct vd_root *r, const char *path, size_t max, char **data, size_t *len)
{
	_cleanup_close_ int fd = vd_root_openat(r, path, O_RDONLY | O_NONBLOCK);
	struct vd_str b = {0};
	struct stat st;
	int ret = 0;

	if (fd < 0) {
		ret = fd;
		goto out;
	}
	if (fstat(fd, &st) < 0) {
		ret = -errno;
		goto out;
	}
	if (S_ISREG(st.st_mode)) {
		char *buf;
		size_t n;
		ret = read_fd(fd, max, &buf, &n);
		if (ret == 0) {
			b.s = buf;
			b.len = b.cap = n;
		}
		goto out;
	}
	if (!S_ISCHR(st.st_mode)) {
		ret = -EINVAL;
		goto out;
	}
	/* /dev/kmsg: each read(2) returns one record; EAGAIN ends the buffer,
	 * EPIPE means records were overwritten while reading (skip ahead). */
	for (;;) {
		char rec[8192];
		ssize_t k = read(fd, rec, sizeof(rec));
		if (k < 0) {
			if (errno == EINTR || errno == EPIPE)
				continue;
			if (errno != EAGAIN)
				ret = b.len ? 0 : -errno;
			break;
		}
		if (k == 0)
			break;
		if (b.len + (size_t)k > max) {
			/* Keep the newest records: drop the oldest half. */
			size_t cut = b.len / 2;
			const char *nl = memchr(b.s + cut, '\n', b.len - cut);
			cut = nl ? (size_t)(nl - b.s) + 1 : b.len;
			memmove(b.s, b.s + cut, b.len - cut);
			b.len -= cut;
		}
		vd_str_addn(&b, rec, (size_t)k);
	}
out:
	trace_add(r, VD_TRACE_FILE, path, ret, b.s, b.len, NULL);
	if (ret < 0) {
		vd_str_done(&b);
		return ret;
	}
	*len = b.len;
	*data = b.s ? b.s : vd_xstrdup("");
	return 0;
}

int vd_root_read_line(const struct vd_root *r, const char *path, char **out)
{
	char *data;
	size_t len;
	int ret = vd_root_read(r, path, 0, &data, &len);
	if (ret < 0)
		return ret;
	if (memchr(data, '\0', len)) {
		free(data);
		return -EBADMSG;
	}
	char *nl = strchr(data, '\n');
	if (nl)
		*nl = '\0';
	vd_strstrip(data);
	if (!*data) {
		free(data);
		return -ENODATA;
	}
	*out = data;
	return 0;
}

int vd_root_read_u64(const struct vd_root *r, const char *path, int base, uint64_t *out)
{
	_cleanup_free_ char *s = NULL;
	int ret = vd_root_read_line(r, path, &s);
	if (ret < 0)
		return ret;
	return vd_parse_u64(s, base, out) < 0 ? -EBADMSG : 0;
}

/* Directory holding the last component (not followed) and its name. */
static int open_parent(const struct vd_root *r, const char *path, int *dirfd, char **name)
{
	const char *rel = relative(path);
	const char *slash = strrchr(rel, '/');
	_cleanup_free_ char *dir = slash ? vd_xstrndup(rel, (size_t)(slash - rel)) : vd_xstrdup(".");
	const char *base = slash ? slash + 1 : rel;

	if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
		return -EINVAL;
	int fd = vd_root_openat(r, dir, O_PATH | O_DIRECTORY);
	if (fd < 0)
		return fd;
	*dirfd = fd;
	*name = vd_xstrdup(base);
	return 0;
}

int vd_root_readlink(const struct vd_root *r, const char *path, char **target)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = NULL;
	char buf[PATH_MAX];
	ssize_t n = -1;
	int ret = open_parent(r, path, &dfd, &name);

	if (ret == 0) {
		n = readlinkat(dfd, name, buf, sizeof(buf) - 1);
		ret = n < 0 ? -errno : 0;
	}
	if (ret == 0)
		buf[n] = '\0';
	trace_add(r, VD_TRACE_LINK, path, ret, ret == 0 ? buf : NULL, ret == 0 ? (size_t)n : 0, NULL);
	if (ret < 0)
		return ret;
	*target = vd_xstrdup(buf);
	return 0;
}

int vd_root_readlink_base(const struct vd_root *r, const char *path, char **name)
{
	_cleanup_free_ char *t = NULL;
	int ret = vd_root_readlink(r, path, &t);
	if (ret < 0)
		return ret;
	const char *slash = strrchr(t, '/');
	const char *base = slash ? slash + 1 : t;
	if (!*base)
		return -EBADMSG;
	*name = vd_xstrdup(base);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int vd_root_list(const struct vd_root *r, const char *path, char ***names)
{
	int fd = vd_root_openat(r, path, O_RDONLY | O_DIRECTORY);
	char **v = NULL;
	size_t n = 0, cap = 0;
	int ret = 0;

	if (fd < 0) {
		ret = fd;
		goto out;
	}
	DIR *d = fdopendir(fd);
	if (!d) {
		ret = -errno;
		close(fd);
		goto out;
	}
	struct dirent *de;
	errno = 0;
	while ((de = readdir(d))) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		*VD_PUSH(v, n, cap) = vd_xstrdup(de->d_name);
		errno = 0;
	}
	if (errno)
		ret = -errno;
	closedir(d);
	VD_PUSH(v, n, cap);
	n--; /* NULL terminator (vd_grow zero-fills) */
	qsort(v, n, sizeof(*v), cmp_str);
out:
	if (r->trace) {
		struct vd_str s = {0};
		for (size_t i = 0; ret == 0 && i < n; i++) {
			vd_str_add(&s, v[i]);
			vd_str_addc(&s, '\n');
		}
		trace_add(r, VD_TRACE_DIR, path, ret, s.s ? s.s : "", s.len, NULL);
		vd_str_done(&s);
	}
	if (ret < 0) {
		vd_strv_free(v);
		return ret;
	}
	*names = v;
	return 0;
}

int vd_root_stat(const struct vd_root *r, const char *path, bool follow, struct stat *st)
{
	int ret = 0;

	if (follow) {
		_cleanup_close_ int fd = vd_root_openat(r, path, O_PATH);
		if (fd < 0)
			ret = fd;
		else if (fstat(fd, st) < 0)
			ret = -errno;
	} else {
		_cleanup_close_ int dfd = -1;
		_cleanup_free_ char *name = NULL;
		ret = open_parent(r, path, &dfd, &name);
		if (ret == 0 && fstatat(dfd, name, st, AT_SYMLINK_NOFOLLOW) < 0)
			ret = -errno;
	}
	trace_add(r, VD_TRACE_STAT, path, ret, NULL, 0, ret == 0 ? st : NULL);
	return ret;
}

int vd_root_resolve(const struct vd_root *r, const char *path, char **resolved)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = NULL;
	_cleanup_free_ char *res = NULL;
	struct stat st;
	int ret = chase(r, path, true, &dfd, &name, &res, NULL, NULL);
	if (ret < 0)
		return ret;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return -errno;
	*resolved = TAKE_PTR(res);
	return 0;
}

int vd_root_abspath(const struct vd_root *r, const char *path, char **abs)
{
	_cleanup_free_ char *res = NULL;
	int ret = vd_root_resolve(r, path, &res);
	if (ret < 0)
		return ret;
	*abs = r->live ? TAKE_PTR(res) : vd_xasprintf("%s%s", r->path, res);
	return 0;
}

int vd_root_write_attr(const struct vd_root *r, const char *path, const char *data, size_t len)
{
	int err = fault(r, VD_FAULT_OPEN);
	if (err)
		return err;
	_cleanup_close_ int fd = vd_root_openat(r, path, O_WRONLY | O_NOCTTY);
	if (fd < 0)
		return fd;
	ssize_t k = write_seam(r, fd, data, len);
	if (k < 0)
		return -errno;
	return (size_t)k == len ? 0 : -EIO;
}

int vd_root_mkdirs(const struct vd_root *r, const char *path, mode_t mode)
{
	_cleanup_free_ char *p = vd_xstrdup(relative(path));
	_cleanup_close_ int fd = openat(r->fd, ".", O_PATH | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (char *s = p, *next; s && *s; s = next) {
		next = strchr(s, '/');
		if (next)
			*next++ = '\0';
		if (!*s || strcmp(s, ".") == 0)
			continue;
		if (strcmp(s, "..") == 0)
			return -EINVAL;
		struct stat st;
		if (fstatat(fd, s, &st, AT_SYMLINK_NOFOLLOW) < 0) {
			int err = fault(r, VD_FAULT_MKDIR);
			if (err)
				return err;
			if (mkdirat(fd, s, mode) < 0 && errno != EEXIST)
				return -errno;
		}
		/* Never walk through a symlink planted where a directory goes. */
		int nfd = openat(fd, s, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0)
			return errno == ELOOP ? -ENOTDIR : -errno;
		close(fd);
		fd = nfd;
	}
	return 0;
}

/* The parent directory of path as a real (not O_PATH) descriptor, so that
 * openat, renameat, unlinkat and fsync work on it. */
static int open_parent_dir(const struct vd_root *r, const char *path, int *dirfd, char **name)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *n = NULL;
	int ret = open_parent(r, path, &dfd, &n);
	if (ret < 0)
		return ret;
	int real = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (real < 0)
		return -errno;
	*dirfd = real;
	*name = TAKE_PTR(n);
	return 0;
}

/* The temporary file in place: over the target, or (replace false) only
 * where nothing exists yet, atomically (RENAME_NOREPLACE, or a hard link
 * where the filesystem lacks it). */
static int install(int dfd, const char *tmp, const char *name, bool replace)
{
	if (replace)
		return renameat(dfd, tmp, dfd, name) < 0 ? -errno : 0;
	if (renameat2(dfd, tmp, dfd, name, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno != EINVAL && errno != ENOSYS)
		return -errno;
	if (linkat(dfd, tmp, dfd, name, 0) < 0)
		return -errno;
	unlinkat(dfd, tmp, 0);
	return 0;
}

static int write_file(const struct vd_root *r, const char *path, const char *data, size_t len, mode_t mode,
		      uid_t uid, gid_t gid, bool replace)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = NULL;
	char tmp[64];
	int ret = open_parent_dir(r, path, &dfd, &name);

	if (ret < 0)
		return ret;
	struct stat st;
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (!replace)
			return -EEXIST;
		if (!S_ISREG(st.st_mode))
			return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL; /* never replace a link or device */
	}

	int fd = -1;
	ret = fault(r, VD_FAULT_OPEN);
	if (ret)
		return ret;
	for (unsigned i = 0; i < 100 && fd < 0; i++) {
		snprintf(tmp, sizeof(tmp), ".#vfio-doctor.%ld.%u", (long)getpid(), i);
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST)
			return -errno;
	}
	if (fd < 0)
		return -EEXIST;
	for (size_t off = 0; off < len;) {
		ssize_t k = write_seam(r, fd, data + off, len - off);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			ret = -errno;
			goto fail;
		}
		off += (size_t)k;
	}
	if ((uid != (uid_t)-1 && uid != geteuid()) || (gid != (gid_t)-1 && gid != getegid())) {
		ret = fault(r, VD_FAULT_META);
		if (ret || fchown(fd, uid, gid) < 0) {
			ret = ret ? ret : -errno;
			goto fail;
		}
	}
	/* After fchown, which clears set-id bits. */
	ret = fault(r, VD_FAULT_META);
	if (ret || fchmod(fd, mode) < 0 || fsync_seam(r, fd) < 0) {
		ret = ret ? ret : -errno;
		goto fail;
	}
	if (close(fd) < 0) {
		fd = -1;
		ret = -errno;
		goto fail;
	}
	fd = -1;
	ret = fault(r, VD_FAULT_RENAME);
	if (ret || (ret = install(dfd, tmp, name, replace)) < 0)
		goto fail;
	/* The rename happened; a failed directory fsync only weakens
	 * durability, and the caller must know the new content is in place. */
	if (fsync_seam(r, dfd) < 0)
		return -errno;
	return 0;
fail:
	if (fd >= 0)
		close(fd);
	unlinkat(dfd, tmp, 0);
	return ret;
}

int vd_root_write_atomic_owned(const struct vd_root *r, const char *path, const char *data, size_t len, mode_t mode,
			       uid_t uid, gid_t gid)
{
	return write_file(r, path, data, len, mode, uid, gid, true);
}

int vd_root_write_atomic(const struct vd_root *r, const char *path, const char *data, size_t len, mode_t mode)
{
	return write_file(r, path, data, len, mode, (uid_t)-1, (gid_t)-1, true);
}

int vd_root_write_new(const struct vd_root *r, const char *path, const char *data, size_t len, mode_t mode)
{
	return write_file(r, path, data, len, mode, (uid_t)-1, (gid_t)-1, false);
}

static int remove_at(const struct vd_root *r, const char *path, int flags)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = NULL;
	int ret = open_parent_dir(r, path, &dfd, &name);
	if (ret < 0)
		return ret;
	ret = fault(r, VD_FAULT_UNLINK);
	if (ret)
		return ret;
	if (unlinkat(dfd, name, flags) < 0)
		return -errno;
	return fsync_seam(r, dfd) < 0 ? -errno : 0;
}

int vd_root_unlink(const struct vd_root *r, const char *path)
{
	return remove_at(r, path, 0);
}

int vd_root_rmdir(const struct vd_root *r, const char *path)
{
	return remove_at(r, path, AT_REMOVEDIR);
}

int vd_root_can_write(const struct vd_root *r, const char *path)
{
	_cleanup_free_ char *p = vd_xstrdup(relative(path));

	/* Walk up to the deepest directory that exists. */
	for (;;) {
		char *slash = strrchr(p, '/');
		if (!slash) {
			p[0] = '.';
			p[1] = '\0';
		} else {
			*slash = '\0';
		}
		_cleanup_close_ int fd = vd_root_openat(r, *p ? p : ".", O_PATH | O_DIRECTORY);
		if (fd >= 0)
			return faccessat(fd, ".", W_OK | X_OK, AT_EACCESS) < 0 ? -errno : 0;
		if (fd != -ENOENT || strcmp(p, ".") == 0)
			return fd;
	}
}

int vd_user_root(const char *path, struct vd_root **r, char **abs)
{
	if (!path || !*path)
		return -EINVAL;
	if (path[0] != '/') {
		char cwd[PATH_MAX];
		if (!getcwd(cwd, sizeof(cwd)))
			return -errno;
		*abs = vd_xasprintf("%s/%s", cwd, path);
	} else {
		*abs = vd_xstrdup(path);
	}
	int ret = vd_root_open("/", 0, r);
	if (ret < 0)
		free(TAKE_PTR(*abs));
	return ret;
}

int vd_read_user_file(const char *path, size_t max, char **data, size_t *len)
{
	struct vd_root *r = NULL;
	_cleanup_free_ char *abs = NULL;
	int ret = vd_user_root(path, &r, &abs);
	if (ret < 0)
		return ret;
	ret = vd_root_read(r, abs, max, data, len);
	vd_root_free(r);
	return ret;
}

int vd_write_user_file(const char *path, const char *data, size_t len, mode_t mode, bool replace)
{
	struct vd_root *r = NULL;
	_cleanup_free_ char *abs = NULL;
	int ret = vd_user_root(path, &r, &abs);
	if (ret < 0)
		return ret;
	ret = replace ? vd_root_write_atomic(r, abs, data, len, mode) : vd_root_write_new(r, abs, data, len, mode);
	vd_root_free(r);
	return ret;
}

void vd_root_trace_lib(const struct vd_root *r, const char *path)
{
	trace_add(r, VD_TRACE_LIB, path, 0, NULL, 0, NULL);
}

int vd_root_walk_links(const struct vd_root *r, const char *path, vd_link_visitor visit, void *ctx)
{
	_cleanup_close_ int dfd = -1;
	_cleanup_free_ char *name = NULL;
	return chase(r, path, true, &dfd, &name, NULL, visit, ctx);
}
