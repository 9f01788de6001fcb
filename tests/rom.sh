#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# vfio-doctor rom on Debian's real option ROMs (ipxe-qemu, seabios,
# qemu-system-data: sh tools/deps.sh test), on a prefixed dump (--strip),
# against fixture devices (--for), and dumping a fake sysfs rom attribute
# from a fixture root (--device).
. "$(dirname "$0")/lib.sh"

IPXE=/usr/lib/ipxe/qemu SEABIOS=/usr/share/seabios QEMU=/usr/share/qemu
for f in "$IPXE/efi-virtio.rom" "$SEABIOS/vgabios-stdvga.bin" "$QEMU/linuxboot.bin"; do
	[ -r "$f" ] || { fail "$f missing: run sh tools/deps.sh test"; finish; }
done
EFI=$IPXE/efi-virtio.rom VGA=$SEABIOS/vgabios-stdvga.bin

# one_line_error DESCRIPTION CODE -- command...: exit CODE, one line on stderr
one_line_error() {
	local what=$1 want=$2; shift 3
	"$@" >"$TMP/out" 2>"$TMP/err.raw"; local rc=$?
	grep -v '^--[0-9]*-- ' "$TMP/err.raw" >"$TMP/err"
	if [ $rc -eq "$want" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] && grep -q '^vfio-doctor: ' "$TMP/err"; then
		ok "$what"
	else
		fail "$what: exit $rc, stderr: $(cat "$TMP/err")"
	fi
}

