// SPDX-License-Identifier: GPL-2.0-or-later
/* Editing kernel parameter lists in boot loader configuration (see cmdline.h). */
#include <ctype.h>
#include <string.h>

#include "cmdline.h"
#include "util.h"

enum kclass {
	K_SINGLE, /* one value; a new one replaces it */
	K_LIST,   /* comma-separated options (intel_iommu=on,igfx_off) */
	K_PERDRV, /* video=DRIVER:options, one per driver */
};

/* Parameters whose values are comma lists, per kernel-parameters.txt and
 * the parsers it names (intel_iommu_setup, amd_iommu_setup, iommu_setup,
 * pci_setup, module_blacklist via the module loader, vfio-pci's ids). */
static const struct {
	const char *key;
	enum kclass cls;
} classes[] = {
	{"intel_iommu", K_LIST},     {"amd_iommu", K_LIST},   {"iommu", K_LIST},
	{"pci", K_LIST},             {"module_blacklist", K_LIST}, {"modprobe.blacklist", K_LIST},
	{"vfio-pci.ids", K_LIST},    {"vfio_pci.ids", K_LIST}, {"pcie_acs_override", K_LIST},
	{"video", K_PERDRV},
};

static enum kclass kclass(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(classes); i++)
		if (vd_streq_dash(classes[i].key, key))
			return classes[i].cls;
	return K_SINGLE;
}

struct tok {
	char *sep;  /* whitespace before it, as written */
	char *text; /* NULL: removed */
};

struct toks {
	struct tok *t;
	size_t n, cap;
	char *tail; /* whitespace after the last one */
};

/* Words split as the kernel's next_arg() does: whitespace outside double quotes. */
static void tokenize(const char *s, struct toks *ts)
{
	memset(ts, 0, sizeof(*ts));
	for (;;) {
		size_t ws = 0;
		while (s[ws] && isspace((unsigned char)s[ws]))
			ws++;
		if (!s[ws]) {
			ts->tail = vd_xstrndup(s, ws);
			return;
		}
		size_t i = ws;
		bool q = false;
		for (; s[i] && (q || !isspace((unsigned char)s[i])); i++)
			if (s[i] == '"')
				q = !q;
		struct tok *t = VD_PUSH(ts->t, ts->n, ts->cap);
		t->sep = vd_xstrndup(s, ws);
		t->text = vd_xstrndup(s + ws, i - ws);
		s += i;
	}
}

static void toks_done(struct toks *ts)
{
	for (size_t i = 0; i < ts->n; i++) {
		free(ts->t[i].sep);
		free(ts->t[i].text);
	}
	free(ts->t);
	free(ts->tail);
}

static char *toks_join(const struct toks *ts)
{
	struct vd_str s = {0};
	bool first = true;
	for (size_t i = 0; i < ts->n; i++) {
		if (!ts->t[i].text)
			continue;
		/* The first word keeps the line's leading space, others a separator. */
		vd_str_add(&s, first ? (ts->t[0].sep ? ts->t[0].sep : "") : (*ts->t[i].sep ? ts->t[i].sep : " "));
		vd_str_add(&s, ts->t[i].text);
		first = false;
	}
	vd_str_add(&s, ts->tail ? ts->tail : "");
	return vd_str_steal(&s);
}

/* key and value of a word ("a=b" → "a", "b"; value NULL for a flag). */
static void split(const char *w, char **key, const char **value)
{
	size_t k = strcspn(w, "=");
	*key = vd_xstrndup(w, k);
	*value = w[k] ? w + k + 1 : NULL;
}

static bool list_has(const char *list, const char *opt, size_t olen)
{
	for (const char *p = list; p && *p;) {
		size_t w = strcspn(p, ",");
		if (w == olen && strncmp(p, opt, w) == 0)
			return true;
		p += w + (p[w] == ',');
	}
	return false;
}

/* list with opt added: on and off replace each other. */
static char *list_add(const char *list, const char *opt, size_t olen)
{
	static const char *const exclusive[][2] = {{"on", "off"}, {"off", "on"}};
	struct vd_str s = {0};
	const char *other = NULL;
	for (size_t i = 0; i < ARRAY_SIZE(exclusive); i++)
		if (strlen(exclusive[i][0]) == olen && strncmp(opt, exclusive[i][0], olen) == 0)
			other = exclusive[i][1];
	bool replaced = false;
	for (const char *p = list; p && *p;) {
		size_t w = strcspn(p, ",");
		if (other && w == strlen(other) && strncmp(p, other, w) == 0 && !replaced) {
			vd_str_addf(&s, "%s%.*s", s.len ? "," : "", (int)olen, opt);
			replaced = true;
		} else if (w) {
			vd_str_addf(&s, "%s%.*s", s.len ? "," : "", (int)w, p);
		}
		p += w + (p[w] == ',');
	}
	if (!replaced)
		vd_str_addf(&s, "%s%.*s", s.len ? "," : "", (int)olen, opt);
	return vd_str_steal(&s);
}

