// SPDX-License-Identifier: GPL-2.0-or-later
/* Boot loader configuration (see bootloader.h). */
#include "bootloader.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

/* ---- line helpers ---- */

struct line {
	const char *s;
	size_t len; /* without '\n' */
};

static size_t split_lines(const char *text, struct line **out)
{
	struct line *v = NULL;
	size_t n = 0, cap = 0;
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t w = nl ? (size_t)(nl - p) : strlen(p);
		*VD_PUSH(v, n, cap) = (struct line){p, w};
		p += w + (nl != NULL);
	}
	*out = v;
	return n;
}

/* ---- GRUB: /etc/default/grub, a shell fragment sourced by grub-mkconfig ---- */

struct grubvar {
	ssize_t line;   /* index of its last assignment, -1 when absent */
	size_t vstart;  /* offset of the value inside the line (after the quote) */
	size_t vlen;
	char quote;     /* '"', '\'' or 0 */
	char *value;
};

static const char *const grub_vars[] = {"GRUB_CMDLINE_LINUX", "GRUB_CMDLINE_LINUX_DEFAULT"};

static int grub_parse(const struct line *ls, size_t n, struct grubvar v[2], const char **why)
{
	for (int k = 0; k < 2; k++)
		v[k] = (struct grubvar){.line = -1};
	for (size_t i = 0; i < n; i++) {
		const char *s = ls[i].s, *end = s + ls[i].len;
		while (s < end && isblank((unsigned char)*s))
			s++;
		if (end - s > 7 && strncmp(s, "export ", 7) == 0)
			s += 7;
		for (int k = 0; k < 2; k++) {
			size_t kl = strlen(grub_vars[k]);
			if ((size_t)(end - s) <= kl || strncmp(s, grub_vars[k], kl) != 0 || s[kl] != '=')
				continue;
			const char *val = s + kl + 1;
			char q = (*val == '"' || *val == '\'') ? *val : 0;
			const char *vs = val + (q != 0), *ve;
			if (q) {
				ve = memchr(vs, q, (size_t)(end - vs));
				if (!ve) {
					*why = "a quoted value spans several lines";
					return -EINVAL;
				}
				const char *rest = ve + 1;
				while (rest < end && isblank((unsigned char)*rest))
					rest++;
				if (rest < end && *rest != '#') {
					*why = "more than one word after the assignment";
					return -EINVAL;
				}
			} else {
				ve = vs;
				while (ve < end && !isspace((unsigned char)*ve))
					ve++;
			}
			/* Expansions and escapes mean the shell, not this file, decides. */
			if (q != '\'' && (memchr(vs, '$', (size_t)(ve - vs)) || memchr(vs, '`', (size_t)(ve - vs)) ||
					  memchr(vs, '\\', (size_t)(ve - vs)))) {
				*why = "the value uses shell expansion or escapes";
				return -EINVAL;
			}
			free(v[k].value);
			v[k] = (struct grubvar){.line = (ssize_t)i, .vstart = (size_t)(vs - ls[i].s),
						.vlen = (size_t)(ve - vs), .quote = q, .value = vd_xstrndup(vs, (size_t)(ve - vs))};
		}
	}
	return 0;
}

