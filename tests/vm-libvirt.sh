#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The VM side against real libvirt and QEMU, no daemon needed:
#  - every fix `fix --xml --apply` writes passes virt-xml-validate (libvirt's
#    schema) when the original did, and a second run changes nothing;
#  - the real QEMU driver in-process (qemu:///embed) defines the fixed XML
#    with validation, and prints each VM's QEMU command line
#    (domxml-to-native): checking that command line gives the same findings
#    as checking the XML (the command-line path and the XML path agree).
# The test driver round trip is in C (test-vm-libvirt).
. "$(dirname "$0")/lib.sh"

command -v virsh >/dev/null && command -v virt-xml-validate >/dev/null ||
	{ echo "SKIP: virsh/virt-xml-validate missing (tools/deps.sh test installs libvirt-clients)"; exit 77; }
HOST="$HOSTS/intel-nvidia-desktop"
VMS="$SRC/tests/vms"
CORPUS="$SRC/tests/corpus/libvirt-xml/qemuxml2argvdata"

validates() { virt-xml-validate "$1" domain >/dev/null 2>&1; }
# stderr lines, without valgrind's notes about syscalls it does not know (openat2)
errlines() { grep -vc '^--[0-9]*-- ' "$1"; }

# 1. fix --xml on copies; libvirt's schema accepts every result
n=0
for f in "$VMS"/*.xml "$CORPUS"/intel-iommu-aw-bits.xml "$CORPUS"/hostdev-pci-multifunction.xml "$CORPUS"/cpu-phys-bits-emulate.xml; do
	[ -f "$f" ] || continue
	name=$(basename "$f"); x="$TMP/fix-$name"
	cp "$f" "$x"; chmod 0600 "$x" # a domain XML can hold a VNC password
	orig_ok=0; validates "$x" && orig_ok=1
	vd --root "$HOST" fix --xml "$x" --apply >"$TMP/fix.out" 2>&1; rc=$?
	[ $rc -le 1 ] || { fail "$name: fix --apply exit $rc: $(tail -2 "$TMP/fix.out")"; continue; }
	modes=$(stat -c %a "$x" "$x".vfio-doctor-*.bak 2>/dev/null | sort -u | tr '\n' ' ')
	[ "$modes" = "600 " ] || [ ! -e "$(ls "$x".vfio-doctor-*.bak 2>/dev/null | head -1)" ] && ok "$name: file and backup keep mode 0600" || fail "$name: modes after apply: $modes"
	if [ $orig_ok = 1 ]; then
		validates "$x" && ok "$name: fixed XML validates" || fail "$name: fixed XML fails virt-xml-validate: $(virt-xml-validate "$x" domain 2>&1 | tail -2)"
	else
		ok "$name: original does not validate with libvirt $(virsh --version) (newer schema), skipped"
	fi
	vd --root "$HOST" fix --xml "$x" >"$TMP/fix2.out" 2>&1
	grep -q 'nothing to change' "$TMP/fix2.out" && ok "$name: second fix changes nothing" || fail "$name: fix is not idempotent: $(head -5 "$TMP/fix2.out")"
	n=$((n + 1))
done
[ $n -ge 6 ] || fail "only $n XMLs went through fix"

# fix --domain through the test driver: a node file holding the published
# domain (each connection re-reads it: the define validates, nothing stays)
{ echo '<node>'; sed -e '/^<!--/,/^-->/d' "$VMS/fanfan42-legion5-17ach6h-win10.xml"; echo '</node>'; } >"$TMP/node.xml"
TURI="test://$TMP/node.xml"
vd --root "$HOST" fix -c "$TURI" --domain win10 >"$TMP/fd.out" 2>&1; rc=$?
[ $rc = 1 ] && grep -q "^+    <hostdev mode='subsystem' type='pci' managed='yes'><source><address domain='0x0000' bus='0x01' slot='0x00' function='0x3'/>" "$TMP/fd.out" &&
	ok "fix --domain shows the diff" || fail "fix --domain: exit $rc: $(head -5 "$TMP/fd.out")"
vd --root "$HOST" fix -c "$TURI" --domain win10 --apply --backup-dir "$TMP/bk" >"$TMP/fa.out" 2>&1; rc=$?
[ $rc = 0 ] && ls "$TMP"/bk/win10-*.xml >/dev/null 2>&1 && ok "fix --domain --apply backs up and defines" || fail "fix --domain --apply: exit $rc: $(tail -3 "$TMP/fa.out")"
vd --root "$HOST" fix -c "$TURI" --domain nosuch >/dev/null 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && [ "$(errlines "$TMP/err")" = 1 ] && ok "fix --domain of an unknown domain: one line" || fail "unknown domain: exit $rc $(cat "$TMP/err")"
vd --root "$HOST" check -c "$TURI" --json >"$TMP/c.json"; rc=$?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if [v["name"] for v in d["host"]["vms"]]==["win10"] else 1)' "$TMP/c.json" &&
	ok "check -c URI reads the domains with PCI host devices" || fail "check -c URI: exit $rc"

# Bad input: a malformed XML is one reason; exit 2 only when nothing was read.
printf '<domain type="kvm"><name>x</name>' >"$TMP/broken.xml"
vd --root "$HOST" check --xml "$TMP/broken.xml" --json >"$TMP/b.json" 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && json_ok "$TMP/b.json" && grep -q '"severity": "unknown"' "$TMP/b.json" && [ "$(errlines "$TMP/err")" = 1 ] &&
	ok "malformed XML alone: report, one-line error, exit 2" || fail "malformed XML: exit $rc"
vd --root "$HOST" check --xml "$TMP/broken.xml" --xml "$VMS/fanfan42-legion5-17ach6h-win10.xml" >/dev/null 2>&1; rc=$?
[ $rc -le 1 ] && ok "malformed XML beside a good one: the rest still runs (exit $rc)" || fail "malformed + good: exit $rc"
vd --root "$HOST" check --qemu-cmdline /nonexistent/run.sh >/dev/null 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && grep -q 'none of the VM configurations' "$TMP/err" && ok "missing QEMU script: exit 2" || fail "missing script: exit $rc"
vd fix --xml /nonexistent/vm.xml >/dev/null 2>"$TMP/err"; rc=$?
[ $rc = 2 ] && [ "$(errlines "$TMP/err")" = 1 ] && ok "fix --xml on a missing file: one line" || fail "fix --xml missing: exit $rc"

# 2. the real QEMU driver, in-process. As root on Debian it runs QEMU as
# libvirt-qemu, which libvirt-daemon-system would create; create it here.
if [ "$(id -u)" = 0 ] && ! getent passwd libvirt-qemu >/dev/null; then
	useradd --system --no-create-home --shell /usr/sbin/nologin --user-group libvirt-qemu || true
fi
EMB="$TMP/embed"; mkdir -p "$EMB/etc"; : >"$EMB/etc/qemu.conf"
URI="qemu:///embed?root=$EMB"
if ! virsh -c "$URI" version >/dev/null 2>&1; then
	echo "SKIP: qemu:///embed unavailable here (libvirt-daemon-driver-qemu, qemu-system-x86)"; finish
fi
findings() { # findings ARGS...: "subject id severity" of every vm-* finding
	vd --root "$HOST" check --json "$@" | python3 -c '
import json, sys
for f in json.load(sys.stdin)["findings"]:
    if f["id"].startswith("vm-"):
        print(f["subject"], f["id"], f["severity"])' | sort
}
for f in "$VMS"/*.xml; do
	name=$(basename "$f" .xml)
	python3 "$VMS/adapt-for-tcg.py" "$f" "$TMP/$name.xml" || { fail "$name: adapt"; continue; }
	if ! virsh -c "$URI" domxml-to-native qemu-argv "$TMP/$name.xml" >"$TMP/$name.args" 2>"$TMP/err"; then
		fail "$name: domxml-to-native: $(tail -1 "$TMP/err")"; continue
	fi
	findings --xml "$TMP/$name.xml" >"$TMP/$name.x"
	findings --qemu-cmdline "$TMP/$name.args" >"$TMP/$name.q"
	[ -s "$TMP/$name.x" ] || fail "$name: no findings"
	if diff -u "$TMP/$name.x" "$TMP/$name.q"; then ok "$name: QEMU command line and XML give the same $(wc -l <"$TMP/$name.x") findings"
	else fail "$name: QEMU command line and XML disagree"; fi
	# the fixed XML is defined by the QEMU driver with validation
	vd --root "$HOST" fix --xml "$TMP/$name.xml" --apply >/dev/null 2>&1
	sed -i "s|<name>[^<]*</name>|<name>$name</name>|" "$TMP/$name.xml" # two sources name their VM win11
	if virsh -c "$URI" define --validate "$TMP/$name.xml" >"$TMP/def.out" 2>&1; then ok "$name: QEMU driver defines the fixed XML"
	else fail "$name: QEMU driver refuses the fixed XML: $(tail -1 "$TMP/def.out")"; fi
done
finish
