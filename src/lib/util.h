/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers every module uses: scope cleanup, growable strings, parsing. */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

/* Scope-bound cleanup, after systemd's cleanup-fundamental.h: a variable
 * declared _cleanup_free_ is freed when it leaves scope unless TAKE_PTR()
 * hands it on. */
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(vd_freep)
#define _cleanup_close_ _cleanup_(vd_closep)
#define _printf_(a, b) __attribute__((format(printf, a, b)))
#define _unused_ __attribute__((unused))

#define TAKE_PTR(p)                                                                                \
	({                                                                                         \
		__typeof__(p) _tp = (p);                                                           \
		(p) = NULL;                                                                        \
		_tp;                                                                               \
	})
#define TAKE_FD(fd)                                                                                \
	({                                                                                         \
		int _tf = (fd);                                                                    \
		(fd) = -1;                                                                         \
		_tf;                                                                               \
	})

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void vd_freep(void *p)
{
	free(*(void **)p);
}

static inline void vd_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* A growable NUL-terminated byte string. Allocation failure aborts: the
 * tool's memory use is bounded by what it reads, and a half-built report is
 * worse than none. */
struct vd_str {
	char *s;
	size_t len, cap;
};

void vd_str_add(struct vd_str *b, const char *s);
void vd_str_addn(struct vd_str *b, const char *s, size_t n);
void vd_str_addc(struct vd_str *b, char c);
void vd_str_addf(struct vd_str *b, const char *fmt, ...) _printf_(2, 3);
void vd_str_vaddf(struct vd_str *b, const char *fmt, va_list ap);
char *vd_str_steal(struct vd_str *b); /* never NULL */
void vd_str_done(struct vd_str *b);

void *vd_xmalloc(size_t n);
void *vd_xcalloc(size_t n, size_t size);
void *vd_xrealloc(void *p, size_t n);
char *vd_xstrdup(const char *s);   /* NULL stays NULL */
/* The current time in UTC, formatted with strftime(3) FMT. */
char *vd_utc_now(const char *fmt);
char *vd_xstrndup(const char *s, size_t n);
char *vd_xasprintf(const char *fmt, ...) _printf_(1, 2);

/* Grow *arr (element size esz) so that it holds at least n+1 elements. */
void *vd_grow(void *arr, size_t *cap, size_t n, size_t esz);
#define VD_PUSH(arr, n, cap) ((arr) = vd_grow((arr), &(cap), (n), sizeof(*(arr))), &(arr)[(n)++])

/* A NULL-terminated vector of owned strings. */
void vd_strv_free(char **v);
size_t vd_strv_len(char *const *v);
bool vd_strv_contains(char *const *v, const char *s);
/* Is item one of the words of list, words being separated by any run of
 * the characters in seps ("," for --only, ", " for the lists we join)?
 * A whole-word match: "kvm" is not in "kvm-msrs". */
bool vd_list_has(const char *list, const char *seps, const char *item);

/* Parsing helpers; they return 0 or -EINVAL / -ERANGE and leave *out alone on error. */
int vd_parse_u64(const char *s, int base, uint64_t *out);
int vd_parse_int(const char *s, int *out);
char *vd_strstrip(char *s); /* in place, returns s */
bool vd_startswith(const char *s, const char *prefix);
const char *vd_skip_prefix(const char *s, const char *prefix); /* NULL unless s starts with prefix */
bool vd_streq_ptr(const char *a, const char *b);                /* NULL-safe */
/* Kernel parameter and module names: '-' and '_' are the same character
 * (Linux kernel/params.c parameq()). */
bool vd_streq_dash(const char *a, const char *b);

/* What a failed read means to a user. */
const char *vd_errno_reason(int err);
