#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Build a fixture host root tree from a spec (tests/hosts/specs/NAME.json).

The spec names real published data (lspci hex dumps, cpuinfo blocks, IOMMU
group listings, DMAR registers; see tests/hosts/README.md and
tests/hosts/sources/SOURCES.md) and lays it out the way Linux's sysfs and
procfs do: device directories nested under their bridges, relative symlinks
for bus/pci/devices, driver, iommu_group and class entries, attribute files
in the kernel's formats. The tree is committed; tests/check-fixtures
regenerates each one and compares, so the two cannot drift apart.

usage: mkhost.py SPEC OUTDIR [--ids PCI_IDS]   (--ids: also write a pci.ids subset)
       mkhost.py --ids-only ROOT PCI_IDS        (pci.ids subset for a collected tree)
       mkhost.py --prune ROOT                   (drop empty directories, which git cannot keep)
"""
import json
import os
import re
import shutil
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

# Linux include/linux/ioport.h flags as sysfs "resource" prints them.
IORESOURCE = {
    "io": 0x40101,          # IO | SIZEALIGN | PCI_BASE_ADDRESS_SPACE_IO
    "mem32": 0x40200,       # MEM | SIZEALIGN
    "mem32pref": 0x42208,   # MEM | PREFETCH | SIZEALIGN | pref bit
    "mem64": 0x140204,      # MEM | MEM_64 | SIZEALIGN | type 64
    "mem64pref": 0x14220c,  # MEM | PREFETCH | MEM_64 | SIZEALIGN | type 64 + pref
    "rom": 0x46200,         # MEM | PREFETCH | READONLY | SIZEALIGN (disabled)
}


def parse_dumps(path):
    """lspci -x/-xxx/-xxxx text -> {address: bytes}. A device starts at a line
    beginning with its address; hex rows are 'OFF: b0 b1 ... b15'."""
    dumps, cur = {}, None
    with open(os.path.join(HERE, path)) as f:
        for line in f:
            m = re.match(r"^((?:[0-9a-f]{4}:)?[0-9a-f]{2}:[0-9a-f]{2}\.[0-7])\s", line)
            if m:
                cur = m.group(1)
                dumps.setdefault(cur, bytearray())
                continue
            m = re.match(r"^([0-9a-f]{2,3}):((?:\s+[0-9a-f]{2}){1,16})\s*$", line)
            if m and cur is not None:
                off = int(m.group(1), 16)
                data = bytes(int(x, 16) for x in m.group(2).split())
                buf = dumps[cur]
                if len(buf) < off:
                    buf.extend(b"\0" * (off - len(buf)))
                buf[off:off + len(data)] = data
    return dumps


def write(path, data, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    os.chmod(path, mode)


def link(path, target):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    os.symlink(target, path)


def relto(src_dir, dst):
    return os.path.relpath(dst, src_dir)


class Host:
    def __init__(self, spec, out):
        self.spec, self.out = spec, out
        self.devpath = {}

    def p(self, *parts):
        return os.path.join(self.out, *parts)

    def build(self):
        s = self.spec
        write(self.p("proc/sys/kernel/osrelease"), s["release"] + "\n")
        write(self.p("proc/cmdline"), s["cmdline"] + "\n")
        self.cpuinfo()
        self.modules()
        for rel, text in s.get("files", {}).items():
            write(self.p(rel), text)
        for name, val in s.get("dmi", {}).items():
            write(self.p("sys/devices/virtual/dmi/id", name), val + "\n")
        if s.get("dmi"):
            link(self.p("sys/class/dmi/id"), "../../devices/virtual/dmi/id")
        for name, attrs in s.get("power_supply", {}).items():
            d = "sys/devices/LNXSYSTM:00/LNXSYBUS:00/PNP0C0A:00/power_supply/" + name
            for k, v in attrs.items():
                write(self.p(d, k), v + "\n")
            link(self.p("sys/class/power_supply", name), relto(self.p("sys/class/power_supply"), self.p(d)))
        if "power_supply" in s:
            os.makedirs(self.p("sys/class/power_supply"), exist_ok=True)
        cs = s.get("clocksource")
        if cs:
            d = "sys/devices/system/clocksource/clocksource0"
            write(self.p(d, "current_clocksource"), cs["current"] + "\n")
            write(self.p(d, "available_clocksource"), cs["available"] + " \n")
        for name, val in s.get("sysctl", {}).items():
            write(self.p("proc/sys", name.replace(".", "/")), val + "\n")
        if s.get("kvm_gid") is not None:
            write(self.p("dev/kvm"), "vfio-doctor-devnode c 10 232 0660 0 %d\n" % s["kvm_gid"])
        if s.get("iomem"):
            with open(os.path.join(HERE, s["iomem"])) as f:
                write(self.p("proc/iomem"), f.read())
        if s.get("uefi"):
            write(self.p("sys/firmware/efi/fw_platform_size"), "64\n")
        for t in s.get("acpi_tables", []):
            write(self.p("sys/firmware/acpi/tables", t), b"", 0o400)
        self.devices()
        self.iommu()
        self.kmsg()

    def kmsg(self):
        """Published dmesg lines as /dev/kmsg records (Documentation/ABI/testing/
        dev-kmsg: "prio,seq,usec,flags;message"), the form collect stores.
        Only the layout changes: the timestamp becomes microseconds, the
        sequence number counts up, the priority is 6 (info)."""
        files = self.spec.get("kmsg")
        if not files:
            return
        out = []
        for rel in files:
            with open(os.path.join(HERE, rel)) as f:
                for line in f:
                    m = re.match(r"^\[\s*(\d+)\.(\d{6})\]\s(.*)$", line.rstrip("\n"))
                    if m:
                        usec = int(m.group(1)) * 1000000 + int(m.group(2))
                        out.append("6,%d,%d,-;%s\n" % (len(out), usec, m.group(3)))
        write(self.p("dev/kmsg"), "".join(out))

    def cpuinfo(self):
        c = self.spec["cpuinfo"]
        with open(os.path.join(HERE, c["file"])) as f:
            block = f.read().strip("\n")
        # The sources publish one processor block; repeat it for each
        # logical CPU with its number, as the kernel lists them.
        out = []
        for i in range(c["count"]):
            out.append(re.sub(r"^processor\s*:\s*\d+", "processor\t: %d" % i, block, flags=re.M))
        write(self.p("proc/cpuinfo"), "\n\n".join(out) + "\n\n")

    def modules(self):
        m = self.spec.get("modules", {})
        loaded = m.get("loaded", [])
        if loaded is not None:
            lines = ["%s 16384 0 - Live 0x0000000000000000" % name for name in loaded]
            write(self.p("proc/modules"), "".join(l + "\n" for l in lines))
        # Every module kobject (loaded or built in) has a uevent attribute.
        for name in (loaded or []) + m.get("builtin", []):
            write(self.p("sys/module", name, "uevent"), "")
        for mod, params in self.spec.get("params", {}).items():
            for k, v in params.items():
                write(self.p("sys/module", mod, "parameters", k), v + "\n")
        if m.get("loaded") is not None:
            for name in loaded:
                write(self.p("sys/module", name, "initstate"), "live\n")

    def devices(self):
        devs = self.spec["devices"]
        by = {d["addr"]: d for d in devs}
        dumps = {}
        for d in devs:
            # sysfs nests a function under the bridge whose bus it sits on.
            chain, cur = [], d
            while cur:
                chain.append(cur["addr"])
                cur = by.get(cur.get("parent"))
            top = chain[-1]  # on a root bus: its domain and bus name the host bridge
            self.devpath[d["addr"]] = "sys/devices/pci%s:%s/" % (top[:4], top[5:7]) + "/".join(reversed(chain))
        for d in devs:
            dp = self.p(self.devpath[d["addr"]])
            os.makedirs(dp, exist_ok=True)
            cfg = None
            if d.get("config"):
                src = d["config"]
                if "binary" in src:  # raw config bytes (bench's synthetic hosts)
                    if src["binary"] not in dumps:
                        with open(os.path.join(HERE, src["binary"]), "rb") as f:
                            dumps[src["binary"]] = f.read()
                    cfg = dumps[src["binary"]]
                else:
                    if src["file"] not in dumps:
                        dumps[src["file"]] = parse_dumps(src["file"])
                    cfg = bytes(dumps[src["file"]][src["device"]])
                write(os.path.join(dp, "config"), cfg)
            vend, dev = d["id"].split(":")
            sv, sd = d.get("subsys", "0000:0000").split(":")
            write(os.path.join(dp, "vendor"), "0x%s\n" % vend)
            write(os.path.join(dp, "device"), "0x%s\n" % dev)
            write(os.path.join(dp, "subsystem_vendor"), "0x%s\n" % sv)
            write(os.path.join(dp, "subsystem_device"), "0x%s\n" % sd)
            write(os.path.join(dp, "class"), "0x%s\n" % d["class"])
            write(os.path.join(dp, "revision"), "0x%s\n" % d.get("rev", "00"))
            write(os.path.join(dp, "driver_override"), "%s\n" % d.get("driver_override", "(null)"))
            if d.get("irq") is not None:
                write(os.path.join(dp, "irq"), "%d\n" % d["irq"])
            bars = [(0, 0, 0)] * 13
            for i, b in enumerate(d.get("bars", [])):
                if b:
                    start, size, kind = int(b[0], 16), int(b[1], 16), b[2]
                    bars[i] = (start, start + size - 1, IORESOURCE[kind])
            write(os.path.join(dp, "resource"), "".join("0x%016x 0x%016x 0x%016x\n" % b for b in bars))
            if d["class"].startswith("0300"):
                write(os.path.join(dp, "boot_vga"), "%d\n" % d.get("boot_vga", 0))
            if d.get("reset_method"):
                write(os.path.join(dp, "reset_method"), d["reset_method"] + "\n")
            if d.get("reset"):
                write(os.path.join(dp, "reset"), b"", 0o200)
            for bar, sizes in d.get("resize", {}).items():
                write(os.path.join(dp, "resource%s_resize" % bar), "%016x\n" % int(sizes, 16))
            link(self.p("sys/bus/pci/devices", d["addr"]), relto(self.p("sys/bus/pci/devices"), dp))
            drv = d.get("driver")
            if drv:
                ddir = self.p("sys/bus/pci/drivers", drv)
                write(os.path.join(ddir, "uevent"), "")
                link(os.path.join(dp, "driver"), relto(dp, ddir))
                if d.get("module") and not os.path.lexists(os.path.join(ddir, "module")):
                    link(os.path.join(ddir, "module"), relto(ddir, self.p("sys/module", d["module"])))
                    write(self.p("sys/module", d["module"], "uevent"), "")

    def iommu(self):
        io = self.spec.get("iommu")
        os.makedirs(self.p("sys/class/iommu"), exist_ok=True)
        os.makedirs(self.p("sys/kernel/iommu_groups"), exist_ok=True)
        if not io:
            return
        for u in io.get("units", []):
            if io["kind"] == "intel":
                ud = "sys/devices/virtual/iommu/" + u["name"]
                for k in ("cap", "ecap", "address", "version"):
                    if k in u:
                        write(self.p(ud, "intel-iommu", k), u[k] + "\n")
            else:
                ud = self.devpath[u["pci"]] + "/iommu/" + u["name"]
                for k in ("cap", "features"):
                    if k in u:
                        write(self.p(ud, "amd-iommu", k), u[k] + "\n")
            link(self.p("sys/class/iommu", u["name"]), relto(self.p("sys/class/iommu"), self.p(ud)))
        groups = {}
        for d in self.spec["devices"]:
            if d.get("group") is not None:
                groups.setdefault(d["group"], []).append(d["addr"])
        for g, members in groups.items():
            gd = self.p("sys/kernel/iommu_groups", str(g))
            os.makedirs(os.path.join(gd, "devices"), exist_ok=True)
            if io.get("group_type"):
                write(os.path.join(gd, "type"), io["group_type"] + "\n")
            write(os.path.join(gd, "reserved_regions"), io.get("reserved_regions", "0x00000000fee00000 0x00000000feefffff msi\n"))
            for a in members:
                dp = self.p(self.devpath[a])
                link(os.path.join(gd, "devices", a), relto(os.path.join(gd, "devices"), dp))
                link(os.path.join(dp, "iommu_group"), relto(dp, gd))


def spec_ids(spec):
    return [(*d["id"].split(":"), *d.get("subsys", "0000:0000").split(":"), d["class"]) for d in spec["devices"]]


def tree_ids(root):
    """(vendor, device, subvendor, subdevice, class) of every function in a root tree."""
    out, base = [], os.path.join(root, "sys/bus/pci/devices")
    for name in sorted(os.listdir(base)):
        def attr(a, width):
            try:
                with open(os.path.join(base, name, a)) as f:
                    return "%0*x" % (width, int(f.read().strip(), 16))
            except OSError:
                return "0" * width
        out.append((attr("vendor", 4), attr("device", 4), attr("subsystem_vendor", 4), attr("subsystem_device", 4), attr("class", 6)))
    return out


def ids_subset(ids, ids_path, out):
    """Keep the pci.ids lines the fixture's devices and classes need, so names
    are the same on every machine that runs the tests."""
    want_dev = {(v, d) for v, d, _, _, _ in ids}
    want_sub = {(v, d, sv, sd) for v, d, sv, sd, _ in ids}
    want_cls = {c[:2] for *_, c in ids}
    keep, vendor, cls, cur_dev = [], None, None, None
    with open(ids_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("C "):
                cls = line.split()[1]
                vendor = None
                if cls in want_cls:
                    keep.append(line)
                continue
            if cls is not None and line.startswith("\t"):
                if cls in want_cls:
                    keep.append(line)
                continue
            if not line.startswith("\t"):
                cls = None
                vendor = line.split()[0]
                if any(v == vendor for v, _ in want_dev) or any(x[2] == vendor for x in want_sub):
                    keep.append(line)
                continue
            if line.startswith("\t\t"):
                parts = line.split()
                if (vendor, cur_dev, parts[0], parts[1]) in want_sub:
                    keep.append(line)
                continue
            cur_dev = line.split()[0]
            if (vendor, cur_dev) in want_dev:
                keep.append(line)
    # Drop subsystem lines whose device line was not kept.
    write(os.path.join(out, "usr/share/misc/pci.ids"),
          "# Subset of pci.ids (https://pci-ids.ucw.cz) for this fixture; see tests/hosts/README.md\n" + "".join(keep))


def prune_empty_dirs(root):
    """git stores no empty directories: remove them, so the committed tree
    and a fresh build are the same tree."""
    for dirpath, dirnames, filenames in os.walk(root, topdown=False):
        if dirpath != root and not os.listdir(dirpath):
            os.rmdir(dirpath)


def main():
    args = sys.argv[1:]
    if args and args[0] == "--prune":
        prune_empty_dirs(args[1])
        return
    if args and args[0] == "--ids-only":
        # For collected trees (this-vm): only add the pci.ids subset.
        ids_subset(tree_ids(args[1]), args[2], args[1])
        return
    ids = None
    if "--ids" in args:
        i = args.index("--ids")
        ids = args[i + 1]
        del args[i:i + 2]
    spec_path, out = args
    with open(spec_path) as f:
        spec = json.load(f)
    base = spec.get("inherit")
    if base:
        with open(os.path.join(os.path.dirname(spec_path), base)) as f:
            parent = json.load(f)
        over = spec.get("override_devices", {})
        for d in parent["devices"]:
            d.update(over.get(d["addr"], {}))
        for k, v in spec.items():
            if k not in ("inherit", "override_devices"):
                parent[k] = v
        spec = parent
    keep_ids = os.path.join(out, "usr/share/misc/pci.ids")
    saved = open(keep_ids).read() if os.path.exists(keep_ids) and not ids else None
    if os.path.exists(out):
        shutil.rmtree(out)
    os.makedirs(out)
    Host(spec, out).build()
    prune_empty_dirs(out)
    if ids:
        ids_subset(spec_ids(spec), ids, out)
    elif saved is not None:
        write(keep_ids, saved)


if __name__ == "__main__":
    main()
