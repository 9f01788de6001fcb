// SPDX-License-Identifier: GPL-2.0-or-later
/* Findings (see finding.h). */
#include "finding.h"

#include <stdarg.h>
#include <string.h>

#include "check.h"

static const char *const severity_names[VD_NSEVERITY] = {
	[VD_PASS] = "pass", [VD_INFO] = "info", [VD_WARN] = "warn", [VD_FAIL] = "fail", [VD_UNKNOWN] = "unknown",
};

static const char *const fix_kind_names[VD_NFIXKIND] = {
	[VD_FIX_KPARAM] = "kernel-parameter", [VD_FIX_FILE] = "file",     [VD_FIX_RUNTIME] = "runtime",
	[VD_FIX_COMMAND] = "command",         [VD_FIX_XML] = "domain-xml", [VD_FIX_MANUAL] = "manual",
	[VD_FIX_QEMU_ARG] = "qemu-arg",
};

const char *vd_severity_name(enum vd_severity s)
{
	return s < VD_NSEVERITY ? severity_names[s] : "?";
}

const char *vd_fix_kind_name(enum vd_fix_kind k)
{
	return k < VD_NFIXKIND ? fix_kind_names[k] : "?";
}

const char *vd_fix_op_name(enum vd_fix_op op)
{
	switch (op) {
	case VD_OP_ADD:
		return "add";
	case VD_OP_REMOVE:
		return "remove";
	case VD_OP_SET:
		return "set";
	}
	return "?";
}

struct vd_finding *vd_finding_add(struct vd_findings *fs, const struct vd_check *c, enum vd_severity sev,
				  const char *subject, const char *fmt, ...)
{
	struct vd_finding *f = VD_PUSH(fs->f, fs->n, fs->cap);
	struct vd_str m = {0};
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&m, fmt, ap);
	va_end(ap);
	f->id = vd_xstrdup(c->id);
	f->title = vd_xstrdup(c->title);
	f->section = c->section;
	f->severity = sev;
	f->subject = vd_xstrdup(subject);
	f->message = vd_str_steal(&m);
	return f;
}

void vd_finding_hint(struct vd_finding *f, const char *fmt, ...)
{
	struct vd_str m = {0};
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&m, fmt, ap);
	va_end(ap);
	free(f->hint);
	f->hint = vd_str_steal(&m);
}

void vd_finding_evidence(struct vd_finding *f, const char *source, const char *fmt, ...)
{
	struct vd_evidence *e = VD_PUSH(f->ev, f->nev, f->capev);
	struct vd_str m = {0};
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&m, fmt, ap);
	va_end(ap);
	e->source = vd_xstrdup(source);
	e->value = vd_str_steal(&m);
}

struct vd_fix *vd_finding_fix(struct vd_finding *f, enum vd_fix_kind kind, enum vd_fix_op op, const char *target,
			      const char *value)
{
	struct vd_fix *x = VD_PUSH(f->fix, f->nfix, f->capfix);
	x->kind = kind;
	x->op = op;
	x->target = vd_xstrdup(target);
	x->value = vd_xstrdup(value);
	x->mode = kind == VD_FIX_FILE ? 0644 : 0;
	return x;
}

void vd_findings_done(struct vd_findings *fs)
{
	for (size_t i = 0; i < fs->n; i++) {
		struct vd_finding *f = &fs->f[i];
		free(f->id);
		free(f->subject);
		free(f->title);
		free(f->message);
		free(f->hint);
		for (size_t j = 0; j < f->nev; j++) {
			free(f->ev[j].source);
			free(f->ev[j].value);
		}
		free(f->ev);
		for (size_t j = 0; j < f->nfix; j++) {
			free(f->fix[j].target);
			free(f->fix[j].value);
		}
		free(f->fix);
	}
	free(fs->f);
	memset(fs, 0, sizeof(*fs));
}

void vd_findings_count(const struct vd_findings *fs, size_t counts[VD_NSEVERITY])
{
	memset(counts, 0, sizeof(size_t) * VD_NSEVERITY);
	for (size_t i = 0; i < fs->n; i++)
		counts[fs->f[i].severity]++;
}
