// SPDX-License-Identifier: GPL-2.0-or-later
/* Domain XML edits that keep the user's text (see domain-edit.h).
 *
 * libxml2 parses the document and resolves every path (namespaces
 * included); a small scanner over the same bytes gives each element's
 * position, matched to libxml2's nodes by document order. Edits are splices
 * of the original text, so quoting, indentation and comments elsewhere stay
 * byte for byte, which libxml2's own serializer would not keep (it rewrites
 * every attribute with double quotes). After each splice both are redone. */
#include "domain-edit.h"

#include <errno.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <string.h>

#include "util.h"
#include "vm.h"

/* ---- scanner: element spans in document order ---------------------------- */

struct span {
	size_t start;   /* '<' of the start tag */
	size_t tag_end; /* after the start tag's '>' */
	size_t close;   /* '<' of the end tag (== tag_end - 2 for <x/>) */
	size_t end;     /* after the end tag */
	bool empty;
};

struct spans {
	struct span *s;
	size_t n, cap;
};

static size_t skip_to(const char *t, size_t len, size_t i, const char *pat)
{
	const char *p = memmem(t + i, len - i, pat, strlen(pat));
	return p ? (size_t)(p - t) + strlen(pat) : len;
}

/* The document is well-formed (libxml2 said so), so this only needs to
 * tell markup kinds apart and respect quoted attribute values. */
static void scan(const char *t, size_t len, struct spans *out)
{
	size_t stack[256], depth = 0;

	out->n = 0;
	for (size_t i = 0; i < len;) {
		if (t[i] != '<') {
			i++;
			continue;
		}
		if (!strncmp(t + i, "<!--", 4)) {
			i = skip_to(t, len, i + 4, "-->");
		} else if (!strncmp(t + i, "<?", 2)) {
			i = skip_to(t, len, i + 2, "?>");
		} else if (!strncmp(t + i, "<![CDATA[", 9)) {
			i = skip_to(t, len, i + 9, "]]>");
		} else if (!strncmp(t + i, "<!", 2)) {
			int br = 0;
			for (i += 2; i < len && (t[i] != '>' || br); i++)
				br += t[i] == '[' ? 1 : t[i] == ']' ? -1 : 0;
			i++;
		} else if (t[i + 1] == '/') {
			size_t e = skip_to(t, len, i, ">");
			if (depth) {
				struct span *s = &out->s[stack[--depth]];
				s->close = i;
				s->end = e;
			}
			i = e;
		} else {
			struct span *s = VD_PUSH(out->s, out->n, out->cap);
			size_t j = i + 1;
			char q = 0;
			for (; j < len; j++) {
				if (q) {
					if (t[j] == q)
						q = 0;
				} else if (t[j] == '"' || t[j] == '\'') {
					q = t[j];
				} else if (t[j] == '>') {
					break;
				}
			}
			s->start = i;
			s->tag_end = j + 1;
			s->empty = j > 0 && t[j - 1] == '/';
			if (s->empty) {
				s->close = j - 1;
				s->end = j + 1;
			} else if (depth < ARRAY_SIZE(stack)) {
				stack[depth++] = out->n - 1;
			}
			i = j + 1;
		}
	}
}

/* ---- the document: text + libxml2 tree + spans ---------------------------- */

struct doc {
	char *text;
	size_t len;
	xmlDocPtr x;
	struct spans sp;
	char quote; /* the quote most attributes use */
};

static void doc_free(struct doc *d)
{
	if (d->x)
		xmlFreeDoc(d->x);
	d->x = NULL;
	free(d->sp.s);
	d->sp.s = NULL;
	d->sp.n = d->sp.cap = 0;
}

static int doc_load(struct doc *d, char **why)
{
	vd_xml_quiet();
	xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
	if (!ctxt)
		return -ENOMEM;
	d->len = strlen(d->text);
	d->x = xmlCtxtReadMemory(ctxt, d->text, (int)d->len, "domain.xml", NULL,
				 XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!d->x) {
		const xmlError *e = xmlCtxtGetLastError(ctxt);
		*why = vd_xasprintf("not well-formed XML: %s", e && e->message ? e->message : "?");
		vd_strstrip(*why);
		xmlFreeParserCtxt(ctxt);
		return -EBADMSG;
	}
	xmlFreeParserCtxt(ctxt);
	scan(d->text, d->len, &d->sp);
	size_t sq = 0, dq = 0;
	for (size_t i = 0; i + 1 < d->len; i++)
		if (d->text[i] == '=')
			sq += d->text[i + 1] == '\'', dq += d->text[i + 1] == '"';
	d->quote = sq >= dq ? '\'' : '"';
	return 0;
}

