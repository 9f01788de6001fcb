/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The libvirt client calls `fix` needs: the persistent XML of one domain and
 * defining a new one with validation. -ENOTSUP without libvirt. */
#pragma once

int vd_libvirt_domain_xml(const char *uri, const char *name, char **xml, char **why);
/* virDomainDefineXMLFlags(..., VIR_DOMAIN_DEFINE_VALIDATE). */
int vd_libvirt_define(const char *uri, const char *xml, char **why);
