/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The root layer: the only code that reads the filesystem. Every path is
 * resolved under one root directory (default "/", or --root DIR), symlinks
 * included, so a fixture tree or a collected snapshot is read exactly like a
 * live host and never escapes into the machine running the tool. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

struct vd_root;

enum {
	/* Resolve paths in user space (vd_chase) even where openat2() with
	 * RESOLVE_IN_ROOT exists: a test seam, and what old kernels and
	 * seccomp-filtered containers fall back to anyway. */
	VD_ROOT_NO_OPENAT2 = 1u << 0,
};

/* Files larger than this are refused with -EFBIG unless a caller asks for a
 * different bound: nothing the inventory reads is legitimately bigger. */
#define VD_ROOT_READ_MAX (16u << 20)

int vd_root_open(const char *path, unsigned flags, struct vd_root **out);
void vd_root_free(struct vd_root *r);

/* Canonical absolute path of the root directory. */
const char *vd_root_path(const struct vd_root *r);
/* True when the root is the running system's "/": only then do live sources
 * (the libvirt daemon, the kernel's /dev/kmsg device) mean this host. */
bool vd_root_is_live(const struct vd_root *r);

/* All functions take root-relative paths written as absolute ones
 * ("/proc/cmdline") and return 0 or a negative errno. */
int vd_root_openat(const struct vd_root *r, const char *path, int flags);
int vd_root_read(const struct vd_root *r, const char *path, size_t max, char **data, size_t *len);
/* vd_root_read that also gives the file's stat (of the descriptor read). */
int vd_root_read_st(const struct vd_root *r, const char *path, size_t max, char **data, size_t *len, struct stat *st);
/* A record device such as /dev/kmsg (one record per read(2), non-blocking,
 * until EAGAIN) or a regular file holding the same records, as a snapshot
 * stores it. Keeps the newest records when more than max bytes come. */
int vd_root_read_records(const struct vd_root *r, const char *path, size_t max, char **data, size_t *len);
/* First line, whitespace-trimmed; -ENODATA when empty. */
int vd_root_read_line(const struct vd_root *r, const char *path, char **out);
int vd_root_read_u64(const struct vd_root *r, const char *path, int base, uint64_t *out);
int vd_root_readlink(const struct vd_root *r, const char *path, char **target);
/* Last component of a symlink's target ("vfio-pci" for .../driver). */
int vd_root_readlink_base(const struct vd_root *r, const char *path, char **name);
/* Sorted entry names without "." and "..". */
int vd_root_list(const struct vd_root *r, const char *path, char ***names);
int vd_root_stat(const struct vd_root *r, const char *path, bool follow, struct stat *st);
/* Root-relative path with every symlink resolved inside the root; the
 * path must exist. */
int vd_root_resolve(const struct vd_root *r, const char *path, char **resolved);
/* Absolute path for libraries that only take path names (libpci, libkmod,
 * sd-journal): resolved inside the root first, so the library opens the same
 * file the root layer would. Not traced: a caller whose library reads
 * evidence through the path says so with vd_root_trace_lib(). */
int vd_root_abspath(const struct vd_root *r, const char *path, char **abs);

/* Writing. Paths resolve inside the root exactly as reads do, so --root
 * applies changes to a fixture or snapshot and never outside it.
 *
 * vd_root_write_attr: write to an existing file in one write(2), as sysfs and
 * procfs attributes want ("1" to .../rom, a value to a parameter); no
 * create, no truncate.
 *
 * vd_root_write_atomic: replace (or create) a regular file: a temporary
 * file in the same directory, fsync, rename over the target, fsync of the
 * directory (systemd's write_string_file_atomic_at()). The parent
 * directories must exist (vd_root_mkdirs). mode applies to the new file. */
int vd_root_write_attr(const struct vd_root *r, const char *path, const char *data, size_t len);
int vd_root_write_atomic(const struct vd_root *r, const char *path, const char *data, size_t len, mode_t mode);
/* vd_root_write_new: like vd_root_write_atomic, but -EEXIST when anything
 * (a file, a link, a directory) is already at path: it never replaces. */
int vd_root_write_new(const struct vd_root *r, const char *path, const char *data, size_t len, mode_t mode);
/* mkdir -p inside the root (mode for the directories created). */
int vd_root_mkdirs(const struct vd_root *r, const char *path, mode_t mode);
/* Remove a file (not a directory) inside the root. */
int vd_root_unlink(const struct vd_root *r, const char *path);

