#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Missing, empty, truncated, garbage and hostile files give "unknown (reason)"
# or a smaller report, never a crash, a hang or a read outside the root.
. "$(dirname "$0")/lib.sh"

BASE="$HOSTS/intel-nvidia-desktop"
GPU=sys/devices/pci0000:00/0000:00:01.0/0000:01:00.0

fresh() { rm -rf "$TMP/h"; cp -a "$BASE" "$TMP/h"; }

# run_ok DESCRIPTION: check and groups must exit 0 or 1 with valid JSON, in time
run_ok() {
	local what=$1 rc
	timeout 20 ${VD_WRAP:-} "$VD" --root "$TMP/h" check --json >"$TMP/out.json" 2>"$TMP/err"; rc=$?
	if [ $rc -gt 1 ]; then fail "$what: check exit $rc: $(head -3 "$TMP/err")"; return 1; fi
	json_ok "$TMP/out.json" || { fail "$what: invalid JSON"; return 1; }
	timeout 20 ${VD_WRAP:-} "$VD" --root "$TMP/h" groups >/dev/null 2>"$TMP/err"; rc=$?
	if [ $rc -gt 1 ]; then fail "$what: groups exit $rc: $(head -3 "$TMP/err")"; return 1; fi
	ok "$what"
}

# severity_of ID: the severities of the findings of one check
severity_of() {
	python3 -c 'import json,sys; print(" ".join(f["severity"] for f in json.load(open(sys.argv[1]))["findings"] if f["id"]==sys.argv[2]))' "$TMP/out.json" "$1"
}

fresh; : >"$TMP/h/proc/cpuinfo"; run_ok "empty cpuinfo"
[ "$(severity_of cpu-virt)" = unknown ] && ok "empty cpuinfo: cpu-virt unknown" || fail "empty cpuinfo: cpu-virt $(severity_of cpu-virt)"

fresh; rm "$TMP/h/proc/cpuinfo"; run_ok "missing cpuinfo"
grep -q '"not present"' "$TMP/out.json" && ok "missing cpuinfo named" || fail "missing cpuinfo not explained"

fresh; head -c 4000 /dev/urandom >"$TMP/h/proc/cpuinfo"; run_ok "random cpuinfo"
fresh; head -c 3000 /dev/urandom >"$TMP/h/proc/cmdline"; run_ok "random cmdline"
fresh; printf 'intel_iommu="on quiet' >"$TMP/h/proc/cmdline"; run_ok "unterminated quote in cmdline"
fresh; : >"$TMP/h/proc/cmdline"; run_ok "empty cmdline"
fresh; head -c 10 /dev/urandom >"$TMP/h/sys/devices/virtual/iommu/dmar0/intel-iommu/cap"; run_ok "garbage DMAR cap"
fresh; printf 'zz\n' >"$TMP/h/$GPU/vendor"; printf 'nonsense\n' >"$TMP/h/$GPU/class"; run_ok "garbage vendor and class"
fresh; head -c 7 /dev/urandom >"$TMP/h/$GPU/resource"; run_ok "garbage resource"
fresh; head -c 10 /dev/urandom >"$TMP/h/$GPU/config"; run_ok "10-byte config"
fresh; head -c 1048576 /dev/zero >"$TMP/h/$GPU/config"; run_ok "1 MiB config"
fresh; head -c 70000 /dev/urandom >"$TMP/h/$GPU/config"; run_ok "random oversized config"
fresh; head -c 70000 /dev/urandom >"$TMP/h/$GPU/rom"; run_ok "random GPU rom"
fresh; printf '\x55\xaa' >"$TMP/h/$GPU/rom"; run_ok "2-byte GPU rom"
# 64 MiB, four times what a ROM BAR decodes: refused by size, not read whole.
fresh; { printf '\x55\xaa'; head -c 67108862 /dev/zero; } >"$TMP/h/$GPU/rom"; run_ok "64 MiB GPU rom"
[ "$(severity_of gpu-rom)" = unknown ] && grep -q 'too large' "$TMP/out.json" && ok "64 MiB GPU rom: unknown, too large" ||
	fail "64 MiB GPU rom: gpu-rom $(severity_of gpu-rom)"
fresh; mkfifo "$TMP/h/$GPU/rom"; run_ok "FIFO for the GPU rom (no hang)"
fresh; ln -s /etc/shadow "$TMP/h/$GPU/rom"; run_ok "GPU rom link out of the root"
fresh; rm "$TMP/h/$GPU/driver"; ln -s driver "$TMP/h/$GPU/driver"; run_ok "driver link loop"
fresh; rm "$TMP/h/$GPU/iommu_group"; ln -s ../../../../../../../../../../.. "$TMP/h/$GPU/iommu_group"; run_ok "iommu_group link climbing out"
fresh; rm -rf "$TMP/h/sys/kernel/iommu_groups"; run_ok "no iommu_groups directory"
fresh; rm -rf "$TMP/h/sys/bus/pci"; run_ok "no sys/bus/pci"
[ "$(severity_of host-gpu)" = unknown ] && ok "no PCI: host-gpu unknown" || fail "no PCI: host-gpu $(severity_of host-gpu)"
fresh; rm "$TMP/h/proc/sys/kernel/osrelease"; run_ok "no osrelease"
fresh; rm "$TMP/h/proc/cmdline"; mkfifo "$TMP/h/proc/cmdline"; run_ok "FIFO for a file (no hang)"
fresh; rm -rf "$TMP/h/proc"; mkdir "$TMP/h/proc"; run_ok "empty proc"
fresh; printf '\xff\xfe\x00bad\n' >"$TMP/h/sys/bus/pci/devices/../../../devices/pci0000:00/0000:00:02.0/boot_vga"; run_ok "binary boot_vga"
fresh; ln -s / "$TMP/h/sys/kernel/iommu_groups/1/devices/escape"; run_ok "group member link to /"

