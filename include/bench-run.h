/* SPDX-License-Identifier: MIT */
/*
 * The reclaim benchmark inside a run (issue 9): the latency phase word the
 * workers file their faults under, set from the kernel's own signals, and
 * for `oomlab bench` the tracefs instance, PSI and counter deltas and the
 * kill chain, built into r->bench by bench_json() before teardown.
 */
#ifndef OOMLAB_BENCH_RUN_H
#define OOMLAB_BENCH_RUN_H

#include <stdbool.h>

struct run_ctx;

/* After the memcg exists, before any worker: open what the run watches.
 * Never stops the run: what cannot be had is said in the document. */
void bench_run_start(struct run_ctx *c);
/* Each round of ramp and observe: set sb_header.lat_phase (rate-limited). */
void bench_run_poll(struct run_ctx *c);
/* The memcg's OOM notification to poll (POLLIN or POLLPRI: oomwatch), -1. */
int bench_run_fd(const struct run_ctx *c, short *ret_events);
/* The expected kills are all in: the OOM phase is over. */
void bench_run_oom_over(struct run_ctx *c);
/* Before teardown (the slots still mapped): r->bench, then free. */
void bench_run_finish(struct run_ctx *c);

#endif
