#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Install what is missing, build, and diagnose this machine.
set -eu
cd "$(dirname "$0")/.."
sh tools/deps.sh build
[ -d build ] || meson setup build
meson compile -C build
exec ./build/src/vfio-doctor check "$@"
