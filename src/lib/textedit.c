// SPDX-License-Identifier: GPL-2.0-or-later
/* Text edits for configuration files (see textedit.h). */
#include "textedit.h"

#include <ctype.h>
#include <string.h>

#include "util.h"

/* ---- lines ---- */

struct lines {
	char **l;
	size_t n, cap;
	bool final_nl; /* the text ended with a newline (or was empty) */
};

static void lines_split(struct lines *ls, const char *s, size_t len)
{
	memset(ls, 0, sizeof(*ls));
	ls->final_nl = true;
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(s + i, '\n', len - i);
		size_t w = nl ? (size_t)(nl - (s + i)) : len - i;
		*VD_PUSH(ls->l, ls->n, ls->cap) = vd_xstrndup(s + i, w);
		i += w + (nl != NULL);
		if (!nl)
			ls->final_nl = false;
	}
}

static void lines_done(struct lines *ls)
{
	for (size_t i = 0; i < ls->n; i++)
		free(ls->l[i]);
	free(ls->l);
}

static char *lines_join(const struct lines *ls)
{
	struct vd_str s = {0};
	for (size_t i = 0; i < ls->n; i++) {
		vd_str_add(&s, ls->l[i]);
		if (i + 1 < ls->n || ls->final_nl)
			vd_str_addc(&s, '\n');
	}
	return vd_str_steal(&s);
}

/* ---- unified diff (Myers, "An O(ND) Difference Algorithm", 1986) ---- */

enum { OP_EQ, OP_DEL, OP_ADD };
struct op {
	int type;
	size_t a, b; /* line indices in a and b */
};

/* Beyond this many edits the diff shows a whole-file replacement: config
 * files are small and the trace grows with the square of the edit count
 * (round d keeps only the 2d+1 diagonals it can reach, not the whole V). */
#define DIFF_MAX_D 2000

static struct op *diff_ops(const struct lines *A, const struct lines *B, size_t *nops)
{
	long N = (long)A->n, M = (long)B->n, max = N + M, D = -1;
	long width = 2 * max + 1;
	long *V = vd_xcalloc((size_t)width, sizeof(long));
	long **trace = NULL;
	size_t ntrace = 0, captrace = 0;
	struct op *ops = NULL;
	size_t n = 0, cap = 0;

	for (long d = 0; d <= max && d <= DIFF_MAX_D; d++) {
		/* V before round d: diagonals -d..d, stored from index 0 */
		long *copy = vd_xmalloc((size_t)(2 * d + 1) * sizeof(long));
		memcpy(copy, V + max - d, (size_t)(2 * d + 1) * sizeof(long));
		*VD_PUSH(trace, ntrace, captrace) = copy;
		for (long k = -d; k <= d; k += 2) {
			long x;
			if (k == -d || (k != d && V[max + k - 1] < V[max + k + 1]))
				x = V[max + k + 1];
			else
				x = V[max + k - 1] + 1;
			long y = x - k;
			while (x < N && y < M && strcmp(A->l[x], B->l[y]) == 0)
				x++, y++;
			V[max + k] = x;
			if (x >= N && y >= M) {
				D = d;
				goto found;
			}
		}
	}
found:
	if (D < 0) {
		/* Too different: delete everything, add everything. */
		for (long i = 0; i < N; i++)
			*VD_PUSH(ops, n, cap) = (struct op){OP_DEL, (size_t)i, 0};
		for (long j = 0; j < M; j++)
			*VD_PUSH(ops, n, cap) = (struct op){OP_ADD, (size_t)N, (size_t)j};
	} else {
		long x = N, y = M;
		for (long d = D; d > 0; d--) {
			long *Vd = trace[d] + d, k = x - y, pk; /* Vd[k] for k in -d..d */
			if (k == -d || (k != d && Vd[k - 1] < Vd[k + 1]))
				pk = k + 1;
			else
				pk = k - 1;
			long px = Vd[pk], py = px - pk;
			while (x > px && y > py) {
				x--, y--;
				*VD_PUSH(ops, n, cap) = (struct op){OP_EQ, (size_t)x, (size_t)y};
			}
			if (pk == k + 1)
				*VD_PUSH(ops, n, cap) = (struct op){OP_ADD, (size_t)x, (size_t)py};
			else
				*VD_PUSH(ops, n, cap) = (struct op){OP_DEL, (size_t)px, (size_t)y};
			x = px, y = py;
		}
		while (x > 0 && y > 0) {
			x--, y--;
			*VD_PUSH(ops, n, cap) = (struct op){OP_EQ, (size_t)x, (size_t)y};
		}
		for (size_t i = 0; i < n / 2; i++) {
			struct op t = ops[i];
			ops[i] = ops[n - 1 - i];
			ops[n - 1 - i] = t;
		}
	}
	for (size_t i = 0; i < ntrace; i++)
		free(trace[i]);
	free(trace);
	free(V);
	*nops = n;
	return ops;
}

