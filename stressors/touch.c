// SPDX-License-Identifier: MIT
/*
 * Helpers shared by the patterns: touching memory page by page with
 * latency accounting, ramp pacing, the hold/cycle phase and slot updates.
 */
#include <inttypes.h>
#include <pthread.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#if defined(__x86_64__) || defined(__i386__)
#include <x86intrin.h>
#endif

#include "util.h"
#include "worker.h"

volatile sig_atomic_t worker_stop_signal;

/* Print a progress line every this many bytes (standalone only). */
#define PROGRESS_STEP (256 * MIB)
/* bytes_touched must move at least every MiB (scoreboard contract). */
#define FLUSH_STEP MIB

bool worker_stopped(const struct sb_slot *s)
{
	return worker_stop_signal || __atomic_load_n(&s->stop, __ATOMIC_ACQUIRE);
}

void slot_touch_time(struct sb_slot *s)
{
	__atomic_store_n(&s->t_update_ns, now_ns(), __ATOMIC_RELAXED);
}

void slot_set_phase(struct sb_slot *s, enum sb_phase ph)
{
	uint64_t t = now_ns();

	__atomic_store_n(&s->t_update_ns, t, __ATOMIC_RELAXED);
	if (ph == SB_PHASE_HOLDING && !__atomic_load_n(&s->t_ramped_ns, __ATOMIC_RELAXED))
		__atomic_store_n(&s->t_ramped_ns, t, __ATOMIC_RELAXED);
	/* release: bytes_touched/timestamps are visible once phase is */
	__atomic_store_n(&s->phase, (uint32_t)ph, __ATOMIC_RELEASE);
}

void slot_fail(struct sb_slot *s, int err)
{
	__atomic_store_n(&s->err, err < 0 ? -err : err, __ATOMIC_RELAXED);
	slot_set_phase(s, SB_PHASE_ALLOC_FAILED);
}

void slot_add_bytes(struct sb_slot *s, int64_t delta)
{
	__atomic_fetch_add(&s->bytes_touched, (uint64_t)delta, __ATOMIC_RELAXED);
	slot_touch_time(s);
}

/* Until main() maps a scoreboard: standalone, everything is below_limit. */
static const uint32_t lat_phase_standalone = SB_LAT_BELOW_LIMIT;
const uint32_t *worker_lat_phase = &lat_phase_standalone;
bool worker_latency = true;
/*
 * A forked child of the worker (fork-tree) adds into its parent's slot:
 * from the first fork on, parent and child alike write the slot, so both
 * switch to atomic adds. Until a fork, the cheaper single-writer record
 * is exact.
 */
static bool slot_shared;

static void on_fork(void)
{
	slot_shared = true;
}

/*
 * The per-fault clock. A vDSO clock_gettime costs ~34 ns here, rdtsc ~17:
 * where CLOCK_MONOTONIC itself is the TSC (clocksource "tsc") and user
 * space may read it (PR_GET_TSC), faults are timed in TSC ticks and
 * converted with the ratio of CLOCK_MONOTONIC to TSC measured over every
 * chunk touched so far (the first chunk is timed with clock_gettime).
 * rdtsc is not ordered against the store before it, but a store that
 * faults is: the exception and its iret serialize, so the tick is read
 * after the fault. Elsewhere clock_gettime is the clock.
 */
#if defined(__x86_64__) || defined(__i386__)
static bool tsc_usable;
static inline uint64_t ticks(void)
{
	return __rdtsc();
}
#else
static const bool tsc_usable;
static inline uint64_t ticks(void)
{
	return 0;
}
#endif
static uint64_t cal_ticks, cal_ns; /* CLOCK_MONOTONIC vs TSC so far */

static void tsc_probe(void)
{
#if defined(__x86_64__) || defined(__i386__)
	char cs[32] = "";
	int tsc_mode = 0;
	FILE *f = fopen("/sys/devices/system/clocksource/clocksource0/current_clocksource", "re");

	if (f) {
		if (!fgets(cs, sizeof(cs), f))
			cs[0] = 0;
		fclose(f);
	}
	tsc_usable = !strcmp(cs, "tsc\n") && prctl(PR_GET_TSC, &tsc_mode) == 0 &&
		     tsc_mode == PR_TSC_ENABLE;
#endif
}

static void __attribute__((constructor)) touch_init(void)
{
	pthread_atfork(NULL, on_fork, on_fork);
	tsc_probe();
}

void slot_record_fault(struct sb_slot *s, uint64_t ns)
{
	/* the harness writes the word at any time: never index past lat[] */
	uint32_t ph = __atomic_load_n(worker_lat_phase, __ATOMIC_RELAXED);
	struct hist_rec *h = &s->lat[ph < SB_LAT_NPHASES ? ph : SB_LAT_BELOW_LIMIT];

	if (!worker_latency)
		return;
	if (slot_shared)
		hist_rec_record(h, ns);
	else
		hist_rec_record_excl(h, ns);
}

bool sleep_ms_stoppable(const struct sb_slot *s, unsigned ms)
{
	/* 1 ms naps: cheap, and a stop is seen within a millisecond */
	const struct timespec nap = { 0, 1000000 };

	for (unsigned i = 0; i < ms; i++) {
		if (worker_stopped(s))
			return true;
		nanosleep(&nap, NULL);
	}
	return worker_stopped(s);
}

void ramp_wait(const struct worker_opts *o, uint64_t t0_ns, uint64_t bytes)
{
	uint64_t due, now;

	if (!o->ramp_bps)
		return;
	due = t0_ns + (uint64_t)((double)bytes * 1e9 / (double)o->ramp_bps);
	while (!worker_stopped(o->slot) && (now = now_ns()) < due) {
		uint64_t left = due - now;
		struct timespec ts = {
			.tv_sec = 0,
			/* nap at most 10 ms so a stop is seen promptly */
			.tv_nsec = (long)(left < 10000000 ? left : 10000000),
		};

		nanosleep(&ts, NULL);
	}
}

