// SPDX-License-Identifier: GPL-2.0-or-later
/* Text renderer, laid out like virt-host-validate: one line per finding with
 * the verdict in a column, details indented below. */
#include <string.h>

#include "config.h"
#include "render.h"

const char *vd_sev_label(enum vd_severity s)
{
	static const char *const labels[VD_NSEVERITY] = {
		[VD_PASS] = "PASS", [VD_INFO] = "INFO", [VD_WARN] = "WARN", [VD_FAIL] = "FAIL", [VD_UNKNOWN] = "UNKNOWN",
	};
	return s < VD_NSEVERITY ? labels[s] : "?";
}

const char *vd_sev_color(enum vd_severity s)
{
	static const char *const colors[VD_NSEVERITY] = {
		[VD_PASS] = "\033[32m", [VD_INFO] = "\033[36m", [VD_WARN] = "\033[33m", [VD_FAIL] = "\033[31;1m",
		[VD_UNKNOWN] = "\033[35m",
	};
	return s < VD_NSEVERITY ? colors[s] : "";
}

void vd_wrap(struct vd_str *out, const char *first, unsigned indent, const char *text, unsigned width)
{
	unsigned col = 0;
	bool start = true;
	const char *p = text;

	if (width <= indent + 20)
		width = indent + 20;
	while (*p) {
		size_t w = strcspn(p, " \n");
		if (col == 0) {
			if (start && first) {
				vd_str_add(out, first);
				col = (unsigned)strlen(first);
			} else {
				for (unsigned i = 0; i < indent; i++)
					vd_str_addc(out, ' ');
				col = indent;
			}
			start = false;
		} else if (col + 1 + w > width) {
			vd_str_addc(out, '\n');
			for (unsigned i = 0; i < indent; i++)
				vd_str_addc(out, ' ');
			col = indent;
		} else {
			vd_str_addc(out, ' ');
			col++;
		}
		vd_str_addn(out, p, w);
		col += (unsigned)w;
		p += w;
		if (*p == '\n') {
			vd_str_addc(out, '\n');
			col = 0;
			p++;
		}
		while (*p == ' ')
			p++;
	}
	if (col)
		vd_str_addc(out, '\n');
}

char *vd_host_summary(const struct vd_host *h)
{
	struct vd_str s = {0};
	size_t ngpu = 0;

	for (size_t i = 0; i < h->pci.n; i++)
		ngpu += vd_pci_is_gpu(&h->pci.dev[i]);
	vd_str_addf(&s, "%s, Linux %s%s; %zu PCI functions (%zu GPU%s), %zu IOMMU unit%s, %zu IOMMU group%s",
		    h->cpu.model_name ? h->cpu.model_name : "unknown CPU",
		    h->kernel.release ? h->kernel.release : "(unknown release)",
		    vd_host_is_vm(h) ? ", itself a virtual machine" : "", h->pci.n, ngpu, ngpu == 1 ? "" : "s",
		    h->iommu.nunits, h->iommu.nunits == 1 ? "" : "s", h->iommu.ngroups, h->iommu.ngroups == 1 ? "" : "s");
	return vd_str_steal(&s);
}

static void fix_line(struct vd_str *out, const struct vd_fix *x, unsigned width)
{
	_cleanup_free_ char *line = NULL;

	switch (x->kind) {
	case VD_FIX_KPARAM:
		line = vd_xasprintf("kernel command line: %s %s%s%s", vd_fix_op_name(x->op), x->target,
				    x->value ? "=" : "", x->value ? x->value : "");
		break;
	case VD_FIX_FILE:
		line = vd_xasprintf("file %s: %s", x->target,
				    x->op == VD_OP_REMOVE ? "remove lines" : x->op == VD_OP_SET ? "write" : "ensure lines");
		break;
	case VD_FIX_RUNTIME:
		line = vd_xasprintf("write %s to %s", x->value, x->target);
		break;
	case VD_FIX_COMMAND:
		line = vd_xasprintf("run: %s", x->value);
		break;
	case VD_FIX_XML:
		line = vd_xasprintf("domain XML: %s %s%s%s", vd_fix_op_name(x->op), x->target, x->value ? " = " : "",
				    x->value ? x->value : "");
		break;
	case VD_FIX_QEMU_ARG:
		line = vd_xasprintf("QEMU command line: %s %s%s%s", vd_fix_op_name(x->op), x->target, x->value ? " " : "",
				    x->value ? x->value : "");
		break;
	case VD_FIX_MANUAL:
	default:
		line = vd_xasprintf("by hand, %s: %s", x->target, x->value);
		break;
	}
	vd_wrap(out, "    fix: ", 9, line, width);
	if (x->kind == VD_FIX_FILE && x->value) {
		for (const char *p = x->value; *p;) {
			size_t w = strcspn(p, "\n");
			vd_str_add(out, "        | ");
			vd_str_addn(out, p, w);
			vd_str_addc(out, '\n');
			p += w + (p[w] == '\n');
		}
	}
}

char *vd_render_text(const struct vd_host *h, const struct vd_findings *fs, const struct vd_render_opts *o)
{
	unsigned width = o->width ? o->width : 80;
	struct vd_str out = {0};
	size_t counts[VD_NSEVERITY];
	_cleanup_free_ char *summary = vd_host_summary(h);

	vd_str_addf(&out, "vfio-doctor %s: %s\n", VD_VERSION, vd_root_is_live(h->root) ? "this host" : vd_root_path(h->root));
	vd_wrap(&out, NULL, 2, summary, width);
	vd_str_addc(&out, '\n');

	for (size_t i = 0; i < fs->n; i++) {
		const struct vd_finding *f = &fs->f[i];
		if (o->quiet && f->severity == VD_PASS)
			continue;
		_cleanup_free_ char *head = f->subject ? vd_xasprintf("%s (%s)", f->title, f->subject) : vd_xstrdup(f->title);
		const char *label = vd_sev_label(f->severity);
		size_t hl = strlen(head), col = width > 12 ? width - 10 : 60;
		vd_str_add(&out, head);
		vd_str_addc(&out, ' ');
		for (size_t k = hl + 1; k < col; k++)
			vd_str_addc(&out, '.');
		vd_str_add(&out, " : ");
		if (o->color)
			vd_str_addf(&out, "%s%s%s\n", vd_sev_color(f->severity), label, VD_COLOR_RESET);
		else
			vd_str_addf(&out, "%s\n", label);
		vd_wrap(&out, NULL, 4, f->message, width);
		if (f->severity == VD_PASS && !o->verbose)
			continue;
		for (size_t j = 0; j < f->nev; j++) {
			_cleanup_free_ char *e = vd_xasprintf("%s: %s", f->ev[j].source, f->ev[j].value);
			vd_wrap(&out, "    - ", 6, e, width);
		}
		if (f->hint) {
			vd_wrap(&out, "    > ", 6, f->hint, width);
		}
		for (size_t j = 0; j < f->nfix; j++)
			fix_line(&out, &f->fix[j], width);
	}

	vd_findings_count(fs, counts);
	vd_str_addf(&out, "\n%zu passed, %zu info, %zu warning%s, %zu failed, %zu unknown.", counts[VD_PASS],
		    counts[VD_INFO], counts[VD_WARN], counts[VD_WARN] == 1 ? "" : "s", counts[VD_FAIL], counts[VD_UNKNOWN]);
	if (counts[VD_FAIL] || counts[VD_WARN])
		vd_str_add(&out, " 'vfio-doctor explain ID' tells why each matters.");
	vd_str_addc(&out, '\n');
	return vd_str_steal(&out);
}
