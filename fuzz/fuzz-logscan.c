// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer target: log line matching (the Aho-Corasick scan, prefix
 * stripping, wrapped-line joining and every field parser), through klog. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "klog.h"
#include "logscan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct vd_logscan *scanner;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct vd_klog log = {0};
	if (!scanner && vd_logscan_new(&scanner) < 0)
		return 0;
	vd_klog_add_text(&log, scanner, "fuzz", (const char *)data, size);
	char *w = log.nev ? vd_klog_where(&log, &log.ev[0]) : NULL;
	free(w);
	vd_klog_done(&log);
	return 0;
}
