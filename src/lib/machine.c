// SPDX-License-Identifier: GPL-2.0-or-later
/* Machine facts (see machine.h). */
#include "machine.h"

#include <errno.h>
#include <string.h>

#include "util.h"

/* SMBIOS (DMTF DSP0134 3.x) system enclosure types, 7.4.1. */
static const char *const chassis_names[] = {
	[1] = "Other",          [2] = "Unknown",       [3] = "Desktop",
	[4] = "Low Profile Desktop", [5] = "Pizza Box", [6] = "Mini Tower",
	[7] = "Tower",          [8] = "Portable",      [9] = "Laptop",
	[10] = "Notebook",      [11] = "Hand Held",    [12] = "Docking Station",
	[13] = "All in One",    [14] = "Sub Notebook", [15] = "Space-saving",
	[16] = "Lunch Box",     [17] = "Main Server Chassis", [18] = "Expansion Chassis",
	[19] = "SubChassis",    [20] = "Bus Expansion Chassis", [21] = "Peripheral Chassis",
	[22] = "RAID Chassis",  [23] = "Rack Mount Chassis", [24] = "Sealed-case PC",
	[25] = "Multi-system chassis", [26] = "Compact PCI", [27] = "Advanced TCA",
	[28] = "Blade",         [29] = "Blade Enclosure", [30] = "Tablet",
	[31] = "Convertible",   [32] = "Detachable",   [33] = "IoT Gateway",
	[34] = "Embedded PC",   [35] = "Mini PC",      [36] = "Stick PC",
};

const char *vd_chassis_name(int t)
{
	if (t > 0 && (size_t)t < ARRAY_SIZE(chassis_names) && chassis_names[t])
		return chassis_names[t];
	return "Unknown";
}

bool vd_chassis_is_portable(int t)
{
	switch (t) {
	case 8: case 9: case 10: case 11: case 14: case 30: case 31: case 32:
		return true;
	default:
		return false;
	}
}

static void read_dmi(const struct vd_root *root, struct vd_machine *m)
{
	static const struct {
		const char *attr;
		size_t off;
	} fields[] = {
		{"sys_vendor", offsetof(struct vd_machine, sys_vendor)},
		{"product_name", offsetof(struct vd_machine, product_name)},
		{"board_vendor", offsetof(struct vd_machine, board_vendor)},
		{"board_name", offsetof(struct vd_machine, board_name)},
		{"bios_version", offsetof(struct vd_machine, bios_version)},
	};
	uint64_t t;

	m->chassis_type = -1;
	m->dmi_err = vd_root_read_u64(root, "/sys/class/dmi/id/chassis_type", 10, &t);
	if (m->dmi_err == 0)
		m->chassis_type = (int)(t & 0x7f); /* bit 7 is the chassis lock */
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		_cleanup_free_ char *p = vd_xasprintf("/sys/class/dmi/id/%s", fields[i].attr);
		char **slot = (char **)((char *)m + fields[i].off);
		vd_root_read_line(root, p, slot);
	}
}

static void read_power(const struct vd_root *root, struct vd_machine *m)
{
	char **names = NULL;

	m->power_err = vd_root_list(root, "/sys/class/power_supply", &names);
	for (char **n = names; n && *n && !m->battery; n++) {
		_cleanup_free_ char *tp = vd_xasprintf("/sys/class/power_supply/%s/type", *n);
		_cleanup_free_ char *sp = vd_xasprintf("/sys/class/power_supply/%s/scope", *n);
		_cleanup_free_ char *type = NULL, *scope = NULL;
		if (vd_root_read_line(root, tp, &type) < 0 || strcmp(type, "Battery") != 0)
			continue;
		/* Linux power_supply scope "Device": a peripheral's own battery. */
		if (vd_root_read_line(root, sp, &scope) == 0 && strcmp(scope, "Device") == 0)
			continue;
		m->battery = true;
		m->battery_name = vd_xstrdup(*n);
	}
	vd_strv_free(names);
}

int vd_machine_gather(const struct vd_root *root, struct vd_machine *m)
{
	memset(m, 0, sizeof(*m));
	read_dmi(root, m);
	read_power(root, m);
	return 0;
}

void vd_machine_done(struct vd_machine *m)
{
	free(m->sys_vendor);
	free(m->product_name);
	free(m->board_vendor);
	free(m->board_name);
	free(m->bios_version);
	free(m->battery_name);
	memset(m, 0, sizeof(*m));
}

bool vd_machine_is_laptop(const struct vd_machine *m)
{
	return vd_chassis_is_portable(m->chassis_type) || m->battery;
}