int vd_boot_edit_grub(const char *text, const struct vd_kedit *e, size_t n, char **out, const char **why)
{
	struct line *ls = NULL;
	size_t nl = split_lines(text, &ls);
	struct grubvar v[2];
	int ret = grub_parse(ls, nl, v, why);
	if (ret < 0) {
		free(ls);
		for (int k = 0; k < 2; k++)
			free(v[k].value);
		return ret;
	}
	for (size_t i = 0; i < n; i++) {
		if (e[i].op == VD_KEDIT_REMOVE) {
			for (int k = 0; k < 2; k++) {
				if (v[k].line < 0)
					continue;
				char *nv = vd_cmdline_edit(v[k].value, &e[i], 1);
				free(v[k].value);
				v[k].value = nv;
			}
			continue;
		}
		/* Add where the parameter already is (_DEFAULT first, where
		 * distributions put user options), else to _DEFAULT when the
		 * file has it, else to GRUB_CMDLINE_LINUX. */
		int target = -1;
		for (int k = 1; k >= 0 && target < 0; k--) {
			if (v[k].line < 0)
				continue;
			struct vd_cmdline cl;
			vd_cmdline_parse(v[k].value, &cl);
			if (vd_cmdline_last(&cl, e[i].key))
				target = k;
			vd_cmdline_done(&cl);
		}
		if (target < 0)
			target = v[1].line >= 0 ? 1 : 0;
		if (v[target].line < 0) { /* neither exists: a new line */
			v[target].value = vd_xstrdup("");
			v[target].quote = '"';
			v[target].line = (ssize_t)nl; /* after the end */
		}
		char *nv = vd_cmdline_edit(v[target].value, &e[i], 1);
		free(v[target].value);
		v[target].value = nv;
	}

	struct vd_str s = {0};
	for (size_t i = 0; i < nl; i++) {
		int k = v[0].line == (ssize_t)i ? 0 : v[1].line == (ssize_t)i ? 1 : -1;
		if (k < 0) {
			vd_str_addn(&s, ls[i].s, ls[i].len);
		} else {
			char q = v[k].quote;
			if (!q && strpbrk(v[k].value, " \t"))
				q = '"';
			/* before the value (and the opening quote, if it had one) */
			vd_str_addn(&s, ls[i].s, v[k].vstart - (v[k].quote != 0));
			if (q)
				vd_str_addc(&s, q);
			vd_str_add(&s, v[k].value);
			if (q)
				vd_str_addc(&s, q);
			size_t after = v[k].vstart + v[k].vlen + (v[k].quote != 0);
			vd_str_addn(&s, ls[i].s + after, ls[i].len - after);
		}
		if (ls[i].s[ls[i].len] == '\n')
			vd_str_addc(&s, '\n');
	}
	for (int k = 0; k < 2; k++)
		if (v[k].line == (ssize_t)nl) {
			if (s.len && s.s[s.len - 1] != '\n')
				vd_str_addc(&s, '\n');
			vd_str_addf(&s, "%s=\"%s\"\n", grub_vars[k], v[k].value);
		}
	free(ls);
	for (int k = 0; k < 2; k++)
		free(v[k].value);
	*out = vd_str_steal(&s);
	return 0;
}

/* ---- Boot Loader Specification entries: "options" lines ---- */

int vd_boot_edit_entry(const char *text, const struct vd_kedit *e, size_t n, char **out, const char **why)
{
	struct line *ls = NULL;
	size_t nl = split_lines(text, &ls);
	char **val = vd_xcalloc(nl + 1, sizeof(char *));
	size_t *vstart = vd_xcalloc(nl + 1, sizeof(size_t));
	ssize_t last = -1;
	int ret = 0;

	for (size_t i = 0; i < nl; i++) {
		const char *s = ls[i].s;
		size_t p = 0;
		while (p < ls[i].len && isblank((unsigned char)s[p]))
			p++;
		if (ls[i].len - p > 7 && strncmp(s + p, "options", 7) == 0 && isblank((unsigned char)s[p + 7])) {
			p += 7;
			while (p < ls[i].len && isblank((unsigned char)s[p]))
				p++;
			vstart[i] = p;
			val[i] = vd_xstrndup(s + p, ls[i].len - p);
			if (strchr(val[i], '$')) {
				*why = "its options come from a variable ($kernelopts): use grubby";
				ret = -EINVAL;
			}
			last = (ssize_t)i;
		}
	}
	for (size_t i = 0; ret == 0 && i < n; i++) {
		ssize_t target = -1;
		for (size_t k = 0; k < nl; k++) {
			if (!val[k])
				continue;
			if (e[i].op == VD_KEDIT_REMOVE) {
				char *nv = vd_cmdline_edit(val[k], &e[i], 1);
				free(val[k]);
				val[k] = nv;
				continue;
			}
			struct vd_cmdline cl;
			vd_cmdline_parse(val[k], &cl);
			if (vd_cmdline_last(&cl, e[i].key))
				target = (ssize_t)k;
			vd_cmdline_done(&cl);
		}
		if (e[i].op == VD_KEDIT_REMOVE)
			continue;
		if (target < 0)
			target = last;
		if (target < 0) { /* no options line: add one */
			target = last = (ssize_t)nl;
			val[nl] = vd_xstrdup("");
		}
		char *nv = vd_cmdline_edit(val[target], &e[i], 1);
		free(val[target]);
		val[target] = nv;
	}
	struct vd_str s = {0};
	for (size_t i = 0; ret == 0 && i < nl; i++) {
		if (val[i]) {
			vd_str_addn(&s, ls[i].s, vstart[i]);
			vd_str_add(&s, val[i]);
		} else {
			vd_str_addn(&s, ls[i].s, ls[i].len);
		}
		if (ls[i].s[ls[i].len] == '\n')
			vd_str_addc(&s, '\n');
	}
	if (ret == 0 && val[nl]) {
		if (s.len && s.s[s.len - 1] != '\n')
			vd_str_addc(&s, '\n');
		vd_str_addf(&s, "options %s\n", val[nl]);
	}
	for (size_t i = 0; i <= nl; i++)
		free(val[i]);
	free(val);
	free(vstart);
	free(ls);
	if (ret < 0) {
		vd_str_done(&s);
		return ret;
	}
	*out = vd_str_steal(&s);
	return 0;
}

