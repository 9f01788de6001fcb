/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A minimal assertion harness for the C unit tests: failures are counted
 * and reported with file:line, and main() returns non-zero if any failed. */
#pragma once

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failures, unit_checks;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		unit_checks++;                                                                     \
		if (!(cond)) {                                                                     \
			unit_failures++;                                                           \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond);   \
		}                                                                                  \
	} while (0)

#define CHECK_INT(a, b)                                                                            \
	do {                                                                                       \
		long long _a = (long long)(a), _b = (long long)(b);                                \
		unit_checks++;                                                                     \
		if (_a != _b) {                                                                    \
			unit_failures++;                                                           \
			fprintf(stderr, "%s:%d: %s == %lld, expected %lld\n", __FILE__, __LINE__, #a, \
				_a, _b);                                                           \
		}                                                                                  \
	} while (0)

#define CHECK_STR(a, b)                                                                            \
	do {                                                                                       \
		const char *_a = (a), *_b = (b);                                                   \
		unit_checks++;                                                                     \
		if (!_a || !_b || strcmp(_a, _b) != 0) {                                           \
			unit_failures++;                                                           \
			fprintf(stderr, "%s:%d: %s == \"%s\", expected \"%s\"\n", __FILE__, __LINE__, \
				#a, _a ? _a : "(null)", _b ? _b : "(null)");                       \
		}                                                                                  \
	} while (0)

static inline int unit_done(const char *name)
{
	fprintf(stderr, "%s: %d checks, %d failed\n", name, unit_checks, unit_failures);
	return unit_failures ? 1 : 0;
}

#ifdef FIXTURES
/* The bytes of a file under tests/hosts (NUL-terminated), NULL if missing. */
static inline char *unit_slurp(const char *rel, size_t *len)
{
	char path[1024];
	snprintf(path, sizeof(path), "%s/%s", FIXTURES, rel);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 8192, n = 0, k;
	char *b = malloc(cap + 1);
	while (b && (k = fread(b + n, 1, cap - n, f)) > 0) {
		n += k;
		if (n == cap) {
			char *nb = realloc(b, (cap *= 2) + 1);
			if (!nb) {
				free(b);
				b = NULL;
			}
			b = nb;
		}
	}
	fclose(f);
	if (b)
		b[n] = '\0';
	*len = n;
	return b;
}
#endif