/* GNU diff's range: "start,count", ",count" left out when 1; an empty
 * range names the line before it. */
static void range(struct vd_str *s, size_t start, size_t count)
{
	if (count == 1)
		vd_str_addf(s, "%zu", start + 1);
	else
		vd_str_addf(s, "%zu,%zu", count ? start + 1 : start, count);
}

static void diff_line(struct vd_str *s, char tag, const struct lines *ls, size_t i)
{
	vd_str_addc(s, tag);
	vd_str_add(s, ls->l[i]);
	vd_str_addc(s, '\n');
	if (i + 1 == ls->n && !ls->final_nl)
		vd_str_add(s, "\\ No newline at end of file\n");
}

#define CONTEXT 3

char *vd_diff_unified(const char *a, size_t alen, const char *b, size_t blen, const char *label_a,
		      const char *label_b)
{
	struct lines A, B;
	struct vd_str s = {0};
	size_t nops;

	if (alen == blen && (alen == 0 || memcmp(a, b, alen) == 0))
		return vd_xstrdup("");
	lines_split(&A, a ? a : "", a ? alen : 0);
	lines_split(&B, b ? b : "", b ? blen : 0);
	struct op *ops = diff_ops(&A, &B, &nops);

	/* A line that differs only in its missing final newline is a change. */
	for (size_t i = 0; i < nops; i++) {
		if (ops[i].type != OP_EQ)
			continue;
		bool a_last = ops[i].a + 1 == A.n && !A.final_nl, b_last = ops[i].b + 1 == B.n && !B.final_nl;
		if (a_last != b_last) {
			ops = vd_xrealloc(ops, (nops + 1) * sizeof(*ops));
			memmove(&ops[i + 1], &ops[i], (nops - i) * sizeof(*ops));
			nops++;
			ops[i].type = OP_DEL;
			ops[i + 1].type = OP_ADD;
			i++;
		}
	}

	vd_str_addf(&s, "--- %s\n+++ %s\n", label_a ? label_a : "/dev/null", label_b ? label_b : "/dev/null");
	for (size_t i = 0; i < nops;) {
		if (ops[i].type == OP_EQ) {
			i++;
			continue;
		}
		/* A hunk: back up CONTEXT lines, then run until CONTEXT*2+1
		 * equal lines in a row (or the end). */
		size_t start = i >= CONTEXT ? i - CONTEXT : 0;
		while (start < i && ops[start].type != OP_EQ)
			start++;
		size_t end = i, eq = 0;
		for (size_t j = i; j < nops; j++) {
			if (ops[j].type == OP_EQ) {
				if (++eq > 2 * CONTEXT)
					break;
			} else {
				eq = 0;
				end = j;
			}
		}
		size_t stop = end + 1;
		for (size_t c = 0; c < CONTEXT && stop < nops && ops[stop].type == OP_EQ; c++)
			stop++;
		size_t astart = ops[start].a, bstart = ops[start].b, acount = 0, bcount = 0;
		for (size_t j = start; j < stop; j++) {
			acount += ops[j].type != OP_ADD;
			bcount += ops[j].type != OP_DEL;
		}
		vd_str_add(&s, "@@ -");
		range(&s, astart, acount);
		vd_str_add(&s, " +");
		range(&s, bstart, bcount);
		vd_str_add(&s, " @@\n");
		for (size_t j = start; j < stop; j++) {
			if (ops[j].type == OP_EQ)
				diff_line(&s, ' ', &A, ops[j].a);
			else if (ops[j].type == OP_DEL)
				diff_line(&s, '-', &A, ops[j].a);
			else
				diff_line(&s, '+', &B, ops[j].b);
		}
		i = stop;
	}
	free(ops);
	lines_done(&A);
	lines_done(&B);
	return vd_str_steal(&s);
}

/* ---- configuration merges ---- */

enum vd_conf_syntax vd_conf_syntax_for(const char *path)
{
	static const struct {
		const char *dir;
		enum vd_conf_syntax syn;
	} table[] = {
		{"/etc/modprobe.d/", VD_CONF_MODPROBE},
		{"/usr/lib/modprobe.d/", VD_CONF_MODPROBE},
		{"/lib/modprobe.d/", VD_CONF_MODPROBE},
		{"/etc/sysctl.d/", VD_CONF_SYSCTL},
		{"/usr/lib/sysctl.d/", VD_CONF_SYSCTL},
	};
	for (size_t i = 0; path && i < ARRAY_SIZE(table); i++)
		if (vd_startswith(path, table[i].dir))
			return table[i].syn;
	return VD_CONF_PLAIN;
}

