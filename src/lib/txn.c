// SPDX-License-Identifier: GPL-2.0-or-later
/* Transactions: apply a plan with backups and a journal, roll back on
 * failure, undo later (see plan.h and docs/fix.md).
 *
 * The invariant that makes undo always possible: a target is touched only
 * after the journal on disk lists its step as "applying", with its old
 * content already saved beside it. Every write is atomic, so a target holds
 * its old or its new content, and undo of a step that may or may not have
 * happened is safe because undo is idempotent. */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "plan.h"

static const char *const state_names[VD_NSTATES] = {
	[VD_ST_PENDING] = "pending",       [VD_ST_APPLYING] = "applying", [VD_ST_DONE] = "done",
	[VD_ST_SKIPPED] = "skipped",       [VD_ST_FAILED] = "failed",     [VD_ST_ROLLED_BACK] = "rolled-back",
	[VD_ST_UNDONE] = "undone",
};

const char *vd_step_state_name(enum vd_step_state s)
{
	return s < VD_NSTATES ? state_names[s] : "?";
}

static enum vd_step_state state_parse(const char *s)
{
	for (int i = 0; i < VD_NSTATES; i++)
		if (s && strcmp(s, state_names[i]) == 0)
			return (enum vd_step_state)i;
	return VD_ST_PENDING;
}

struct txn {
	struct vd_root *root;
	char *id, *dir, *created;
	const char *state;
	struct vd_step *steps; /* the plan's (apply) or loaded (undo) */
	size_t n;
	bool own_steps;
	enum vd_step_state *st;
	char **detail;
	char **events;
	size_t nevents, capevents;
};

