// SPDX-License-Identifier: GPL-2.0-or-later
/* ACPI Machine Language encoder (see aml.h). Opcodes from ACPI 6.4 §20.2. */
#include "aml.h"

#include <ctype.h>
#include <string.h>

enum {
	ZERO_OP = 0x00,
	ONE_OP = 0x01,
	NAME_OP = 0x08,
	BYTE_PREFIX = 0x0a,
	WORD_PREFIX = 0x0b,
	DWORD_PREFIX = 0x0c,
	STRING_PREFIX = 0x0d,
	QWORD_PREFIX = 0x0e,
	SCOPE_OP = 0x10,
	PACKAGE_OP = 0x12,
	METHOD_OP = 0x14,
	EXTERNAL_OP = 0x15,
	DUAL_NAME_PREFIX = 0x2e,
	MULTI_NAME_PREFIX = 0x2f,
	EXT_OP_PREFIX = 0x5b,
	ROOT_CHAR = 0x5c,
	PARENT_PREFIX = 0x5e,
	DEVICE_OP = 0x82, /* after EXT_OP_PREFIX */
	IF_OP = 0xa0,
	RETURN_OP = 0xa4,
	ONES_OP = 0xff,
};

static void byte(struct vd_str *o, unsigned b)
{
	vd_str_addc(o, (char)(b & 0xff));
}

static void le(struct vd_str *o, uint64_t v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		byte(o, (unsigned)(v >> (8 * i)));
}

void vd_aml_int(struct vd_str *out, uint64_t v)
{
	if (v == 0)
		byte(out, ZERO_OP);
	else if (v == 1)
		byte(out, ONE_OP);
	else if (v == UINT64_MAX)
		byte(out, ONES_OP);
	else if (v <= 0xff)
		byte(out, BYTE_PREFIX), le(out, v, 1);
	else if (v <= 0xffff)
		byte(out, WORD_PREFIX), le(out, v, 2);
	else if (v <= 0xffffffff)
		byte(out, DWORD_PREFIX), le(out, v, 4);
	else
		byte(out, QWORD_PREFIX), le(out, v, 8);
}

void vd_aml_string(struct vd_str *out, const char *s)
{
	byte(out, STRING_PREFIX);
	vd_str_add(out, s);
	byte(out, 0);
}

/* PkgLength (§20.2.4): counts its own bytes; 1 byte up to 63, else a lead
 * byte with the count of following bytes in bits 7:6 and 4 low bits. */
static void pkg(struct vd_str *out, const struct vd_str *content)
{
	size_t len = content->len;
	for (unsigned extra = 0; extra < 4; extra++) {
		size_t total = len + 1 + extra;
		if (extra == 0 && total <= 0x3f) {
			byte(out, (unsigned)total);
			break;
		}
		if (extra && total < (size_t)1 << (4 + 8 * extra)) {
			byte(out, (extra << 6) | (total & 0x0f));
			le(out, total >> 4, extra);
			break;
		}
	}
	vd_str_addn(out, content->s ? content->s : "", content->len);
}

static void nameseg(struct vd_str *out, const char *s, size_t n)
{
	for (size_t i = 0; i < 4; i++)
		byte(out, i < n ? (unsigned)toupper((unsigned char)s[i]) : '_');
}

void vd_aml_namestring(struct vd_str *out, const char *path)
{
	const char *p = path;
	while (*p == '\\' || *p == '^') {
		byte(out, *p == '\\' ? ROOT_CHAR : PARENT_PREFIX);
		p++;
	}
	size_t nseg = 0;
	for (const char *q = p; *q; q += strcspn(q, ".") + (q[strcspn(q, ".")] == '.'))
		nseg++;
	if (nseg == 0) {
		byte(out, 0); /* NullName */
		return;
	}
	if (nseg == 2)
		byte(out, DUAL_NAME_PREFIX);
	else if (nseg > 2)
		byte(out, MULTI_NAME_PREFIX), byte(out, (unsigned)nseg);
	while (*p) {
		size_t w = strcspn(p, ".");
		nameseg(out, p, w);
		p += w + (p[w] == '.');
	}
}