void progress(const struct worker_opts *o)
{
	static uint64_t next = PROGRESS_STEP;
	uint64_t b = __atomic_load_n(&o->slot->bytes_touched, __ATOMIC_RELAXED);
	char buf[16];

	if (o->quiet || b < next)
		return;
	next = (b / PROGRESS_STEP + 1) * PROGRESS_STEP;
	log_info("%s touched", format_size(b, buf));
}

/*
 * Every page is timed (sample = 1) by default. The probe has to stay
 * under 3% of a first-touch fault (issue 9), which takes 1.5-3 us here:
 * measured, a vDSO clock_gettime (TSC clocksource) costs ~34 ns, rdtsc
 * ~17 ns, a single-writer record ~3 ns, an atomic one ~15 ns. So with
 * sample = 1 the timestamps are chained, one clock read per page (TSC
 * ticks where usable, see ticks()): a fault's latency is the time from
 * the previous page's timestamp to its own, i.e. what a t0/t1 pair
 * would measure plus the loop and the record (a few ns). The chain
 * restarts after each flush step
 * (progress, ramp naps). With sample > 1 (thp: one fault per 512 pages)
 * the timed page gets a t0/t1 pair. bench/probe-overhead.sh measures the
 * cost against --no-latency.
 */
int touch_range_sampled(const struct worker_opts *o, char *p, uint64_t len, unsigned sample,
			uint64_t *touched)
{
	struct sb_slot *s = o->slot;
	volatile char *v = p;
	uint64_t t_start = now_ns(), off = 0;
	unsigned skip = 0; /* untimed pages before the next timed one */

	while (off < len) {
		uint64_t end = off + FLUSH_STEP < len ? off + FLUSH_STEP : len;
		uint64_t from = off, t_prev = 0;

		if (!worker_latency) {
			for (; off < end; off += PAGE)
				v[off] = 1;
		} else if (sample <= 1) {
			uint64_t t0 = now_ns(), c0 = ticks(), t1, c1;

			if (tsc_usable && cal_ticks) {
				double ns_per_tick = (double)cal_ns / (double)cal_ticks;
				uint64_t c_prev = c0;

				for (; off < end; off += PAGE) {
					uint64_t c;

					v[off] = 1;
					c = ticks();
					slot_record_fault(
						s, (uint64_t)((double)(c - c_prev) * ns_per_tick));
					c_prev = c;
				}
			} else {
				t_prev = t0;
				for (; off < end; off += PAGE) {
					uint64_t t;

					v[off] = 1;
					t = now_ns();
					slot_record_fault(s, t - t_prev);
					t_prev = t;
				}
			}
			t1 = now_ns();
			c1 = ticks();
			if (tsc_usable && c1 > c0 && t1 > t0) {
				cal_ticks += c1 - c0;
				cal_ns += t1 - t0;
			}
		}
		for (; off < end; off += PAGE) {
			uint64_t t0, t1;

			if (skip) {
				skip--;
				v[off] = 1;
				continue;
			}
			skip = sample ? sample - 1 : 0;
			t0 = now_ns();
			v[off] = 1;
			t1 = now_ns();
			slot_record_fault(s, t1 - t0);
		}
		if (off > len)
			off = len;
		slot_add_bytes(s, (int64_t)(off - from));
		*touched += off - from;
		progress(o);
		if (worker_stopped(s))
			return -EINTR;
		ramp_wait(o, t_start, off);
	}
	return 0;
}

int touch_range(const struct worker_opts *o, char *p, uint64_t len, uint64_t *touched)
{
	return touch_range_sampled(o, p, len, 1, touched);
}

int hold_phase(const struct worker_opts *o, void (*retouch)(void *), void *arg)
{
	struct sb_slot *s = o->slot;
	uint64_t deadline;
	char buf[16];

	slot_set_phase(s, SB_PHASE_HOLDING);
	if (!o->quiet)
		log_info("holding %s",
			 format_size(__atomic_load_n(&s->bytes_touched, __ATOMIC_RELAXED), buf));
	for (unsigned i = 0; retouch && i < o->cycles; i++) {
		if (worker_stopped(s))
			return 0;
		slot_set_phase(s, SB_PHASE_FREEING);
		retouch(arg);
		if (__atomic_load_n(&s->phase, __ATOMIC_ACQUIRE) == SB_PHASE_ALLOC_FAILED)
			return -s->err;
		if (worker_stopped(s))
			return 0;
		__atomic_fetch_add(&s->cycles_done, 1, __ATOMIC_RELAXED);
		slot_set_phase(s, SB_PHASE_HOLDING);
		if (!o->quiet)
			log_info("cycle %u/%u done", i + 1, o->cycles);
	}
	/* signals cut the nap short; slot->stop is seen within 10 ms */
	deadline = o->hold_ms < 0 ? UINT64_MAX : now_ns() + (uint64_t)o->hold_ms * 1000000;
	while (!worker_stopped(s) && now_ns() < deadline) {
		const struct timespec nap = { 0, 10000000 };

		nanosleep(&nap, NULL);
	}
	return 0;
}

int ramp_and_hold(const struct worker_opts *o, char *p, uint64_t *touched, void (*retouch)(void *),
		  void *arg)
{
	int r;

	slot_set_phase(o->slot, SB_PHASE_RAMPING);
	r = touch_range(o, p, o->size, touched);
	if (r == 0)
		r = hold_phase(o, retouch, arg);
	return r;
}
