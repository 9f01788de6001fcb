#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# Debian 12 packages: "build" to build and run vfio-doctor, "test" adds what
# the test suite runs (valgrind, setpriv, python3 for fixtures and JSON checks,
# clang and its libFuzzer runtime for the fuzz targets, iasl (acpica-tools) for
# the SSDT, patch(1) and systemd-escape for fix's diffs and hooks; libvirt-clients
# for virsh and virt-xml-validate, libvirt's QEMU driver with QEMU and OVMF for
# the in-process qemu:///embed oracle of the VM tests; systemd-journal-remote to
# build test journals, GNU time for the benchmarks; real PCI option ROMs for the
# ROM parser: ipxe-qemu, seabios, qemu-system-data).
set -eu
build="build-essential meson ninja-build pkg-config pciutils libpci-dev libxml2-dev libjson-c-dev
       libkmod-dev libarchive-dev libvirt-dev libsystemd-dev"
test="$build valgrind python3 util-linux tar clang libclang-rt-14-dev systemd-journal-remote time acpica-tools patch
      systemd libvirt-clients libvirt-daemon-driver-qemu qemu-system-x86 ovmf ipxe-qemu seabios qemu-system-data"
case "${1:-build}" in
build) pkgs=$build ;;
test) pkgs=$test ;;
*) echo "usage: $0 build|test" >&2; exit 2 ;;
esac
missing=$(for p in $pkgs; do dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || echo "$p"; done)
if [ -n "$missing" ]; then
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing
fi
