#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Synthetic host roots and kernel logs for the benchmarks.

Hosts: a realistic mix at any size -- root ports each with one endpoint
(GPU + HDMI audio, NVMe, or a NIC whose SR-IOV virtual functions follow it),
IOMMU groups as ACS-capable platforms form them (a port and its endpoint in
one group, each VF in its own), some GPUs bound to vfio-pci. Config spaces
are real bytes from the fixtures (the RX 5600 XT's 4096-byte dump for GPUs,
virtio functions of the development VM for the rest), so capability walks
do real work. The tree is laid out by tests/hosts/mkhost.py like every
fixture.

Logs: real kernel lines (this VM's boot log and the published samples)
repeated with rising timestamps to the requested size, the page's error
lines sprinkled in at a fixed rate.

usage: synth.py host N OUTDIR | synth.py log BYTES OUTFILE
"""
import json
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(HERE)
HOSTS = os.path.join(TOP, "tests", "hosts")
sys.path.insert(0, HOSTS)
import mkhost  # noqa: E402

GPU_CFG = "amd-ryzen-two-gpus/sys/devices/pci0000:00/0000:00:03.1/0000:07:00.0/0000:08:00.0/0000:09:00.0/config"
VIRTIO = "this-vm/sys/devices/pci0000:00/0000:00:0%d.0/config"


def host_spec(n):
    devs = [{"addr": "0000:00:00.0", "id": "8086:3ec2", "class": "060000", "group": 0, "irq": 0,
             "config": {"binary": VIRTIO % 1}}]
    group = 1
    bus = 1
    slot = 1
    kind = 0
    while len(devs) < n:
        port = "0000:00:%02x.%x" % (slot // 8, slot % 8)
        slot += 1
        if slot // 8 > 0x1f:
            break
        devs.append({"addr": port, "id": "8086:1901", "class": "060400", "driver": "pcieport",
                     "group": group, "irq": 0, "config": {"binary": VIRTIO % 1}})
        b = "0000:%02x" % bus
        k = kind % 4
        kind += 1
        if k == 0:  # GPU + HDMI audio, every other one on vfio-pci
            drv = "vfio-pci" if (kind // 4) % 2 else "amdgpu"
            devs.append({"addr": b + ":00.0", "parent": port, "id": "1002:731f", "class": "030000", "driver": drv,
                         "group": group, "irq": 0, "boot_vga": 0, "config": {"binary": GPU_CFG}})
            devs.append({"addr": b + ":00.1", "parent": port, "id": "1002:ab38", "class": "040300",
                         "driver": "vfio-pci" if drv == "vfio-pci" else "snd_hda_intel", "group": group, "irq": 0,
                         "config": {"binary": VIRTIO % 2}})
            group += 1
        elif k in (1, 2):  # NVMe-like endpoint
            devs.append({"addr": b + ":00.0", "parent": port, "id": "144d:a808", "class": "010802", "driver": "nvme",
                         "group": group, "irq": 0, "config": {"binary": VIRTIO % 2}})
            group += 1
        else:  # NIC with SR-IOV VFs on the same bus, each VF its own group
            devs.append({"addr": b + ":00.0", "parent": port, "id": "8086:1572", "class": "020000", "driver": "i40e",
                         "group": group, "irq": 0, "config": {"binary": VIRTIO % 3}})
            group += 1
            for vf in range(min(32, max(0, n - len(devs)))):
                devs.append({"addr": b + ":%02x.%x" % (2 + vf // 8, vf % 8), "parent": port, "id": "8086:154c",
                             "class": "020000", "driver": "iavf", "group": group, "irq": 0,
                             "config": {"binary": VIRTIO % 3}})
                group += 1
        bus += 1
    devs = devs[:n]
    devs.sort(key=lambda d: d["addr"])
    return {
        "release": "6.1.0-13-amd64",
        "cmdline": "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro quiet intel_iommu=on iommu=pt",
        "cpuinfo": {"file": "intel-nvidia-desktop/proc/cpuinfo", "count": 1},
        "modules": {"loaded": ["vfio_pci", "vfio", "kvm_intel", "kvm", "amdgpu", "nvme", "i40e", "iavf"],
                    "builtin": ["pcieport"]},
        "params": {"kvm": {"ignore_msrs": "Y", "report_ignored_msrs": "N"}},
        "kvm_gid": 104,
        "acpi_tables": ["DMAR"],
        "iommu": {"kind": "intel", "group_type": "DMA",
                  "units": [{"name": "dmar0", "cap": "d2008c40660462", "ecap": "f050da"}]},
        "devices": devs,
    }


def build_host(n, out):
    spec = host_spec(n)
    # mkhost resolves data paths against tests/hosts
    mkhost.HERE = HOSTS
    if os.path.exists(out):
        import shutil
        shutil.rmtree(out)
    os.makedirs(out)
    mkhost.Host(spec, out).build()
    ids = os.path.join(HOSTS, "amd-ryzen-two-gpus/usr/share/misc/pci.ids")
    mkhost.write(os.path.join(out, "usr/share/misc/pci.ids"), open(ids).read())
    with open(os.path.join(out, "BENCH-SPEC.json"), "w") as f:
        json.dump({"functions": len(spec["devices"])}, f)


def real_lines():
    """Message bodies of real kernel lines: this VM's boot, then the samples."""
    lines = []
    with open(os.path.join(HOSTS, "this-vm/dev/kmsg"), errors="replace") as f:
        for rec in f:
            if ";" in rec and not rec.startswith(" "):
                lines.append(rec.split(";", 1)[1].rstrip("\n"))
    return lines


ERRORS = [
    "vfio-pci 0000:01:00.0: BAR 3: can't reserve [mem 0xf0000000-0xf1ffffff 64bit pref]",
    "kvm [2415]: vcpu0 unhandled rdmsr: 0x1c9",
    "vfio-pci 0000:01:00.0: vgaarb: changed VGA decodes: olddecodes=io+mem,decodes=none:owns=io+mem",
    "x86/split lock detection: #AC: CPU 0/KVM/88279 took a split_lock trap at address: 0xfffff80104613be8",
    "clocksource: Switched to clocksource hpet",
]


def build_log(size, out):
    body = real_lines()
    n = 0
    t = 0
    with open(out, "w") as f:
        written = 0
        while written < size:
            for line in body:
                n += 1
                t += 137
                msg = ERRORS[(n // 10007) % len(ERRORS)] if n % 10007 == 0 else line
                s = "[%5d.%06d] %s\n" % (t // 1000000, t % 1000000, msg)
                f.write(s)
                written += len(s)
                if written >= size:
                    break


def main():
    if len(sys.argv) != 4 or sys.argv[1] not in ("host", "log"):
        sys.exit(__doc__)
    if sys.argv[1] == "host":
        build_host(int(sys.argv[2]), sys.argv[3])
    else:
        build_log(int(sys.argv[2]), sys.argv[3])


if __name__ == "__main__":
    main()
