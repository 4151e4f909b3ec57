/* SPDX-License-Identifier: MIT */
/*
 * The "bench" section of a run's JSON document (issue 9), built from what
 * the reclaim benchmark measured, by one pure function: no clock, no file,
 * the same inputs give the same document.
 *
 *   "bench": {
 *     "phases": {PHASE: H},                       all workers merged
 *     "per_worker": {NAME: {"phases": {PHASE: H}}},
 *     "stalls": {"memcg_reclaim": H, "direct_reclaim": H, "throttled": H,
 *                "unpaired_begin", "unpaired_end", "lost"}
 *               or {"missing": WHY},
 *     "psi": {"scope": "cgroup"|"system", "some_us", "full_us"} or null,
 *     "stat_delta": {"memcg": {KEY: N}, "system": {KEY: N}},
 *     "kill_chain": [{"victim", "pid", "first_reclaim_ms", "oom_event_ms",
 *                     "mark_victim_ms", "kmsg_ms", "sigkill_ms", "exit_ms",
 *                     "dead_ms", "poll_ms", "pidfd_ms", "usage_drop_ms", "reaped_ms"}],
 *                   ms from the trigger, null = not seen; sigkill/exit/dead
 *                   from the trace (trace.h struct tr_exit)
 *     "timeline": [{"t_ms", "usage_bytes", "rss_bytes": {NAME: N}}],
 *     "events": [{"t_ms", "kind", "task", "pid", "dur_ms"}],   time order
 *     "timeline_info": {"every_ms", "decimations", "events_dropped"}
 *   }
 *   H = {"count", "mean_ns", "min_ns", "p50_ns", "p90_ns", "p99_ns", "p999_ns",
 *        "max_ns", "buckets": [[LO_NS, HI_NS, COUNT], ...]}  (non-empty buckets)
 *
 * PHASE is below_limit, reclaim, swap, oom (enum sb_lat_phase); all four
 * are always present. An event's kind is one of bench_ev_names (enum
 * bench_ev_kind); dur_ms is a stall's length, null for instants; task and
 * pid are the victim's (a kill) or the stalled task's, null if not known.
 */
#ifndef OOMLAB_BENCH_H
#define OOMLAB_BENCH_H

#include <jansson.h>
#include <stddef.h>
#include <stdio.h>
#include <stdint.h>

#include "hist.h"
#include "memstat.h"
#include "scoreboard.h"
#include "trace.h"

struct bench_worker {
	const char *name;	    /* the instance's name ("big.1") */
	const struct hist_rec *lat; /* its slot's lat[SB_LAT_NPHASES] */
};

/* One victim's time-to-kill chain, CLOCK_MONOTONIC ns, 0 = not seen. */
struct bench_kill {
	const char *victim;
	int32_t pid;
	/* the first reclaim stall of this victim's episode; 0 for the first
	 * victim means the trace's first stall */
	uint64_t first_reclaim_ns;
	uint64_t oom_event_ns;	/* v1 eventfd / v2 memory.events poll */
	uint64_t kmsg_ns;	/* the kernel's kill line */
	uint64_t pidfd_ns;	/* pidfd readable */
	uint64_t poll_ns;	/* the harness entered the poll that saw it (0: not by poll) */
	uint64_t usage_drop_ns; /* memcg usage fell */
				/* mark_victim and reaping come from in->stalls' victims, by pid */
};

struct bench_sample {
	uint64_t t_ns;
	uint64_t usage_bytes;	   /* the run memcg's usage */
	const uint64_t *rss_bytes; /* one per worker, in->workers order */
};

enum bench_ev_kind {
	BENCH_EV_MEMCG_RECLAIM,	 /* a memcg reclaim stall (begin, duration) */
	BENCH_EV_DIRECT_RECLAIM, /* a global direct reclaim stall */
	BENCH_EV_THROTTLED,	 /* reclaim throttling (its start, the sleep) */
	BENCH_EV_OOM_EVENT,	 /* the memcg's OOM notification seen */
	BENCH_EV_MARK_VICTIM,	 /* oom/mark_victim */
	BENCH_EV_KMSG_KILL,	 /* the kernel's kill line */
	BENCH_EV_USAGE_DROP,	 /* the victim's memory left the memcg */
	BENCH_EV_PIDFD,		 /* pidfd readable: the victim is dead */
	BENCH_EV_REAPED,	 /* oom/finish_task_reaping */
	BENCH_EV_NKINDS,
};

struct bench_event {
	uint64_t t_ns;
	uint64_t dur_ns; /* stalls; 0 for instants */
	enum bench_ev_kind kind;
	int32_t pid;	  /* 0 = not known */
	const char *task; /* NULL = not known */
};

struct bench_in {
	uint64_t t0_ns; /* the trigger: times are ms from here */
	const struct bench_worker *workers;
	size_t nworkers;
	const struct tr_stalls *stalls; /* NULL: stalls_missing says why */
	const char *stalls_missing;
	const struct psi *psi_delta;		 /* NULL: no PSI */
	bool psi_system;			 /* from /proc/pressure, not the cgroup */
	const struct mem_counters *memcg_delta;	 /* memory.stat, NULL = none */
	const struct mem_counters *system_delta; /* /proc/vmstat, NULL = none */
	const struct bench_kill *kills;
	size_t nkills;
	const struct bench_sample *timeline;
	size_t ntimeline;
	uint64_t timeline_every_ns; /* the samples' interval (after decimation) */
	unsigned timeline_decimations;
	const struct bench_event *events; /* time order */
	size_t nevents;
	uint64_t events_dropped;
};

/* "below_limit", "reclaim", "swap", "oom"; NULL past the end. */
const char *bench_phase_name(enum sb_lat_phase p);
/* "memcg_reclaim", ..., "reaped"; NULL past the end. */
const char *bench_ev_name(enum bench_ev_kind k);
/* H of one histogram (above). NULL on allocation failure. */
json_t *bench_hist_json(const struct hist *h);
/* The whole section. 0 or -ENOMEM; *ret untouched on failure. */
int bench_json(const struct bench_in *in, json_t **ret);
/* The section's phases as a table (count, p50, p90, p99, p99.9, max), the
 * stalls, PSI and the kill chain: what `oomlab bench` prints. */
void bench_print_table(const json_t *bench, FILE *out);

#endif
