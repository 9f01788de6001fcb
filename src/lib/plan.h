/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Plans and transactions: the fixes of a set of findings as a list of steps
 * (write this file, create that directory, write this attribute, run that
 * command), shown before anything changes, then carried out as one
 * transaction with backups and a journal under the root, and undone from it.
 * docs/fix.md describes the design and how to add a step kind. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "finding.h"
#include "host.h"
#include "root.h"
#include "util.h"

/* Where transactions are kept, inside the root. */
#define VD_STATE_DIR "/var/lib/vfio-doctor"
#define VD_TXN_DIR VD_STATE_DIR "/transactions"

enum {
	VD_STEP_NO_UNDO = 1u << 0, /* nothing to put back (an action such as a PCI rescan) */
	VD_STEP_SKIP = 1u << 1,    /* shown, not carried out (note says why): a command not on
				    * this system, or not run under --root */
};

struct vd_step_kind;

/* One change. What "old" and "new" hold depends on the kind: a file's
 * bytes, an attribute's value, a domain's XML. */
struct vd_step {
	const struct vd_step_kind *kind;
	char *target;            /* root-relative path, attribute, command line, domain name */
	char *old, *new;         /* NUL-terminated; lengths for binary content */
	size_t old_len, new_len;
	bool had_old, has_new;   /* existed before; exists after (false: removed) */
	mode_t old_mode, mode;   /* file kinds */
	uid_t old_uid;
	gid_t old_gid;
	char *undo_cmd;          /* command: what undoes it (NULL: run the command again) */
	char *why;               /* the findings it comes from, "vfio-binding, kvm" */
	char *note;              /* shown with it */
	unsigned flags;
};

struct vd_txn_ctx;

/* A step kind: one row in the table in steps/list.h. The journal stores
 * every step the same way (kind name, target, old and new bytes, modes), so
 * a kind only says how to show, apply and undo itself. */
struct vd_step_kind {
	const char *name; /* "file", "dir", "runtime", "command"; journal and JSON */
	/* Plan text below the step's header line (a diff, old → new); may add nothing. */
	void (*describe)(const struct vd_step *s, struct vd_str *out);
	/* Carry the step out; 0 or -errno, *detail (optional) says more. */
	int (*apply)(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail);
	/* Put the old state back from what apply replaced; must be idempotent
	 * (undo may run again after a crash). NULL: cannot be undone. */
	int (*undo)(const struct vd_txn_ctx *c, const struct vd_step *s, char **detail);
};

extern const struct vd_step_kind *const vd_step_kinds[];
extern const size_t vd_nstep_kinds;
const struct vd_step_kind *vd_step_kind_find(const char *name);

/* The kinds the planner uses (defined in steps/). */
extern const struct vd_step_kind vd_step_file, vd_step_dir, vd_step_runtime, vd_step_command;

/* Something only the user can do, or that this tool cannot do safely. */
struct vd_manual {
	char *why, *what, *how;
};

struct vd_plan {
	struct vd_step *step;
	size_t n, cap;
	struct vd_manual *manual;
	size_t nmanual, capmanual;
	char **notes;      /* NULL-terminated */
	size_t nnotes, capnotes;
	char **unchanged;  /* targets already as the fixes want them */
	size_t nunchanged, capunchanged;
	char *bootloader;  /* which configuration holds the kernel command line, or NULL */
};

struct vd_plan_opts {
	/* libvirt's version (major * 1000000 + minor * 1000 + micro, as
	 * virGetVersion gives it); 0 unknown. Hooks go to hooks/qemu.d/ from 6.5. */
	unsigned long libvirt_version;
};

/* The plan for the fixes of fs on h (h->root is where it reads current
 * contents). Never fails on content: what it cannot plan becomes manual. */
int vd_plan_build(const struct vd_host *h, const struct vd_findings *fs, const struct vd_plan_opts *o,
		  struct vd_plan *out);
void vd_plan_done(struct vd_plan *p);

/* Step construction for planners (and other modules' kinds). Strings are copied. */
struct vd_step *vd_plan_add_step(struct vd_plan *p, const struct vd_step_kind *kind, const char *target,
				 const char *why);
void vd_step_set_old(struct vd_step *s, const char *data, size_t len);
void vd_step_set_new(struct vd_step *s, const char *data, size_t len);
void vd_plan_add_manual(struct vd_plan *p, const char *why, const char *what, const char *how);
void vd_plan_add_note(struct vd_plan *p, const char *fmt, ...) _printf_(2, 3);
void vd_step_done(struct vd_step *s);

/* Text and JSON ("vfio-doctor/fix/1", docs/json-schema.md) of a plan. */
char *vd_plan_render_text(const struct vd_plan *p, const struct vd_root *root);
char *vd_plan_render_json(const struct vd_plan *p, const struct vd_root *root);

/* ---- transactions ---- */

/* Runs a command line (already split on spaces by the caller's rules); 0
 * when it exited 0. The CLI provides it, tests fake it. */
typedef int (*vd_run_fn)(void *ud, const char *cmdline, char **output);

struct vd_txn_opts {
	vd_run_fn run; /* NULL: commands are not run (recorded as skipped) */
	void *run_ud;
	void *ext;     /* for step kinds that need a handle (a libvirt connection) */
};

struct vd_txn_ctx {
	struct vd_root *root;
	const struct vd_txn_opts *opts;
};

enum vd_step_state {
	VD_ST_PENDING,
	VD_ST_APPLYING, /* may have happened: undo treats it as done */
	VD_ST_DONE,
	VD_ST_SKIPPED,
	VD_ST_FAILED,
	VD_ST_ROLLED_BACK,
	VD_ST_UNDONE,
	VD_NSTATES,
};
const char *vd_step_state_name(enum vd_step_state s);

struct vd_txn_result {
	char *id;    /* "0001" */
	char *state; /* "applied", "rolled-back", "failed", "undone", ... */
	enum vd_step_state *st; /* per step */
	char **detail;          /* per step: error or output, or NULL */
	size_t n;
	char *error; /* what went wrong, or NULL */
	int failed_step; /* index, -1 */
};
void vd_txn_result_done(struct vd_txn_result *r);

/* Carry out every step of p as one transaction under VD_TXN_DIR: backups
 * and a journal first, then each step, journalled before and after. On a
 * failure the steps done so far are undone (rolled back) and the journal
 * says what happened. 0 when all applied; -EALREADY when p has no steps. */
int vd_txn_apply(struct vd_root *root, const struct vd_plan *p, const struct vd_txn_opts *o, struct vd_txn_result *res);

/* Undo the most recent transaction that left changes (id NULL), or the one named. */
int vd_txn_undo(struct vd_root *root, const char *id, const struct vd_txn_opts *o, struct vd_txn_result *res);

struct vd_txn_info {
	char *id, *created, *state, *summary;
};
/* Every transaction under the root, oldest first. */
int vd_txn_list(const struct vd_root *root, struct vd_txn_info **out, size_t *n);
void vd_txn_info_free(struct vd_txn_info *t, size_t n);
