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
#include <stddef.h>

struct run_ctx;
struct profile;

/*
 * Can a bench profile reach reclaim (some memcg's usage at its limit, so
 * charges reclaim first)? 1 yes: the workers fill the run's, a group's or
 * a leaf's limit, or a worker expects a kill (the trigger fills the memcg
 * to the OOM), or there is no memcg; 0 no, why says so with the figures
 * (the limit, the sum of the workers' sizes); -1 not known before the run
 * (a command worker without a size). Pure.
 */
int bench_reaches_reclaim(const struct profile *p, char *why, size_t len);
/* oomlab bench, before anything starts: BROK when it cannot. */
void bench_run_check(struct run_ctx *c);
/* After the ramp: what validation could not tell (-1 above) and no
 * reclaim phase happened: BROK with the figures measured. */
void bench_run_ramped(struct run_ctx *c);
/* observe's poll timeout: 1 ms while a victim's usage drop is awaited. */
int bench_run_wait_ms(const struct run_ctx *c, int normal_ms);

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