static void event(struct txn *t, const char *fmt, ...) _printf_(2, 3);
static void event(struct txn *t, const char *fmt, ...)
{
	struct vd_str s = {0};
	va_list ap;
	va_start(ap, fmt);
	vd_str_vaddf(&s, fmt, ap);
	va_end(ap);
	*VD_PUSH(t->events, t->nevents, t->capevents) = vd_str_steal(&s);
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static char *data_path(const struct txn *t, size_t i, const char *what)
{
	return vd_xasprintf("%s/%03zu.%s", t->dir, i + 1, what);
}

static int journal_write(struct txn *t)
{
	json_object *o = json_object_new_object(), *steps = json_object_new_array(), *ev = json_object_new_array();
	json_object_object_add(o, "schema", json_object_new_string("vfio-doctor/journal/1"));
	json_object_object_add(o, "id", json_object_new_string(t->id));
	json_object_object_add(o, "created", jstr(t->created));
	json_object_object_add(o, "state", json_object_new_string(t->state));
	for (size_t i = 0; i < t->n; i++) {
		const struct vd_step *s = &t->steps[i];
		json_object *j = json_object_new_object();
		json_object_object_add(j, "kind", json_object_new_string(s->kind->name));
		json_object_object_add(j, "target", jstr(s->target));
		json_object_object_add(j, "why", jstr(s->why));
		json_object_object_add(j, "note", jstr(s->note));
		json_object_object_add(j, "flags", json_object_new_int((int)s->flags));
		json_object_object_add(j, "had_old", json_object_new_boolean(s->had_old));
		json_object_object_add(j, "has_new", json_object_new_boolean(s->has_new));
		json_object_object_add(j, "old_mode", json_object_new_int((int)s->old_mode));
		json_object_object_add(j, "mode", json_object_new_int((int)s->mode));
		json_object_object_add(j, "uid", json_object_new_int64(s->old_uid == (uid_t)-1 ? -1 : (int64_t)s->old_uid));
		json_object_object_add(j, "gid", json_object_new_int64(s->old_gid == (gid_t)-1 ? -1 : (int64_t)s->old_gid));
		json_object_object_add(j, "undo_command", jstr(s->undo_cmd));
		json_object_object_add(j, "state", json_object_new_string(vd_step_state_name(t->st[i])));
		json_object_object_add(j, "detail", jstr(t->detail[i]));
		json_object_array_add(steps, j);
	}
	json_object_object_add(o, "steps", steps);
	for (size_t i = 0; i < t->nevents; i++)
		json_object_array_add(ev, json_object_new_string(t->events[i]));
	json_object_object_add(o, "events", ev);
	const char *text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	_cleanup_free_ char *path = vd_xasprintf("%s/journal.json", t->dir);
	_cleanup_free_ char *body = vd_xasprintf("%s\n", text);
	int ret = vd_root_write_atomic(t->root, path, body, strlen(body), 0600);
	json_object_put(o);
	return ret;
}

static void txn_free(struct txn *t)
{
	free(t->id);
	free(t->dir);
	free(t->created);
	if (t->own_steps) {
		for (size_t i = 0; i < t->n; i++)
			vd_step_done(&t->steps[i]);
		free(t->steps);
	}
	for (size_t i = 0; t->detail && i < t->n; i++)
		free(t->detail[i]);
	free(t->detail);
	free(t->st);
	for (size_t i = 0; i < t->nevents; i++)
		free(t->events[i]);
	free(t->events);
}

static void set_detail(struct txn *t, size_t i, char *d)
{
	if (!d)
		return;
	free(t->detail[i]);
	t->detail[i] = d;
}

/* Hand the outcome to the caller. */
static void result(struct txn *t, struct vd_txn_result *res, const char *error, int failed)
{
	memset(res, 0, sizeof(*res));
	res->id = vd_xstrdup(t->id);
	res->state = vd_xstrdup(t->state);
	res->n = t->n;
	res->st = vd_xcalloc(t->n, sizeof(*res->st));
	res->detail = vd_xcalloc(t->n, sizeof(char *));
	for (size_t i = 0; i < t->n; i++) {
		res->st[i] = t->st[i];
		res->detail[i] = vd_xstrdup(t->detail[i]);
	}
	res->error = vd_xstrdup(error);
	res->failed_step = failed;
}

void vd_txn_result_done(struct vd_txn_result *r)
{
	free(r->id);
	free(r->state);
	for (size_t i = 0; r->detail && i < r->n; i++)
		free(r->detail[i]);
	free(r->detail);
	free(r->st);
	free(r->error);
	memset(r, 0, sizeof(*r));
}

static bool may_be_applied(enum vd_step_state s)
{
	return s == VD_ST_APPLYING || s == VD_ST_DONE;
}

/* Undo every step that may have happened: files and attributes in reverse
 * order first, then commands in their order, so that a regeneration command
 * runs again over the restored files. Returns the first error. */
static int unwind(struct txn *t, const struct vd_txn_opts *o, enum vd_step_state to, char **error)
{
	struct vd_txn_ctx c = {.root = t->root, .opts = o};
	int first = 0;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t k = 0; k < t->n; k++) {
			size_t i = pass == 0 ? t->n - 1 - k : k;
			struct vd_step *s = &t->steps[i];
			bool cmd = s->kind == &vd_step_command;
			if (cmd != (pass == 1) || !may_be_applied(t->st[i]))
				continue;
			/* A command that never got to run has nothing to redo. */
			if (cmd && t->st[i] != VD_ST_DONE) {
				t->st[i] = to;
				continue;
			}
			char *detail = NULL;
			int ret = s->kind->undo ? s->kind->undo(&c, s, &detail) : 0;
			set_detail(t, i, detail);
			if (ret < 0) {
				event(t, "undo step %zu (%s %s): %s", i + 1, s->kind->name, s->target, strerror(-ret));
				if (!first) {
					first = ret;
					*error = vd_xasprintf("could not undo %s %s: %s", s->kind->name, s->target, strerror(-ret));
				}
				continue;
			}
			t->st[i] = to;
			event(t, "undo step %zu (%s %s): %s", i + 1, s->kind->name, s->target, vd_step_state_name(to));
			journal_write(t); /* best effort: a stale journal only repeats an idempotent undo */
		}
	}
	return first;
}

