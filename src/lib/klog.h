/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Log evidence: the kernel log of this boot (/dev/kmsg, or the syslog
 * interface), of earlier boots (sd-journal), logs the user saved (--log),
 * and libvirt's per-domain QEMU logs, scanned once for the messages in
 * logscan.h. Only matched events are kept, so memory does not grow with the
 * size of the logs. */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "logscan.h"
#include "root.h"

struct vd_log_opts {
	bool skip;          /* --no-logs */
	int boot;           /* 0: this boot (/dev/kmsg); -1, -2...: earlier boots from the journal */
	char *const *files; /* --log FILE..., NULL-terminated; replaces the kernel log when given */
};

struct vd_log_source {
	char *path; /* "/dev/kmsg", "journal boot -1 (<id>)", "/var/log/libvirt/qemu/win10.log", a --log file */
	int err;    /* why it could not be read */
	size_t bytes;
};

struct vd_log_event {
	enum vd_ev kind;
	size_t src;  /* index into sources */
	size_t line;
	char *text;  /* the message body (bounded) */
	char bdf[16];
	int num, num2;
	unsigned long long start, end;
	char word[40];
	bool flag;
};

#define VD_LOG_KEEP_PER_KIND 64

struct vd_klog {
	struct vd_log_source *src;
	size_t nsrc, capsrc;
	struct vd_log_event *ev; /* the first VD_LOG_KEEP_PER_KIND events of each kind */
	size_t nev, capev;
	size_t count[VD_NEV];   /* all matches, kept or not */
	size_t flagged[VD_NEV]; /* of those, the ones with the kind's flag set (MSR: unhandled) */
	bool kernel_log;      /* a kernel log (this or an earlier boot, or --log) was read */
};

int vd_klog_gather(const struct vd_root *root, const struct vd_log_opts *o, struct vd_klog *out);
void vd_klog_done(struct vd_klog *log);
/* Scan text as one more source (used by gather, and by tests). */
void vd_klog_add_text(struct vd_klog *log, const struct vd_logscan *s, const char *name, const char *text, size_t len);

/* Iterate events of a kind: for (i = 0; (e = vd_klog_next(log, kind, &i));) */
const struct vd_log_event *vd_klog_next(const struct vd_klog *log, enum vd_ev kind, size_t *iter);
/* Is e the first kept event of its kind for its PCI address? Checks report
 * a device once however often the log repeats it (every VM start). */
bool vd_klog_first_for_bdf(const struct vd_klog *log, const struct vd_log_event *e);
/* "path:line" for evidence; caller frees. */
char *vd_klog_where(const struct vd_klog *log, const struct vd_log_event *e);
