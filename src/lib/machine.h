/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Machine facts: DMI identity, chassis, batteries, and whether this host is
 * itself a virtual machine. */
#pragma once

#include <stdbool.h>

#include "root.h"

struct vd_cpu;

struct vd_machine {
	int dmi_err;
	int chassis_type; /* SMBIOS type 3 "Type" (DSP0134 7.4.1), -1 unknown */
	char *sys_vendor, *product_name, *board_vendor, *board_name, *bios_version;
	int power_err;
	bool battery;        /* a system battery (not a mouse's: scope Device) */
	char *battery_name;  /* "BAT0" */
};

int vd_machine_gather(const struct vd_root *root, struct vd_machine *out);
void vd_machine_done(struct vd_machine *m);
/* Laptop evidence: a portable chassis type or a system battery. */
bool vd_machine_is_laptop(const struct vd_machine *m);
bool vd_chassis_is_portable(int chassis_type);
const char *vd_chassis_name(int chassis_type);
