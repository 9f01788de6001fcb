// SPDX-License-Identifier: GPL-2.0-or-later
/* Log scanning (see logscan.h). Message formats come from the kernel, QEMU
 * and libvirt sources and from published logs of several versions; both are
 * cited per family in tests/logs/sources/SOURCES.md. */
#include "logscan.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Literal anchors: a line is parsed only if it contains one. Several anchors
 * may lead to one event kind (wordings changed across versions). */
static const struct {
	enum vd_ev kind;
	const char *lit;
} anchors[] = {
	{VD_EV_BAR_RESERVE, "can't reserve ["},
	{VD_EV_BAR_RESERVE, "Unable to reserve "}, /* 2.6: "PCI: Unable to reserve mem region #3:..." */
	{VD_EV_VGA_DECODES, "changed VGA decodes"}, /* ~4.15-6.5 */
	{VD_EV_VGA_DECODES, "VGA decodes changed"}, /* ~6.6+ */
	{VD_EV_VGA_DECODES, "device changed decodes"}, /* < 4.15 */
	{VD_EV_MSR, "rdmsr"},
	{VD_EV_MSR, "wrmsr"},
	{VD_EV_MSR, "RDMSR("}, /* 6.3+ kvm_pr_unimpl_rdmsr */
	{VD_EV_MSR, "WRMSR("},
	{VD_EV_HEADER_127, "Unknown PCI header type"},
	{VD_EV_NOT_READY, " not ready "},
	{VD_EV_POWER_REFUSED, "efused to change power state"},
	{VD_EV_AER, "PCIe Bus Error"},
	{VD_EV_AER, "error received"},
	{VD_EV_AER, "error message received from"}, /* ~6.16 */
	{VD_EV_RMRR, "due to platform RMRR"},
	{VD_EV_RMRR, "have a 1:1 IOMMU mapping"}, /* 6.5+ */
	{VD_EV_DMA_MAP, "DMA mapping failed"},
	{VD_EV_DMA_MAP, "VFIO_MAP_DMA failed"},
	{VD_EV_DMA_MAP, "vfio_dma_map("},
	{VD_EV_AW_BITS, "host aw-bits"},
	{VD_EV_NOT_VIABLE, "is not viable"},
	{VD_EV_TSC_UNSTABLE, "TSC unstable"},
	{VD_EV_TSC_UNSTABLE, "'tsc' as unstable"},
	{VD_EV_TSC_UNSTABLE, "Clocksource tsc unstable"},
	{VD_EV_CLOCKSOURCE, "Switched to clocksource "},
	{VD_EV_SPLIT_LOCK_MODE, "split lock detection: "},
	{VD_EV_SPLIT_LOCK_TRAP, "took a split_lock trap"},
	{VD_EV_SPLIT_LOCK_TRAP, "took a bus_lock trap"},
	{VD_EV_FRAMEBUFFER, "fb: framebuffer at "}, /* efifb, vesafb, simplefb */
	{VD_EV_FRAMEBUFFER, "Initialized simpledrm"},
	{VD_EV_VENDOR_RESET, "vendor_reset_hook: "},
	{VD_EV_VENDOR_RESET, ": AMD_"}, /* vr_info(): "<drv> <bdf>: AMD_NAVI10: ..." */
	{VD_EV_NVIDIA_I2C, "i2c timeout error"},
	{VD_EV_AMDVI_OPTION, "AMD-Vi: Unknown option"},
};

#define NANCHORS ARRAY_SIZE(anchors)
_Static_assert(NANCHORS <= 64, "anchor masks are 64-bit");

static const char *const ev_names[VD_NEV] = {
	[VD_EV_BAR_RESERVE] = "bar-reserve",         [VD_EV_VGA_DECODES] = "vgaarb-decodes",
	[VD_EV_MSR] = "kvm-msr",                     [VD_EV_HEADER_127] = "pci-header-127",
	[VD_EV_NOT_READY] = "reset-not-ready",       [VD_EV_POWER_REFUSED] = "power-state-refused",
	[VD_EV_AER] = "aer",                         [VD_EV_RMRR] = "rmrr",
	[VD_EV_DMA_MAP] = "vfio-dma-map",            [VD_EV_AW_BITS] = "viommu-aw-bits",
	[VD_EV_NOT_VIABLE] = "group-not-viable",     [VD_EV_TSC_UNSTABLE] = "tsc-unstable",
	[VD_EV_CLOCKSOURCE] = "clocksource-switch",  [VD_EV_SPLIT_LOCK_MODE] = "split-lock-mode",
	[VD_EV_SPLIT_LOCK_TRAP] = "split-lock-trap", [VD_EV_FRAMEBUFFER] = "framebuffer",
	[VD_EV_VENDOR_RESET] = "vendor-reset",       [VD_EV_NVIDIA_I2C] = "nvidia-i2c",
	[VD_EV_AMDVI_OPTION] = "amd-vi-option",
};

