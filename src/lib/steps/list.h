/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One row per step kind; steps.c expands this into the table the journal
 * looks kinds up in (docs/fix.md: adding a kind). No include guard: it is
 * included twice on purpose. */
STEP_KIND(dir)
STEP_KIND(file)
STEP_KIND(runtime)
STEP_KIND(command)
