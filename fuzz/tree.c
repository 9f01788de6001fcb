// SPDX-License-Identifier: GPL-2.0-or-later
/* Scratch host trees for fuzz targets (see tree.h). The harness, not the
 * tool, writes here: direct file calls are fine in fuzz/. */
#include "tree.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static char dir[] = "/tmp/vd-fuzz-tree.XXXXXX";
static char *root;
static char **paths;
static size_t npaths;

static void cleanup(void)
{
	char cmd[64];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		fprintf(stderr, "fuzz: could not remove %s\n", dir);
}

static int sh(const char *cmd)
{
	return system(cmd) == 0 ? 0 : -1;
}

const char *fuzz_tree_init(const char *fixture, const char *const *files, size_t nfiles)
{
	if (root)
		return root;
	if (!mkdtemp(dir))
		return NULL;
	atexit(cleanup);
	root = vd_xasprintf("%s/root", dir);
	/* cp -a keeps sysfs's links */
	_cleanup_free_ char *cmd = fixture ? vd_xasprintf("cp -a '%s/.' '%s'", fixture, root)
					   : vd_xasprintf("mkdir '%s'", root);
	if (sh(cmd) < 0)
		return NULL;
	paths = vd_xcalloc(nfiles, sizeof(*paths));
	npaths = nfiles;
	for (size_t i = 0; i < nfiles; i++) {
		paths[i] = strcmp(files[i], "LOG") == 0 ? vd_xasprintf("%s/kmsg.txt", dir)
							: vd_xasprintf("%s/%s", root, files[i]);
		_cleanup_free_ char *mk = vd_xasprintf("mkdir -p \"$(dirname '%s')\"", paths[i]);
		if (sh(mk) < 0)
			return NULL;
	}
	return root;
}

static void put(const char *path, const uint8_t *p, size_t n)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return;
	while (n) {
		ssize_t k = write(fd, p, n);
		if (k <= 0)
			break;
		p += k, n -= (size_t)k;
	}
	close(fd);
}

void fuzz_tree_fill(const uint8_t *data, size_t size)
{
	size_t off = 0;
	for (size_t i = 0; i < npaths; i++) {
		const uint8_t *end = i + 1 < npaths ? memchr(data + off, 0, size - off) : NULL;
		size_t n = end ? (size_t)(end - (data + off)) : size - off;
		put(paths[i], data + off, n);
		off += n + (end != NULL);
	}
}

const char *fuzz_tree_path(size_t i)
{
	return i < npaths ? paths[i] : NULL;
}
