#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Run one libFuzzer target for SECONDS over its seed corpus (read-only; new
# inputs go to a scratch directory). Crashes land in fuzz/crash-* and fail.
#   fuzz/run.sh TARGET_BINARY SEED_DIR SECONDS
set -eu
bin=$1 seeds=$2 secs=$3
work=$(mktemp -d /tmp/vd-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
exec "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
	-artifact_prefix="${FUZZ_ARTIFACTS:-$work/}" "$work" "$seeds"