/* Whitespace-separated words of a line. */
static char **words(const char *line)
{
	char **v = NULL;
	size_t n = 0, cap = 0;
	for (const char *p = line; *p;) {
		while (*p && isspace((unsigned char)*p))
			p++;
		size_t w = 0;
		while (p[w] && !isspace((unsigned char)p[w]))
			w++;
		if (w)
			*VD_PUSH(v, n, cap) = vd_xstrndup(p, w);
		p += w;
	}
	*VD_PUSH(v, n, cap) = NULL;
	return v;
}

static bool is_comment(const char *line, enum vd_conf_syntax syn)
{
	while (isspace((unsigned char)*line))
		line++;
	return *line == '#' || (syn == VD_CONF_SYSCTL && *line == ';');
}

static bool same_words(const char *a, const char *b)
{
	char **wa = words(a), **wb = words(b);
	size_t i = 0;
	while (wa[i] && wb[i] && strcmp(wa[i], wb[i]) == 0)
		i++;
	bool eq = !wa[i] && !wb[i];
	vd_strv_free(wa);
	vd_strv_free(wb);
	return eq;
}

static char *join_words(char **w)
{
	struct vd_str s = {0};
	for (size_t i = 0; w[i]; i++) {
		if (i)
			vd_str_addc(&s, ' ');
		vd_str_add(&s, w[i]);
	}
	return vd_str_steal(&s);
}

static size_t param_len(const char *w)
{
	return strcspn(w, "=");
}

static bool same_param(const char *a, const char *b)
{
	size_t la = param_len(a), lb = param_len(b);
	if (la != lb)
		return false;
	for (size_t i = 0; i < la; i++) {
		char x = a[i] == '-' ? '_' : a[i], y = b[i] == '-' ? '_' : b[i];
		if (x != y)
			return false;
	}
	return true;
}

/* "options MOD p=v...": set each parameter where the file already sets it
 * for that module (modprobe.d lets the last one win, so a second copy would
 * leave the reader guessing); append those it sets nowhere. */
static void merge_options(struct lines *ls, char **want)
{
	struct vd_str missing = {0};
	for (size_t p = 2; want[p]; p++) {
		bool found = false;
		for (size_t i = 0; i < ls->n && !found; i++) {
			if (is_comment(ls->l[i], VD_CONF_MODPROBE))
				continue;
			char **w = words(ls->l[i]);
			if (w[0] && w[1] && strcmp(w[0], "options") == 0 && vd_streq_dash(w[1], want[1])) {
				for (size_t j = 2; w[j] && !found; j++) {
					if (!same_param(w[j], want[p]))
						continue;
					found = true;
					if (strcmp(w[j], want[p]) != 0) {
						free(w[j]);
						w[j] = vd_xstrdup(want[p]);
						free(ls->l[i]);
						ls->l[i] = join_words(w);
					}
				}
			}
			vd_strv_free(w);
		}
		if (!found)
			vd_str_addf(&missing, " %s", want[p]);
	}
	if (missing.len)
		*VD_PUSH(ls->l, ls->n, ls->cap) = vd_xasprintf("options %s%s", want[1], missing.s);
	vd_str_done(&missing);
}

/* "softdep MOD pre: A post: B": modprobe uses one softdep line per module,
 * so a module the line lacks goes into the existing line's list. */
static void merge_softdep(struct lines *ls, char **want, const char *raw)
{
	for (size_t i = 0; i < ls->n; i++) {
		if (is_comment(ls->l[i], VD_CONF_MODPROBE))
			continue;
		char **w = words(ls->l[i]);
		if (!(w[0] && w[1] && strcmp(w[0], "softdep") == 0 && vd_streq_dash(w[1], want[1]))) {
			vd_strv_free(w);
			continue;
		}
		struct vd_str pre = {0}, post = {0};
		bool changed = false;
		for (int pass = 0; pass < 2; pass++) {
			/* pass 0: the line's own lists; pass 1: what want adds */
			char **src = pass ? want : w;
			struct vd_str *cur = NULL;
			for (size_t j = 2; src[j]; j++) {
				if (strcmp(src[j], "pre:") == 0) {
					cur = &pre;
					continue;
				}
				if (strcmp(src[j], "post:") == 0) {
					cur = &post;
					continue;
				}
				if (!cur)
					continue;
				_cleanup_free_ char *pad = vd_xasprintf(" %s ", src[j]);
				_cleanup_free_ char *have = vd_xasprintf(" %s ", cur->s ? cur->s : "");
				if (strstr(have, pad))
					continue;
				vd_str_addf(cur, "%s%s", cur->len ? " " : "", src[j]);
				changed |= pass == 1;
			}
		}
		if (changed) {
			free(ls->l[i]);
			ls->l[i] = vd_xasprintf("softdep %s%s%s%s%s", w[1], pre.len ? " pre: " : "", pre.len ? pre.s : "",
						post.len ? " post: " : "", post.len ? post.s : "");
		}
		vd_str_done(&pre);
		vd_str_done(&post);
		vd_strv_free(w);
		return;
	}
	*VD_PUSH(ls->l, ls->n, ls->cap) = vd_xstrdup(raw);
}

