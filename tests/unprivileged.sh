#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Without root, check still runs and says what it could not read.
. "$(dirname "$0")/lib.sh"

if [ "$(id -u)" -ne 0 ]; then
	runas() { "$@"; }
else
	command -v setpriv >/dev/null || { echo "SKIP: setpriv missing"; exit 77; }
	runas() { setpriv --reuid=65534 --regid=65534 --clear-groups -- "$@"; }
fi
chmod 755 "$TMP"

# The live host (this machine).
runas ${VD_WRAP:-} "$VD" check --json >"$TMP/live.json" 2>"$TMP/err"; rc=$?
[ $rc -le 1 ] && json_ok "$TMP/live.json" && ok "live check as nobody (exit $rc)" || fail "live check as nobody: exit $rc $(cat "$TMP/err")"
runas ${VD_WRAP:-} "$VD" groups >/dev/null 2>"$TMP/err"; rc=$?
[ $rc -le 1 ] && ok "live groups as nobody" || fail "live groups as nobody: exit $rc"

# A fixture whose config spaces are root-only, as sysfs makes everything past
# the header for an unprivileged reader.
cp -a "$HOSTS/amd-ryzen-two-gpus" "$TMP/h"
chmod -R a+rX "$TMP/h"
find "$TMP/h" -name config -type f -exec chmod 600 {} \;
# and a GPU rom attribute that only root may read, as sysfs makes it (0600)
GPU=$(readlink -f "$TMP/h/sys/bus/pci/devices/0000:09:00.0")
printf '\x55\xaa' >"$GPU/rom" && chmod 600 "$GPU/rom"
runas ${VD_WRAP:-} "$VD" --root "$TMP/h" --no-color groups >"$TMP/g.txt" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && ok "fixture groups as nobody" || fail "fixture groups as nobody: exit $rc $(cat "$TMP/err")"
grep -q 'needs root' "$TMP/g.txt" && ok "groups says config space needs root" || fail "groups does not say why reset is unknown"
runas ${VD_WRAP:-} "$VD" --root "$TMP/h" check --json >"$TMP/c.json" 2>"$TMP/err"; rc=$?
[ $rc -le 1 ] && json_ok "$TMP/c.json" && ok "fixture check as nobody" || fail "fixture check as nobody: exit $rc"
# What it could not read is unknown with the reason, never a pass.
sev() { python3 -c 'import json,sys; print(" ".join(f["severity"] for f in json.load(open(sys.argv[1]))["findings"] if f["id"]==sys.argv[2]))' "$TMP/c.json" "$1"; }
for id in rebar gpu-msi gpu-rom; do
	[ "$(sev $id)" = unknown ] && ok "$id as nobody: unknown" || fail "$id as nobody: $(sev $id)"
done
grep -q 'needs root' "$TMP/c.json" && ok "check says what needs root" || fail "check does not say root is needed"

# rom --device on the live host says it needs root, and writes nothing.
runas ${VD_WRAP:-} "$VD" rom --device 00:00.0 -o "$TMP/out.rom" 2>"$TMP/err"; rc=$?
[ $rc -eq 2 ] && grep -q 'needs root' "$TMP/err" && [ ! -e "$TMP/out.rom" ] && ok "rom --device as nobody refuses" ||
	fail "rom --device as nobody: exit $rc $(cat "$TMP/err")"

# collect as nobody: works, and says what it could not read.
mkdir "$TMP/out" && chmod 777 "$TMP/out"
runas ${VD_WRAP:-} "$VD" --root "$TMP/h" collect -o "$TMP/out/snap" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && grep -q 'not root' "$TMP/err" && ok "collect as nobody warns" || fail "collect as nobody: exit $rc $(cat "$TMP/err")"
finish