static int next_id(const struct vd_root *root, char **id)
{
	char **names = NULL;
	unsigned long max = 0;
	int ret = vd_root_list(root, VD_TXN_DIR, &names);
	if (ret < 0 && ret != -ENOENT)
		return ret;
	for (char **p = names; p && *p; p++) {
		uint64_t v;
		if (vd_parse_u64(*p, 10, &v) == 0 && v > max)
			max = (unsigned long)v;
	}
	vd_strv_free(names);
	*id = vd_xasprintf("%04lu", max + 1);
	return 0;
}

static void txn_init(struct txn *t, struct vd_root *root, const char *id, size_t n)
{
	memset(t, 0, sizeof(*t));
	t->root = root;
	t->id = vd_xstrdup(id);
	t->dir = vd_xasprintf("%s/%s", VD_TXN_DIR, id);
	t->n = n;
	t->st = vd_xcalloc(n ? n : 1, sizeof(*t->st));
	t->detail = vd_xcalloc(n ? n : 1, sizeof(char *));
}

int vd_txn_apply(struct vd_root *root, const struct vd_plan *p, const struct vd_txn_opts *o, struct vd_txn_result *res)
{
	struct txn t;
	_cleanup_free_ char *id = NULL;
	_cleanup_free_ char *error = NULL;
	struct vd_txn_ctx c = {.root = root, .opts = o};
	int ret, failed = -1;

	memset(res, 0, sizeof(*res));
	res->failed_step = -1;
	if (p->n == 0)
		return -EALREADY;
	/* Nothing is touched before the transaction's directory, backups and
	 * journal exist. */
	ret = vd_root_mkdirs(root, VD_TXN_DIR, 0755);
	if (ret < 0) {
		res->error = vd_xasprintf("cannot create %s: %s", VD_TXN_DIR, strerror(-ret));
		return ret;
	}
	ret = next_id(root, &id);
	if (ret < 0) {
		res->error = vd_xasprintf("cannot list %s: %s", VD_TXN_DIR, strerror(-ret));
		return ret;
	}
	txn_init(&t, root, id, p->n);
	t.steps = p->step;
	t.created = vd_utc_now("%Y-%m-%dT%H:%M:%SZ");
	t.state = "prepared";
	ret = vd_root_mkdirs(root, t.dir, 0700);
	for (size_t i = 0; ret == 0 && i < p->n; i++) {
		const struct vd_step *s = &p->step[i];
		if (s->had_old) {
			_cleanup_free_ char *f = data_path(&t, i, "old");
			ret = vd_root_write_atomic(root, f, s->old, s->old_len, 0600);
		}
		if (ret == 0 && s->has_new) {
			_cleanup_free_ char *f = data_path(&t, i, "new");
			ret = vd_root_write_atomic(root, f, s->new, s->new_len, 0600);
		}
	}
	if (ret == 0) {
		event(&t, "%s: prepared %zu steps", t.created, p->n);
		ret = journal_write(&t);
	}
	if (ret < 0) {
		t.state = "not-started";
		error = vd_xasprintf("could not save backups and the journal under %s: %s; nothing was changed", t.dir,
				     strerror(-ret));
		result(&t, res, error, -1);
		txn_free(&t);
		return ret;
	}

	t.state = "applying";
	for (size_t i = 0; i < p->n; i++) {
		const struct vd_step *s = &p->step[i];
		if (s->flags & VD_STEP_SKIP) {
			t.st[i] = VD_ST_SKIPPED;
			event(&t, "step %zu (%s %s): skipped", i + 1, s->kind->name, s->target);
			continue;
		}
		t.st[i] = VD_ST_APPLYING;
		ret = journal_write(&t);
		if (ret < 0) {
			t.st[i] = VD_ST_PENDING; /* never started */
			error = vd_xasprintf("could not write the journal before %s %s: %s", s->kind->name, s->target,
					     strerror(-ret));
			failed = (int)i;
			break;
		}
		char *detail = NULL;
		ret = s->kind->apply(&c, s, &detail);
		set_detail(&t, i, detail);
		if (ret < 0) {
			event(&t, "step %zu (%s %s): failed: %s", i + 1, s->kind->name, s->target, strerror(-ret));
			error = vd_xasprintf("%s %s: %s", s->kind->name, s->target,
					     ret == -ECHILD ? "the command failed" : strerror(-ret));
			failed = (int)i;
			break;
		}
		t.st[i] = VD_ST_DONE;
		event(&t, "step %zu (%s %s): done", i + 1, s->kind->name, s->target);
		ret = journal_write(&t);
		if (ret < 0) {
			error = vd_xasprintf("could not write the journal after %s %s: %s", s->kind->name, s->target,
					     strerror(-ret));
			failed = (int)i;
			break;
		}
	}
	if (failed < 0) {
		t.state = "applied";
		event(&t, "applied");
		ret = journal_write(&t);
		if (ret < 0) {
			error = vd_xasprintf("could not write the journal: %s", strerror(-ret));
			failed = (int)p->n - 1;
		}
	}
	if (failed >= 0) {
		/* Roll back what this transaction did, newest first. A file or
		 * attribute step that failed holds its old or its new content
		 * (writes are atomic), so it stays "applying" and is undone too;
		 * a failed command is not run again. */
		if (t.st[failed] == VD_ST_APPLYING && p->step[failed].kind == &vd_step_command)
			t.st[failed] = VD_ST_FAILED;
		char *rb_error = NULL;
		int rb = unwind(&t, o, VD_ST_ROLLED_BACK, &rb_error);
		t.state = rb < 0 ? "failed" : "rolled-back";
		event(&t, "%s", rb < 0 ? "roll back incomplete: run 'vfio-doctor undo'" : "rolled back");
		journal_write(&t);
		if (rb_error) {
			char *both = vd_xasprintf("%s; %s", error, rb_error);
			free(error);
			free(rb_error);
			error = both;
		}
		result(&t, res, error, failed);
		txn_free(&t);
		return ret < 0 ? ret : -EIO;
	}
	result(&t, res, NULL, -1);
	txn_free(&t);
	return 0;
}

