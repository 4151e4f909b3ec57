/* SPDX-License-Identifier: MIT */
/*
 * The worker <-> harness scoreboard ABI.
 *
 * The harness creates a memfd, sizes it, maps it and touches every page
 * *before* any worker exists, so the pages are charged to the harness's own
 * memory cgroup, never to the workers' (the memcg owns a page from its first
 * charge). Each worker inherits the fd (OOMLAB_SCOREBOARD_FD=fd,
 * OOMLAB_SLOT=k in its environment, or --scoreboard-fd/--slot), maps it
 * MAP_SHARED and writes only into its own slot. A SIGKILLed worker cannot
 * speak at death; its slot keeps what it last said.
 *
 * All fields a peer reads concurrently are accessed with __atomic builtins
 * (relaxed is enough for counters; phase uses release/acquire so that
 * bytes_touched and timestamps are visible once the phase says so).
 */
#ifndef OOMLAB_SCOREBOARD_H
#define OOMLAB_SCOREBOARD_H

#include <stdint.h>

#define SB_MAGIC 0x313042414c4d4f4fULL /* "OOMLAB01" little endian */
#define SB_VERSION 1
#define SB_SLOT_SIZE 4096
#define SB_HIST_BUCKETS 40 /* bucket i: latency in [2^i, 2^(i+1)) ns */

enum sb_phase {
	SB_PHASE_INIT = 0,
	SB_PHASE_RAMPING,	/* touching memory towards target_bytes */
	SB_PHASE_HOLDING,	/* reached target, holding */
	SB_PHASE_ALLOC_FAILED,	/* malloc/mmap/fallocate failed: err says why */
	SB_PHASE_FREEING,	/* free/re-touch cycle */
	SB_PHASE_PAUSED,	/* pressure: saw an OOM kill, waits for go */
	SB_PHASE_DONE,		/* finished (hold ended); exiting normally */
};

struct sb_slot {
	uint64_t bytes_touched;	/* current bytes the worker holds touched */
	uint64_t target_bytes;	/* what it was asked to reach */
	uint32_t phase;		/* enum sb_phase */
	int32_t pid;
	int32_t err;		/* errno of the failed allocation, else 0 */
	uint32_t cycles_done;
	uint64_t t_start_ns;	/* CLOCK_MONOTONIC */
	uint64_t t_ramped_ns;	/* reached target (0 = not yet) */
	uint64_t t_update_ns;	/* last write */
	/*
	 * Pressure protocol: the pressure worker increments oom_kills_seen
	 * when the memcg's oom_kill counter moves, enters SB_PHASE_PAUSED and
	 * waits until go_gen != the value it saw on entry; stop != 0 ends it.
	 * Written by the harness: go_gen, stop.
	 */
	uint64_t oom_kills_seen;
	uint32_t go_gen;
	uint32_t stop;
	/* Per-fault latency histogram (first touch of each page). */
	uint64_t faults;
	uint64_t fault_ns_total;
	uint64_t fault_ns_max;
	uint64_t hist[SB_HIST_BUCKETS];
	char name[16];
};

_Static_assert(sizeof(struct sb_slot) <= SB_SLOT_SIZE, "slot too big");

struct sb_header {
	uint64_t magic;
	uint32_t version;
	uint32_t nslots;
};

/* The header takes slot 0's place; slot k lives at (k + 1) * SB_SLOT_SIZE. */
static inline struct sb_slot *sb_slot(void *base, unsigned k)
{
	return (struct sb_slot *)((char *)base + (k + 1) * (uint64_t)SB_SLOT_SIZE);
}

static inline uint64_t sb_map_size(unsigned nslots)
{
	return (nslots + 1) * (uint64_t)SB_SLOT_SIZE;
}

/* Latency bucket for a fault of ns nanoseconds. */
static inline unsigned sb_hist_bucket(uint64_t ns)
{
	unsigned b = ns ? 63 - (unsigned)__builtin_clzll(ns) : 0;

	return b < SB_HIST_BUCKETS ? b : SB_HIST_BUCKETS - 1;
}

#define SB_ENV_FD "OOMLAB_SCOREBOARD_FD"
#define SB_ENV_SLOT "OOMLAB_SLOT"

#endif
