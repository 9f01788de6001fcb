/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The check registry: one file per check under checks/, one row per check in
 * the table in checks.c (rows listed in checks/list.h). */
#pragma once

#include <errno.h>
#include <stddef.h>
#include <stdio.h>

#include "finding.h"
#include "host.h"

struct vd_check {
	const char *id;       /* stable, kebab-case: "iommu-enabled" */
	const char *title;    /* one line, what is checked */
	const char *section;  /* the troubleshooting page section */
	const char *explain;  /* the page's reasoning, for `explain` */
	const char *looks_at; /* the evidence it reads */
	const char *fixes;    /* what its fix does */
	/* Pure: reads the host, appends findings, prints nothing. */
	void (*run)(const struct vd_check *self, const struct vd_host *h, struct vd_findings *out);
	/* Looks at each VM in h->vms: says nothing when there is none. */
	bool per_vm;
};

extern const struct vd_check *const vd_checks[];
extern const size_t vd_nchecks;

const struct vd_check *vd_check_find(const char *id);
/* Shared by checks: a log event as evidence ("path:line", the message). */
void vd_evidence_log(struct vd_finding *f, const struct vd_host *h, const struct vd_log_event *e);
/* A PCI function as evidence: its sysfs path, label and driver. */
void vd_evidence_dev(struct vd_finding *f, const struct vd_pci_dev *d, const char *what);
/* When the PCI devices could not be listed: an UNKNOWN finding saying why,
 * and true (the check has nothing else to say). */
bool vd_check_pci_unlisted(const struct vd_check *c, const struct vd_host *h, struct vd_findings *out);
/* The kernel parameter that keeps a firmware framebuffer (owner: its name
 * in /proc/iomem or the log, NULL when unknown) off a passthrough card,
 * added to f unless already on the command line; false when none added.
 * Shared by bar-reserve and black-screen so both name the same one. */
bool vd_fix_framebuffer_off(struct vd_finding *f, const struct vd_host *h, const char *owner);

/* Run every check, or those named in the comma-separated list only (NULL:
 * all). -EINVAL with *bad set to the first unknown id. */
int vd_checks_run(const struct vd_host *h, const char *only, struct vd_findings *out, char **bad);