/* ---- /etc/kernel/cmdline: the whole file is the command line ---- */

int vd_boot_edit_kernel_cmdline(const char *text, const struct vd_kedit *e, size_t n, char **out, const char **why)
{
	size_t len = strlen(text);
	(void)why;
	bool nl = len && text[len - 1] == '\n';
	_cleanup_free_ char *line = vd_xstrndup(text, len - nl);
	for (char *p = line; *p; p++)
		if (*p == '\n')
			*p = ' '; /* kernel-install joins lines */
	_cleanup_free_ char *edited = vd_cmdline_edit(line, e, n);
	*out = vd_xasprintf("%s\n", edited);
	return 0;
}

/* ---- kernelstub: /etc/kernelstub/configuration, JSON ---- */

static void py_string(struct vd_str *s, const char *str)
{
	/* Python's json.dumps with ensure_ascii: \uXXXX for non-ASCII. */
	vd_str_addc(s, '"');
	for (const unsigned char *p = (const unsigned char *)str; *p;) {
		unsigned c = *p;
		if (c == '"' || c == '\\') {
			vd_str_addf(s, "\\%c", c);
			p++;
		} else if (c == '\n') {
			vd_str_add(s, "\\n"), p++;
		} else if (c == '\r') {
			vd_str_add(s, "\\r"), p++;
		} else if (c == '\t') {
			vd_str_add(s, "\\t"), p++;
		} else if (c == '\b') {
			vd_str_add(s, "\\b"), p++;
		} else if (c == '\f') {
			vd_str_add(s, "\\f"), p++;
		} else if (c < 0x20) {
			vd_str_addf(s, "\\u%04x", c), p++;
		} else if (c < 0x80) {
			vd_str_addc(s, (char)c), p++;
		} else {
			/* decode UTF-8 (json-c validated it) */
			unsigned cp, extra = c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
			cp = c & (0x3f >> extra);
			p++;
			for (unsigned k = 0; k < extra && *p; k++, p++)
				cp = (cp << 6) | (*p & 0x3f);
			if (cp >= 0x10000) {
				cp -= 0x10000;
				vd_str_addf(s, "\\u%04x\\u%04x", 0xd800 + (cp >> 10), 0xdc00 + (cp & 0x3ff));
			} else {
				vd_str_addf(s, "\\u%04x", cp);
			}
		}
	}
	vd_str_addc(s, '"');
}

