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
CORPUS="$SRC/../shared/corpus/libvirt-xml/qemuxml2argvdata"

validates() { virt-xml-validate "$1" domain >/dev/null 2>&1; }

# 1. fix --xml on copies; libvirt's schema accepts every result
n=0
for f in "$VMS"/*.xml "$CORPUS"/intel-iommu-aw-bits.xml "$CORPUS"/hostdev-pci-multifunction.xml "$CORPUS"/cpu-phys-bits-emulate.xml; do
	[ -f "$f" ] || continue
	name=$(basename "$f"); x="$TMP/fix-$name"
	cp "$f" "$x"
	orig_ok=0; validates "$x" && orig_ok=1
	vd --root "$HOST" fix --xml "$x" --apply >"$TMP/fix.out" 2>&1; rc=$?
	[ $rc -le 1 ] || { fail "$name: fix --apply exit $rc: $(tail -2 "$TMP/fix.out")"; continue; }
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