const char *vd_ev_name(enum vd_ev e)
{
	return e < VD_NEV ? ev_names[e] : "?";
}

/* Aho-Corasick automaton with a full transition table: 256 entries per
 * state, a few hundred states for these anchors. */
struct vd_logscan {
	uint16_t (*go)[256];
	uint64_t *out;
	size_t n;
};

int vd_logscan_new(struct vd_logscan **ret)
{
	size_t max = 1;
	for (size_t i = 0; i < NANCHORS; i++)
		max += strlen(anchors[i].lit);
	if (max > UINT16_MAX)
		return -E2BIG;

	struct vd_logscan *s = vd_xcalloc(1, sizeof(*s));
	int16_t(*trie)[256] = vd_xmalloc(max * sizeof(*trie));
	uint16_t *fail = vd_xcalloc(max, sizeof(*fail));
	uint16_t *queue = vd_xcalloc(max, sizeof(*queue));

	memset(trie, -1, max * sizeof(*trie));
	s->out = vd_xcalloc(max, sizeof(*s->out));
	s->n = 1;
	for (size_t i = 0; i < NANCHORS; i++) {
		size_t st = 0;
		for (const unsigned char *p = (const unsigned char *)anchors[i].lit; *p; p++) {
			if (trie[st][*p] < 0)
				trie[st][*p] = (int16_t)s->n++;
			st = (size_t)trie[st][*p];
		}
		s->out[st] |= 1ull << i;
	}

	/* Breadth-first: failure links and the complete transition table. */
	s->go = vd_xcalloc(s->n, sizeof(*s->go));
	size_t qh = 0, qt = 0;
	for (int c = 0; c < 256; c++) {
		if (trie[0][c] > 0) {
			s->go[0][c] = (uint16_t)trie[0][c];
			fail[trie[0][c]] = 0;
			queue[qt++] = (uint16_t)trie[0][c];
		} else {
			s->go[0][c] = 0;
		}
	}
	while (qh < qt) {
		uint16_t st = queue[qh++];
		s->out[st] |= s->out[fail[st]];
		for (int c = 0; c < 256; c++) {
			if (trie[st][c] > 0) {
				uint16_t nx = (uint16_t)trie[st][c];
				fail[nx] = s->go[fail[st]][c];
				s->go[st][c] = nx;
				queue[qt++] = nx;
			} else {
				s->go[st][c] = s->go[fail[st]][c];
			}
		}
	}
	free(trie);
	free(fail);
	free(queue);
	*ret = s;
	return 0;
}

void vd_logscan_free(struct vd_logscan *s)
{
	if (!s)
		return;
	free(s->go);
	free(s->out);
	free(s);
}

/* ---- helpers over (pointer, length) text ---- */

static const char *find(const char *h, size_t hl, const char *needle)
{
	return memmem(h, hl, needle, strlen(needle));
}

static const char *after(const char *h, size_t hl, const char *needle)
{
	const char *p = find(h, hl, needle);
	return p ? p + strlen(needle) : NULL;
}

/* Parse a number at p (bounded by end); base 0 accepts 0x. */
static bool num_at(const char *p, const char *end, int base, uint64_t *v)
{
	char buf[32];
	size_t n = 0;

	if (!p)
		return false;
	while (p < end && n < sizeof(buf) - 1 && (isxdigit((unsigned char)*p) || *p == 'x' || *p == 'X'))
		buf[n++] = *p++;
	buf[n] = '\0';
	if (!n)
		return false;
	char *e;
	errno = 0;
	unsigned long long x = strtoull(buf, &e, base);
	if (errno || e == buf)
		return false;
	*v = x;
	return true;
}