/* ---- loading journals ---- */

static const char *jget_str(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_string) ? json_object_get_string(v)
												 : NULL;
}

static int64_t jget_int(json_object *o, const char *k, int64_t def)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_is_type(v, json_type_int) ? json_object_get_int64(v)
											      : def;
}

static bool jget_bool(json_object *o, const char *k)
{
	json_object *v;
	return json_object_object_get_ex(o, k, &v) && json_object_get_boolean(v);
}

/* Load transaction id; with data, also every step's saved old/new bytes. */
static int txn_load(struct vd_root *root, const char *id, bool data, struct txn *t)
{
	_cleanup_free_ char *path = vd_xasprintf("%s/%s/journal.json", VD_TXN_DIR, id);
	_cleanup_free_ char *text = NULL;
	size_t len;
	int ret = vd_root_read(root, path, 0, &text, &len);
	if (ret < 0)
		return ret;
	json_object *o = json_tokener_parse(text), *steps;
	if (!o || !json_object_object_get_ex(o, "steps", &steps) || !json_object_is_type(steps, json_type_array)) {
		json_object_put(o);
		return -EBADMSG;
	}
	size_t n = json_object_array_length(steps);
	txn_init(t, root, id, n);
	t->own_steps = true;
	t->steps = vd_xcalloc(n ? n : 1, sizeof(*t->steps));
	t->created = vd_xstrdup(jget_str(o, "created"));
	const char *state = jget_str(o, "state");
	static const char *const states[] = {"prepared", "not-started", "applying", "applied", "rolled-back",
					     "failed",   "undoing",     "undone",   "undo-failed"};
	t->state = "unknown";
	for (size_t i = 0; state && i < ARRAY_SIZE(states); i++)
		if (strcmp(state, states[i]) == 0)
			t->state = states[i];
	json_object *ev;
	if (json_object_object_get_ex(o, "events", &ev) && json_object_is_type(ev, json_type_array))
		for (size_t i = 0; i < json_object_array_length(ev); i++)
			event(t, "%s", json_object_get_string(json_object_array_get_idx(ev, i)));
	for (size_t i = 0; i < n && ret == 0; i++) {
		json_object *j = json_object_array_get_idx(steps, i);
		struct vd_step *s = &t->steps[i];
		s->kind = vd_step_kind_find(jget_str(j, "kind"));
		if (!s->kind) {
			ret = -EBADMSG;
			break;
		}
		s->target = vd_xstrdup(jget_str(j, "target"));
		s->why = vd_xstrdup(jget_str(j, "why"));
		s->note = vd_xstrdup(jget_str(j, "note"));
		s->undo_cmd = vd_xstrdup(jget_str(j, "undo_command"));
		s->flags = (unsigned)jget_int(j, "flags", 0);
		s->had_old = jget_bool(j, "had_old");
		s->has_new = jget_bool(j, "has_new");
		s->old_mode = (mode_t)jget_int(j, "old_mode", 0);
		s->mode = (mode_t)jget_int(j, "mode", 0);
		s->old_uid = (uid_t)jget_int(j, "uid", -1);
		s->old_gid = (gid_t)jget_int(j, "gid", -1);
		t->st[i] = state_parse(jget_str(j, "state"));
		t->detail[i] = vd_xstrdup(jget_str(j, "detail"));
		if (!s->target)
			ret = -EBADMSG;
		for (int w = 0; data && ret == 0 && w < 2; w++) {
			if (!(w ? s->has_new : s->had_old))
				continue;
			_cleanup_free_ char *f = data_path(t, i, w ? "new" : "old");
			char *d;
			size_t l;
			ret = vd_root_read(root, f, 64u << 20, &d, &l);
			if (ret == 0) {
				if (w) {
					s->new = d;
					s->new_len = l;
				} else {
					s->old = d;
					s->old_len = l;
				}
			}
		}
	}
	json_object_put(o);
	if (ret < 0)
		txn_free(t);
	return ret;
}