# Links out of the root resolve inside it: an absolute link to the host's
# /etc/os-release reads the fixture's own (Fedora), never this machine's.
fresh; rm "$TMP/h/proc/cmdline"; ln -s /etc/os-release "$TMP/h/proc/cmdline"; run_ok "absolute link out of the root"
grep -q 'Fedora' "$TMP/out.json" && ok "absolute link stayed in the root" || fail "absolute link left the root"
fresh; rm "$TMP/h/proc/cmdline"; ln -s ../../../../../../../../../etc/os-release "$TMP/h/proc/cmdline"; run_ok "relative link climbing out"
grep -q 'Fedora' "$TMP/out.json" && ok "climbing link clamped at the root" || fail "climbing link left the root"

# Names and contents that are not UTF-8 must still give valid JSON.
fresh; rm "$TMP/h/$GPU/driver"; ln -s $'../../../../bus/pci/drivers/vfio\xff\xfe-pci' "$TMP/h/$GPU/driver"
printf 'BOOT_IMAGE=/vmlinuz \xc3\x28 \xed\xa0\x80 \xf4\x90\x80\x80 quiet\n' >"$TMP/h/proc/cmdline"
run_ok "non-UTF-8 driver name and command line"
python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' "$TMP/out.json" &&
	ok "JSON stays UTF-8" || fail "invalid UTF-8 in JSON"
${VD_WRAP:-} "$VD" --root "$TMP/h" groups --json >"$TMP/g.json" 2>/dev/null
python3 -c 'import json,sys; json.load(open(sys.argv[1], encoding="utf-8", errors="strict"))' "$TMP/g.json" &&
	ok "groups JSON stays UTF-8" || fail "invalid UTF-8 in groups JSON"

# A QEMU command line with bytes that are not UTF-8 (name, -acpitable path): the VM facts stay UTF-8.
printf 'qemu-system-x86_64 -name win\xff\xfe -M q35 -cpu host,kvm=off -device vfio-pci,host=01:00.0 -acpitable file=/x\xff.dat\n' >"$TMP/bad-qemu.sh"
${VD_WRAP:-} "$VD" --root "$TMP/h" check --qemu-cmdline "$TMP/bad-qemu.sh" --json >"$TMP/q.json" 2>/dev/null
python3 -c 'import json,sys; d = json.load(open(sys.argv[1], encoding="utf-8", errors="strict")); assert d["host"]["vms"][0]["acpitables"]' "$TMP/q.json" &&
	ok "VM JSON stays UTF-8" || fail "invalid UTF-8 in the VM facts"

# A 50 MB log line with an anchor at its end: bounded memory, no crash.
fresh; { head -c 52428800 /dev/zero | tr '\0' 'x'; echo " vfio-pci 0000:01:00.0: BAR 3: can't reserve [mem 0x1-0x2]"; } >"$TMP/long.log"
/usr/bin/time -f %M -o "$TMP/rss" ${VD_WRAP:-} "$VD" --root "$TMP/h" check --json --log "$TMP/long.log" --only bar-reserve >"$TMP/out.json" 2>/dev/null; rc=$?
[ $rc -le 1 ] && json_ok "$TMP/out.json" && ok "50 MB log line (exit $rc)" || fail "50 MB log line: exit $rc"
if [ -z "${VD_WRAP:-}" ]; then
	rss=$(tail -1 "$TMP/rss"); [ "$rss" -lt 65536 ] && ok "50 MB line read in ${rss} KB" || fail "50 MB line took ${rss} KB"
fi

# Files rewritten while they are read.
fresh
( for i in $(seq 1 400); do
	head -c $((RANDOM % 5000)) /dev/urandom >"$TMP/h/proc/cpuinfo.new" && mv "$TMP/h/proc/cpuinfo.new" "$TMP/h/proc/cpuinfo"
	head -c $((RANDOM % 300)) /dev/urandom >"$TMP/h/$GPU/config"
  done ) &
writer=$!
bad=0
for i in $(seq 1 15); do
	timeout 20 ${VD_WRAP:-} "$VD" --root "$TMP/h" check --json >/dev/null 2>&1; rc=$?
	[ $rc -le 1 ] || bad=$((bad + 1))
done
wait $writer
[ $bad -eq 0 ] && ok "files changing while read" || fail "files changing while read: $bad bad runs"

# Every file in the tree emptied at once.
fresh; find "$TMP/h" -type f -exec sh -c ': >"$1"' _ {} \; ; run_ok "every file empty"
# Every file truncated to its first 3 bytes.
fresh; find "$TMP/h" -type f -size +3c -exec truncate -s 3 {} \; ; run_ok "every file truncated"
finish
