// SPDX-License-Identifier: MIT
/*
 * trigger = sysrq (VM only): "echo f > /proc/sysrq-trigger" makes the
 * kernel run the global OOM killer once, whatever the memory state; once
 * at the start and once per victim.
 */
#include <string.h>

#include "run-ctx.h"
#include "trigger.h"
#include "util.h"

static int sysrq_fire(struct run_ctx *c)
{
	int e = write_file_str("/proc/sysrq-trigger", "f");

	if (e < 0)
		run_set_outcome(c->r, OUTCOME_BROK, "sysrq-f: %s", strerror(-e));
	return e;
}

static int sysrq_next(struct run_ctx *c, unsigned victims)
{
	if (victims <= c->stepped_for)
		return 0;
	c->stepped_for = victims;
	return sysrq_fire(c);
}

const struct trigger trigger_sysrq = {
	.name = "sysrq",
	.help = "echo f > /proc/sysrq-trigger, once per victim (VM)",
	.needs_vm = true,
	.start = sysrq_fire,
	.next = sysrq_next,
};
