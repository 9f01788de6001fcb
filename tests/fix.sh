#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# fix end to end: the plan on every fixture, --apply into a copy compared
# with the expected tree, apply twice, undo byte-identical, boot loader
# files from published configurations, patch(1) agreeing with the shown
# diff, the generated hooks under a real shell with hostile domain names,
# the SSDT against the page and iasl, and the refusal without root.
. "$(dirname "$0")/lib.sh"
FIX="$SRC/tests/fix"

# Tree comparison that ignores the transaction record (kept on purpose).
# A tree without /var gets var/lib/vfio-doctor and nothing else there.
same_tree() {
	diff -r --no-dereference -x vfio-doctor "$1" "$2" >"$TMP/tree.diff" 2>&1 && return 0
	[ ! -e "$1/var" ] && [ "$(ls -A "$2/var")" = lib ] && [ "$(ls -A "$2/var/lib")" = vfio-doctor ] || return 1
	[ "$(grep -vxF "Only in $2: var" "$TMP/tree.diff")" = "" ]
}

# 1. The plan on every fixture host: valid JSON, nothing changed.
tree_sum() { (cd "$HOSTS" && find . -path ./sources -prune -o -print0 | sort -z |
	xargs -0 stat -c '%n %s %Y %a %F' | sha256sum); }
before=$(tree_sum)
for root in "$HOSTS"/*/; do
	root=${root%/}; [ -d "$root/sys" ] || continue
	name=$(basename "$root")
	vd --root "$root" fix --json >"$TMP/$name.fix.json" || fail "$name: fix --json exit $?"
	json_ok "$TMP/$name.fix.json" && ok "$name: plan is valid JSON" || fail "$name: plan JSON"
	vd --root "$root" fix >/dev/null || fail "$name: fix exit $?"
done
[ "$(tree_sum)" = "$before" ] && ok "plans changed no fixture" || fail "fix changed a fixture"

# 2. intel-nvidia-desktop: apply into a copy gives the -bound host's modprobe.d.
cp -a "$HOSTS/intel-nvidia-desktop" "$TMP/a"; cp -a "$TMP/a" "$TMP/a.before"
vd --root "$TMP/a" fix --apply >"$TMP/apply.txt" 2>&1; rc=$?
[ $rc -eq 0 ] && ok "apply on intel-nvidia-desktop" || fail "apply: exit $rc $(cat "$TMP/apply.txt")"
cmp "$TMP/a/etc/modprobe.d/vfio.conf" "$HOSTS/intel-nvidia-desktop-bound/etc/modprobe.d/vfio.conf" &&
	ok "applied vfio.conf is the -bound host's, byte for byte" || fail "applied vfio.conf differs from -bound"
[ "$(stat -c %a "$TMP/a/etc/modprobe.d/vfio.conf")" = 644 ] && ok "config mode 0644" || fail "vfio.conf mode"
grep -q 'dracut -f --regenerate-all: skipped' "$TMP/apply.txt" && ok "commands not run under --root" || fail "dracut not reported skipped"
vd --root "$TMP/a" fix --apply >"$TMP/again.txt"; rc=$?
[ $rc -eq 0 ] && grep -q '^Nothing to change' "$TMP/again.txt" && ok "second apply finds nothing to do" || fail "second apply: $(cat "$TMP/again.txt")"
vd --root "$TMP/a" fix --apply --json >"$TMP/again.json"
python3 -c 'import json,sys; d = json.load(open(sys.argv[1])); assert d["state"] == "nothing-to-do" and d["steps"] == [] and d["id"] is None' "$TMP/again.json" &&
	ok "second apply --json: nothing-to-do" || fail "second apply --json: $(cat "$TMP/again.json")"
vd --root "$TMP/a" undo --list | grep -q '^0001 .* applied ' && ok "undo --list" || fail "undo --list"
vd --root "$TMP/a" undo >/dev/null && same_tree "$TMP/a.before" "$TMP/a" && ok "undo is byte-identical" || fail "undo: $(cat "$TMP/tree.diff")"
vd --root "$TMP/a" undo 2>"$TMP/err"; [ $? -eq 2 ] && grep -q 'no transaction to undo' "$TMP/err" && ok "nothing left to undo" || fail "second undo"

# 3. Boot loaders, from published configurations (tests/fix/README.md): the
# same findings file applied to each layout, then patch(1) replays the shown diff.
for layout in "$FIX"/boot-*/; do
	layout=${layout%/}; name=$(basename "$layout")
	rm -rf "$TMP/b" "$TMP/b.before"; cp -a "$HOSTS/intel-nvidia-desktop" "$TMP/b"; cp -a "$layout/root/." "$TMP/b/"; cp -a "$TMP/b" "$TMP/b.before"
	vd --root "$TMP/b" fix --from "$FIX/findings.json" --json >"$TMP/plan.json" || fail "$name: plan"
	python3 - "$TMP/plan.json" "$TMP/b.before" >"$TMP/patch" <<'PY'
