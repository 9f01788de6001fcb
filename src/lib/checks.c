// SPDX-License-Identifier: GPL-2.0-or-later
/* The check table: order here is the order of the report. */
#include <errno.h>
#include <string.h>

#include "check.h"

#define CHECK(name) extern const struct vd_check vd_check_##name;
#include "checks/list.h"
#undef CHECK

const struct vd_check *const vd_checks[] = {
#define CHECK(name) &vd_check_##name,
#include "checks/list.h"
#undef CHECK
};

const size_t vd_nchecks = ARRAY_SIZE(vd_checks);

const struct vd_check *vd_check_find(const char *id)
{
	for (size_t i = 0; i < vd_nchecks; i++)
		if (strcmp(vd_checks[i]->id, id) == 0)
			return vd_checks[i];
	return NULL;
}

static bool listed(const char *only, const char *id)
{
	size_t n = strlen(id);
	for (const char *p = only; *p;) {
		size_t w = strcspn(p, ",");
		if (w == n && strncmp(p, id, n) == 0)
			return true;
		p += w;
		if (*p == ',')
			p++;
	}
	return false;
}

int vd_checks_run(const struct vd_host *h, const char *only, struct vd_findings *out, char **bad)
{
	if (only) {
		for (const char *p = only; *p;) {
			size_t w = strcspn(p, ",");
			char *id = vd_xstrndup(p, w);
			if (w && !vd_check_find(id)) {
				*bad = id;
				return -EINVAL;
			}
			free(id);
			p += w;
			if (*p == ',')
				p++;
		}
	}
	for (size_t i = 0; i < vd_nchecks; i++)
		if (!only || listed(only, vd_checks[i]->id))
			vd_checks[i]->run(vd_checks[i], h, out);
	return 0;
}
