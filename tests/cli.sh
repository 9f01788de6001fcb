#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Usage errors are one line on stderr and exit 2; help, version, list, explain work.
. "$(dirname "$0")/lib.sh"

one_line_error() { # one_line_error DESCRIPTION -- command...
	local what=$1; shift 2
	"$@" >"$TMP/out" 2>"$TMP/err.raw"; local rc=$?
	# valgrind (3.19) warns about openat2, which it does not know, on stderr
	grep -v '^--[0-9]*-- ' "$TMP/err.raw" >"$TMP/err"
	if [ $rc -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q '^vfio-doctor: ' "$TMP/err" && [ ! -s "$TMP/out" ]; then
		ok "$what"
	else
		fail "$what: exit $rc, stderr: $(cat "$TMP/err")"
	fi
}

one_line_error "unknown global option" -- vd --bogus check
one_line_error "unknown command" -- vd frobnicate
one_line_error "missing root" -- vd --root /nonexistent/root check
one_line_error "root that is a file" -- vd --root /etc/hostname check
one_line_error "unknown check option" -- vd check --bogus
one_line_error "unknown --only id" -- vd --root "$HOSTS/this-vm" check --only iommu-enabled,nope
one_line_error "explain unknown id" -- vd explain nope
one_line_error "explain without id" -- vd explain
one_line_error "collect without -o" -- vd collect
one_line_error "groups with an argument" -- vd groups extra
one_line_error "fix with an argument" -- vd --root "$HOSTS/this-vm" fix extra
one_line_error "fix --from a missing file" -- vd --root "$HOSTS/this-vm" fix --from /nonexistent.json
one_line_error "fix --from a file that is not check JSON" -- vd --root "$HOSTS/this-vm" fix --from /etc/hostname
one_line_error "ssdt without -o" -- vd ssdt battery
one_line_error "ssdt unknown table" -- vd ssdt dsdt -o x
one_line_error "undo with nothing to undo" -- vd --root "$HOSTS/this-vm" undo
one_line_error "rom with an unknown option" -- vd rom --bogus
one_line_error "rom --strip without -o" -- vd rom x.rom --strip

expect_exit 2 "no command" -- vd >/dev/null 2>&1
expect_exit 0 "--help" -- vd --help >/dev/null
expect_exit 0 "check --help" -- vd check --help >/dev/null
expect_exit 0 "rom --help" -- vd rom --help >/dev/null
vd --version | grep -Eq '^vfio-doctor [0-9]+\.[0-9]+\.[0-9]+$' && ok "--version" || fail "--version"

vd check --list >"$TMP/list"
for id in cpu-virt kvm iommu-enabled iommu-groups host-gpu gpu-iommu-group vfio-binding gpu-rom romfile; do
	grep -q "^$id " "$TMP/list" || fail "check --list lacks $id"
	vd explain "$id" >"$TMP/ex" || fail "explain $id"
	grep -q '^Page section: ' "$TMP/ex" && grep -q '^Evidence:' "$TMP/ex" && grep -q '^Fix:' "$TMP/ex" || fail "explain $id lacks a part"
	vd explain --json "$id" >"$TMP/ex.json" && json_ok "$TMP/ex.json" || fail "explain --json $id"
done
ok "list and explain cover every check"
# titles carry quotes (pci-header-127, bar-reserve): the JSON list must still parse, one entry per line of --list
vd check --list --json >"$TMP/list.json"
python3 - "$TMP/list.json" "$TMP/list" <<'PY' && ok "check --list --json" || fail "check --list --json is not the --list as JSON"
import json, sys
items = json.load(open(sys.argv[1]))
lines = [l.split(None, 1) for l in open(sys.argv[2]).read().splitlines()]
assert [(i["id"], i["title"]) for i in items] == [(l[0], l[1]) for l in lines], "differs"
assert any('"' in i["title"] for i in items)
PY

# --only runs exactly what it names; options after the command work too.
vd --root "$HOSTS/intel-nvidia-desktop" check --json --only kvm,iommu-groups >"$TMP/only.json"
python3 - "$TMP/only.json" <<'PY' && ok "--only" || fail "--only ran other checks"
import json, sys
ids = {f["id"] for f in json.load(open(sys.argv[1]))["findings"]}
sys.exit(0 if ids == {"kvm", "iommu-groups"} else 1)
PY

# Exit codes follow FAIL; --quiet leaves out what passed.
expect_exit 1 "check exits 1 on a failing host" -- vd --root "$HOSTS/intel-nvidia-desktop" check >/dev/null
expect_exit 0 "check exits 0 on a passing host" -- vd --root "$HOSTS/intel-nvidia-desktop-bound" check >/dev/null
vd --root "$HOSTS/intel-nvidia-desktop" --no-color check --quiet >"$TMP/q"
grep -q ': PASS$' "$TMP/q" && fail "--quiet printed a PASS" || ok "--quiet hides passes"
grep -q ': FAIL$' "$TMP/q" || fail "--quiet hid a FAIL"

# Colour: never when not a tty or with NO_COLOR, on request with --color.
vd --root "$HOSTS/intel-nvidia-desktop" check >"$TMP/c1"
grep -q $'\033' "$TMP/c1" && fail "colour on a pipe" || ok "no colour on a pipe"
NO_COLOR=1 vd --root "$HOSTS/intel-nvidia-desktop" --color check >"$TMP/c2"
grep -q $'\033\\[' "$TMP/c2" && ok "--color forces colour" || fail "--color did not colour"
# QEMU processes libvirt did not start are read from /proc under the root;
# other processes are not VMs.
cp -a "$HOSTS/this-vm" "$TMP/procs"; mkdir -p "$TMP/procs/proc/4242" "$TMP/procs/proc/77"
printf 'qemu-system-x86_64\0-name\0guest=win10\0-machine\0pc-q35-8.2\0-device\0vfio-pci,host=0000:00:02.0\0' >"$TMP/procs/proc/4242/cmdline"
printf 'bash\0-l\0' >"$TMP/procs/proc/77/cmdline"
vd --root "$TMP/procs" check --json --only vm-sources >"$TMP/procs.json"
python3 - "$TMP/procs.json" <<'PY' && ok "QEMU processes from /proc" || fail "QEMU process scan: $(head -c 300 "$TMP/procs.json")"
import json, sys
vms = json.load(open(sys.argv[1]))["host"]["vms"]
assert [(v["name"], v["origin"], v["machine"]) for v in vms] == [("win10", "/proc/4242/cmdline", "pc-q35-8.2")], vms
PY
finish