void vd_aml_name(struct vd_str *out, const char *name, const struct vd_str *value)
{
	byte(out, NAME_OP);
	vd_aml_namestring(out, name);
	vd_str_addn(out, value->s, value->len);
}

void vd_aml_package(struct vd_str *out, unsigned nelems, const struct vd_str *elems)
{
	struct vd_str c = {0};
	byte(&c, nelems);
	vd_str_addn(&c, elems->s ? elems->s : "", elems->len);
	byte(out, PACKAGE_OP);
	pkg(out, &c);
	vd_str_done(&c);
}

void vd_aml_return(struct vd_str *out, const struct vd_str *value)
{
	byte(out, RETURN_OP);
	vd_str_addn(out, value->s, value->len);
}

void vd_aml_method(struct vd_str *out, const char *name, unsigned nargs, int serialized, const struct vd_str *body)
{
	struct vd_str c = {0};
	vd_aml_namestring(&c, name);
	byte(&c, (nargs & 7) | (serialized ? 8 : 0)); /* MethodFlags, SyncLevel 0 */
	vd_str_addn(&c, body->s ? body->s : "", body->len);
	byte(out, METHOD_OP);
	pkg(out, &c);
	vd_str_done(&c);
}

void vd_aml_device(struct vd_str *out, const char *name, const struct vd_str *body)
{
	struct vd_str c = {0};
	vd_aml_namestring(&c, name);
	vd_str_addn(&c, body->s ? body->s : "", body->len);
	byte(out, EXT_OP_PREFIX);
	byte(out, DEVICE_OP);
	pkg(out, &c);
	vd_str_done(&c);
}

void vd_aml_scope(struct vd_str *out, const char *path, const struct vd_str *body)
{
	struct vd_str c = {0};
	vd_aml_namestring(&c, path);
	vd_str_addn(&c, body->s ? body->s : "", body->len);
	byte(out, SCOPE_OP);
	pkg(out, &c);
	vd_str_done(&c);
}

void vd_aml_if(struct vd_str *out, const struct vd_str *predicate, const struct vd_str *body)
{
	struct vd_str c = {0};
	vd_str_addn(&c, predicate->s, predicate->len);
	vd_str_addn(&c, body->s ? body->s : "", body->len);
	byte(out, IF_OP);
	pkg(out, &c);
	vd_str_done(&c);
}

void vd_aml_external(struct vd_str *out, const char *path, unsigned type, unsigned nargs)
{
	struct vd_str zero = {0}, ext = {0};
	vd_aml_int(&zero, 0);
	byte(&ext, EXTERNAL_OP);
	vd_aml_namestring(&ext, path);
	byte(&ext, type);
	byte(&ext, nargs);
	vd_aml_if(out, &zero, &ext);
	vd_str_done(&zero);
	vd_str_done(&ext);
}

uint32_t vd_aml_eisaid(const char *id)
{
	/* Three letters of 5 bits each ('A' = 1), then four hex digits, stored
	 * big-endian in a DWORD (ACPI 6.4 §19.6.35 EISAID). */
	if (!id || strlen(id) != 7)
		return 0;
	uint32_t v = ((uint32_t)(id[0] - 0x40) << 26) | ((uint32_t)(id[1] - 0x40) << 21) | ((uint32_t)(id[2] - 0x40) << 16);
	for (int i = 3; i < 7; i++) {
		char c = (char)toupper((unsigned char)id[i]);
		v |= (uint32_t)(isdigit((unsigned char)c) ? c - '0' : c - 'A' + 10) << (4 * (6 - i));
	}
	return ((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >> 8) & 0xff00) | (v >> 24);
}

