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

#include "hist.h"

#define SB_MAGIC 0x313042414c4d4f4fULL /* "OOMLAB01" little endian */
/* 2: a 32 KiB slot with a log-linear histogram per latency phase */
#define SB_VERSION 2
#define SB_SLOT_SIZE 32768

enum sb_phase {
	SB_PHASE_INIT = 0,
	SB_PHASE_RAMPING,      /* touching memory towards target_bytes */
	SB_PHASE_HOLDING,      /* reached target, holding */
	SB_PHASE_ALLOC_FAILED, /* malloc/mmap/fallocate failed: err says why */
	SB_PHASE_FREEING,      /* free/re-touch cycle */
	SB_PHASE_PAUSED,       /* pressure: saw an OOM kill, waits for go */
	SB_PHASE_DONE,	       /* finished (hold ended); exiting normally */
};

/*
 * What the memcg (or the machine) is doing while a fault is timed: the
 * harness sets sb_header.lat_phase from the kernel's own signals (memcg
 * counters, trace events, the first failed charge), each worker files
 * every sample under the phase it reads when the fault returns.
 */
enum sb_lat_phase {
	SB_LAT_BELOW_LIMIT = 0, /* nothing is being reclaimed for us */
	SB_LAT_RECLAIM,		/* the memcg or the machine is reclaiming */
	SB_LAT_SWAP,		/* swap-out under way */
	SB_LAT_OOM,		/* first failed charge .. last kill */
	SB_LAT_NPHASES,
};

struct sb_slot {
	uint64_t bytes_touched; /* current bytes the worker holds touched */
	uint64_t target_bytes;	/* what it was asked to reach */
	uint32_t phase;		/* enum sb_phase */
	int32_t pid;
	int32_t err; /* errno of the failed allocation, else 0 */
	uint32_t cycles_done;
	uint64_t t_start_ns;  /* CLOCK_MONOTONIC */
	uint64_t t_ramped_ns; /* reached target (0 = not yet) */
	uint64_t t_update_ns; /* last write */
	/*
	 * Pressure protocol: the pressure worker increments oom_kills_seen
	 * when the memcg's oom_kill counter moves, enters SB_PHASE_PAUSED and
	 * waits until go_gen != the value it saw on entry; stop != 0 ends it.
	 * Written by the harness: go_gen, stop.
	 */
	uint64_t oom_kills_seen;
	uint32_t go_gen;
	uint32_t stop;
	char name[16];
	/*
	 * Per-fault latency (every first touch and re-touch, CLOCK_MONOTONIC),
	 * one histogram per enum sb_lat_phase. Empty when the worker runs
	 * with --no-latency or its pattern has no per-page touch (populate).
	 */
	struct hist_rec lat[SB_LAT_NPHASES];
};

_Static_assert(sizeof(struct sb_slot) <= SB_SLOT_SIZE, "slot too big");

struct sb_header {
	uint64_t magic;
	uint32_t version;
	uint32_t nslots;
	/* enum sb_lat_phase: written by the harness (relaxed), read by workers */
	uint32_t lat_phase;
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

/* The header of the scoreboard that slot k (at s) belongs to. */
static inline struct sb_header *sb_header_of(struct sb_slot *s, unsigned k)
{
	return (struct sb_header *)((char *)s - (k + 1) * (uint64_t)SB_SLOT_SIZE);
}

#define SB_ENV_FD "OOMLAB_SCOREBOARD_FD"
#define SB_ENV_SLOT "OOMLAB_SLOT"

#endif