import json, sys
for s in json.load(open(sys.argv[1]))["steps"]:
    if s["kind"] == "file" and s["diff"]: sys.stdout.write(s["diff"])
PY
	rm -rf "$TMP/p"; cp -a "$TMP/b.before" "$TMP/p"
	(cd "$TMP/p" && patch -s -p1 <"$TMP/patch") || fail "$name: patch refused the shown diff"
	vd --root "$TMP/b" fix --from "$FIX/findings.json" --apply >"$TMP/out" 2>&1 || fail "$name: apply $(cat "$TMP/out")"
	for f in $(cd "$layout/expected" && find . -type f); do
		cmp "$layout/expected/$f" "$TMP/b/$f" || fail "$name: $f differs from expected"
		cmp "$TMP/p/$f" "$TMP/b/$f" || fail "$name: $f: patch and apply disagree"
	done
	ok "$name: applied files match expected and patch(1)"
	vd --root "$TMP/b" fix --from "$FIX/findings.json" --apply | grep -q '^Nothing to change' && ok "$name: idempotent" || fail "$name: second apply changed something"
	vd --root "$TMP/b" undo >/dev/null && same_tree "$TMP/b.before" "$TMP/b" && ok "$name: undo byte-identical" || fail "$name: undo $(cat "$TMP/tree.diff")"
done

# --only names whole ids: "kvm" (a prefix of kvm-ignore-msrs) is not planned
python3 - "$FIX/findings.json" >"$TMP/prefix.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["findings"].append({"id": "kvm", "fixes": [{"kind": "file", "op": "add", "target": "/etc/modprobe.d/kvm-prefix.conf", "value": "options kvm_intel nested=1\n", "mode": 420}]})
json.dump(d, sys.stdout)
PY
vd --root "$TMP/b" fix --from "$TMP/prefix.json" --only kvm-ignore-msrs --json >"$TMP/only.json"
python3 - "$TMP/only.json" <<'PY' && ok "fix --from --only matches whole ids" || fail "fix --only kvm-ignore-msrs planned the kvm finding"
import json, sys
steps = json.load(open(sys.argv[1]))["steps"]
assert not any("kvm-prefix" in (s["target"] or "") for s in steps), steps
PY

# A command belongs to its finding's files: when they are in place it is not
# planned, even if another finding's kernel parameters change the boot files.
mkdir -p "$TMP/b/etc/modprobe.d"; printf 'options kvm ignore_msrs=1\n' >"$TMP/b/etc/modprobe.d/in-place.conf"
python3 - >"$TMP/last.json" <<'PY'
import json, sys
json.dump({"findings": [
    {"id": "needs-param", "fixes": [{"kind": "kernel-parameter", "op": "add", "target": "vfio_doctor_test", "value": "1"}]},
    {"id": "files-in-place", "fixes": [
        {"kind": "file", "op": "add", "target": "/etc/modprobe.d/in-place.conf", "value": "options kvm ignore_msrs=1\n", "mode": 420},
        {"kind": "command", "op": "add", "target": None, "value": "true regenerate-for-in-place"}]}]}, sys.stdout)
PY
vd --root "$TMP/b" fix --from "$TMP/last.json" --json >"$TMP/last-plan.json"
python3 - "$TMP/last-plan.json" <<'PY' && ok "a command runs only when its own finding's files change" || fail "command of a finding whose files are in place was planned"
import json, sys
steps = json.load(open(sys.argv[1]))["steps"]
assert any(s["kind"] == "file" for s in steps), "the boot file edit is missing"
assert not any("regenerate-for-in-place" in json.dumps(s) for s in steps), steps
PY
rm "$TMP/b/etc/modprobe.d/in-place.conf"

