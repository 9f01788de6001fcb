// SPDX-License-Identifier: GPL-2.0-or-later
#include "dlib.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>

#include "util.h"

int vd_dlopen_syms(void **dl, const char *soname, const char *what, char **why, ...)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
	va_list ap;
	void **slot;

	*dl = NULL;
	if (!h) {
		if (why)
			*why = vd_xasprintf("%s is not installed (%s)", what, dlerror());
		return -ENOTSUP;
	}
	/* Resolve everything before storing anything: a library too old for
	 * one symbol is treated as absent, never half-loaded. */
	va_start(ap, why);
	while ((slot = va_arg(ap, void **))) {
		const char *name = va_arg(ap, const char *);
		if (!dlsym(h, name)) {
			va_end(ap);
			if (why)
				*why = vd_xasprintf("the installed %s lacks %s", what, name);
			dlclose(h);
			return -ENOTSUP;
		}
	}
	va_end(ap);
	va_start(ap, why);
	while ((slot = va_arg(ap, void **)))
		*slot = dlsym(h, va_arg(ap, const char *));
	va_end(ap);
	*dl = h;
	return 0;
}