static void copy_word(char *dst, size_t cap, const char *p, const char *end, const char *stops)
{
	size_t n = 0;
	while (p && p < end && n < cap - 1 && !strchr(stops, *p))
		dst[n++] = *p++;
	dst[n] = '\0';
}

static bool hexn(const char *p, const char *end, int n)
{
	for (int i = 0; i < n; i++)
		if (p + i >= end || !isxdigit((unsigned char)p[i]))
			return false;
	return true;
}

bool vd_log_find_bdf(const char *text, size_t len, char out[16])
{
	const char *end = text + len;

	for (const char *p = text; p < end; p++) {
		if (!isxdigit((unsigned char)*p) || (p > text && isxdigit((unsigned char)p[-1])))
			continue;
		/* dddd:bb:ss.f */
		if (hexn(p, end, 4) && p + 12 <= end && p[4] == ':' && hexn(p + 5, end, 2) && p[7] == ':' &&
		    hexn(p + 8, end, 2) && p[10] == '.' && p[11] >= '0' && p[11] <= '7' &&
		    (p + 12 == end || !isxdigit((unsigned char)p[12]))) {
			memcpy(out, p, 12);
			out[12] = '\0';
			for (int i = 0; i < 12; i++)
				out[i] = (char)tolower((unsigned char)out[i]);
			return true;
		}
		/* bb:ss.f (AMD-Vi events, old kernels) */
		if (hexn(p, end, 2) && p + 7 <= end && p[2] == ':' && hexn(p + 3, end, 2) && p[5] == '.' &&
		    p[6] >= '0' && p[6] <= '7' && (p + 7 == end || !isxdigit((unsigned char)p[7])) &&
		    (p == text || p[-1] != ':')) {
			memcpy(out, "0000:", 5);
			memcpy(out + 5, p, 7);
			out[12] = '\0';
			for (int i = 5; i < 12; i++)
				out[i] = (char)tolower((unsigned char)out[i]);
			return true;
		}
	}
	out[0] = '\0';
	return false;
}

/* The word before the address: "vfio-pci" in "vfio-pci 0000:01:00.0: ...". */
static void driver_before_bdf(const char *b, size_t bl, char *word, size_t cap)
{
	char bdf[16];
	if (!vd_log_find_bdf(b, bl, bdf))
		return;
	const char *p = find(b, bl, bdf + 5);
	if (!p || p - b < 2)
		return;
	/* The word ends before the address, with or without its "0000:" domain;
	 * a body that starts with the address has no word (and no byte before b). */
	const char *q = p - 1;
	if (p - b >= 5 && memcmp(p - 5, "0000:", 5) == 0) {
		if (p - b == 5)
			return;
		q = p - 6;
	}
	if (*q != ' ')
		return;
	const char *s = q;
	while (s > b && s[-1] != ' ' && s[-1] != ']')
		s--;
	copy_word(word, cap, s, q, " ");
}

const char *vd_log_body(const char *line, size_t len, size_t *body_len)
{
	const char *p = line, *end = line + len;

	while (p < end && (*p == ' ' || *p == '\t' || *p == '>' || *p == '#'))
		p++;
	/* /dev/kmsg record: "6,339,5140900,-;message" */
	if (p < end && isdigit((unsigned char)*p)) {
		const char *q = p;
		int commas = 0;
		while (q < end && (isdigit((unsigned char)*q) || *q == ',' || *q == '-' || *q == 'c' || *q == '+')) {
			commas += *q == ',';
			q++;
		}
		if (q < end && *q == ';' && commas >= 2)
			p = q + 1;
	}
	/* syslog / journalctl: "... host kernel: " (or "QEMU[pid]: ") */
	size_t window = (size_t)(end - p) < 96 ? (size_t)(end - p) : 96;
	const char *k = after(p, window, " kernel: ");
	if (k)
		p = k;
	/* priority "<4>" */
	if (p + 2 < end && *p == '<' && isdigit((unsigned char)p[1])) {
		const char *q = memchr(p, '>', (size_t)(end - p) < 5 ? (size_t)(end - p) : 5);
		if (q)
			p = q + 1;
	}
	/* "[ 1234.5678]", "[Tue Aug 26 16:02:52 2025]", then caller id "[    T1]" */
	for (int i = 0; i < 2 && p < end && *p == '['; i++) {
		const char *q = memchr(p, ']', (size_t)(end - p) < 40 ? (size_t)(end - p) : 40);
		if (!q)
			break;
		p = q + 1;
		while (p < end && *p == ' ')
			p++;
	}
	while (end > p && (end[-1] == '\r' || end[-1] == ' '))
		end--;
	*body_len = (size_t)(end - p);
	return p;
}

