// SPDX-License-Identifier: GPL-2.0-or-later
/* Generators for libvirt hooks and the sleep inhibitor unit (see gen.h).
 *
 * libvirt runs hooks/qemu, and from 6.5 every executable in hooks/qemu.d/,
 * as "HOOK DOMAIN OPERATION SUB-OPERATION EXTRA" with the domain XML on
 * standard input (libvirt's hooks page). The domain name is whatever the
 * user chose: it is only ever expanded inside double quotes and handed to
 * programs as one argument, never evaluated. */
#include <ctype.h>
#include <string.h>

#include "gen.h"
#include "pci.h"

const char *vd_gen_hook_nosleep(void)
{
	/* The page's hook. Instance names must be escaped (a '/' or a space
	 * is not allowed in them raw): systemd-escape --template does it,
	 * and "--" keeps a name starting with '-' from being an option. */
	return "#!/bin/sh\n"
	       "# Installed by vfio-doctor: keep the host awake while a libvirt domain runs\n"
	       "# (ArchWiki, PCI passthrough via OVMF/Troubleshooting, \"Host lockup if guest is\n"
	       "# left running during sleep\").\n"
	       "\n"
	       "OBJECT=\"$1\"\n"
	       "OPERATION=\"$2\"\n"
	       "\n"
	       "case \"$OPERATION\" in\n"
	       "    prepare)\n"
	       "        systemctl start \"$(systemd-escape --template=libvirt-nosleep@.service -- \"$OBJECT\")\"\n"
	       "        ;;\n"
	       "    release)\n"
	       "        systemctl stop \"$(systemd-escape --template=libvirt-nosleep@.service -- \"$OBJECT\")\"\n"
	       "        ;;\n"
	       "    *)\n"
	       "        exit 0\n"
	       "        ;;\n"
	       "esac\n";
}

const char *vd_gen_nosleep_unit(void)
{
	return "[Unit]\n"
	       "Description=Preventing sleep while libvirt domain \"%i\" is running\n"
	       "\n"
	       "[Service]\n"
	       "Type=simple\n"
	       "ExecStart=/usr/bin/systemd-inhibit --what=sleep --why=\"Libvirt domain \\\"%i\\\" is running\" "
	       "--who=%U --mode=block sleep infinity\n";
}

char *vd_gen_hook_vendor_reset(const char *const *devices, size_t n, bool reset_method)
{
	struct vd_str s = {0}, rm = {0};
	for (size_t i = 0; reset_method && i < n; i++) {
		unsigned d, b, sl, f;
		/* Only well-formed addresses reach the script. */
		if (!devices[i] || vd_pci_parse_addr(devices[i], &d, &b, &sl, &f) < 0)
			continue;
		vd_str_addf(&rm, "        echo device_specific > /sys/bus/pci/devices/%04x:%02x:%02x.%x/reset_method\n", d, b,
			    sl, f);
	}
	vd_str_add(&s, "#!/bin/sh\n"
		       "# Installed by vfio-doctor: load vendor-reset before a guest starts (ArchWiki,\n"
		       "# PCI passthrough via OVMF/Troubleshooting, \"AMD GPU not resetting properly\").\n");
	if (rm.len)
		vd_str_add(&s, "# Linux >= 5.15 also needs its reset selected per device (vendor-reset #46).\n");
	vd_str_add(&s, "\n"
		       "OPERATION=\"$2\"\n"
		       "\n"
		       "case \"$OPERATION\" in\n"
		       "    prepare)\n"
		       "        modprobe -s vendor-reset\n");
	if (rm.len)
		vd_str_add(&s, rm.s);
	vd_str_add(&s, "        ;;\n"
		       "    release)\n"
		       "        modprobe -sr vendor-reset\n"
		       "        ;;\n"
		       "    *)\n"
		       "        exit 0\n"
		       "        ;;\n"
		       "esac\n");
	vd_str_done(&rm);
	return vd_str_steal(&s);
}

const char *vd_gen_hook_dispatcher(void)
{
	/* Reads the domain XML once and gives every hook its own copy; the
	 * first hook that fails stops the rest and its status reaches libvirt,
	 * as libvirt's own qemu.d handling does. */
	return "#!/bin/sh\n"
	       "# Installed by vfio-doctor: this libvirt runs only hooks/qemu, so this file runs\n"
	       "# the hook that was here before (qemu.orig) and then every executable in\n"
	       "# qemu.vfio-doctor.d/, with the same arguments and the same standard input.\n"
	       "\n"
	       "dir=/etc/libvirt/hooks\n"
	       "input=$(cat; echo x)\n"
	       "input=${input%x}\n"
	       "for hook in \"$dir/qemu.orig\" \"$dir\"/qemu.vfio-doctor.d/*; do\n"
	       "    [ -f \"$hook\" ] && [ -x \"$hook\" ] || continue\n"
	       "    printf '%s' \"$input\" | \"$hook\" \"$@\" || exit $?\n"
	       "done\n"
	       "exit 0\n";
}

char *vd_systemd_escape(const char *s)
{
	/* unit_name_escape(): '/' becomes '-', a leading '.' and everything
	 * outside [A-Za-z0-9:_.] becomes \xNN; an empty string is "". */
	struct vd_str o = {0};
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '/')
			vd_str_addc(&o, '-');
		else if ((p == (const unsigned char *)s && *p == '.') || !(isalnum(*p) || *p == ':' || *p == '_' || *p == '.'))
			vd_str_addf(&o, "\\x%02x", *p);
		else
			vd_str_addc(&o, (char)*p);
	}
	return vd_str_steal(&o);
}
