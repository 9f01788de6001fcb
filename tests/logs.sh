#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Log sources end to end: a journal with two boots (built by systemd's own
# journal-remote from the export format), --boot 0/-1, --log FILE with dmesg
# and journalctl layouts, and sources that are missing.
. "$(dirname "$0")/lib.sh"

cp -a "$HOSTS/intel-nvidia-desktop" "$TMP/h"
ids() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(" ".join(sorted(f["id"]+":"+f["severity"] for f in d["findings"] if f["severity"]!="pass")))' "$1"; }

# --log with real published lines: a Proxmox syslog line, a plain dmesg line, a
# journalctl -k line (tests/logs/sources/01-bar-reserve.txt [B], [C]; 09 [..])
cat >"$TMP/saved.log" <<'LOG'
Oct 16 12:21:33 pve kernel: [ 2839.442981] vfio-pci 0000:01:00.0: BAR 3: can't reserve [mem 0x50000000-0x51ffffff 64bit pref]
[  319.406575] kvm [2415]: vcpu0 unhandled rdmsr: 0x1c9
LOG
vd --root "$TMP/h" check --json --log "$TMP/saved.log" --only bar-reserve,kvm-msrs >"$TMP/a.json"
got=$(ids "$TMP/a.json")
[ "$got" = "bar-reserve:fail" ] && ok "--log: BAR failure found in a saved syslog" || fail "--log: got '$got'"
grep -q "saved.log:1" "$TMP/a.json" && ok "--log: evidence names file and line" || fail "--log: no file:line evidence"

# A saved log that does not exist: the reason, not a crash.
vd --root "$TMP/h" check --json --log "$TMP/nope.log" --only bar-reserve >"$TMP/b.json"; rc=$?
[ $rc -le 1 ] && grep -q "not present" "$TMP/b.json" && ok "--log missing file" || fail "--log missing file (exit $rc)"

# libvirt's per-domain QEMU log: the page's own vIOMMU line
mkdir -p "$TMP/h/var/log/libvirt/qemu"
cat >"$TMP/h/var/log/libvirt/qemu/win11.log" <<'LOG'
2025-08-30T21:38:26.333149Z qemu-system-x86_64: -device {"driver":"vfio-pci","host":"0000:03:00.0","id":"hostdev0","bus":"pci.5","addr":"0x0"}: vfio 0000:03:00.0: Failed to set vIOMMU: aw-bits 48 > host aw-bits 39
LOG
vd --root "$TMP/h" check --json --only viommu-aw-bits >"$TMP/v.json"
grep -q '"severity": "fail"' "$TMP/v.json" && grep -q "win11.log:1" "$TMP/v.json" && grep -q "aw_bits='39'" "$TMP/v.json" &&
	ok "libvirt QEMU log scanned (vIOMMU aw-bits)" || fail "libvirt QEMU log"
rm -rf "$TMP/h/var/log/libvirt"

# --boot must be 0 or negative
expect_exit 2 "--boot 1 refused" -- vd --root "$TMP/h" check --boot 1 2>/dev/null

if ! [ -x /lib/systemd/systemd-journal-remote ]; then
	echo "SKIP journal part: systemd-journal-remote missing"; finish
fi
mid=0123456789abcdef0123456789abcdef
mkdir -p "$TMP/h/var/log/journal/$mid"
python3 - "$TMP/export.txt" <<'PY'
import sys
boots = [("a" * 32, ["vfio-pci 0000:01:00.0: BAR 3: can't reserve [mem 0x50000000-0x51ffffff 64bit pref]"]),
         ("b" * 32, ["clocksource: Switched to clocksource tsc"])]
out, ts = [], 1700000000000000
for boot, lines in boots:
    for i, l in enumerate(lines):
        ts += 1000000
        out.append("__REALTIME_TIMESTAMP=%d\n__MONOTONIC_TIMESTAMP=%d\n_BOOT_ID=%s\n_TRANSPORT=kernel\n"
                   "PRIORITY=6\nSYSLOG_IDENTIFIER=kernel\nMESSAGE=%s\n_MACHINE_ID=0123456789abcdef0123456789abcdef\n"
                   "_HOSTNAME=h\n" % (ts, i + 1, boot, l))
open(sys.argv[1], "w").write("\n".join(out) + "\n")
PY
/lib/systemd/systemd-journal-remote -o "$TMP/h/var/log/journal/$mid/system.journal" "$TMP/export.txt" 2>/dev/null ||
	{ fail "journal-remote could not build the journal"; finish; }
vd --root "$TMP/h" check --json --boot -1 --only bar-reserve >"$TMP/j1.json"
grep -q '"severity": "fail"' "$TMP/j1.json" && grep -q "boot -1 (aaaaaaaa" "$TMP/j1.json" &&
	ok "--boot -1 reads the earlier boot from the journal" || fail "--boot -1"
vd --root "$TMP/h" check --json --boot 0 --only bar-reserve >"$TMP/j0.json"
grep -q '"severity": "fail"' "$TMP/j0.json" && fail "--boot 0 saw the earlier boot's failure" || ok "--boot 0 is the current boot only"
vd --root "$TMP/h" check --json --boot -5 --only bar-reserve >"$TMP/j5.json"
grep -q '"not present"' "$TMP/j5.json" && ok "--boot beyond the journal: not present" || fail "--boot -5"
finish
