#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what is missing, then build and run every test: the normal build
# (with -Werror), an ASan+UBSan build, the whole suite under valgrind, and
# every libFuzzer target for a few seconds (clang, ASan+UBSan).
set -eu
cd "$(dirname "$0")/.."
sh tools/deps.sh test
[ -d build ] || meson setup build -Dwerror=true
[ -d build-asan ] || meson setup build-asan -Dwerror=true -Db_sanitize=address,undefined -Db_lundef=false
[ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dwerror=true -Dfuzz=true -Dtests=false \
	-Db_sanitize=address,undefined -Db_lundef=false
meson compile -C build
meson compile -C build-asan
meson compile -C build-fuzz
meson test -C build --print-errorlogs
meson test -C build-asan --print-errorlogs
meson test -C build --setup valgrind --print-errorlogs
meson test -C build-fuzz --suite fuzz --print-errorlogs
