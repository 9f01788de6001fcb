// SPDX-License-Identifier: GPL-2.0-or-later
/* The step kind table and the plan's step constructors (see plan.h). */
#include <stdarg.h>
#include <string.h>

#include "plan.h"

const struct vd_step_kind *const vd_step_kinds[] = {
#define STEP_KIND(name) &vd_step_##name,
#include "steps/list.h"
#undef STEP_KIND
};

const size_t vd_nstep_kinds = ARRAY_SIZE(vd_step_kinds);

const struct vd_step_kind *vd_step_kind_find(const char *name)
{
	for (size_t i = 0; name && i < vd_nstep_kinds; i++)
		if (strcmp(vd_step_kinds[i]->name, name) == 0)
			return vd_step_kinds[i];
	return NULL;
}

struct vd_step *vd_plan_add_step(struct vd_plan *p, const struct vd_step_kind *kind, const char *target,
				 const char *why)
{
	struct vd_step *s = VD_PUSH(p->step, p->n, p->cap);
	memset(s, 0, sizeof(*s));
	s->kind = kind;
	s->target = vd_xstrdup(target);
	s->why = vd_xstrdup(why);
	s->old_uid = (uid_t)-1;
	s->old_gid = (gid_t)-1;
	return s;
}

static char *copy_bytes(const char *data, size_t len)
{
	char *c = vd_xmalloc(len + 1);
	if (len)
		memcpy(c, data, len);
	c[len] = '\0';
	return c;
}

void vd_step_set_old(struct vd_step *s, const char *data, size_t len)
{
	free(s->old);
	s->old = data ? copy_bytes(data, len) : NULL;
	s->old_len = data ? len : 0;
	s->had_old = data != NULL;
}

void vd_step_set_new(struct vd_step *s, const char *data, size_t len)
{
	free(s->new);
	s->new = data ? copy_bytes(data, len) : NULL;
	s->new_len = data ? len : 0;
	s->has_new = data != NULL;
}

void vd_step_done(struct vd_step *s)
{
	free(s->target);
	free(s->old);
	free(s->new);
	free(s->undo_cmd);
	free(s->why);
	free(s->note);
	memset(s, 0, sizeof(*s));
}

void vd_plan_add_manual(struct vd_plan *p, const char *why, const char *what, const char *how)
{
	for (size_t i = 0; i < p->nmanual; i++)
		if (vd_streq_ptr(p->manual[i].what, what) && vd_streq_ptr(p->manual[i].how, how))
			return;
	struct vd_manual *m = VD_PUSH(p->manual, p->nmanual, p->capmanual);
	m->why = vd_xstrdup(why);
	m->what = vd_xstrdup(what);
	m->how = vd_xstrdup(how);
}

void vd_plan_add_note(struct vd_plan *p, const char *fmt, ...)
{
	struct vd_str s = {0};
	va_list ap;
	va_start(ap, fmt);
	vd_str_vaddf(&s, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < p->nnotes; i++)
		if (strcmp(p->notes[i], s.s) == 0) {
			vd_str_done(&s);
			return;
		}
	*VD_PUSH(p->notes, p->nnotes, p->capnotes) = vd_str_steal(&s);
}

void vd_plan_done(struct vd_plan *p)
{
	for (size_t i = 0; i < p->n; i++)
		vd_step_done(&p->step[i]);
	free(p->step);
	for (size_t i = 0; i < p->nmanual; i++) {
		free(p->manual[i].why);
		free(p->manual[i].what);
		free(p->manual[i].how);
	}
	free(p->manual);
	for (size_t i = 0; i < p->nnotes; i++)
		free(p->notes[i]);
	free(p->notes);
	for (size_t i = 0; i < p->nunchanged; i++)
		free(p->unchanged[i]);
	free(p->unchanged);
	free(p->bootloader);
	memset(p, 0, sizeof(*p));
}