/* ---- one parser per event kind: fill ev from the line; false = not this event ---- */

static bool p_bar(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *end = b + bl;
	const char *p = after(b, bl, "BAR ");
	uint64_t v;

	if (p && num_at(p, end, 10, &v)) {
		ev->num = (int)v;
		const char *r = after(b, bl, "can't reserve [");
		if (!r)
			return false;
		while (r < end && isalpha((unsigned char)*r))
			r++;
		while (r < end && *r == ' ')
			r++;
		if (!num_at(r, end, 16, &ev->start))
			return false;
		const char *dash = memchr(r, '-', (size_t)(end - r));
		if (!dash || !num_at(dash + 1, end, 16, &ev->end))
			return false;
		driver_before_bdf(b, bl, ev->word, sizeof(ev->word));
		return true;
	}
	/* 2.6: "PCI: Unable to reserve mem region #3:10000000@f0000000 for device 0000:01:00.0" */
	p = after(b, bl, "region #");
	uint64_t size;
	if (p && num_at(p, end, 10, &v)) {
		ev->num = (int)v;
		const char *c = memchr(p, ':', (size_t)(end - p));
		const char *at = c ? memchr(c, '@', (size_t)(end - c)) : NULL;
		if (!at || !num_at(c + 1, at, 16, &size) || !num_at(at + 1, end, 16, &ev->start) || !size)
			return false;
		ev->end = ev->start + size - 1;
		return true;
	}
	return false;
}

/* word: the new decodes and ownership, "none:owns=io+mem" */
static bool p_vga(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *p = after(b, bl, ",decodes=");
	if (!p)
		return false;
	copy_word(ev->word, sizeof(ev->word), p, b + bl, " ,");
	return true;
}

static bool p_msr(const char *b, size_t bl, struct vd_logev *ev)
{
	static const char *const ops[] = {"rdmsr", "wrmsr", "RDMSR(", "WRMSR("};
	const char *end = b + bl;

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		const char *p = find(b, bl, ops[i]);
		if (!p)
			continue;
		/* "unhandled" (old), "Unhandled" (6.3+), and Hyper-V's long-lived typo "uhandled" */
		ev->flag = find(b, (size_t)(p - b), "handled") != NULL || i >= 2;
		snprintf(ev->word, sizeof(ev->word), "%s %s", ev->flag ? "unhandled" : "ignored", i % 2 ? "wrmsr" : "rdmsr");
		p += strlen(ops[i]);
		while (p < end && (*p == ':' || *p == ' '))
			p++;
		num_at(p, end, 16, &ev->start);
		return true;
	}
	return false;
}

static bool p_header(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *p = after(b, bl, "header type '");
	uint64_t v;
	if (!p || !num_at(p, b + bl, 10, &v))
		return false;
	ev->num = (int)v;
	return true;
}

static bool p_not_ready(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *end = b + bl;
	const char *p = after(b, bl, "not ready ");
	uint64_t v;
	if (!p || !num_at(p, end, 10, &v))
		return false;
	ev->num = (int)v;
	const char *a = after(p, (size_t)(end - p), "after ");
	if (a)
		copy_word(ev->word, sizeof(ev->word), a, end, ";");
	ev->flag = find(b, bl, "giving up") != NULL;
	return true;
}

static bool p_aer(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *end = b + bl;
	const char *s = after(b, bl, "severity=");
	if (s)
		copy_word(ev->word, sizeof(ev->word), s, end, ",");
	else if (find(b, bl, "Uncorrect"))
		snprintf(ev->word, sizeof(ev->word), "Uncorrected");
	else if (find(b, bl, "Correct"))
		snprintf(ev->word, sizeof(ev->word), "Corrected");
	else if (find(b, bl, "Multiple"))
		snprintf(ev->word, sizeof(ev->word), "Multiple");
	else
		return false;
	ev->flag = strstr(ev->word, "ncorrect") != NULL;
	return true;
}

