// SPDX-License-Identifier: GPL-2.0-or-later
/* Small helpers every module uses: scope cleanup, growable strings, parsing. */
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

static void *oom_check(void *p)
{
	if (!p)
		abort();
	return p;
}

void *vd_xmalloc(size_t n)
{
	return oom_check(malloc(n ? n : 1));
}

void *vd_xcalloc(size_t n, size_t size)
{
	return oom_check(calloc(n ? n : 1, size ? size : 1));
}

void *vd_xrealloc(void *p, size_t n)
{
	return oom_check(realloc(p, n ? n : 1));
}

char *vd_xstrdup(const char *s)
{
	return s ? oom_check(strdup(s)) : NULL;
}

char *vd_xstrndup(const char *s, size_t n)
{
	return s ? oom_check(strndup(s, n)) : NULL;
}

char *vd_xasprintf(const char *fmt, ...)
{
	struct vd_str b = {0};
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(&b, fmt, ap);
	va_end(ap);
	return vd_str_steal(&b);
}

void *vd_grow(void *arr, size_t *cap, size_t n, size_t esz)
{
	if (n < *cap)
		return arr;
	size_t ncap = *cap ? *cap * 2 : 8;
	while (ncap <= n)
		ncap *= 2;
	if (ncap > SIZE_MAX / esz)
		abort();
	arr = vd_xrealloc(arr, ncap * esz);
	memset((char *)arr + *cap * esz, 0, (ncap - *cap) * esz);
	*cap = ncap;
	return arr;
}

static void str_reserve(struct vd_str *b, size_t extra)
{
	if (b->len + extra + 1 <= b->cap)
		return;
	size_t ncap = b->cap ? b->cap : 64;
	while (ncap < b->len + extra + 1)
		ncap *= 2;
	b->s = vd_xrealloc(b->s, ncap);
	b->cap = ncap;
}

void vd_str_addn(struct vd_str *b, const char *s, size_t n)
{
	str_reserve(b, n);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void vd_str_add(struct vd_str *b, const char *s)
{
	vd_str_addn(b, s, strlen(s));
}

void vd_str_addc(struct vd_str *b, char c)
{
	vd_str_addn(b, &c, 1);
}

void vd_str_vaddf(struct vd_str *b, const char *fmt, va_list ap)
{
	va_list aq;

	va_copy(aq, ap);
	int n = vsnprintf(NULL, 0, fmt, aq);
	va_end(aq);
	if (n < 0)
		abort();
	str_reserve(b, (size_t)n);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void vd_str_addf(struct vd_str *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vd_str_vaddf(b, fmt, ap);
	va_end(ap);
}

char *vd_str_steal(struct vd_str *b)
{
	if (!b->s)
		return vd_xstrdup("");
	char *s = b->s;
	*b = (struct vd_str){0};
	return s;
}

void vd_str_done(struct vd_str *b)
{
	free(b->s);
	*b = (struct vd_str){0};
}

void vd_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

size_t vd_strv_len(char *const *v)
{
	size_t n = 0;
	while (v && v[n])
		n++;
	return n;
}

bool vd_list_has(const char *list, const char *seps, const char *item)
{
	size_t n = strlen(item);
	for (const char *p = list; n && p && *p;) {
		p += strspn(p, seps);
		size_t w = strcspn(p, seps);
		if (w == n && strncmp(p, item, n) == 0)
			return true;
		p += w;
	}
	return false;
}

bool vd_strv_contains(char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (strcmp(*v, s) == 0)
			return true;
	return false;
}

int vd_parse_u64(const char *s, int base, uint64_t *out)
{
	char *end;

	if (!s)
		return -EINVAL;
	while (isspace((unsigned char)*s))
		s++;
	if (!*s || *s == '-')
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(s, &end, base);
	if (errno == ERANGE)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

int vd_parse_int(const char *s, int *out)
{
	char *end;

	if (!s)
		return -EINVAL;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno == ERANGE || v > INT32_MAX || v < INT32_MIN)
		return -ERANGE;
	if (end == s)
		return -EINVAL;
	while (isspace((unsigned char)*end))
		end++;
	if (*end)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

char *vd_strstrip(char *s)
{
	size_t n = strlen(s);
	while (n && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	size_t lead = strspn(s, " \t\r\n\f\v");
	if (lead)
		memmove(s, s + lead, n - lead + 1);
	return s;
}

bool vd_startswith(const char *s, const char *prefix)
{
	return s && strncmp(s, prefix, strlen(prefix)) == 0;
}

const char *vd_skip_prefix(const char *s, const char *prefix)
{
	size_t n = strlen(prefix);
	return s && strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

bool vd_streq_ptr(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	return strcmp(a, b) == 0;
}

bool vd_streq_dash(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if ((*a == '-' ? '_' : *a) != (*b == '-' ? '_' : *b))
			return false;
	return *a == *b;
}

const char *vd_errno_reason(int err)
{
	if (err < 0)
		err = -err;
	switch (err) {
	case 0:
		return "read";
	case ENOENT:
	case ENOTDIR:
		return "not present";
	case EACCES:
	case EPERM:
		return "permission denied (needs root)";
	case ENODEV:
	case ENXIO:
	case EINVAL:
	case EOPNOTSUPP:
	case EIO:
		return "not supported by this kernel or device";
	case ELOOP:
		return "symlink loop";
	case EXDEV:
		return "link points outside the root";
	case EFBIG:
		return "file too large";
	case EBADMSG:
		return "malformed content";
	case ENODATA:
		return "empty";
	default:
		return strerror(err);
	}
}

char *vd_utc_now(const char *fmt)
{
	char buf[64];
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	if (!strftime(buf, sizeof(buf), fmt, &tm))
		buf[0] = '\0';
	return vd_xstrdup(buf);
}
