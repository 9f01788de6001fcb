// SPDX-License-Identifier: GPL-2.0-or-later
/* VM source options (--xml, --qemu-cmdline, -c, --domain, --no-vms). */
#include <stdlib.h>

#include "cli.h"
#include "util.h"

static void push(const char ***arr, size_t *n, const char *s)
{
	*arr = vd_xrealloc(*arr, (*n + 1) * sizeof(**arr));
	(*arr)[(*n)++] = s;
}

bool cli_vm_option(struct cli_vm *v, int opt, const char *arg)
{
	switch (opt) {
	case OPT_XML:
		push(&v->xml, &v->nxml, arg);
		break;
	case OPT_QEMU_CMDLINE:
		push(&v->qemu, &v->nqemu, arg);
		break;
	case OPT_DOMAIN:
		push(&v->domains, &v->ndomains, arg);
		break;
	case 'c':
		v->opts.uri = arg;
		break;
	case OPT_NO_VMS:
		v->opts.no_libvirt = v->opts.no_proc = true;
		break;
	default:
		return false;
	}
	v->opts.xml_files = v->xml;
	v->opts.nxml = v->nxml;
	v->opts.qemu_files = v->qemu;
	v->opts.nqemu = v->nqemu;
	v->opts.domains = v->domains;
	v->opts.ndomains = v->ndomains;
	return true;
}

void cli_vm_done(struct cli_vm *v)
{
	free(v->xml);
	free(v->qemu);
	free(v->domains);
	v->xml = v->qemu = v->domains = NULL;
	v->nxml = v->nqemu = v->ndomains = 0;
}
