// SPDX-License-Identifier: GPL-2.0-or-later
/* A plan as text (diffs, old → new, commands) and as JSON "vfio-doctor/fix/1". */
#include <json-c/json.h>
#include <string.h>

#include "config.h"
#include "plan.h"
#include "render.h"

static const char *header(const struct vd_step *s, struct vd_str *b)
{
	if (s->kind == &vd_step_file)
		vd_str_addf(b, "%s %s (%s%04o)", !s->has_new ? "remove" : s->had_old ? "change" : "create", s->target,
			    s->had_old && s->has_new && s->old_mode != s->mode ? "mode " : "",
			    (unsigned)(s->has_new ? s->mode : s->old_mode));
	else if (s->kind == &vd_step_dir)
		vd_str_addf(b, "create directory %s", s->target);
	else if (s->kind == &vd_step_runtime)
		vd_str_addf(b, "write %s", s->target);
	else if (s->kind == &vd_step_command)
		vd_str_addf(b, "run: %s", s->target);
	else
		vd_str_addf(b, "%s %s", s->kind->name, s->target);
	return b->s;
}

char *vd_plan_render_text(const struct vd_plan *p, const struct vd_root *root)
{
	struct vd_str o = {0};

	vd_str_addf(&o, "vfio-doctor %s fix: %s\n", VD_VERSION, vd_root_is_live(root) ? "this host" : vd_root_path(root));
	if (p->bootloader)
		vd_str_addf(&o, "Kernel command line configured in: %s\n", p->bootloader);
	vd_str_addc(&o, '\n');
	if (!p->n)
		vd_str_add(&o, "Nothing to change.\n");
	for (size_t i = 0; i < p->n; i++) {
		const struct vd_step *s = &p->step[i];
		struct vd_str h = {0};
		vd_str_addf(&o, "[%zu] %s", i + 1, header(s, &h));
		vd_str_done(&h);
		if (s->why)
			vd_str_addf(&o, "  (%s)", s->why);
		vd_str_addc(&o, '\n');
		struct vd_str d = {0};
		s->kind->describe(s, &d);
		for (const char *q = d.s; q && *q;) {
			size_t w = strcspn(q, "\n");
			vd_str_addf(&o, "    %.*s\n", (int)w, q);
			q += w + (q[w] == '\n');
		}
		vd_str_done(&d);
		if (s->note)
			vd_str_addf(&o, "    note: %s\n", s->note);
	}
	if (p->nmanual) {
		vd_str_add(&o, "\nBy hand:\n");
		for (size_t i = 0; i < p->nmanual; i++)
			vd_str_addf(&o, "  - %s: %s%s%s%s\n", p->manual[i].what, p->manual[i].how, p->manual[i].why ? " (" : "",
				    p->manual[i].why ? p->manual[i].why : "", p->manual[i].why ? ")" : "");
	}
	if (p->nunchanged) {
		vd_str_add(&o, "\nAlready in place:\n");
		for (size_t i = 0; i < p->nunchanged; i++)
			vd_str_addf(&o, "  - %s\n", p->unchanged[i]);
	}
	if (p->nnotes) {
		vd_str_addc(&o, '\n');
		for (size_t i = 0; i < p->nnotes; i++)
			vd_str_addf(&o, "Note: %s\n", p->notes[i]);
	}
	if (p->n)
		vd_str_add(&o, "\nNothing was changed. 'vfio-doctor fix --apply' makes these changes (as root); "
			       "'vfio-doctor undo' reverts them.\n");
	return vd_str_steal(&o);
}

static json_object *jstr(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

/* Text content as a string; binary content (an ACPI table) as null. */
static json_object *content(const char *s, size_t len, bool present)
{
	return present && !memchr(s, '\0', len) ? json_object_new_string_len(s, (int)len) : NULL;
}

char *vd_plan_render_json(const struct vd_plan *p, const struct vd_root *root)
{
	json_object *o = json_object_new_object(), *steps = json_object_new_array(), *man = json_object_new_array(),
		    *unch = json_object_new_array(), *notes = json_object_new_array();

	json_object_object_add(o, "schema", json_object_new_string("vfio-doctor/fix/1"));
	json_object_object_add(o, "version", json_object_new_string(VD_VERSION));
	json_object_object_add(o, "root", json_object_new_string(vd_root_path(root)));
	json_object_object_add(o, "bootloader", jstr(p->bootloader));
	for (size_t i = 0; i < p->n; i++) {
		const struct vd_step *s = &p->step[i];
		json_object *j = json_object_new_object();
		struct vd_str d = {0};
		s->kind->describe(s, &d);
		json_object_object_add(j, "kind", json_object_new_string(s->kind->name));
		json_object_object_add(j, "target", jstr(s->target));
		json_object_object_add(j, "findings", jstr(s->why));
		json_object_object_add(j, "old", content(s->old, s->old_len, s->had_old));
		json_object_object_add(j, "new", content(s->new, s->new_len, s->has_new));
		json_object_object_add(j, "old_mode", s->had_old && s->kind == &vd_step_file ? json_object_new_int((int)s->old_mode) : NULL);
		json_object_object_add(j, "mode", s->mode ? json_object_new_int((int)s->mode) : NULL);
		json_object_object_add(j, "diff", d.len ? json_object_new_string(d.s) : NULL);
		json_object_object_add(j, "run", json_object_new_boolean(!(s->flags & VD_STEP_SKIP)));
		json_object_object_add(j, "undoable", json_object_new_boolean(s->kind->undo && !(s->flags & VD_STEP_NO_UNDO)));
		json_object_object_add(j, "undo_command", jstr(s->undo_cmd));
		json_object_object_add(j, "note", jstr(s->note));
		json_object_array_add(steps, j);
		vd_str_done(&d);
	}
	json_object_object_add(o, "steps", steps);
	for (size_t i = 0; i < p->nmanual; i++) {
		json_object *j = json_object_new_object();
		json_object_object_add(j, "findings", jstr(p->manual[i].why));
		json_object_object_add(j, "target", jstr(p->manual[i].what));
		json_object_object_add(j, "what", jstr(p->manual[i].how));
		json_object_array_add(man, j);
	}
	json_object_object_add(o, "manual", man);
	for (size_t i = 0; i < p->nunchanged; i++)
		json_object_array_add(unch, json_object_new_string(p->unchanged[i]));
	json_object_object_add(o, "unchanged", unch);
	for (size_t i = 0; i < p->nnotes; i++)
		json_object_array_add(notes, json_object_new_string(p->notes[i]));
	json_object_object_add(o, "notes", notes);
	return vd_json_dump(o);
}
