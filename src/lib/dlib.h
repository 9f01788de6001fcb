/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Optional libraries loaded on first use instead of linked. libvirt,
 * libsystemd (sd-journal) and libarchive each pull in dozens of shared
 * objects (ICU, OpenSSL, gcrypt, compressors) whose relocation at start-up
 * cost more than a whole `check` of a 64-device host; only `check --boot`,
 * a libvirt connection, or collect/replay of a tarball need them. This is
 * systemd's approach for its own optional dependencies (dlopen_many_sym_or_warn
 * in src/shared/dlfcn-util.c), with the same typed-pointer pattern. */
#pragma once

/* Open SONAME (RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE: libraries that start
 * threads must not be unmapped under them) and resolve the symbols given as
 * (void **slot, const char *name) pairs, ended by NULL. On failure *dl is
 * NULL, every slot is untouched, *why (when non-NULL) says which library or
 * symbol is missing, in words for the user; -ENOTSUP. */
int vd_dlopen_syms(void **dl, const char *soname, const char *what, char **why, ...)
	__attribute__((sentinel));

/* The pair for field F of struct S, typed as the prototype of F declares it. */
#define VD_DLSYM(s, f) (void **)&(s)->f, #f
