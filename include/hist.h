/* SPDX-License-Identifier: MIT */
/*
 * Log-linear latency histogram (HdrHistogram's layout, 2 significant
 * digits), in nanoseconds.
 *
 * Values below 2 * HIST_SUB (128 ns) get a bucket each; above, every
 * octave [2^e, 2^(e+1)) is cut into HIST_SUB (64) equal buckets of width
 * 2^(e-6). A value is reported as its bucket's midpoint, so the error is at
 * most half a width over the octave's start: 1/128 = 0.78% (the bench asks
 * <= 1% from 100 ns to 10 s). Values >= 2^HIST_MAX_EXP ns (17.2 s) share
 * the last bucket; max_ns keeps the true largest value.
 *
 * Two shapes:
 * - struct hist_rec lives in the worker's scoreboard slot (shared memory).
 *   32-bit counts keep four phases inside a 32 KiB slot; one bucket would
 *   need 2^32 samples (16 TiB of 4 KiB first touches) to wrap. No lock:
 *   the slot's sole writer uses plain relaxed stores, and where forked
 *   children add into their parent's slot (fork-tree), atomic adds. A
 *   SIGKILLed worker's counts stay where they were.
 * - struct hist is the harness's: 64-bit counts, merged, summarized,
 *   exported bucket by bucket.
 */
#ifndef OOMLAB_HIST_H
#define OOMLAB_HIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIST_SUB_BITS 6
#define HIST_SUB (1u << HIST_SUB_BITS)
#define HIST_MAX_EXP 34 /* 2^34 ns = 17.2 s: past the 10 s the bench asks */
#define HIST_BUCKETS ((HIST_MAX_EXP - HIST_SUB_BITS + 1) * HIST_SUB) /* 1856 */

/* Bucket of a value of ns nanoseconds: a handful of instructions. */
static inline unsigned hist_index(uint64_t ns)
{
	/* e >= HIST_SUB_BITS: below 128 the shift is 0 and the index is ns */
	unsigned e = 63 - (unsigned)__builtin_clzll(ns | (2 * HIST_SUB - 1));
	unsigned shift = e - HIST_SUB_BITS;
	uint64_t i = ((uint64_t)shift << HIST_SUB_BITS) + (ns >> shift);

	return i < HIST_BUCKETS ? (unsigned)i : HIST_BUCKETS - 1;
}

/* The worker's histogram, in shared memory (see above). */
struct hist_rec {
	uint64_t sum_ns;
	uint64_t max_ns;
	uint32_t counts[HIST_BUCKETS];
};

/*
 * Record by the slot's only writer: relaxed loads and stores, no atomic
 * read-modify-write (a locked add costs ~15 ns here, as much as half a
 * clock_gettime), and a concurrent reader still never sees a torn count.
 */
static inline void hist_rec_record_excl(struct hist_rec *h, uint64_t ns)
{
	uint32_t *c = &h->counts[hist_index(ns)];

	__atomic_store_n(c, __atomic_load_n(c, __ATOMIC_RELAXED) + 1, __ATOMIC_RELAXED);
	__atomic_store_n(&h->sum_ns, __atomic_load_n(&h->sum_ns, __ATOMIC_RELAXED) + ns,
			 __ATOMIC_RELAXED);
	if (ns > __atomic_load_n(&h->max_ns, __ATOMIC_RELAXED))
		__atomic_store_n(&h->max_ns, ns, __ATOMIC_RELAXED);
}

/* Record where several processes share the slot: atomic, still lock-free. */
static inline void hist_rec_record(struct hist_rec *h, uint64_t ns)
{
	uint64_t max = __atomic_load_n(&h->max_ns, __ATOMIC_RELAXED);

	__atomic_fetch_add(&h->counts[hist_index(ns)], 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&h->sum_ns, ns, __ATOMIC_RELAXED);
	while (ns > max && !__atomic_compare_exchange_n(&h->max_ns, &max, ns, true,
							__ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/* The harness's histogram. Zero-initialized = empty. */
struct hist {
	uint64_t count;
	uint64_t sum_ns;
	uint64_t min_ns; /* meaningful only when count > 0 */
	uint64_t max_ns;
	uint64_t counts[HIST_BUCKETS];
};

struct hist_summary {
	uint64_t count;
	uint64_t mean_ns;
	uint64_t min_ns, p50_ns, p90_ns, p99_ns, p999_ns, max_ns;
};

/* One non-empty bucket: values in [lo_ns, hi_ns). */
struct hist_bucket {
	uint64_t lo_ns, hi_ns, count;
};

/* Bucket bounds: [hist_bucket_lo(i), hist_bucket_hi(i)). */
uint64_t hist_bucket_lo(unsigned i);
uint64_t hist_bucket_hi(unsigned i);
/* What a value in bucket i is reported as: the midpoint. */
uint64_t hist_bucket_value(unsigned i);

void hist_record(struct hist *h, uint64_t ns);
void hist_record_n(struct hist *h, uint64_t ns, uint64_t n);
/* dst += src. */
void hist_merge(struct hist *dst, const struct hist *src);
/*
 * dst += a snapshot of a worker's slot histogram, read with relaxed atomic
 * loads (the worker may still be writing: the snapshot is a consistent
 * lower bound of each count, never a torn value).
 */
void hist_add_rec(struct hist *dst, const struct hist_rec *src);

/*
 * The value at quantile q (0 < q <= 1): the smallest recorded value v
 * such that at least q * count samples are <= v, reported as its bucket's
 * midpoint and clamped into [min_ns, max_ns] (so q = 1 gives max_ns
 * exactly). 0 for an empty histogram.
 */
uint64_t hist_quantile(const struct hist *h, double q);
void hist_summarize(const struct hist *h, struct hist_summary *ret);

/*
 * The non-empty buckets in order into out[0..n): returns how many there
 * are (may exceed n: call with n = 0 to size the array).
 */
size_t hist_export(const struct hist *h, struct hist_bucket *out, size_t n);

#endif
