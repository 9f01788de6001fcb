/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Findings: what a check concluded, the evidence, and the fix as data. */
#pragma once

#include <stddef.h>

#include "util.h"

/* Ordered by how much a user must care; the exit code follows FAIL. */
enum vd_severity {
	VD_PASS,
	VD_INFO,
	VD_WARN,
	VD_FAIL,
	VD_UNKNOWN, /* could not decide; the message says why */
	VD_NSEVERITY,
};

const char *vd_severity_name(enum vd_severity s); /* "pass", "info", ... */

enum vd_fix_kind {
	VD_FIX_KPARAM,  /* kernel command line: target = name, value = value or NULL */
	VD_FIX_FILE,    /* target = path; value = lines that must be in it */
	VD_FIX_RUNTIME, /* target = sysfs/procfs path; value = what to write */
	VD_FIX_COMMAND, /* value = a command line to run */
	VD_FIX_XML,     /* target = path in the domain XML (domain-edit.h), value = attribute value(s) or arguments */
	VD_FIX_MANUAL,  /* something only the user can do (firmware, hardware) */
	VD_FIX_QEMU_ARG, /* QEMU command line: target = option ("-machine"), value = its new argument */
	VD_NFIXKIND,
};

enum vd_fix_op { VD_OP_ADD, VD_OP_REMOVE, VD_OP_SET };

const char *vd_fix_kind_name(enum vd_fix_kind k);
const char *vd_fix_op_name(enum vd_fix_op op);

struct vd_fix {
	enum vd_fix_kind kind;
	enum vd_fix_op op;
	char *target;
	char *value;
	unsigned mode; /* for files: 0644 config, 0755 hooks */
};

struct vd_evidence {
	char *source; /* a root-relative path, optionally ":line" */
	char *value;  /* what was seen there */
};

struct vd_finding {
	char *id; /* the check's id: stable, kebab-case */
	enum vd_severity severity;
	char *subject; /* "0000:01:00.0", "IOMMU group 12"; NULL: the host */
	char *title;
	char *message; /* what is the case, and why it matters */
	char *hint;    /* what to do, in words */
	const char *section; /* the troubleshooting page section it comes from */
	struct vd_evidence *ev;
	size_t nev, capev;
	struct vd_fix *fix;
	size_t nfix, capfix;
};

struct vd_findings {
	struct vd_finding *f;
	size_t n, cap;
};

struct vd_check;

struct vd_finding *vd_finding_add(struct vd_findings *fs, const struct vd_check *c, enum vd_severity sev,
				  const char *subject, const char *fmt, ...) _printf_(5, 6);
void vd_finding_hint(struct vd_finding *f, const char *fmt, ...) _printf_(2, 3);
void vd_finding_evidence(struct vd_finding *f, const char *source, const char *fmt, ...) _printf_(3, 4);
struct vd_fix *vd_finding_fix(struct vd_finding *f, enum vd_fix_kind kind, enum vd_fix_op op, const char *target,
			      const char *value);
void vd_findings_done(struct vd_findings *fs);
/* How many findings there are of each severity. */
void vd_findings_count(const struct vd_findings *fs, size_t counts[VD_NSEVERITY]);
