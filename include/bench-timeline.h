/* SPDX-License-Identifier: MIT */
/*
 * The bench section's timeline (issue 9): samples of the run memcg's usage
 * and each worker's memory, taken every few ms during ramp and observe, in
 * a bounded buffer that halves its resolution when it fills (every other
 * sample dropped, the interval doubled), so a long run keeps its whole
 * span at a coarser step; and the events on the same axis (reclaim stalls,
 * the OOM notification, mark_victim, the kmsg kill line, pidfd deaths, the
 * usage drop). Pure: no clock, no file; times are CLOCK_MONOTONIC ns.
 */
#ifndef OOMLAB_BENCH_TIMELINE_H
#define OOMLAB_BENCH_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bench.h"

struct bench_tl {
	size_t nworkers;
	size_t cap; /* samples kept at most (even, >= 2) */
	size_t n;
	uint64_t every_ns; /* the interval now: doubled by each decimation */
	uint64_t last_ns;  /* the last sample's time */
	unsigned decimations;
	struct bench_sample *s; /* s[i].rss_bytes points into rss */
	uint64_t *rss;		/* cap x nworkers */
	struct bench_event *ev;
	size_t nev, cap_ev, max_ev;
	uint64_t ev_dropped; /* events past max_ev */
};

/*
 * An empty timeline of cap samples (rounded up to even, at least 2) of
 * nworkers each, sampled every every_ns, at most max_ev events.
 * 0 or -ENOMEM (-EINVAL for every_ns 0); *tl untouched on failure.
 */
int bench_tl_init(struct bench_tl *tl, size_t nworkers, size_t cap, uint64_t every_ns,
		  size_t max_ev);
void bench_tl_free(struct bench_tl *tl);
/* Is a sample due at now (none yet, or every_ns since the last)? */
bool bench_tl_due(const struct bench_tl *tl, uint64_t now);
/*
 * Append a sample (rss: nworkers values, NULL = all 0). Full: every other
 * sample is dropped first (the first one stays) and every_ns doubles.
 * Times must not go backwards (-EINVAL).
 */
int bench_tl_add(struct bench_tl *tl, uint64_t t_ns, uint64_t usage, const uint64_t *rss);
/* Record an event (task: a name the caller keeps alive). 0, -ENOMEM; past
 * max_ev it is counted in ev_dropped, 0. */
int bench_tl_event(struct bench_tl *tl, const struct bench_event *ev);
/* Events in time order (stable: equal times keep their order). */
void bench_tl_sort_events(struct bench_tl *tl);

#endif
