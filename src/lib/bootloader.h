/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Where the kernel command line is configured (GRUB's /etc/default/grub,
 * kernel-install's /etc/kernel/cmdline, Boot Loader Specification entries
 * of systemd-boot or GRUB's blscfg, Pop!_OS's kernelstub), how to edit each
 * without touching anything else, and what regenerates the boot files. */
#pragma once

#include <stddef.h>

#include "cmdline.h"
#include "root.h"

/* Pure editors: text in, text out. 0, or -EINVAL with *why set when the
 * file cannot be edited safely (a shell expansion in GRUB's variable, a
 * $kernelopts indirection in an entry). *out == text when nothing changes. */
int vd_boot_edit_grub(const char *text, const struct vd_kedit *e, size_t n, char **out, const char **why);
int vd_boot_edit_entry(const char *text, const struct vd_kedit *e, size_t n, char **out, const char **why);
int vd_boot_edit_kernel_cmdline(const char *text, const struct vd_kedit *e, size_t n, char **out, const char **why);
int vd_boot_edit_kernelstub(const char *text, const struct vd_kedit *e, size_t n, char **out, const char **why);
/* JSON as Python's json.dump(indent=2) writes it (kernelstub's own format). */
char *vd_json_python_style(const char *json_text);

struct vd_boot_file {
	const char *format; /* "GRUB", "kernel-install", "loader entry", "kernelstub" */
	char *path;         /* root-relative */
	int (*edit)(const char *, const struct vd_kedit *, size_t, char **, const char **);
	char *regen;        /* command that turns this file into what the firmware boots, or NULL */
};

/* Every configuration under the root that holds the kernel command line.
 * release: the running kernel (for kernel-install's image path). */
int vd_boot_find(const struct vd_root *r, const char *release, struct vd_boot_file **out, size_t *n);
void vd_boot_files_free(struct vd_boot_file *f, size_t n);

/* Is program (a bare name) installed under the root, in the usual
 * directories of $PATH? */
bool vd_root_has_program(const struct vd_root *r, const char *program);