static void fixed(struct vd_str *o, const char *s, size_t n)
{
	size_t l = strlen(s);
	for (size_t i = 0; i < n; i++)
		byte(o, i < l ? (unsigned char)s[i] : 0);
}

void vd_aml_table(struct vd_str *out, const char *sig, uint8_t rev, const char *oem, const char *oem_table,
		  uint32_t oem_rev, const char *creator, uint32_t creator_rev, const struct vd_str *body)
{
	size_t start = out->len, len = 36 + body->len;
	fixed(out, sig, 4);
	le(out, len, 4);
	byte(out, rev);
	byte(out, 0); /* checksum, below */
	fixed(out, oem, 6);
	fixed(out, oem_table, 8);
	le(out, oem_rev, 4);
	fixed(out, creator, 4);
	le(out, creator_rev, 4);
	vd_str_addn(out, body->s ? body->s : "", body->len);
	unsigned sum = 0;
	for (size_t i = start; i < out->len; i++)
		sum += (unsigned char)out->s[i];
	out->s[start + 9] = (char)((0x100 - (sum & 0xff)) & 0xff);
}

/* ---- the battery ---- */

static void ints(struct vd_str *o, const uint64_t *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		vd_aml_int(o, v[i]);
}

static void ret_package(struct vd_str *o, const struct vd_str *elems, unsigned n)
{
	struct vd_str p = {0};
	vd_aml_package(&p, n, elems);
	vd_aml_return(o, &p);
	vd_str_done(&p);
}

void vd_ssdt_battery(struct vd_str *out)
{
	/* ACPI 6.4 §10.2.2: _BIF = power unit (1: mA), design capacity, last
	 * full charge capacity, technology (1: rechargeable), design voltage,
	 * warning and low capacity, granularity 1 and 2, model, serial, type,
	 * OEM; _BST = state, present rate, remaining capacity, voltage. The
	 * values are the page's table's. */
	static const uint64_t bif[] = {1, 0x1770, 0x1770, 1, 0x39d0, 0x0258, 0x012c, 0x3c, 0x3c};
	static const uint64_t bst[] = {0, 0, 0x1770, 0x39d0};
	struct vd_str v = {0}, dev = {0}, m = {0}, e = {0}, scope = {0}, body = {0};

	vd_aml_int(&v, vd_aml_eisaid("PNP0C0A")); /* control method battery */
	vd_aml_name(&dev, "_HID", &v);
	v.len = 0;
	vd_aml_int(&v, 0);
	vd_aml_name(&dev, "_UID", &v);

	v.len = 0;
	vd_aml_int(&v, 0x1f); /* present, enabled, shown, functioning, battery present */
	vd_aml_return(&m, &v);
	vd_aml_method(&dev, "_STA", 0, 0, &m);

	m.len = 0;
	ints(&e, bif, ARRAY_SIZE(bif));
	vd_aml_string(&e, "");
	vd_aml_string(&e, "");
	vd_aml_string(&e, "LION");
	vd_aml_string(&e, "");
	ret_package(&m, &e, 13);
	vd_aml_method(&dev, "_BIF", 0, 0, &m);

	m.len = e.len = 0;
	ints(&e, bst, ARRAY_SIZE(bst));
	ret_package(&m, &e, 4);
	vd_aml_method(&dev, "_BST", 0, 0, &m);

	vd_aml_device(&scope, "BAT0", &dev);
	vd_aml_external(&body, "\\_SB.PCI0", 6, 0);
	vd_aml_scope(&body, "_SB.PCI0", &scope);
	/* The header of the page's table: QEMU's OEM IDs, compiled by iasl 20191018. */
	vd_aml_table(out, "SSDT", 1, "BOCHS", "BXPCSSDT", 1, "INTL", 0x20191018, &body);
	vd_str_done(&v);
	vd_str_done(&dev);
	vd_str_done(&m);
	vd_str_done(&e);
	vd_str_done(&scope);
	vd_str_done(&body);
}