/* Document-order index of an element node: the scanner's index. Children of
 * entity references are skipped, as the scanner never sees them. */
static bool find_index(xmlNodePtr cur, xmlNodePtr want, size_t *i)
{
	for (; cur; cur = cur->next) {
		if (cur->type != XML_ELEMENT_NODE)
			continue;
		if (cur == want)
			return true;
		(*i)++;
		if (find_index(cur->children, want, i))
			return true;
	}
	return false;
}

static const struct span *span_of(const struct doc *d, xmlNodePtr n)
{
	size_t i = 0;
	if (!find_index(xmlDocGetRootElement(d->x), n, &i) || i >= d->sp.n)
		return NULL;
	return &d->sp.s[i];
}

static void splice(struct doc *d, size_t at, size_t del, const char *ins)
{
	size_t il = strlen(ins);
	char *n = vd_xmalloc(d->len - del + il + 1);
	memcpy(n, d->text, at);
	memcpy(n + at, ins, il);
	memcpy(n + at + il, d->text + at + del, d->len - at - del + 1);
	free(d->text);
	d->text = n;
	d->len = d->len - del + il;
}

static int reload(struct doc *d, char **why)
{
	doc_free(d);
	return doc_load(d, why);
}

/* ---- paths ----------------------------------------------------------------- */

struct seg {
	char *name;            /* local name */
	bool qemu;             /* qemu: prefix: the qemu namespace */
	char *pattr, *pvalue;  /* [@pattr='pvalue'] */
};

static void seg_free(struct seg *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(s[i].name);
		free(s[i].pattr);
		free(s[i].pvalue);
	}
	free(s);
}

/* "/domain/cpu/feature[@name='x']/@policy" → segments + final attribute. */
static int parse_path(const char *path, struct seg **segs, size_t *nseg, char **attr)
{
	struct seg *v = NULL;
	size_t n = 0, cap = 0;

	*attr = NULL;
	if (!path || path[0] != '/')
		return -EINVAL;
	for (const char *p = path + 1; *p;) {
		size_t w = 0;
		int br = 0;
		while (p[w] && (p[w] != '/' || br)) {
			br += p[w] == '[' ? 1 : p[w] == ']' ? -1 : 0;
			w++;
		}
		_cleanup_free_ char *tok = vd_xstrndup(p, w);
		p += w + (p[w] == '/');
		if (tok[0] == '@') {
			if (*p) {
				seg_free(v, n);
				return -EINVAL;
			}
			*attr = vd_xstrdup(tok + 1);
			break;
		}
		struct seg *s = VD_PUSH(v, n, cap);
		memset(s, 0, sizeof(*s));
		char *lb = strchr(tok, '[');
		if (lb) {
			/* [@a='v'] */
			char *eq = strchr(lb, '=');
			size_t tl = strlen(tok);
			if (lb[1] != '@' || !eq || tl < 2 || tok[tl - 1] != ']' || (eq[1] != '\'' && eq[1] != '"') ||
			    tok[tl - 2] != eq[1]) {
				seg_free(v, n);
				return -EINVAL;
			}
			s->pattr = vd_xstrndup(lb + 2, (size_t)(eq - lb - 2));
			s->pvalue = vd_xstrndup(eq + 2, (size_t)(tok + tl - 2 - (eq + 2)));
			*lb = '\0';
		}
		const char *nm = tok;
		if (vd_startswith(nm, "qemu:")) {
			s->qemu = true;
			nm += 5;
		}
		s->name = vd_xstrdup(nm);
	}
	if (!n) {
		free(*attr);
		*attr = NULL;
		return -EINVAL;
	}
	*segs = v;
	*nseg = n;
	return 0;
}

