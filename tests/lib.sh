# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by the end-to-end test scripts. $VD is the binary; $VD_WRAP (set by
# `meson test --setup valgrind`) runs it under valgrind.
set -u
VD=${VD:?}
SRC=${SRC:?}
HOSTS="$SRC/tests/hosts"
fails=0
TMP=$(mktemp -d /tmp/vd-test.XXXXXX)
trap 'rm -rf "$TMP"' EXIT

vd() { ${VD_WRAP:-} "$VD" "$@"; }

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }

# expect_exit CODE DESCRIPTION -- command...
expect_exit() {
	local want=$1 what=$2; shift 3
	"$@"; local got=$?
	if [ "$got" -eq "$want" ]; then ok "$what (exit $got)"; else fail "$what: exit $got, expected $want"; fi
}

# A fixture's absolute path appears in outputs ("root"); normalise it.
norm() {
	if [ "$1" = / ]; then sed -e 's|"root": "/"|"root": "@ROOT@"|'; else sed -e "s|$1|@ROOT@|g"; fi
}

json_ok() { python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$1"; }

finish() {
	if [ "$fails" -ne 0 ]; then echo "$fails failure(s)" >&2; exit 1; fi
	echo "all passed"; exit 0
}
