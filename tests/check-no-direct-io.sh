#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One root layer: only root.c reads the filesystem (and collect.c writes the
# snapshot). Any other file calling open/stat/readlink/... would read the
# machine running the tool instead of --root.
set -u
SRC=${SRC:?}
calls='\b(open|openat|openat2|fopen|opendir|fdopendir|access|faccessat|stat|lstat|fstatat|readlink|readlinkat|realpath|scandir|nftw|mkdir|mkdirat|symlink|symlinkat|creat|unlink|rename)[[:space:]]*\('
bad=$(grep -nE "$calls" "$SRC"/src/lib/*.c "$SRC"/src/lib/checks/*.c "$SRC"/src/cli/*.c |
	grep -vE '^[^:]*/src/lib/(root|collect)\.c:' | grep -vE ':[0-9]+:\s*(\*|//|/\*)')
if [ -n "$bad" ]; then
	echo "direct filesystem calls outside the root layer:"; echo "$bad"; exit 1
fi
echo "ok: only root.c and collect.c touch the filesystem"