static int cmp_desc(const void *a, const void *b)
{
	return strcmp(*(char *const *)b, *(char *const *)a);
}

/* Has the user changed a file since the transaction wrote it? Undo would
 * throw their change away: refuse, naming the file. */
static int changed_since(struct txn *t, char **error)
{
	for (size_t i = 0; i < t->n; i++) {
		const struct vd_step *s = &t->steps[i];
		if (s->kind != &vd_step_file || !may_be_applied(t->st[i]))
			continue;
		_cleanup_free_ char *cur = NULL;
		size_t len = 0;
		int ret = vd_root_read(t->root, s->target, 64u << 20, &cur, &len);
		bool present = ret == 0;
		if (ret < 0 && ret != -ENOENT)
			return ret;
		bool is_new = present == s->has_new && (!present || (len == s->new_len && !memcmp(cur, s->new, len)));
		bool is_old = present == s->had_old && (!present || (len == s->old_len && !memcmp(cur, s->old, len)));
		if (!is_new && !is_old) {
			*error = vd_xasprintf("%s was changed after transaction %s wrote it; undo would lose that change "
					      "(its backup is %s/%03zu.old)",
					      s->target, t->id, t->dir, i + 1);
			return -ESTALE;
		}
	}
	return 0;
}

int vd_txn_undo(struct vd_root *root, const char *id, const struct vd_txn_opts *o, struct vd_txn_result *res)
{
	struct txn t;
	bool found = false;
	char *error = NULL;
	int ret;

	memset(res, 0, sizeof(*res));
	res->failed_step = -1;
	char **names = NULL;
	ret = vd_root_list(root, VD_TXN_DIR, &names);
	if (ret < 0 && ret != -ENOENT)
		return ret;
	size_t nn = vd_strv_len(names);
	if (nn)
		qsort(names, nn, sizeof(char *), cmp_desc);
	for (size_t k = 0; k < nn && !found; k++) {
		if (id && strcmp(names[k], id) != 0)
			continue;
		if (txn_load(root, names[k], false, &t) < 0)
			continue;
		for (size_t i = 0; i < t.n && !found; i++)
			found = may_be_applied(t.st[i]);
		txn_free(&t);
		if (found)
			ret = txn_load(root, names[k], true, &t);
		else if (id)
			break;
	}
	vd_strv_free(names);
	if (!found) {
		res->error = id ? vd_xasprintf("transaction %s left nothing to undo (or does not exist)", id)
				: vd_xstrdup("there is no transaction to undo");
		return -ENOENT;
	}
	if (ret < 0) {
		res->error = vd_xasprintf("cannot read the backups of the transaction: %s", strerror(-ret));
		return ret;
	}
	ret = changed_since(&t, &error);
	if (ret < 0) {
		result(&t, res, error ? error : strerror(-ret), -1);
		free(error);
		txn_free(&t);
		return ret;
	}
	t.state = "undoing";
	_cleanup_free_ char *when = vd_utc_now("%Y-%m-%dT%H:%M:%SZ");
	event(&t, "%s: undo", when);
	ret = journal_write(&t);
	if (ret < 0) {
		error = vd_xasprintf("could not write the journal: %s; nothing was changed", strerror(-ret));
		result(&t, res, error, -1);
		free(error);
		txn_free(&t);
		return ret;
	}
	ret = unwind(&t, o, VD_ST_UNDONE, &error);
	t.state = ret < 0 ? "undo-failed" : "undone";
	event(&t, "%s", t.state);
	int jret = journal_write(&t);
	if (ret == 0 && jret < 0)
		error = vd_xasprintf("undone, but the journal could not be updated: %s", strerror(-jret));
	result(&t, res, error, -1);
	free(error);
	txn_free(&t);
	return ret;
}