static bool p_dma(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *end = b + bl;
	const char *p = after(b, bl, ") = -");
	uint64_t v;
	ev->num = p && num_at(p, end, 10, &v) ? (int)v : -1;
	snprintf(ev->word, sizeof(ev->word), "%s",
		 find(b, bl, "DMA mapping failed") ? "DMA mapping failed"
		 : find(b, bl, "VFIO_MAP_DMA")    ? "VFIO_MAP_DMA failed"
						  : "vfio_dma_map");
	return true;
}

static bool p_aw(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *end = b + bl;
	const char *p = after(b, bl, "aw-bits ");
	const char *h = after(b, bl, "host aw-bits ");
	uint64_t a, hv;
	/* QEMU prints the host value in decimal; a later patch proposal in hex */
	if (!p || !h || !num_at(p, end, 10, &a) || !num_at(h, end, 0, &hv))
		return false;
	ev->num = (int)a;
	ev->num2 = (int)hv;
	return true;
}

static bool p_viable(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *g = find(b, bl, "group ");
	uint64_t v;
	if (!g || !num_at(g + 6, b + bl, 10, &v))
		return false;
	ev->num = (int)v;
	return true;
}

static bool p_cs(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *p = after(b, bl, "Switched to clocksource ");
	if (!p)
		return false;
	copy_word(ev->word, sizeof(ev->word), p, b + bl, " \n");
	return true;
}

static bool p_sl_mode(const char *b, size_t bl, struct vd_logev *ev)
{
	if (find(b, bl, "took a "))
		return false; /* the trap lines carry the same prefix */
	const char *p = after(b, bl, "split lock detection: ");
	copy_word(ev->word, sizeof(ev->word), p, b + bl, "\n");
	return p != NULL;
}

static bool p_sl_trap(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *p = after(b, bl, ": ");
	const char *hash = after(b, bl, "#AC: ");
	if (!hash)
		hash = after(b, bl, "#DB: ");
	if (hash)
		p = hash;
	const char *t = find(b, bl, " took a ");
	if (!p || !t || t < p)
		return false;
	/* comm/pid: the comm itself may contain '/' ("CPU 0/KVM/88279") */
	const char *slash = t;
	while (slash > p && *slash != '/')
		slash--;
	copy_word(ev->word, sizeof(ev->word), p, slash > p ? slash : t, "\n");
	size_t wl = strlen(ev->word);
	ev->flag = wl >= 4 && strcmp(ev->word + wl - 4, "/KVM") == 0;
	return true;
}

static bool p_fb(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *end = b + bl;
	if (find(b, bl, "Initialized simpledrm")) {
		snprintf(ev->word, sizeof(ev->word), "simpledrm");
		return true;
	}
	const char *p = find(b, bl, "fb: framebuffer at ");
	if (!p)
		return false;
	const char *s = p;
	while (s > b && isalnum((unsigned char)s[-1]))
		s--;
	copy_word(ev->word, sizeof(ev->word), s, p + 2, ":");
	const char *a = p + strlen("fb: framebuffer at ");
	if (!num_at(a, end, 0, &ev->start))
		return false;
	const char *u = after(a, (size_t)(end - a), "using ");
	uint64_t k;
	if (u && num_at(u, end, 10, &k) && k)
		ev->end = ev->start + k * 1024 - 1;
	else
		ev->end = ev->start;
	return true;
}

static bool p_vr(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *p = after(b, bl, "vendor_reset_hook: ");
	if (!p)
		p = find(b, bl, "AMD_");
	copy_word(ev->word, sizeof(ev->word), p, b + bl, "\n");
	return true;
}

static bool p_amdvi(const char *b, size_t bl, struct vd_logev *ev)
{
	const char *p = after(b, bl, "Unknown option - '");
	if (p)
		copy_word(ev->word, sizeof(ev->word), p, b + bl, "'");
	return true;
}

static bool p_true(const char *b, size_t bl, struct vd_logev *ev)
{
	(void)b, (void)bl, (void)ev;
	return true;
}

