/* SPDX-License-Identifier: MIT */
/*
 * Internals shared by the oomlab-worker pattern files (not part of the
 * harness contract; that is include/pattern.h and include/scoreboard.h).
 */
#ifndef OOMLAB_WORKER_H
#define OOMLAB_WORKER_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "pattern.h"

#define PAGE 4096ULL
#define THP_SIZE (2 * MIB)

/*
 * Latency recording (stressors/touch.c), set up by main(): the harness's
 * sb_header.lat_phase (a constant below_limit standalone), and false with
 * --no-latency (no clock reads, nothing recorded: the probe-overhead
 * baseline).
 */
extern const uint32_t *worker_lat_phase;
extern bool worker_latency;

/* Set by the SIGTERM/SIGINT handler; patterns unwind and exit 0. */
extern volatile sig_atomic_t worker_stop_signal;

/* A signal arrived or the harness set slot->stop. */
bool worker_stopped(const struct sb_slot *s);

/*
 * The slot can be shared by several processes (fork-tree children add into
 * their parent's slot, the dummy slot is MAP_SHARED too), so counters are
 * updated with atomic read-modify-write, never plain stores.
 */
void slot_add_bytes(struct sb_slot *s, int64_t delta);
/* Files a fault's latency under the phase *worker_lat_phase says. */
void slot_record_fault(struct sb_slot *s, uint64_t ns);
void slot_touch_time(struct sb_slot *s);

/*
 * touch_range() with a sampling period: every `sample`-th page's first
 * touch is timed with clock_gettime, the others are written untimed
 * (sample = 1 times every page). Returns 0, or -EINTR once stopped.
 */
int touch_range_sampled(const struct worker_opts *o, char *p, uint64_t len, unsigned sample,
			uint64_t *touched);

/* Sleep until `bytes` done since t0_ns is no faster than o->ramp_bps. */
void ramp_wait(const struct worker_opts *o, uint64_t t0_ns, uint64_t bytes);

/* Standalone progress line (mem.c style) unless o->quiet. */
void progress(const struct worker_opts *o);

/* The common body of a one-mapping pattern: RAMPING, touch [p, p+size),
 * then hold_phase(). */
int ramp_and_hold(const struct worker_opts *o, char *p, uint64_t *touched, void (*retouch)(void *),
		  void *arg);

/* Sleep ms milliseconds, returning early (true) once stopped. */
bool sleep_ms_stoppable(const struct sb_slot *s, unsigned ms);

#endif