static bool node_matches(xmlNodePtr c, const struct seg *s)
{
	if (c->type != XML_ELEMENT_NODE)
		return false;
	if (s->qemu) {
		bool ns_ok = c->ns && c->ns->href && strcmp((const char *)c->ns->href, VD_QEMU_NS) == 0;
		/* an undeclared prefix leaves libxml2's name as "qemu:x" */
		bool raw = !c->ns && vd_startswith((const char *)c->name, "qemu:") && !strcmp((const char *)c->name + 5, s->name);
		if (!(ns_ok && !strcmp((const char *)c->name, s->name)) && !raw)
			return false;
	} else if (c->ns || strcmp((const char *)c->name, s->name) != 0) {
		return false;
	}
	if (s->pattr) {
		xmlChar *v = xmlGetNoNsProp(c, (const xmlChar *)s->pattr);
		bool eq = v && strcmp((const char *)v, s->pvalue) == 0;
		xmlFree(v);
		return eq;
	}
	return true;
}

static xmlNodePtr find_child(xmlNodePtr parent, const struct seg *s)
{
	for (xmlNodePtr c = parent->children; c; c = c->next)
		if (node_matches(c, s))
			return c;
	return NULL;
}

/* ---- text helpers ---------------------------------------------------------- */

static void add_escaped(struct vd_str *b, const char *v, char quote)
{
	for (; *v; v++) {
		if (*v == '&')
			vd_str_add(b, "&amp;");
		else if (*v == '<')
			vd_str_add(b, "&lt;");
		else if (*v == quote)
			vd_str_add(b, quote == '\'' ? "&apos;" : "&quot;");
		else
			vd_str_addc(b, *v);
	}
}

/* Whitespace from the start of the line up to position at, or "" when
 * something other than blanks precedes it on that line. */
static char *indent_at(const struct doc *d, size_t at)
{
	size_t b = at;
	while (b > 0 && (d->text[b - 1] == ' ' || d->text[b - 1] == '\t'))
		b--;
	if (b > 0 && d->text[b - 1] != '\n')
		return vd_xstrdup("");
	return vd_xstrndup(d->text + b, at - b);
}

/* Indentation of a new child of parent: like its element children, else
 * the parent's plus the step the document uses (root children vs root). */
static char *child_indent(const struct doc *d, xmlNodePtr parent)
{
	for (xmlNodePtr c = parent->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		const struct span *s = span_of(d, c);
		if (s)
			return indent_at(d, s->start);
	}
	const struct span *ps = span_of(d, parent);
	_cleanup_free_ char *pi = ps ? indent_at(d, ps->start) : vd_xstrdup("");
	_cleanup_free_ char *step = NULL;
	xmlNodePtr root = xmlDocGetRootElement(d->x);
	for (xmlNodePtr c = root->children; c && !step; c = c->next) {
		const struct span *s = c->type == XML_ELEMENT_NODE ? span_of(d, c) : NULL;
		if (s)
			step = indent_at(d, s->start);
	}
	return vd_xasprintf("%s%s", pi, step && *step ? step : "  ");
}

/* Insert markup as parent's last child, on its own line. */
static void insert_child(struct doc *d, xmlNodePtr parent, const char *markup)
{
	const struct span *ps = span_of(d, parent);
	_cleanup_free_ char *ci = child_indent(d, parent);
	_cleanup_free_ char *pi = indent_at(d, ps->start);
	struct vd_str b = {0};

	if (ps->empty) {
		/* an empty element becomes a start tag, the child and an end tag */
		size_t slash = ps->close;
		while (slash > ps->start && (d->text[slash - 1] == ' ' || d->text[slash - 1] == '\t'))
			slash--;
		_cleanup_free_ char *name = vd_xstrndup(d->text + ps->start + 1, strcspn(d->text + ps->start + 1, " \t\r\n/>"));
		vd_str_addf(&b, ">\n%s%s\n%s</%s>", ci, markup, pi, name);
		splice(d, slash, ps->end - slash, b.s);
	} else {
		_cleanup_free_ char *before = indent_at(d, ps->close);
		size_t at = ps->close - strlen(before);
		if (ps->close > 0 && at > 0 && d->text[at - 1] == '\n') {
			vd_str_addf(&b, "%s%s\n", ci, markup);
			splice(d, at, 0, b.s);
		} else {
			vd_str_addf(&b, "\n%s%s\n%s", ci, markup, pi);
			splice(d, ps->close, 0, b.s);
		}
	}
	vd_str_done(&b);
}