static bool (*const parsers[VD_NEV])(const char *, size_t, struct vd_logev *) = {
	[VD_EV_BAR_RESERVE] = p_bar,     [VD_EV_VGA_DECODES] = p_vga,   [VD_EV_MSR] = p_msr,
	[VD_EV_HEADER_127] = p_header,   [VD_EV_NOT_READY] = p_not_ready, [VD_EV_POWER_REFUSED] = p_true,
	[VD_EV_AER] = p_aer,             [VD_EV_RMRR] = p_true,         [VD_EV_DMA_MAP] = p_dma,
	[VD_EV_AW_BITS] = p_aw,          [VD_EV_NOT_VIABLE] = p_viable, [VD_EV_TSC_UNSTABLE] = p_true,
	[VD_EV_CLOCKSOURCE] = p_cs,      [VD_EV_SPLIT_LOCK_MODE] = p_sl_mode, [VD_EV_SPLIT_LOCK_TRAP] = p_sl_trap,
	[VD_EV_FRAMEBUFFER] = p_fb,      [VD_EV_VENDOR_RESET] = p_vr,   [VD_EV_NVIDIA_I2C] = p_true,
	[VD_EV_AMDVI_OPTION] = p_amdvi,
};

/* A message the mail client or pager wrapped: "[mem" at the end of a line,
 * or a quoted-printable soft break ("=" at the end). */
static bool looks_wrapped(const char *b, size_t bl)
{
	if (!bl)
		return false;
	if (b[bl - 1] == '=')
		return true;
	const char *open = NULL;
	for (const char *p = b; p < b + bl; p++)
		if (*p == '[')
			open = p;
		else if (*p == ']')
			open = NULL;
	return open != NULL && open > b + bl - 12;
}

static uint64_t line_mask(const struct vd_logscan *s, const char *l, size_t n)
{
	uint64_t m = 0;
	uint16_t st = 0;
	for (size_t i = 0; i < n; i++) {
		st = s->go[st][(unsigned char)l[i]];
		m |= s->out[st];
	}
	return m;
}

static void emit(const char *line, size_t len, const char *next, size_t nlen, size_t lineno, uint64_t mask,
		 vd_logev_cb cb, void *ctx)
{
	size_t bl;
	const char *b = vd_log_body(line, len, &bl);
	char *joined = NULL;

	if (next && looks_wrapped(b, bl)) {
		size_t nbl;
		const char *nb = vd_log_body(next, nlen, &nbl);
		bool soft = b[bl - 1] == '=';
		joined = vd_xmalloc(bl + nbl + 2);
		memcpy(joined, b, bl - soft);
		size_t at = bl - soft;
		if (!soft)
			joined[at++] = ' ';
		memcpy(joined + at, nb, nbl);
		bl = at + nbl;
		joined[bl] = '\0';
		b = joined;
	}
	bool done[VD_NEV] = {0};
	for (size_t i = 0; i < NANCHORS; i++) {
		enum vd_ev k = anchors[i].kind;
		if (!(mask & (1ull << i)) || done[k])
			continue;
		done[k] = true;
		struct vd_logev ev = {.kind = k, .line = lineno, .body = b, .body_len = bl, .num = -1, .num2 = -1};
		vd_log_find_bdf(b, bl, ev.bdf);
		if (parsers[k](b, bl, &ev))
			cb(ctx, &ev);
	}
	free(joined);
}

void vd_logscan_text(const struct vd_logscan *s, const char *text, size_t len, size_t first_line, vd_logev_cb cb,
		     void *ctx)
{
	const char *end = text + len, *counted = text;
	size_t lineno = first_line;
	uint16_t st = 0;

	for (const char *p = text; p < end; p++) {
		st = s->go[st][(unsigned char)*p];
		if (!s->out[st])
			continue;
		/* An anchor ends here: take the whole line, parse it once. */
		const char *ls = p;
		while (ls > text && ls[-1] != '\n')
			ls--;
		const char *le = memchr(p, '\n', (size_t)(end - p));
		if (!le)
			le = end;
		for (const char *q = counted; q < ls && (q = memchr(q, '\n', (size_t)(ls - q))); q++)
			lineno++;
		counted = ls;
		const char *next = le < end ? le + 1 : NULL;
		const char *ne = next ? memchr(next, '\n', (size_t)(end - next)) : NULL;
		if (next && !ne)
			ne = end;
		emit(ls, (size_t)(le - ls), next, next ? (size_t)(ne - next) : 0, lineno,
		     line_mask(s, ls, (size_t)(le - ls)), cb, ctx);
		p = le; /* continue after this line */
		st = 0;
	}
}
