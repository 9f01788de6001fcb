// SPDX-License-Identifier: GPL-2.0-or-later
/* A unified line diff (longest common subsequence; domain XMLs are a few
 * hundred lines) for showing what a fix changes. */
#include <string.h>

#include "domain-edit.h"
#include "util.h"

struct lines {
	const char **l;
	size_t *len;
	size_t n;
};

static void split(const char *s, struct lines *out)
{
	size_t cap = 0, capl = 0, n = 0;
	out->l = NULL;
	out->len = NULL;
	for (const char *p = s; *p;) {
		size_t w = strcspn(p, "\n");
		*VD_PUSH(out->l, n, cap) = p;
		n--;
		*VD_PUSH(out->len, n, capl) = w;
		p += w + (p[w] == '\n');
	}
	out->n = n;
}

static bool same(const struct lines *a, size_t i, const struct lines *b, size_t j)
{
	return a->len[i] == b->len[j] && !memcmp(a->l[i], b->l[j], a->len[i]);
}

char *vd_diff_unified(const char *sa, const char *sb, const char *label_a, const char *label_b)
{
	struct lines a, b;
	struct vd_str out = {0};

	split(sa, &a);
	split(sb, &b);
	/* lcs[i][j]: LCS length of a[i..] and b[j..] */
	size_t w = b.n + 1;
	unsigned *lcs = vd_xcalloc((a.n + 1) * w, sizeof(unsigned));
	for (size_t i = a.n; i-- > 0;)
		for (size_t j = b.n; j-- > 0;)
			lcs[i * w + j] = same(&a, i, &b, j) ? lcs[(i + 1) * w + j + 1] + 1
							   : (lcs[(i + 1) * w + j] > lcs[i * w + j + 1] ? lcs[(i + 1) * w + j]
													: lcs[i * w + j + 1]);
	/* edit script: 0 keep, 1 delete (a), 2 insert (b) */
	size_t cap = 0, n = 0;
	struct op {
		int kind;
		size_t i, j;
	} *ops = NULL;
	size_t i = 0, j = 0;
	while (i < a.n || j < b.n) {
		struct op *o = VD_PUSH(ops, n, cap);
		o->i = i;
		o->j = j;
		if (i < a.n && j < b.n && same(&a, i, &b, j)) {
			o->kind = 0;
			i++, j++;
		} else if (j < b.n && (i == a.n || lcs[i * w + j + 1] >= lcs[(i + 1) * w + j])) {
			o->kind = 2;
			j++;
		} else {
			o->kind = 1;
			i++;
		}
	}
	free(lcs);
	bool any = false;
	for (size_t k = 0; k < n; k++)
		any |= ops[k].kind != 0;
	if (any)
		vd_str_addf(&out, "--- %s\n+++ %s\n", label_a, label_b);
	const size_t ctx = 3;
	for (size_t k = 0; k < n;) {
		if (ops[k].kind == 0) {
			k++;
			continue;
		}
		size_t s = k >= ctx ? k - ctx : 0, e = k;
		/* extend the hunk while changes are within 2*ctx of each other */
		for (size_t last = k; e < n; e++) {
			if (ops[e].kind != 0)
				last = e;
			else if (e - last > 2 * ctx)
				break;
		}
		while (e > k && ops[e - 1].kind == 0 && e - 1 > k) {
			size_t trail = 0;
			for (size_t t = e; t-- > k && ops[t].kind == 0;)
				trail++;
			if (trail <= ctx)
				break;
			e--;
		}
		size_t na = 0, nb = 0;
		for (size_t t = s; t < e; t++) {
			na += ops[t].kind != 2;
			nb += ops[t].kind != 1;
		}
		vd_str_addf(&out, "@@ -%zu,%zu +%zu,%zu @@\n", ops[s].i + (na ? 1 : 0), na, ops[s].j + (nb ? 1 : 0), nb);
		for (size_t t = s; t < e; t++) {
			const struct op *o = &ops[t];
			char c = o->kind == 0 ? ' ' : o->kind == 1 ? '-' : '+';
			const struct lines *L = o->kind == 2 ? &b : &a;
			size_t idx = o->kind == 2 ? o->j : o->i;
			vd_str_addc(&out, c);
			vd_str_addn(&out, L->l[idx], L->len[idx]);
			vd_str_addc(&out, '\n');
		}
		k = e;
	}
	free(ops);
	free(a.l);
	free(a.len);
	free(b.l);
	free(b.len);
	return vd_str_steal(&out);
}