/* The span of attribute name in a start tag: [*a, *b) covers the blank
 * before the name through the closing quote; [*vs, *ve) is the value. */
static bool find_attr(const struct doc *d, const struct span *s, const char *name, size_t *a, size_t *b, size_t *vs,
		      size_t *ve)
{
	size_t i = s->start + 1, n = strlen(name);
	while (i < s->tag_end && !strchr(" \t\r\n/>", d->text[i]))
		i++; /* element name */
	while (i < s->tag_end) {
		size_t ws = i;
		while (i < s->tag_end && strchr(" \t\r\n", d->text[i]))
			i++;
		size_t ns = i;
		while (i < s->tag_end && !strchr(" \t\r\n=/>", d->text[i]))
			i++;
		if (i == ns)
			return false;
		size_t nl = i - ns;
		while (i < s->tag_end && d->text[i] != '\'' && d->text[i] != '"')
			i++;
		if (i >= s->tag_end)
			return false;
		char q = d->text[i];
		size_t v0 = ++i;
		while (i < s->tag_end && d->text[i] != q)
			i++;
		if (nl == n && !strncmp(d->text + ns, name, n)) {
			*a = ws;
			*b = i + 1;
			*vs = v0;
			*ve = i;
			return true;
		}
		i++;
	}
	return false;
}

/* Set (or add) attribute name=value on the element; true when text changed. */
static bool set_attr(struct doc *d, xmlNodePtr n, const char *name, const char *value)
{
	const struct span *s = span_of(d, n);
	size_t a, b, vs, ve;
	struct vd_str x = {0};

	if (find_attr(d, s, name, &a, &b, &vs, &ve)) {
		xmlChar *cur = vd_startswith(name, "xmlns:") ? NULL : xmlGetProp(n, (const xmlChar *)name);
		bool same = cur ? strcmp((const char *)cur, value) == 0 : (ve - vs == strlen(value) && !strncmp(d->text + vs, value, ve - vs));
		xmlFree(cur);
		if (same)
			return false;
		add_escaped(&x, value, d->text[vs - 1]);
		splice(d, vs, ve - vs, x.s ? x.s : "");
	} else {
		/* after the last attribute: before "/>" or ">" and the blanks before them */
		size_t at = s->empty ? s->close : s->tag_end - 1;
		while (at > s->start && strchr(" \t\r\n", d->text[at - 1]))
			at--;
		vd_str_addf(&x, " %s=%c", name, d->quote);
		add_escaped(&x, value, d->quote);
		vd_str_addc(&x, d->quote);
		splice(d, at, 0, x.s);
	}
	vd_str_done(&x);
	return true;
}

static bool remove_attr(struct doc *d, xmlNodePtr n, const char *name)
{
	size_t a, b, vs, ve;
	if (!find_attr(d, span_of(d, n), name, &a, &b, &vs, &ve))
		return false;
	splice(d, a, b - a, "");
	return true;
}

/* "a='1' b=\"2\"" → pairs; -EINVAL when malformed. */
static int parse_attr_list(const char *v, char ***names, char ***values)
{
	size_t n = 0;
	*names = vd_xcalloc(1, sizeof(char *));
	*values = vd_xcalloc(1, sizeof(char *));
	while (v && *v) {
		v += strspn(v, " \t\n");
		if (!*v)
			break;
		const char *eq = strchr(v, '=');
		if (!eq || (eq[1] != '\'' && eq[1] != '"'))
			return -EINVAL;
		const char *end = strchr(eq + 2, eq[1]);
		if (!end)
			return -EINVAL;
		*names = vd_xrealloc(*names, (n + 2) * sizeof(char *));
		*values = vd_xrealloc(*values, (n + 2) * sizeof(char *));
		(*names)[n] = vd_xstrndup(v, (size_t)(eq - v));
		(*values)[n] = vd_xstrndup(eq + 2, (size_t)(end - eq - 2));
		n++;
		(*names)[n] = (*values)[n] = NULL;
		v = end + 1;
	}
	return 0;
}