static void py_dump(struct vd_str *s, json_object *o, int depth)
{
	switch (json_object_get_type(o)) {
	case json_type_null:
		vd_str_add(s, "null");
		break;
	case json_type_boolean:
		vd_str_add(s, json_object_get_boolean(o) ? "true" : "false");
		break;
	case json_type_int:
		vd_str_addf(s, "%lld", (long long)json_object_get_int64(o));
		break;
	case json_type_double:
		vd_str_add(s, json_object_to_json_string(o));
		break;
	case json_type_string:
		py_string(s, json_object_get_string(o));
		break;
	case json_type_array: {
		size_t n = json_object_array_length(o);
		if (!n) {
			vd_str_add(s, "[]");
			break;
		}
		vd_str_add(s, "[\n");
		for (size_t i = 0; i < n; i++) {
			vd_str_addf(s, "%*s", 2 * (depth + 1), "");
			py_dump(s, json_object_array_get_idx(o, i), depth + 1);
			vd_str_add(s, i + 1 < n ? ",\n" : "\n");
		}
		vd_str_addf(s, "%*s]", 2 * depth, "");
		break;
	}
	case json_type_object: {
		size_t n = (size_t)json_object_object_length(o), i = 0;
		if (!n) {
			vd_str_add(s, "{}");
			break;
		}
		vd_str_add(s, "{\n");
		json_object_object_foreach(o, k, v)
		{
			vd_str_addf(s, "%*s", 2 * (depth + 1), "");
			py_string(s, k);
			vd_str_add(s, ": ");
			py_dump(s, v, depth + 1);
			vd_str_add(s, ++i < n ? ",\n" : "\n");
		}
		vd_str_addf(s, "%*s}", 2 * depth, "");
		break;
	}
	}
}

char *vd_json_python_style(const char *json_text)
{
	json_object *o = json_tokener_parse(json_text);
	if (!o)
		return NULL;
	struct vd_str s = {0};
	py_dump(&s, o, 0);
	json_object_put(o);
	return vd_str_steal(&s);
}

int vd_boot_edit_kernelstub(const char *text, const struct vd_kedit *e, size_t n, char **out, const char **why)
{
	json_object *o = json_tokener_parse(text), *user, *opts;
	if (!o || !json_object_object_get_ex(o, "user", &user) || !json_object_object_get_ex(user, "kernel_options", &opts) ||
	    !json_object_is_type(opts, json_type_array)) {
		json_object_put(o);
		*why = "no \"user\" \"kernel_options\" list in it";
		return -EINVAL;
	}
	_cleanup_free_ char *orig_dump = vd_json_python_style(text);
	/* Edit the elements one by one, so every other element (even an
	 * empty string kernelstub left there) stays as it was. */
	for (size_t i = 0; i < n; i++) {
		bool found = false;
		for (size_t k = 0; k < json_object_array_length(opts); k++) {
			const char *cur = json_object_get_string(json_object_array_get_idx(opts, k));
			if (!cur)
				continue;
			struct vd_cmdline cl;
			vd_cmdline_parse(cur, &cl);
			bool has = vd_cmdline_last(&cl, e[i].key) != NULL;
			vd_cmdline_done(&cl);
			if (!has)
				continue;
			found = true;
			_cleanup_free_ char *nv = vd_cmdline_edit(cur, &e[i], 1);
			if (!*nv) /* a removal emptied it */
				json_object_array_del_idx(opts, k--, 1);
			else if (strcmp(nv, cur) != 0)
				json_object_array_put_idx(opts, k, json_object_new_string(nv));
		}
		if (!found && e[i].op == VD_KEDIT_ADD) {
			_cleanup_free_ char *nv = vd_cmdline_edit("", &e[i], 1);
			json_object_array_add(opts, json_object_new_string(nv));
		}
	}
	struct vd_str s = {0};
	py_dump(&s, o, 0);
	json_object_put(o);
	/* Unchanged options: keep the file byte for byte, whatever its style. */
	if (orig_dump && strcmp(s.s, orig_dump) == 0) {
		vd_str_done(&s);
		*out = vd_xstrdup(text);
		return 0;
	}
	*out = vd_str_steal(&s);
	return 0;
}

/* ---- finding them ---- */

bool vd_root_has_program(const struct vd_root *r, const char *program)
{
	static const char *const dirs[] = {"/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"};
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		_cleanup_free_ char *p = vd_xasprintf("%s/%s", dirs[i], program);
		struct stat st;
		if (vd_root_stat(r, p, true, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111))
			return true;
	}
	return false;
}

static bool exists(const struct vd_root *r, const char *path, bool dir)
{
	struct stat st;
	return vd_root_stat(r, path, true, &st) == 0 && (dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode));
}