static char *list_remove(const char *list, const char *opt, size_t olen)
{
	struct vd_str s = {0};
	for (const char *p = list; p && *p;) {
		size_t w = strcspn(p, ",");
		if (w && !(w == olen && strncmp(p, opt, w) == 0))
			vd_str_addf(&s, "%s%.*s", s.len ? "," : "", (int)w, p);
		p += w + (p[w] == ',');
	}
	return vd_str_steal(&s);
}

static void set_word(struct tok *t, const char *key, const char *value)
{
	free(t->text);
	t->text = value ? vd_xasprintf("%s=%s", key, value) : vd_xstrdup(key);
}

static void add(struct toks *ts, const struct vd_kedit *e)
{
	enum kclass cls = kclass(e->key);
	ssize_t last = -1;
	for (size_t i = 0; i < ts->n; i++) {
		if (!ts->t[i].text)
			continue;
		_cleanup_free_ char *k = NULL;
		const char *v;
		split(ts->t[i].text, &k, &v);
		if (!vd_streq_dash(k, e->key))
			continue;
		if (cls == K_PERDRV && e->value && v) {
			size_t d = strcspn(e->value, ":");
			if (strncmp(v, e->value, d) != 0 || (v[d] != ':' && v[d] != '\0'))
				continue; /* another driver's */
		}
		last = (ssize_t)i;
	}
	if (last < 0) {
		struct tok *t = VD_PUSH(ts->t, ts->n, ts->cap);
		t->sep = vd_xstrdup(ts->n == 1 ? "" : " ");
		t->text = NULL;
		set_word(t, e->key, e->value);
		return;
	}
	struct tok *t = &ts->t[last];
	_cleanup_free_ char *k = NULL;
	const char *v;
	split(t->text, &k, &v);
	if (cls == K_LIST && e->value && v) {
		_cleanup_free_ char *cur = vd_xstrdup(v);
		for (const char *p = e->value; *p;) {
			size_t w = strcspn(p, ",");
			if (w && !list_has(cur, p, w)) {
				char *n = list_add(cur, p, w);
				free(cur);
				cur = n;
			}
			p += w + (p[w] == ',');
		}
		if (strcmp(cur, v) != 0)
			set_word(t, k, cur);
		return;
	}
	if (!vd_streq_ptr(v, e->value))
		set_word(t, k, e->value);
}

static void remove_(struct toks *ts, const struct vd_kedit *e)
{
	enum kclass cls = kclass(e->key);
	for (size_t i = 0; i < ts->n; i++) {
		struct tok *t = &ts->t[i];
		if (!t->text)
			continue;
		_cleanup_free_ char *k = NULL;
		const char *v;
		split(t->text, &k, &v);
		if (!vd_streq_dash(k, e->key))
			continue;
		if (!e->value) {
			free(t->text);
			t->text = NULL;
		} else if (cls == K_LIST && v) {
			_cleanup_free_ char *cur = vd_xstrdup(v);
			for (const char *p = e->value; *p;) {
				size_t w = strcspn(p, ",");
				char *n = list_remove(cur, p, w);
				free(cur);
				cur = n;
				p += w + (p[w] == ',');
			}
			if (!*cur) {
				free(t->text);
				t->text = NULL;
			} else if (strcmp(cur, v) != 0) {
				set_word(t, k, cur);
			}
		} else if (vd_streq_ptr(v, e->value)) {
			free(t->text);
			t->text = NULL;
		}
	}
}

char *vd_cmdline_edit(const char *line, const struct vd_kedit *e, size_t n)
{
	struct toks ts;
	tokenize(line ? line : "", &ts);
	for (size_t i = 0; i < n; i++) {
		if (!e[i].key || !*e[i].key)
			continue;
		if (e[i].op == VD_KEDIT_ADD)
			add(&ts, &e[i]);
		else
			remove_(&ts, &e[i]);
	}
	char *out = toks_join(&ts);
	toks_done(&ts);
	return out;
}

bool vd_cmdline_edit_is_noop(const char *line, const struct vd_kedit *e, size_t n)
{
	_cleanup_free_ char *out = vd_cmdline_edit(line, e, n);
	return strcmp(out, line ? line : "") == 0;
}