/* sysctl.d(5): "a.b = v", "a/b=v", a leading '-' ignores errors. */
static char *sysctl_key(const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	if (*line == '-')
		line++;
	size_t w = strcspn(line, "=");
	if (!line[w])
		return NULL;
	char *k = vd_xstrndup(line, w);
	vd_strstrip(k);
	for (char *p = k; *p; p++)
		if (*p == '/')
			*p = '.';
	return k;
}

static void merge_line(struct lines *ls, const char *line, enum vd_conf_syntax syn)
{
	if (syn == VD_CONF_MODPROBE) {
		char **w = words(line);
		if (w[0] && w[1] && strcmp(w[0], "options") == 0) {
			merge_options(ls, w);
			vd_strv_free(w);
			return;
		}
		if (w[0] && w[1] && strcmp(w[0], "softdep") == 0) {
			merge_softdep(ls, w, line);
			vd_strv_free(w);
			return;
		}
		vd_strv_free(w);
	}
	if (syn == VD_CONF_SYSCTL) {
		_cleanup_free_ char *key = sysctl_key(line);
		for (size_t i = 0; key && i < ls->n; i++) {
			if (is_comment(ls->l[i], syn))
				continue;
			_cleanup_free_ char *k = sysctl_key(ls->l[i]);
			if (!k || strcmp(k, key) != 0)
				continue;
			const char *v1 = strchr(ls->l[i], '=') + 1, *v2 = strchr(line, '=') + 1;
			_cleanup_free_ char *a = vd_xstrdup(v1), *b = vd_xstrdup(v2);
			if (strcmp(vd_strstrip(a), vd_strstrip(b)) != 0) {
				free(ls->l[i]);
				ls->l[i] = vd_xstrdup(line);
			}
			return;
		}
	}
	for (size_t i = 0; i < ls->n; i++)
		if (!is_comment(ls->l[i], syn) && same_words(ls->l[i], line))
			return;
	*VD_PUSH(ls->l, ls->n, ls->cap) = vd_xstrdup(line);
}

char *vd_conf_merge(const char *old, const char *want, enum vd_conf_syntax syn)
{
	struct lines ls, wl;
	lines_split(&ls, old ? old : "", old ? strlen(old) : 0);
	lines_split(&wl, want ? want : "", want ? strlen(want) : 0);
	size_t before = ls.n;
	for (size_t i = 0; i < wl.n; i++) {
		_cleanup_free_ char *t = vd_xstrdup(wl.l[i]);
		if (*vd_strstrip(t))
			merge_line(&ls, wl.l[i], syn);
	}
	/* Appended lines end with a newline even if the file's last did not. */
	if (ls.n > before)
		ls.final_nl = true;
	char *out = lines_join(&ls);
	lines_done(&ls);
	lines_done(&wl);
	return out;
}

char *vd_conf_remove(const char *old, const char *want)
{
	struct lines ls, wl;
	lines_split(&ls, old ? old : "", old ? strlen(old) : 0);
	lines_split(&wl, want ? want : "", want ? strlen(want) : 0);
	size_t k = 0;
	for (size_t i = 0; i < ls.n; i++) {
		bool drop = false;
		for (size_t j = 0; j < wl.n && !drop; j++) {
			_cleanup_free_ char *t = vd_xstrdup(wl.l[j]);
			drop = *vd_strstrip(t) && !is_comment(ls.l[i], VD_CONF_PLAIN) && same_words(ls.l[i], wl.l[j]);
		}
		if (drop)
			free(ls.l[i]);
		else
			ls.l[k++] = ls.l[i];
	}
	ls.n = k;
	char *out = lines_join(&ls);
	lines_done(&ls);
	lines_done(&wl);
	return out;
}