/* The first regeneration command whose program (and output directory) exist. */
static const char *pick(const struct vd_root *r, const char *const (*cands)[2], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		_cleanup_free_ char *prog = vd_xstrndup(cands[i][0], strcspn(cands[i][0], " "));
		if (vd_root_has_program(r, prog) && (!cands[i][1] || exists(r, cands[i][1], true)))
			return cands[i][0];
	}
	return n ? cands[0][0] : NULL;
}

static void add(struct vd_boot_file **v, size_t *n, size_t *cap, const char *format, const char *path,
		int (*edit)(const char *, const struct vd_kedit *, size_t, char **, const char **), const char *regen)
{
	struct vd_boot_file *f = VD_PUSH(*v, *n, *cap);
	f->format = format;
	f->path = vd_xstrdup(path);
	f->edit = edit;
	f->regen = vd_xstrdup(regen);
}

int vd_boot_find(const struct vd_root *r, const char *release, struct vd_boot_file **out, size_t *n)
{
	/* Debian/Ubuntu's wrapper first, then GRUB's own tool where its
	 * output directory exists (Arch: /boot/grub, Fedora: /boot/grub2). */
	static const char *const grub_regen[][2] = {
		{"update-grub", NULL},
		{"grub-mkconfig -o /boot/grub/grub.cfg", "/boot/grub"},
		{"grub2-mkconfig -o /boot/grub2/grub.cfg", "/boot/grub2"},
	};
	static const char *const stub_regen[][2] = {{"kernelstub", NULL}};
	/* Boot Loader Specification: entries on the ESP or XBOOTLDR. */
	static const char *const entry_dirs[] = {"/boot/loader/entries", "/efi/loader/entries", "/boot/efi/loader/entries"};
	struct vd_boot_file *v = NULL;
	size_t k = 0, cap = 0;

	if (exists(r, "/etc/kernelstub/configuration", false)) {
		const char *cmd = pick(r, stub_regen, ARRAY_SIZE(stub_regen));
		add(&v, &k, &cap, "kernelstub", "/etc/kernelstub/configuration", vd_boot_edit_kernelstub, cmd);
	}
	if (exists(r, "/etc/default/grub", false)) {
		const char *cmd = pick(r, grub_regen, ARRAY_SIZE(grub_regen));
		add(&v, &k, &cap, "GRUB", "/etc/default/grub", vd_boot_edit_grub, cmd);
	}
	if (exists(r, "/etc/kernel/cmdline", false)) {
		/* kernel-install reads it when it installs a kernel; rerunning
		 * it for the running kernel rebuilds that kernel's entry or UKI. */
		_cleanup_free_ char *cmd = NULL;
		_cleanup_free_ char *img1 = vd_xasprintf("/usr/lib/modules/%s/vmlinuz", release ? release : "");
		_cleanup_free_ char *img2 = vd_xasprintf("/boot/vmlinuz-%s", release ? release : "");
		const char *img = !release ? NULL : exists(r, img1, false) ? img1 : exists(r, img2, false) ? img2 : NULL;
		if (img)
			cmd = vd_xasprintf("kernel-install add %s %s", release, img);
		add(&v, &k, &cap, "kernel-install", "/etc/kernel/cmdline", vd_boot_edit_kernel_cmdline, cmd);
	}
	for (size_t i = 0; i < ARRAY_SIZE(entry_dirs); i++) {
		char **names = NULL;
		if (vd_root_list(r, entry_dirs[i], &names) < 0)
			continue;
		for (char **p = names; *p; p++) {
			size_t l = strlen(*p);
			if (l < 6 || strcmp(*p + l - 5, ".conf") != 0)
				continue;
			_cleanup_free_ char *path = vd_xasprintf("%s/%s", entry_dirs[i], *p);
			if (exists(r, path, false))
				add(&v, &k, &cap, "loader entry", path, vd_boot_edit_entry, NULL);
		}
		vd_strv_free(names);
	}
	*out = v;
	*n = k;
	return 0;
}

void vd_boot_files_free(struct vd_boot_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(f[i].path);
		free(f[i].regen);
	}
	free(f);
}