# 4. Hooks under a real shell: hostile domain names run nothing, and the unit
# name is what systemd-escape makes of them.
vd --root "$TMP/b" fix --from "$FIX/findings.json" --apply >/dev/null
HOOK="$TMP/b/etc/libvirt/hooks/qemu"
[ -x "$HOOK" ] && [ -x "$TMP/b/etc/libvirt/hooks/qemu.vfio-doctor.d/vfio-doctor-nosleep" ] && ok "dispatcher and hook installed executable" || fail "hooks not executable"
mkdir -p "$TMP/bin" "$TMP/work"
cat >"$TMP/bin/systemctl" <<'SH'
#!/bin/sh
printf '%s\n' "$*" >>"$LOG"
SH
cat >"$TMP/bin/modprobe" <<'SH'
#!/bin/sh
printf 'modprobe %s\n' "$*" >>"$LOG"
SH
chmod +x "$TMP/bin/systemctl" "$TMP/bin/modprobe"
# the dispatcher runs from /etc/libvirt/hooks: give it the tree's
sed "s|^dir=/etc/libvirt/hooks|dir=$TMP/b/etc/libvirt/hooks|" "$HOOK" >"$TMP/dispatch" && chmod +x "$TMP/dispatch"
names=('win 10' 'a"b' "it's" '$(touch PWNED)' '`touch PWNED`' '; touch PWNED' $'line1\nline2' '-rf' '*' 'x/y' '..' 'ünï')
for sh in sh bash; do
	for n in "${names[@]}"; do
		export LOG="$TMP/log"; : >"$LOG"
		(cd "$TMP/work" && PATH="$TMP/bin:$PATH" $sh "$TMP/dispatch" "$n" prepare begin - </dev/null >/dev/null 2>&1)
		[ -e "$TMP/work/PWNED" ] && fail "$sh: domain name '$n' ran a command"
		want="start $(systemd-escape --template=libvirt-nosleep@.service -- "$n")"
		grep -qxF -- "$want" "$LOG" || fail "$sh: '$n': systemctl got '$(cat "$LOG")', expected '$want'"
	done
done
ok "${#names[@]} hostile domain names through sh and bash: nothing ran, unit names escaped as systemd-escape does"
# the user's old hook still runs, with the XML on stdin
printf '#!/bin/sh\ncat >"$LOG.xml"; echo "orig $*" >>"$LOG"\n' >"$TMP/b/etc/libvirt/hooks/qemu.orig"
chmod 755 "$TMP/b/etc/libvirt/hooks/qemu.orig"
: >"$LOG"; echo '<domain/>' | PATH="$TMP/bin:$PATH" sh "$TMP/dispatch" vm1 release end - >/dev/null
grep -qx 'orig vm1 release end -' "$LOG" && grep -qx '<domain/>' "$LOG.xml" && grep -qx 'stop libvirt-nosleep@vm1.service' "$LOG" &&
	ok "dispatcher keeps the old hook (same arguments and stdin) and runs ours" || fail "dispatcher: $(cat "$LOG")"

# 5. The SSDT: byte-identical to the page's base64, and iasl disassembles it.
echo 'U1NEVKEAAAAB9EJPQ0hTAEJYUENTU0RUAQAAAElOVEwYEBkgoA8AFVwuX1NCX1BDSTAGABBMBi5f
U0JfUENJMFuCTwVCQVQwCF9ISUQMQdAMCghfVUlEABQJX1NUQQCkCh8UK19CSUYApBIjDQELcBcL
cBcBC9A5C1gCCywBCjwKPA0ADQANTElPTgANABQSX0JTVACkEgoEAAALcBcL0Dk=' | base64 -d >"$TMP/page.dat"
(cd "$TMP" && vd ssdt battery -o SSDT1.dat >/dev/null) && cmp "$TMP/page.dat" "$TMP/SSDT1.dat" && ok "ssdt battery is the page's table" || fail "ssdt differs from the page"
if command -v iasl >/dev/null; then
	(cd "$TMP" && iasl -d SSDT1.dat >"$TMP/iasl.log" 2>&1) && grep -q 'Device (BAT0)' "$TMP/SSDT1.dsl" &&
		! grep -qi 'error' "$TMP/iasl.log" && ok "iasl -d disassembles it cleanly" || fail "iasl: $(cat "$TMP/iasl.log")"
else
	fail "iasl missing (tools/deps.sh test installs acpica-tools)"
fi

# 6. Not root: refused before anything is touched.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$TMP"
	setpriv --reuid=65534 --regid=65534 --clear-groups -- ${VD_WRAP:-} "$VD" fix --apply >/dev/null 2>"$TMP/err"; rc=$?
	[ $rc -eq 2 ] && grep -q 'needs root' "$TMP/err" && ok "live --apply as nobody refused" || fail "nobody: exit $rc $(cat "$TMP/err")"
	rm -rf "$TMP/c"; cp -a "$HOSTS/intel-nvidia-desktop" "$TMP/c"; chmod -R a+rX "$TMP/c"; cp -a "$TMP/c" "$TMP/c.before"
	setpriv --reuid=65534 --regid=65534 --clear-groups -- ${VD_WRAP:-} "$VD" --root "$TMP/c" fix --apply >/dev/null 2>"$TMP/err"; rc=$?
	[ $rc -eq 2 ] && grep -q 'nothing was changed' "$TMP/err" && same_tree "$TMP/c.before" "$TMP/c" && [ ! -e "$TMP/c/var" ] &&
		ok "--apply on a tree nobody may write: refused, untouched" || fail "unwritable tree: exit $rc $(cat "$TMP/err")"
fi
finish
