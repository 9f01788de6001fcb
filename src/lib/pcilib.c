// SPDX-License-Identifier: GPL-2.0-or-later
/* libpci (pciutils) behind a small interface (see pcilib.h). */
#include "pcilib.h"

#include <errno.h>
#include <pci/pci.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define CONFIG_SPACE 4096

struct vd_pcilib {
	struct pci_access *acc;
	char *ids_path;
	bool names_ok;
};

/* libpci reports fatal errors through acc->error, which must not return
 * (pciutils lib/init.c: the default calls exit(1)) and gets no context
 * pointer. The one way to keep the process alive is to unwind to the libpci
 * call that failed; the jump target lives in thread-local storage only for
 * the duration of that call. This is the only file-scope mutable state in
 * the library, and libpci's callback signature is why. */
static _Thread_local jmp_buf *pcilib_unwind;

static void pcilib_error(char *msg, ...) __attribute__((noreturn));
static void pcilib_error(char *msg, ...)
{
	(void)msg;
	if (pcilib_unwind)
		longjmp(*pcilib_unwind, 1);
	abort();
}

static void pcilib_quiet(char *msg, ...)
{
	(void)msg;
}

#define GUARDED(failed_expr, body)                                                                 \
	do {                                                                                       \
		jmp_buf _env;                                                                      \
		jmp_buf *_saved = pcilib_unwind;                                                   \
		if (setjmp(_env)) {                                                                \
			pcilib_unwind = _saved;                                                    \
			failed_expr;                                                               \
		} else {                                                                           \
			pcilib_unwind = &_env;                                                     \
			body;                                                                      \
			pcilib_unwind = _saved;                                                    \
		}                                                                                  \
	} while (0)

/* Where a root keeps pci.ids on the distributions we know (pciutils' IDSDIR
 * is /usr/share/misc on Debian, /usr/share/hwdata on Fedora and Arch). */
static const char *const ids_candidates[] = {
	"/usr/share/misc/pci.ids",
	"/usr/share/hwdata/pci.ids",
	"/usr/share/pci.ids",
};

int vd_pcilib_new(const struct vd_root *root, struct vd_pcilib **out)
{
	struct vd_pcilib *pl = vd_xcalloc(1, sizeof(*pl));
	struct pci_access *acc = pci_alloc();
	volatile int ret = 0;

	if (!acc) {
		free(pl);
		return -ENOMEM;
	}
	acc->error = pcilib_error;
	acc->warning = pcilib_quiet;
	acc->debug = pcilib_quiet;
	/* hwdb and DNS are this machine's, not the root's: names only from a file. */
	acc->id_lookup_mode = PCI_LOOKUP_NO_HWDB;
	acc->method = PCI_ACCESS_SYS_BUS_PCI;
	pl->acc = acc;

	/* libpci never reads a device here (vd_pcilib_caps hands it a full
	 * config image), but should it ever fall back to its own reads they
	 * must land in the same root. */
	_cleanup_free_ char *sysfs = NULL;
	if (vd_root_abspath(root, "/sys/bus/pci", &sysfs) == 0)
		pci_set_param(acc, "sysfs.path", sysfs);

	for (size_t i = 0; i < ARRAY_SIZE(ids_candidates) && !pl->ids_path; i++) {
		/* pci.ids is the tool's dictionary, not evidence: resolved
		 * without a trace, so snapshots don't carry a copy. */
		char *abs = NULL;
		if (vd_root_abspath(root, ids_candidates[i], &abs) == 0)
			pl->ids_path = abs;
	}
	if (!pl->ids_path)
		pl->ids_path = vd_xstrdup(acc->id_file_name); /* libpci's compiled-in default */
	pci_set_name_list_path(acc, pl->ids_path, 0);

	GUARDED(ret = -EIO, pci_init(acc));
	if (ret < 0) {
		vd_pcilib_free(pl);
		return ret;
	}
	int loaded = 0;
	GUARDED(loaded = 0, loaded = pci_load_name_list(acc));
	pl->names_ok = loaded;
	if (!loaded) {
		/* A missing or corrupt pci.ids only costs names. */
		acc->numeric_ids = 1;
		free(pl->ids_path);
		pl->ids_path = NULL;
		pci_set_name_list_path(acc, NULL, 0);
	}
	*out = pl;
	return 0;
}

void vd_pcilib_free(struct vd_pcilib *pl)
{
	if (!pl)
		return;
	if (pl->acc) {
		GUARDED((void)0, pci_cleanup(pl->acc));
	}
	free(pl->ids_path);
	free(pl);
}

const char *vd_pcilib_ids_path(const struct vd_pcilib *pl)
{
	return pl->ids_path;
}

static char *lookup(struct vd_pcilib *pl, int flags, unsigned a, unsigned b, unsigned c, unsigned d)
{
	char buf[256];
	char *volatile res = NULL;

	if (!pl->names_ok)
		return NULL;
	GUARDED(res = NULL,
		res = pci_lookup_name(pl->acc, buf, sizeof(buf), flags | PCI_LOOKUP_NO_NUMBERS, a, b, c, d));
	return res ? vd_xstrdup(res) : NULL;
}

void vd_pcilib_names(struct vd_pcilib *pl, uint16_t vendor, uint16_t device, uint32_t class24,
		     struct vd_pci_names *out)
{
	memset(out, 0, sizeof(*out));
	out->vendor = lookup(pl, PCI_LOOKUP_VENDOR, vendor, 0, 0, 0);
	out->device = lookup(pl, PCI_LOOKUP_DEVICE, vendor, device, 0, 0);
	out->class_name = lookup(pl, PCI_LOOKUP_CLASS, class24 >> 8, 0, 0, 0);
}

void vd_pci_names_done(struct vd_pci_names *n)
{
	free(n->vendor);
	free(n->device);
	free(n->class_name);
	memset(n, 0, sizeof(*n));
}

int vd_pcilib_caps(struct vd_pcilib *pl, const uint8_t *config, size_t len, vd_cap_visitor visit, void *ctx)
{
	uint8_t image[CONFIG_SPACE];
	struct pci_dev *volatile d = NULL;
	volatile int ret = 0;

	memset(image, 0xff, sizeof(image));
	memcpy(image, config, len < sizeof(image) ? len : sizeof(image));

	GUARDED(ret = -EIO, {
		d = pci_get_dev(pl->acc, 0, 0, 0, 0);
		pci_setup_cache(d, image, sizeof(image));
		pci_fill_info(d, PCI_FILL_CAPS | PCI_FILL_EXT_CAPS);
	});
	if (ret == 0)
		for (struct pci_cap *c = d->first_cap; c; c = c->next)
			visit(ctx, c->type == PCI_CAP_EXTENDED ? VD_CAP_EXT : VD_CAP_STD, c->id, c->addr);
	if (d) {
		GUARDED((void)0, pci_free_dev(d));
	}
	return ret;
}
