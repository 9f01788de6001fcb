#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# collect writes exactly what check reads: replaying a snapshot gives the same
# findings, on this machine and on every fixture host.
. "$(dirname "$0")/lib.sh"

same() { # same NAME ROOT_A ROOT_B [check options]: check --json and groups --json agree
	local n=$1 a=$2 b=$3; shift 3
	for cmd in check groups; do
		# VMs come from the live libvirt daemon and processes, which a
		# snapshot does not hold: compare the host alone.
		local extra=(); [ "$cmd" = check ] && extra=(--no-vms "$@")
		vd --root "$a" "$cmd" --json "${extra[@]}" | norm "$a" >"$TMP/$n.a.$cmd"
		vd --root "$b" "$cmd" --json "${extra[@]}" | norm "$b" >"$TMP/$n.b.$cmd"
		if diff -u "$TMP/$n.a.$cmd" "$TMP/$n.b.$cmd"; then ok "$n: $cmd replays"; else fail "$n: $cmd differs after collect"; fi
	done
}

# This machine, live.
vd collect -o "$TMP/live" 2>/dev/null || fail "collect on this machine"
same live / "$TMP/live"
vd collect --no-logs -o "$TMP/live-nolog" 2>/dev/null || fail "collect --no-logs"
[ ! -e "$TMP/live-nolog/dev/kmsg" ] && ok "--no-logs leaves the kernel log out" || fail "--no-logs still wrote dev/kmsg"
same live-nolog / "$TMP/live-nolog" --no-logs

# As a tarball.
vd collect -o "$TMP/snap.tar.gz" 2>/dev/null || fail "collect -o .tar.gz"
mkdir "$TMP/untar" && tar -xzf "$TMP/snap.tar.gz" -C "$TMP/untar" || fail "tar cannot read the snapshot"
same tarball / "$TMP/untar"
tar -tzf "$TMP/snap.tar.gz" | grep -q '^sys/bus/pci/devices/' && ok "tarball holds sys/bus/pci/devices" || fail "tarball lacks sys/bus/pci/devices"

# The tarball itself as --root: unpacked for the run, removed after.
before=$(ls /tmp | grep -c vfio-doctor-snapshot)
vd --root "$TMP/snap.tar.gz" check --json --no-vms | norm "$TMP/snap.tar.gz" | sed 's|"root": "[^"]*"|"root": "@ROOT@"|' >"$TMP/tar.check"
vd check --json --no-vms | norm / >"$TMP/live.check"
diff -u "$TMP/live.check" "$TMP/tar.check" && ok "check --root snapshot.tar.gz replays" || fail "check --root tarball differs"
[ "$(ls /tmp | grep -c vfio-doctor-snapshot)" = "$before" ] && ok "unpacked snapshot removed" || fail "unpacked snapshot left in /tmp"

# A hostile tarball: ".." and absolute names are refused, nothing lands outside.
python3 - "$TMP/evil.tar.gz" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w:gz") as t:
    for name in ("proc/cmdline", "../vd-evil-escape", "/tmp/vd-evil-abs"):
        data = b"x\n"
        i = tarfile.TarInfo(name); i.size = len(data)
        t.addfile(i, io.BytesIO(data))
PY
vd --root "$TMP/evil.tar.gz" check >/dev/null 2>"$TMP/evil.err"; rc=$?
[ $rc -eq 2 ] && grep -q "cannot unpack" "$TMP/evil.err" && ok "hostile tarball refused" || fail "hostile tarball: exit $rc"
[ ! -e /tmp/vd-evil-escape ] && [ ! -e /tmp/vd-evil-abs ] && ok "nothing written outside" || fail "tarball wrote outside"

# Refuses to mix into an existing snapshot.
expect_exit 2 "collect into an existing snapshot" -- vd collect -o "$TMP/live" 2>/dev/null

# Every fixture, collected from its root.
for root in "$HOSTS"/*/; do
	root=${root%/}; name=$(basename "$root")
	[ -d "$root/sys" ] || continue
	vd --root "$root" collect -o "$TMP/fx-$name" 2>/dev/null || { fail "collect --root $name"; continue; }
	# names come from the fixture's own pci.ids: give the copy the same dictionary
	mkdir -p "$TMP/fx-$name/usr/share/misc" && cp "$root/usr/share/misc/pci.ids" "$TMP/fx-$name/usr/share/misc/"
	same "$name" "$root" "$TMP/fx-$name"
done
finish
