/* SPDX-License-Identifier: MIT */
/*
 * teardown: the single cleanup path of a run, whatever stage it stopped
 * at: stop the trigger, kill what we started (by pidfd, which cannot hit a
 * recycled PID), remove the run's cgroup, unmap the scoreboard, close
 * /dev/kmsg, restore sysctls. Safe on a context any stage left half-built.
 */
#ifndef OOMLAB_TEARDOWN_H
#define OOMLAB_TEARDOWN_H

struct run_ctx;

void teardown(struct run_ctx *c);

#endif
