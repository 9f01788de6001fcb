/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A scratch host tree for the targets whose parsers read through the root
 * layer: the input is split on NUL into the texts of named files. */
#pragma once

#include <stddef.h>
#include <stdint.h>

/* Make a tree once per process (a copy of fixture, or empty when NULL) under
 * /tmp, removed at exit; the directories of files[] are created. Returns the
 * tree's root directory, NULL when it could not be made. */
const char *fuzz_tree_init(const char *fixture, const char *const *files, size_t nfiles);
/* Write the input over files[]: part i is the bytes up to the i-th NUL, the
 * last file takes the rest (NULs included). A file named "LOG" lands next to
 * the root, not in it (a saved log for --log); its path is fuzz_tree_path. */
void fuzz_tree_fill(const uint8_t *data, size_t size);
const char *fuzz_tree_path(size_t i);
