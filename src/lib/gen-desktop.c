// SPDX-License-Identifier: GPL-2.0-or-later
/* Generators for the host desktop: Xorg BusID and Chromium's GPU (see gen.h). */
#include <string.h>

#include "gen.h"
#include "pci.h"

/* Kernel driver → Xorg driver and the page's identifier. i915 and nouveau
 * are driven by modesetting (the page's Intel example); amdgpu and radeon
 * have their own DDX (the page's AMD example uses amdgpu); NVIDIA's
 * proprietary driver is "nvidia". */
static const struct {
	const char *kernel, *xorg, *ident, *file;
} drivers[] = {
	{"i915", "modesetting", "Intel GPU", "10-intel.conf"},
	{"xe", "modesetting", "Intel GPU", "10-intel.conf"},
	{"amdgpu", "amdgpu", "AMD GPU", "10-amd.conf"},
	{"radeon", "radeon", "AMD GPU", "10-amd.conf"},
	{"nvidia", "nvidia", "NVIDIA GPU", "10-nvidia.conf"},
	{"nouveau", "modesetting", "NVIDIA GPU", "10-nvidia.conf"},
};

static size_t pick(const char *kernel_driver)
{
	for (size_t i = 0; i < ARRAY_SIZE(drivers); i++)
		if (kernel_driver && strcmp(drivers[i].kernel, kernel_driver) == 0)
			return i;
	return 0; /* modesetting works on any KMS driver */
}

char *vd_gen_xorg_busid(const char *address, const char *kernel_driver)
{
	unsigned dom, bus, dev, fn;
	if (!address || vd_pci_parse_addr(address, &dom, &bus, &dev, &fn) < 0)
		return NULL;
	size_t i = pick(kernel_driver);
	const char *xdrv = kernel_driver && strcmp(drivers[i].kernel, kernel_driver) == 0 ? drivers[i].xorg : "modesetting";
	/* Xorg's BusID is decimal; a domain other than 0 is "bus@domain". */
	_cleanup_free_ char *busid = dom ? vd_xasprintf("PCI:%u@%u:%u:%u", bus, dom, dev, fn) : vd_xasprintf("PCI:%u:%u:%u", bus, dev, fn);
	return vd_xasprintf("Section \"Device\"\n"
			    "        Identifier \"%s\"\n"
			    "        Driver \"%s\"\n"
			    "        BusID  \"%s\"\n"
			    "EndSection\n",
			    drivers[i].ident, xdrv, busid);
}

char *vd_gen_xorg_path(const char *kernel_driver)
{
	return vd_xasprintf("/etc/X11/xorg.conf.d/%s", drivers[pick(kernel_driver)].file);
}

char *vd_gen_chromium_flags(uint16_t vendor, uint16_t device)
{
	/* ArchWiki "Chromium": these flags pick the GPU Chromium uses. */
	return vd_xasprintf("--gpu-testing-vendor-id=0x%04x --gpu-testing-device-id=0x%04x", vendor, device);
}

char *vd_gen_chromium_debian(uint16_t vendor, uint16_t device)
{
	_cleanup_free_ char *flags = vd_gen_chromium_flags(vendor, device);
	return vd_xasprintf("# Installed by vfio-doctor: use the host's GPU, not the one bound to vfio-pci.\n"
			    "export CHROMIUM_FLAGS=\"$CHROMIUM_FLAGS %s\"\n",
			    flags);
}