# Every real ROM: exit 0 exactly for the EFI+legacy iPXE images.
for f in "$IPXE"/*.rom "$SEABIOS"/vgabios-*.bin "$QEMU"/*.bin; do
	vd rom "$f" >"$TMP/out" 2>&1; rc=$?
	case $(basename "$f") in efi-*) want=0 ;; *) want=1 ;; esac
	[ $rc -eq $want ] || fail "rom $f: exit $rc, expected $want"
	grep -q '^  verdict: ' "$TMP/out" || fail "rom $f: no verdict"
done
ok "every real ROM parses with the expected exit status"

# A 64 MiB file: four times what a ROM BAR decodes, refused by its size.
{ printf '\x55\xaa'; head -c 67108862 /dev/zero; } >"$TMP/big.rom"
one_line_error "a 64 MiB file is not a ROM" 2 -- vd rom "$TMP/big.rom"

# The rom-parser facts, for comparison with the page's example.
vd rom "$EFI" >"$TMP/efi.txt"
for line in 'image 1 at 0x12800: ROM signature 55 AA, PCIR pointer 0x1c' \
	'PCIR: type 0 (x86 PC-AT), vendor 1af4, device 1041, class 020000' \
	'PCIR: type 3 (EFI), vendor 1af4, device 1041, class 020000' \
	'PCIR: revision 3, vendor revision 1, image length 75776 (148 x 512), indicator 0x00' \
	'EFI: signature valid, subsystem boot-service driver (11), machine X64 (0x8664)' \
	'verdict: UEFI-capable (X64 boot-service driver)'; do
	grep -qF "$line" "$TMP/efi.txt" || fail "rom efi-virtio.rom lacks: $line"
done
ok "rom prints rom-parser's facts"
vd rom "$VGA" | grep -q "UEFI-capable ROM of the same model" && ok "a legacy-only VBIOS gets the romfile hint" ||
	fail "no romfile hint for a legacy-only VBIOS"
vd rom "$IPXE/pxe-virtio.rom" | grep -q "UEFI-capable ROM of the same model" && fail "a NIC ROM got the GPU hint" ||
	ok "no GPU hint for a NIC's ROM"

# JSON: one document for several files; an unreadable file gives exit 2.
vd rom --json "$EFI" "$VGA" "$TMP/nothere.rom" >"$TMP/two.json" 2>/dev/null; rc=$?
[ $rc -eq 2 ] && ok "unreadable file: exit 2" || fail "unreadable file: exit $rc"
python3 - "$TMP/two.json" <<'PY' && ok "rom --json" || fail "rom --json content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == "vfio-doctor/rom/1" and d["strip"] is None and d["dump"] is None
efi, vga, missing = d["roms"]
assert efi["valid"] and efi["usable_as_romfile"] and efi["uefi"] and efi["start"] == 0 and efi["size"] == 249344
i0, i1 = efi["images"]
assert i0["pcir"]["code_type"] == 0 and i0["pcir"]["device_list"] == ["1041"] and i0["checksum"]["initialization_sum"] == 0
assert i1["offset"] == 0x12800 and i1["pcir"]["last"] and i1["efi"]["machine"] == "8664" and i1["efi"]["pe"] == "ok"
assert i1["efi"]["pe_format"] == "PE32+" and i1["efi"]["signed"] is False and i1["efi"]["loadable"]
assert not vga["uefi"] and vga["verdict"] == "no UEFI image: OVMF cannot initialise this GPU's display"
assert vga["images"][0]["pcir"]["class"] == "030000" and vga["images"][0]["efi"] is None
assert missing["read_error"] and missing["valid"] is None and missing["images"] is None
PY

# Malformed files: a clear error line, exit 1, never a crash.
head -c 0 /dev/null >"$TMP/empty.rom"
head -c 65536 /dev/urandom >"$TMP/random.rom"
head -c 100000 "$EFI" >"$TMP/cut.rom"
for f in empty random cut; do
	vd rom "$TMP/$f.rom" >"$TMP/out" 2>&1; rc=$?
	[ $rc -eq 1 ] && grep -q '^  error: ' "$TMP/out" && ok "$f.rom: error, exit 1" || fail "$f.rom: exit $rc $(cat "$TMP/out")"
done
grep -q 'truncated' "$TMP/out" || fail "cut.rom: not called truncated"
one_line_error "a directory" 2 -- vd rom /etc
one_line_error "rom without a file" 2 -- vd rom
one_line_error "-o without --strip" 2 -- vd rom "$EFI" -o "$TMP/x"

# A prefixed dump (NVIDIA's tool writes a header first; rom-parser's example at 0x600).
{ head -c 1536 /dev/zero | tr '\0' '\377'; cat "$EFI"; } >"$TMP/prefixed.rom"
vd rom "$TMP/prefixed.rom" >"$TMP/out"; rc=$?
[ $rc -eq 1 ] && grep -q 'starts at 0x600' "$TMP/out" && grep -q -- '--strip -o' "$TMP/out" &&
	ok "prefixed dump named, exit 1" || fail "prefixed dump: exit $rc"
vd rom "$TMP/prefixed.rom" --strip -o "$TMP/stripped.rom" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && cmp -s "$TMP/stripped.rom" "$EFI" && tail -c +1537 "$TMP/prefixed.rom" | cmp -s - "$TMP/stripped.rom" &&
	ok "--strip writes the input from the signature on" || fail "--strip: exit $rc $(cat "$TMP/err")"
vd rom "$TMP/stripped.rom" >/dev/null && ok "stripped ROM is valid and UEFI-capable" || fail "stripped ROM does not pass"
cp "$TMP/prefixed.rom" "$TMP/keep.rom"
one_line_error "--strip onto an existing file" 2 -- vd rom "$TMP/prefixed.rom" --strip -o "$TMP/stripped.rom"
one_line_error "--strip onto its input" 2 -- vd rom "$TMP/prefixed.rom" --strip -o "$TMP/prefixed.rom"
cmp -s "$TMP/prefixed.rom" "$TMP/keep.rom" && ok "input untouched" || fail "--strip changed its input"
one_line_error "--strip of a ROM without a prefix" 1 -- vd rom "$EFI" --strip -o "$TMP/s2.rom"
one_line_error "--strip of a non-ROM" 1 -- vd rom "$TMP/random.rom" --strip -o "$TMP/s3.rom"
[ ! -e "$TMP/s2.rom" ] && [ ! -e "$TMP/s3.rom" ] && ok "--strip wrote nothing when refusing" || fail "--strip wrote a refused file"
# The ROM after the header is damaged: refused before anything is written.
{ head -c 1536 /dev/zero | tr '\0' '\377'; head -c 100000 "$EFI"; } >"$TMP/prefixed-cut.rom"
one_line_error "--strip of a damaged ROM" 1 -- vd rom "$TMP/prefixed-cut.rom" --strip -o "$TMP/s4.rom"
[ ! -e "$TMP/s4.rom" ] || fail "--strip wrote a damaged ROM"
vd rom --json "$TMP/prefixed.rom" --strip -o "$TMP/s5.rom" >"$TMP/strip.json" &&
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["strip"]["removed"]==1536 and d["roms"][0]["usable_as_romfile"]' "$TMP/strip.json" &&
	ok "--strip --json" || fail "--strip --json"

# --for: the ROM's IDs against a fixture's device (and its PCI 3.0 device list).
NV="$HOSTS/intel-nvidia-desktop"
vd --root "$NV" rom "$EFI" --for 01:00.0 >"$TMP/out"; rc=$?
[ $rc -eq 1 ] && grep -q 'MISMATCH with 0000:01:00.0 \[10de:1f02\]' "$TMP/out" && grep -q "never flash it" "$TMP/out" &&
	ok "--for: another model is a mismatch" || fail "--for mismatch: exit $rc"
cp -a "$NV" "$TMP/h"
GPU=$(readlink -f "$TMP/h/sys/bus/pci/devices/0000:01:00.0")
printf '0x1af4\n' >"$GPU/vendor"; printf '0x1041\n' >"$GPU/device"
vd --root "$TMP/h" rom --json --for 0000:01:00.0 "$EFI" >"$TMP/for.json"; rc=$?
python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["roms"][0]["device"]; assert d["match"] and d["matching_images"]==2' "$TMP/for.json" &&
	[ $rc -eq 0 ] && ok "--for: matching IDs, exit 0" || fail "--for match: exit $rc"
one_line_error "--for a missing device" 2 -- vd --root "$NV" rom "$EFI" --for 07:00.0
one_line_error "--for a bad address" 2 -- vd --root "$NV" rom "$EFI" --for nonsense

# --device on a fixture root with a fake rom attribute (a regular file reads
# like an enabled attribute: nothing is written to it).
cp "$EFI" "$GPU/rom"
vd --root "$TMP/h" rom --device 01:00.0 -o "$TMP/dump.rom" >"$TMP/out" 2>"$TMP/err"; rc=$?
[ $rc -eq 0 ] && cmp -s "$TMP/dump.rom" "$EFI" && cmp -s "$GPU/rom" "$EFI" && grep -q 'UEFI-capable' "$TMP/out" &&
	ok "--device dumps the fake rom attribute" || fail "--device: exit $rc $(cat "$TMP/err")"
one_line_error "--device onto an existing file" 2 -- vd --root "$TMP/h" rom --device 01:00.0 -o "$TMP/dump.rom"
one_line_error "--device without -o" 2 -- vd --root "$TMP/h" rom --device 01:00.0
one_line_error "--device with no rom attribute" 2 -- vd --root "$TMP/h" rom --device 01:00.1 -o "$TMP/d1.rom"
one_line_error "--device of a missing device" 2 -- vd --root "$TMP/h" rom --device 05:00.0 -o "$TMP/d2.rom"
: >"$GPU/rom"
one_line_error "--device reading 0 bytes" 1 -- vd --root "$TMP/h" rom --device 01:00.0 -o "$TMP/d3.rom"
head -c 4096 /dev/zero | tr '\0' '\377' >"$GPU/rom"
one_line_error "--device reading no ROM" 1 -- vd --root "$TMP/h" rom --device 01:00.0 -o "$TMP/d4.rom"
ls "$TMP"/d[1-4].rom >/dev/null 2>&1 && fail "--device wrote a refused dump" || ok "--device wrote nothing when refusing"
if [ "$(id -u)" -ne 0 ]; then
	one_line_error "--device on the live host needs root" 2 -- vd rom --device 00:00.0 -o "$TMP/d5.rom"
fi

# check reads the fake attribute as it is: the GPU's ROM passes.
cp "$EFI" "$GPU/rom"
vd --root "$TMP/h" check --json --only gpu-rom >"$TMP/c.json"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["findings"]; assert [x["severity"] for x in f]==["pass"], f' "$TMP/c.json" &&
	ok "gpu-rom passes on a UEFI ROM" || fail "gpu-rom on a UEFI ROM"
cp "$VGA" "$GPU/rom"
vd --root "$TMP/h" check --json --only gpu-rom >"$TMP/c.json"
python3 -c 'import json,sys; f=json.load(open(sys.argv[1]))["findings"]; assert "warn" in [x["severity"] for x in f], f' "$TMP/c.json" &&
	ok "gpu-rom warns on a legacy-only ROM" || fail "gpu-rom on a legacy ROM"
# From a VM's definition to the romfile check: a domain XML booting OVMF
# hands the GPU (given the iPXE ROM's IDs above) a ROM under the root; the
# check reads that file there.
mkdir -p "$TMP/h/srv/roms"
cat >"$TMP/win10.xml" <<'XML'
<domain type='kvm'>
  <name>win10</name>
  <memory unit='GiB'>8</memory>
  <os>
    <type arch='x86_64' machine='pc-q35-7.2'>hvm</type>
    <loader readonly='yes' type='pflash'>/usr/share/OVMF/OVMF_CODE_4M.fd</loader>
  </os>
  <devices>
    <hostdev mode='subsystem' type='pci' managed='yes'>
      <source><address domain='0x0000' bus='0x01' slot='0x00' function='0x0'/></source>
      <rom file='/srv/roms/gpu.rom'/>
    </hostdev>
  </devices>
</domain>
XML
romfile_sevs() { # ROM-FILE-TO-INSTALL: the romfile findings' severities and messages, one per line
	if [ -n "$1" ]; then cp "$1" "$TMP/h/srv/roms/gpu.rom"; else rm -f "$TMP/h/srv/roms/gpu.rom"; fi
	vd --root "$TMP/h" check --json --no-logs --xml "$TMP/win10.xml" --only romfile >"$TMP/rf.json"
	python3 -c 'import json,sys
for f in json.load(open(sys.argv[1]))["findings"]: print(f["severity"], f["message"])' "$TMP/rf.json"
}
romfile_sevs "$VGA" >"$TMP/rf.txt"
grep -q '^fail .*another model' "$TMP/rf.txt" && grep -q '^fail .*no UEFI image' "$TMP/rf.txt" &&
	ok "romfile from a domain XML: a legacy ROM of another model fails twice" || fail "romfile (legacy): $(cat "$TMP/rf.txt")"
romfile_sevs "$EFI" >"$TMP/rf.txt"
[ "$(cut -d' ' -f1 "$TMP/rf.txt")" = pass ] && grep -q 'UEFI-capable' "$TMP/rf.txt" &&
	ok "romfile from a domain XML: a UEFI ROM of this model passes" || fail "romfile (efi): $(cat "$TMP/rf.txt")"
romfile_sevs "" >"$TMP/rf.txt"
grep -q '^fail ' "$TMP/rf.txt" && grep -qi 'not exist\|missing\|no such' "$TMP/rf.txt" &&
	ok "romfile from a domain XML: a missing file fails" || fail "romfile (missing): $(cat "$TMP/rf.txt")"
# A QEMU command line naming a bare romfile: QEMU takes it from its data
# directory, so the check reads /usr/share/qemu/NAME under the root.
mkdir -p "$TMP/h/usr/share/qemu"
cp "$EFI" "$TMP/h/usr/share/qemu/gpu-efi.rom"
cat >"$TMP/run.sh" <<'SH'
#!/bin/sh
exec qemu-system-x86_64 -machine q35,accel=kvm -m 8G \
  -drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
  -device vfio-pci,host=01:00.0,x-vga=on,romfile=gpu-efi.rom
SH
vd --root "$TMP/h" check --json --no-logs --qemu-cmdline "$TMP/run.sh" --only romfile >"$TMP/rf.json"
python3 -c 'import json,sys
f=json.load(open(sys.argv[1]))["findings"]
assert [x["severity"] for x in f]==["pass"] and "/usr/share/qemu/gpu-efi.rom" in f[0]["message"], f' "$TMP/rf.json" &&
	ok "romfile from a QEMU command line: a bare name is read from QEMU's data directory" ||
	fail "romfile (qemu cmdline): $(cat "$TMP/rf.json")"
vd explain gpu-rom | grep -q 'never flashes firmware' && ok "explain says it never flashes" || fail "explain gpu-rom"
finish