static char *new_element(const struct doc *d, const struct seg *s)
{
	if (s->pattr)
		return vd_xasprintf("<%s%s %s=%c%s%c/>", s->qemu ? "qemu:" : "", s->name, s->pattr, d->quote, s->pvalue, d->quote);
	return vd_xasprintf("<%s%s/>", s->qemu ? "qemu:" : "", s->name);
}

/* Ensure the namespace declaration on the root; true when changed. */
static bool ensure_qemu_ns(struct doc *d)
{
	xmlNodePtr root = xmlDocGetRootElement(d->x);
	return set_attr(d, root, "xmlns:qemu", VD_QEMU_NS);
}

/* Walk (and create) the elements of a path; *out the last one. */
static int walk(struct doc *d, const struct seg *segs, size_t nseg, bool create, xmlNodePtr *out, bool *changed,
		char **why)
{
	xmlNodePtr n = xmlDocGetRootElement(d->x);
	if (!n || strcmp((const char *)n->name, segs[0].name) != 0) {
		*why = vd_xasprintf("the root element is not <%s>", segs[0].name);
		return -EINVAL;
	}
	for (size_t i = 1; i < nseg; i++) {
		xmlNodePtr c = find_child(n, &segs[i]);
		if (!c) {
			if (!create) {
				*out = NULL;
				return 0;
			}
			/* Declare the qemu namespace first (one edit), or add
			 * the missing element. */
			if (!(segs[i].qemu && ensure_qemu_ns(d))) {
				_cleanup_free_ char *el = new_element(d, &segs[i]);
				insert_child(d, n, el);
			}
			*changed = true;
			int r = reload(d, why);
			if (r < 0)
				return r;
			/* restart from the root: nodes changed with the reload */
			i = 0;
			n = xmlDocGetRootElement(d->x);
			continue;
		}
		n = c;
	}
	*out = n;
	return 0;
}

/* ADD qemu:arg values unless the same sequence is already there. */
static int add_qemu_args(struct doc *d, const struct seg *segs, size_t nseg, const char *value, bool *changed,
			 char **why)
{
	xmlNodePtr cl;
	char **want = NULL;
	size_t nw = 0, cap = 0;
	int r;

	for (const char *p = value; p && *p;) {
		size_t w = strcspn(p, "\n");
		*VD_PUSH(want, nw, cap) = vd_xstrndup(p, w);
		p += w + (p[w] == '\n');
	}
	r = walk(d, segs, nseg - 1, true, &cl, changed, why);
	if (r < 0)
		goto done;
	/* existing args, in order */
	char **have = NULL;
	size_t nh = 0, caph = 0;
	for (xmlNodePtr c = cl->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE || !node_matches(c, &segs[nseg - 1]))
			continue;
		xmlChar *v = xmlGetNoNsProp(c, (const xmlChar *)"value");
		*VD_PUSH(have, nh, caph) = vd_xstrdup(v ? (const char *)v : "");
		xmlFree(v);
	}
	bool present = false;
	for (size_t i = 0; nw && i + nw <= nh && !present; i++) {
		present = true;
		for (size_t k = 0; k < nw && present; k++)
			present = strcmp(have[i + k], want[k]) == 0;
	}
	for (size_t i = 0; i < nh; i++)
		free(have[i]);
	free(have);
	if (!present) {
		r = ensure_qemu_ns(d) ? reload(d, why) : 0;
		if (r < 0)
			goto done;
		for (size_t k = 0; k < nw; k++) {
			r = walk(d, segs, nseg - 1, true, &cl, changed, why);
			if (r < 0)
				goto done;
			struct vd_str m = {0};
			vd_str_addf(&m, "<qemu:%s value=%c", segs[nseg - 1].name, d->quote);
			add_escaped(&m, want[k], d->quote);
			vd_str_addf(&m, "%c/>", d->quote);
			insert_child(d, cl, m.s);
			vd_str_done(&m);
			*changed = true;
			r = reload(d, why);
			if (r < 0)
				goto done;
		}
	}
done:
	for (size_t i = 0; i < nw; i++)
		free(want[i]);
	free(want);
	return r;
}

