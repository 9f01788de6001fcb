#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# collect writes exactly what check reads: replaying a snapshot gives the same
# findings, on this machine and on every fixture host.
. "$(dirname "$0")/lib.sh"

same() { # same NAME ROOT_A ROOT_B: check --json and groups --json agree
	local n=$1 a=$2 b=$3
	for cmd in check groups; do
		# VMs come from the live libvirt daemon and processes, which a
		# snapshot does not hold: compare the host alone.
		local x=(); [ "$cmd" = check ] && x=(--no-vms)
		vd --root "$a" "$cmd" --json "${x[@]}" | norm "$a" >"$TMP/$n.a.$cmd"
		vd --root "$b" "$cmd" --json "${x[@]}" | norm "$b" >"$TMP/$n.b.$cmd"
		if diff -u "$TMP/$n.a.$cmd" "$TMP/$n.b.$cmd"; then ok "$n: $cmd replays"; else fail "$n: $cmd differs after collect"; fi
	done
}

# This machine, live.
vd collect -o "$TMP/live" 2>/dev/null || fail "collect on this machine"
same live / "$TMP/live"
vd collect --no-logs -o "$TMP/live-nolog" 2>/dev/null || fail "collect --no-logs"
[ ! -e "$TMP/live-nolog/dev/kmsg" ] && ok "--no-logs leaves the kernel log out" || fail "--no-logs still wrote dev/kmsg"
same live-nolog / "$TMP/live-nolog"

# As a tarball.
vd collect -o "$TMP/snap.tar.gz" 2>/dev/null || fail "collect -o .tar.gz"
mkdir "$TMP/untar" && tar -xzf "$TMP/snap.tar.gz" -C "$TMP/untar" || fail "tar cannot read the snapshot"
same tarball / "$TMP/untar"
tar -tzf "$TMP/snap.tar.gz" | grep -q '^sys/bus/pci/devices/' && ok "tarball holds sys/bus/pci/devices" || fail "tarball lacks sys/bus/pci/devices"

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
