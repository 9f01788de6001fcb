#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Make a real-world domain XML acceptable to this machine's QEMU driver
(QEMU 7.2 under TCG, no host devices of its own) without changing what the
vm-* checks look at, so `virsh domxml-to-native` can print its command line:
  type kvm -> qemu, host-passthrough -> maximum (QEMU -cpu max; the checks
  treat both as the host's CPU), machine types newer than 7.2 -> pc-q35-7.2,
  <driver name='vfio'/> on PCI hostdevs (libvirt asks the host otherwise),
  clusters= (libvirt 10) dropped, and devices TCG or this machine lacks removed (USB hostdevs, TPM, audio,
  watchdog, SPICE, evdev, virtiofs, hugepages).
Both the XML path and the command-line path read the adapted file, so the
comparison is between two forms of the same VM.
  adapt-for-tcg.py IN OUT"""
import re
import sys
import xml.etree.ElementTree as ET

QEMU_NS = "http://libvirt.org/schemas/domain/qemu/1.0"
ET.register_namespace("qemu", QEMU_NS)
ET.register_namespace("libosinfo", "http://libosinfo.org/xmlns/libvirt/domain/1.0")

tree = ET.parse(sys.argv[1])
d = tree.getroot()
d.set("type", "qemu")
cpu = d.find("cpu")
if cpu is not None and cpu.get("mode") == "host-passthrough":
    cpu.set("mode", "maximum")
    for a in ("check", "migratable"):
        cpu.attrib.pop(a, None)
    for c in list(cpu):
        if c.tag == "cache":
            cpu.remove(c)
if cpu is not None and cpu.find("topology") is not None:
    cpu.find("topology").attrib.pop("clusters", None)  # libvirt >= 10
t = d.find("os/type")
m = re.match(r"pc-q35-(\d+)\.(\d+)$", t.get("machine", ""))
if m and (int(m.group(1)), int(m.group(2))) > (7, 2):
    t.set("machine", "pc-q35-7.2")
for parent, tag in (("", "memoryBacking"), ("", "sysinfo")):
    for e in d.findall(tag):
        d.remove(e)
os_ = d.find("os")
for e in os_.findall("smbios"):
    os_.remove(e)
# libvirt 9.0 refuses loader attributes together with firmware autoselection
if os_.get("firmware") == "efi":
    for e in os_.findall("loader") + os_.findall("nvram") + os_.findall("firmware"):
        os_.remove(e)
devs = d.find("devices")
for e in list(devs):
    drop = e.tag in ("audio", "watchdog", "tpm", "graphics", "redirdev", "filesystem", "shmem", "sound", "channel")
    drop |= e.tag == "hostdev" and e.get("type") != "pci"
    drop |= e.tag == "input" and e.get("type") == "evdev"
    drop |= e.tag == "disk" and e.get("type") == "block"
    drop |= e.tag == "interface" and e.get("type") in ("bridge", "network")
    if drop:
        devs.remove(e)
        continue
    if e.tag == "hostdev" and e.find("driver") is None:
        e.insert(0, ET.Element("driver", {"name": "vfio"}))
    if e.tag == "disk":
        for s in e.findall("source"):
            s.set("file", "/dev/null")
# evdev and audio objects in qemu:commandline name host files; QEMU options
# the checks read (-cpu, -acpitable, -machine, -global) stay.
cl = d.find("{%s}commandline" % QEMU_NS)
if cl is not None:
    args = list(cl)
    keep = []
    i = 0
    while i < len(args):
        v = args[i].get("value", "")
        if v in ("-object", "-device", "-audiodev", "-chardev", "-mon", "-fw_cfg") and i + 1 < len(args):
            i += 2
            continue
        keep.append(args[i])
        i += 1
    for a in args:
        cl.remove(a)
    for a in keep:
        cl.append(a)
tree.write(sys.argv[2], encoding="unicode")