/* Does an existing element contain everything the new one says? */
static bool subset(xmlNodePtr want, xmlNodePtr have)
{
	if (strcmp((const char *)want->name, (const char *)have->name) != 0)
		return false;
	for (xmlAttrPtr a = want->properties; a; a = a->next) {
		xmlChar *w = xmlGetProp(want, a->name), *h = xmlGetProp(have, a->name);
		bool eq = w && h && strcmp((const char *)w, (const char *)h) == 0;
		xmlFree(w);
		xmlFree(h);
		if (!eq)
			return false;
	}
	for (xmlNodePtr wc = want->children; wc; wc = wc->next) {
		if (wc->type != XML_ELEMENT_NODE)
			continue;
		bool found = false;
		for (xmlNodePtr hc = have->children; hc && !found; hc = hc->next)
			found = hc->type == XML_ELEMENT_NODE && subset(wc, hc);
		if (!found)
			return false;
	}
	return true;
}

static int add_element(struct doc *d, const struct seg *segs, size_t nseg, const char *markup, bool *changed,
		       char **why)
{
	vd_xml_quiet();
	xmlDocPtr frag = xmlReadMemory(markup, (int)strlen(markup), "fix.xml", NULL,
				       XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNodePtr parent;
	int r;

	if (!frag) {
		*why = vd_xasprintf("malformed element to add: %s", markup);
		return -EINVAL;
	}
	r = walk(d, segs, nseg, true, &parent, changed, why);
	if (r == 0) {
		bool have = false;
		for (xmlNodePtr c = parent->children; c && !have; c = c->next)
			have = c->type == XML_ELEMENT_NODE && subset(xmlDocGetRootElement(frag), c);
		if (!have) {
			/* the document's quote style for the new markup */
			_cleanup_free_ char *m = vd_xstrdup(markup);
			if (d->quote == '"')
				for (char *p = m; *p; p++)
					if (*p == '\'')
						*p = '"';
			insert_child(d, parent, m);
			*changed = true;
			r = reload(d, why);
		}
	}
	xmlFreeDoc(frag);
	return r;
}

static int edit(struct doc *d, enum vd_fix_op op, const char *path, const char *value, bool *changed, char **why)
{
	struct seg *segs = NULL;
	size_t nseg = 0;
	char *attr = NULL;
	xmlNodePtr n = NULL;
	int r;

	if (parse_path(path, &segs, &nseg, &attr) < 0) {
		*why = vd_xasprintf("malformed path %s", path ? path : "(null)");
		return -EINVAL;
	}
	if (attr && vd_startswith(attr, "xmlns:")) {
		if (op != VD_OP_SET || nseg != 1 || !value) {
			r = -EINVAL;
			*why = vd_xasprintf("%s: only SET of a namespace on the root", path);
		} else {
			r = walk(d, segs, nseg, false, &n, changed, why);
			if (r == 0 && set_attr(d, n, attr, value)) {
				*changed = true;
				r = reload(d, why);
			}
		}
	} else if (op == VD_OP_REMOVE) {
		r = walk(d, segs, nseg, false, &n, changed, why);
		if (r == 0 && n && attr && remove_attr(d, n, attr)) {
			*changed = true;
			r = reload(d, why);
		}
	} else if (op == VD_OP_ADD && segs[nseg - 1].qemu && !strcmp(segs[nseg - 1].name, "arg")) {
		r = add_qemu_args(d, segs, nseg, value, changed, why);
	} else if (op == VD_OP_ADD && !attr && value && value[0] == '<') {
		r = add_element(d, segs, nseg, value, changed, why);
	} else if (op == VD_OP_SET && value) {
		r = walk(d, segs, nseg, true, &n, changed, why);
		if (r == 0 && attr) {
			if (set_attr(d, n, attr, value)) {
				*changed = true;
				r = reload(d, why);
			}
		} else if (r == 0) {
			char **names, **values;
			r = parse_attr_list(value, &names, &values);
			if (r < 0)
				*why = vd_xasprintf("%s: malformed attribute list %s", path, value);
			for (size_t i = 0; r == 0 && names[i]; i++) {
				r = walk(d, segs, nseg, true, &n, changed, why);
				if (r == 0 && set_attr(d, n, names[i], values[i])) {
					*changed = true;
					r = reload(d, why);
				}
			}
			vd_strv_free(names);
			vd_strv_free(values);
		}
	} else {
		*why = vd_xasprintf("%s: unsupported edit (%s)", path, vd_fix_op_name(op));
		r = -EINVAL;
	}
	seg_free(segs, nseg);
	free(attr);
	return r;
}

int vd_domain_edit(char **xml, enum vd_fix_op op, const char *path, const char *value, char **why)
{
	struct doc d = {.text = *xml};
	bool changed = false;
	int r = doc_load(&d, why);
	if (r == 0)
		r = edit(&d, op, path, value, &changed, why);
	doc_free(&d);
	*xml = d.text;
	return r;
}

/* ---- the plan ---------------------------------------------------------------- */

static char *attr_at(struct doc *d, const char *path)
{
	struct seg *segs = NULL;
	size_t nseg = 0;
	char *attr = NULL, *why = NULL, *val = NULL;
	xmlNodePtr n = NULL;
	bool changed = false;

	if (parse_path(path, &segs, &nseg, &attr) == 0 && walk(d, segs, nseg, false, &n, &changed, &why) == 0 && n && attr) {
		xmlChar *v = xmlGetNoNsProp(n, (const xmlChar *)attr);
		val = vd_xstrdup((const char *)v);
		xmlFree(v);
	}
	seg_free(segs, nseg);
	free(attr);
	free(why);
	return val;
}

static void note(struct vd_domain_plan *p, const char *s)
{
	size_t n = vd_strv_len(p->notes);
	p->notes = vd_xrealloc(p->notes, (n + 2) * sizeof(char *));
	p->notes[n] = vd_xstrdup(s);
	p->notes[n + 1] = NULL;
}

int vd_domain_plan(const char *xml, const struct vd_fix *const *fixes, size_t nfixes, struct vd_domain_plan *out,
		   char **why)
{
	struct doc d = {.text = vd_xstrdup(xml)};
	int r;

	memset(out, 0, sizeof(*out));
	out->old_xml = vd_xstrdup(xml);
	out->notes = vd_xcalloc(1, sizeof(char *));
	r = doc_load(&d, why);
	for (size_t i = 0; r == 0 && i < nfixes; i++) {
		const struct vd_fix *x = fixes[i];
		bool changed = false;
		if (x->kind != VD_FIX_XML)
			continue;
		r = edit(&d, x->op, x->target, x->value, &changed, why);
		out->nedits += changed;
	}
	/* Conflict: <ioapic driver='kvm'/> (the GPU's full irqchip) and an
	 * Intel vIOMMU's interrupt remapping, which needs the split irqchip;
	 * libvirt refuses the pair ("IOMMU interrupt remapping requires split
	 * I/O APIC"). The GPU wins: remapping goes, and eim with it. */
	if (r == 0) {
		_cleanup_free_ char *io = attr_at(&d, "/domain/features/ioapic/@driver");
		_cleanup_free_ char *ir = attr_at(&d, "/domain/devices/iommu[@model='intel']/driver/@intremap");
		if (io && !strcmp(io, "kvm") && ir && !strcmp(ir, "on")) {
			bool changed = false;
			r = edit(&d, VD_OP_REMOVE, "/domain/devices/iommu[@model='intel']/driver/@intremap", NULL, &changed, why);
			if (r == 0)
				r = edit(&d, VD_OP_REMOVE, "/domain/devices/iommu[@model='intel']/driver/@eim", NULL, &changed, why);
			out->nedits += changed;
			note(out, "removed intremap (and eim) from the Intel vIOMMU: interrupt remapping needs the split "
				  "irqchip, and <ioapic driver='kvm'/> (the GPU's fix) is the full one; libvirt refuses both "
				  "together");
		}
	}
	doc_free(&d);
	if (r < 0) {
		free(d.text);
		vd_domain_plan_done(out);
		return r;
	}
	out->new_xml = d.text;
	return 0;
}

void vd_domain_plan_done(struct vd_domain_plan *p)
{
	free(p->old_xml);
	free(p->new_xml);
	vd_strv_free(p->notes);
	memset(p, 0, sizeof(*p));
}
