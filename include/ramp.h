/* SPDX-License-Identifier: MIT */
/*
 * ramp: the scoreboard, starting the workers (in profile order, each after
 * its start_delay), and waiting until every worker holds its size under the
 * limit. A worker that dies or cannot allocate during the ramp is BROK
 * (or, with run_expect = alloc-fail, the allocation failure the run wants).
 */
#ifndef OOMLAB_RAMP_H
#define OOMLAB_RAMP_H

#include <stdint.h>

struct run_ctx;

/* The memfd scoreboard, created and touched by the harness first so its
 * pages are charged to the harness's memcg, never to the workers'. */
int ramp_scoreboard_create(struct run_ctx *c, unsigned nslots);

/*
 * Sleep ms, or less: until c->deadline_ns or an interrupt. 0 when slept
 * in full, -ETIMEDOUT at the deadline, -EINTR on runner_interrupted.
 */
int ramp_sleep(struct run_ctx *c, uint64_t ms);

/* Spawn every instance; BROK/SKIP with the cause, BROK at the timeout or an
 * interrupt (start delays included). */
void ramp_spawn_all(struct run_ctx *c);
/* Wait until every worker holds its size. */
void ramp(struct run_ctx *c);

#endif
