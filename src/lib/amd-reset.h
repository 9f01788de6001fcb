/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The AMD reset-bug device table (gnif/vendor-reset's device database). */
#pragma once

#include <stdint.h>

/* "POLARIS10", "VEGA10", "NAVI10"... or NULL when vendor-reset does not
 * handle the device (the RX 6000 series does not need it). */
const char *vd_amd_reset_family(uint16_t vendor, uint16_t device);
