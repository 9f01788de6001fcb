// SPDX-License-Identifier: GPL-2.0-or-later
/* Kernel command line parser (see cmdline.h). */
#include "cmdline.h"

#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "util.h"

static void push(struct vd_cmdline *cl, size_t *cap, char *key, char *value)
{
	struct vd_kparam *p = VD_PUSH(cl->p, cl->n, *cap);
	p->key = key;
	p->value = value;
}

int vd_cmdline_parse(const char *text, struct vd_cmdline *out)
{
	size_t cap = 0;
	bool init = false;

	if (!text)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	const char *s = text;
	for (;;) {
		while (*s && isspace((unsigned char)*s))
			s++;
		if (!*s)
			break;
		bool in_quote = false;
		size_t i, equals = 0;
		for (i = 0; s[i]; i++) {
			if (isspace((unsigned char)s[i]) && !in_quote)
				break;
			if (equals == 0 && s[i] == '=')
				equals = i;
			if (s[i] == '"')
				in_quote = !in_quote;
		}
		char *arg = vd_xstrndup(s, i);
		s += i;

		/* Strip quotes as next_arg() does: a leading one on the word,
		 * and a pair around the value. */
		char *a = arg;
		size_t len = strlen(a);
		if (a[0] == '"') {
			a++;
			len--;
			if (equals)
				equals--;
			if (len && a[len - 1] == '"')
				a[--len] = '\0';
		}
		char *key, *value = NULL;
		if (equals) {
			key = vd_xstrndup(a, equals);
			char *v = a + equals + 1;
			size_t vl = strlen(v);
			if (v[0] == '"') {
				v++;
				vl--;
				if (vl && v[vl - 1] == '"')
					v[--vl] = '\0';
			}
			value = vd_xstrdup(v);
		} else {
			key = vd_xstrdup(a);
		}
		free(arg);

		if (!init && !value && strcmp(key, "--") == 0) {
			/* init/main.c: everything after "--" is passed to init. */
			free(key);
			init = true;
			continue;
		}
		push(out, &cap, key, value);
		if (init)
			out->ninit++;
	}
	return 0;
}

void vd_cmdline_done(struct vd_cmdline *cl)
{
	for (size_t i = 0; i < cl->n; i++) {
		free(cl->p[i].key);
		free(cl->p[i].value);
	}
	free(cl->p);
	memset(cl, 0, sizeof(*cl));
}

const struct vd_kparam *vd_cmdline_last(const struct vd_cmdline *cl, const char *key)
{
	const struct vd_kparam *found = NULL;
	for (size_t i = 0; i < cl->n - cl->ninit; i++)
		if (vd_streq_dash(cl->p[i].key, key))
			found = &cl->p[i];
	return found;
}

bool vd_cmdline_has_opt(const struct vd_cmdline *cl, const char *key, const char *opt)
{
	size_t olen = strlen(opt);
	for (size_t i = 0; i < cl->n - cl->ninit; i++) {
		const struct vd_kparam *p = &cl->p[i];
		if (!p->value || !vd_streq_dash(p->key, key))
			continue;
		for (const char *v = p->value; *v;) {
			size_t n = strcspn(v, ",");
			if (n == olen && strncmp(v, opt, n) == 0)
				return true;
			v += n;
			if (*v == ',')
				v++;
		}
	}
	return false;
}