int vd_txn_list(const struct vd_root *root, struct vd_txn_info **out, size_t *n)
{
	char **names = NULL;
	struct vd_txn_info *v = NULL;
	size_t k = 0, cap = 0;
	int ret = vd_root_list(root, VD_TXN_DIR, &names);

	*out = NULL;
	*n = 0;
	if (ret == -ENOENT)
		return 0;
	if (ret < 0)
		return ret;
	for (char **p = names; *p; p++) {
		struct txn t;
		if (txn_load((struct vd_root *)root, *p, false, &t) < 0)
			continue;
		struct vd_txn_info *i = VD_PUSH(v, k, cap);
		struct vd_str s = {0};
		for (size_t j = 0; j < t.n; j++)
			vd_str_addf(&s, "%s%s %s (%s)", j ? "; " : "", t.steps[j].kind->name, t.steps[j].target,
				    vd_step_state_name(t.st[j]));
		i->id = vd_xstrdup(t.id);
		i->created = vd_xstrdup(t.created ? t.created : "?");
		i->state = vd_xstrdup(t.state);
		i->summary = vd_str_steal(&s);
		txn_free(&t);
	}
	vd_strv_free(names);
	*out = v;
	*n = k;
	return 0;
}

void vd_txn_info_free(struct vd_txn_info *t, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(t[i].id);
		free(t[i].created);
		free(t[i].state);
		free(t[i].summary);
	}
	free(t);
}