/* vd_root_write_atomic that also gives the new file an owner (uid/gid
 * (uid_t)-1 / (gid_t)-1: the writer's), so replacing a file keeps the owner
 * it had. fchown is only called when the owner differs from the writer's. */
int vd_root_write_atomic_owned(const struct vd_root *r, const char *path, const char *data, size_t len, mode_t mode,
			       uid_t uid, gid_t gid);
/* Remove an empty directory inside the root (-ENOTEMPTY otherwise). */
int vd_root_rmdir(const struct vd_root *r, const char *path);
/* Could this process create or replace path? Checks write access to the
 * deepest existing directory on the way (the target's parent, or the
 * ancestor mkdirs would start from), as the effective user: a read-only
 * file system answers -EROFS, a foreign directory -EACCES. */
int vd_root_can_write(const struct vd_root *r, const char *path);

/* Fault injection, a test seam for the transaction tests: the nth
 * mutating operation of a kind in ops (counting from 1) fails with -err;
 * with sticky, every later one of those kinds fails too (a full or
 * read-only file system). A failing write first writes half its bytes, so
 * a torn temporary file is what the code must cope with. Kept per root,
 * never global; ops = 0 turns it off. */
enum {
	VD_FAULT_OPEN = 1u << 0,   /* creating or opening a file for writing */
	VD_FAULT_WRITE = 1u << 1,  /* write(2) */
	VD_FAULT_FSYNC = 1u << 2,  /* fsync of a file or directory */
	VD_FAULT_RENAME = 1u << 3, /* renameat */
	VD_FAULT_MKDIR = 1u << 4,
	VD_FAULT_UNLINK = 1u << 5, /* unlink and rmdir */
	VD_FAULT_META = 1u << 6,   /* fchmod, fchown */
	VD_FAULT_ALL = 0x7f,
};
void vd_root_set_fault(struct vd_root *r, unsigned ops, unsigned nth, int err, bool sticky);
/* How many operations of the armed kinds have been counted so far. */
unsigned vd_root_fault_count(const struct vd_root *r);

/* A file named on the command line (a ROM dump, a domain XML, a saved log),
 * relative to the working directory: read through a root at "/" so the same
 * bounds, FIFO refusal and error reasons apply as for host evidence. */
int vd_read_user_file(const char *path, size_t max, char **data, size_t *len);
/* The root ("/") and absolute path such a file is read and written through,
 * for callers that need more than one operation on it (free both). */
int vd_user_root(const char *path, struct vd_root **r, char **abs);
/* Write a file named on the command line, whole or not at all. replace
 * false (a ROM dump, a stripped ROM: the output may be next to its input)
 * answers -EEXIST rather than replacing anything; replace true (a generated
 * table the user regenerates) replaces a regular file atomically. */
int vd_write_user_file(const char *path, const char *data, size_t len, mode_t mode, bool replace);

/* Tracing: with tracing on, every read is recorded with what it returned,
 * so `collect` can write exactly what a diagnosis looked at. */
enum vd_trace_kind {
	VD_TRACE_FILE, /* bytes as read */
	VD_TRACE_LINK, /* a readlink: target */
	VD_TRACE_DIR,  /* a listing: the entry names, '\n'-separated */
	VD_TRACE_STAT, /* only existence and type were looked at */
	VD_TRACE_LIB,  /* handed to a library: copy the file or tree as it is */
};

struct vd_trace_entry {
	enum vd_trace_kind kind;
	char *path; /* root-relative, as asked */
	int err;    /* 0 or the negative errno the read returned */
	char *data;
	size_t len;
	struct stat st; /* for STAT: what was seen */
};

void vd_root_trace_enable(struct vd_root *r);
/* A file or tree a library will read by path: collect copies it as it is. */
void vd_root_trace_lib(const struct vd_root *r, const char *path);
const struct vd_trace_entry *vd_root_trace(const struct vd_root *r, size_t *n);
/* Hand the trace to the caller and stop tracing. */
struct vd_trace_entry *vd_root_trace_take(struct vd_root *r, size_t *n);
void vd_trace_free(struct vd_trace_entry *e, size_t n);

/* Walk a path under the root one component at a time, reporting each symlink
 * met (root-relative path of the link and its target text). Used by collect to
 * rebuild sysfs's link structure, and as the resolver where openat2() is
 * missing. */
typedef void (*vd_link_visitor)(void *ctx, const char *link_path, const char *target);
int vd_root_walk_links(const struct vd_root *r, const char *path, vd_link_visitor visit, void *ctx);
