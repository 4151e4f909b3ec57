// SPDX-License-Identifier: MIT
/*
 * The harness side of the latency histogram (include/hist.h): record,
 * merge, import a worker's slot, quantiles, bucket export. Linked into
 * oomlab-worker too (the recording itself is inline in hist.h).
 */
#include <math.h>

#include "hist.h"

static unsigned bucket_shift(unsigned i)
{
	return i < HIST_SUB ? 0 : (i >> HIST_SUB_BITS) - 1;
}

uint64_t hist_bucket_lo(unsigned i)
{
	if (i < HIST_SUB)
		return i;
	return (uint64_t)(HIST_SUB + (i & (HIST_SUB - 1))) << bucket_shift(i);
}

uint64_t hist_bucket_hi(unsigned i)
{
	return hist_bucket_lo(i) + (1ULL << bucket_shift(i));
}

uint64_t hist_bucket_value(unsigned i)
{
	/* width 1 below 128 ns: the value itself */
	return hist_bucket_lo(i) + ((1ULL << bucket_shift(i)) >> 1);
}

static void add_minmax(struct hist *h, uint64_t lo, uint64_t hi)
{
	if (!h->count || lo < h->min_ns)
		h->min_ns = lo;
	if (hi > h->max_ns)
		h->max_ns = hi;
}

void hist_record_n(struct hist *h, uint64_t ns, uint64_t n)
{
	if (!n)
		return;
	add_minmax(h, ns, ns);
	h->counts[hist_index(ns)] += n;
	h->count += n;
	h->sum_ns += ns * n;
}

void hist_record(struct hist *h, uint64_t ns)
{
	hist_record_n(h, ns, 1);
}

void hist_merge(struct hist *dst, const struct hist *src)
{
	if (!src->count)
		return;
	add_minmax(dst, src->min_ns, src->max_ns);
	for (unsigned i = 0; i < HIST_BUCKETS; i++)
		dst->counts[i] += src->counts[i];
	dst->count += src->count;
	dst->sum_ns += src->sum_ns;
}

void hist_add_rec(struct hist *dst, const struct hist_rec *src)
{
	uint64_t n = 0, lo, max = __atomic_load_n(&src->max_ns, __ATOMIC_RELAXED);
	unsigned first = HIST_BUCKETS, last = 0;

	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		uint32_t c = __atomic_load_n(&src->counts[i], __ATOMIC_RELAXED);

		if (!c)
			continue;
		if (first == HIST_BUCKETS)
			first = i;
		last = i;
		dst->counts[i] += c;
		n += c;
	}
	if (!n)
		return;
	/*
	 * The slot keeps no minimum (one more compare per fault): the lowest
	 * bucket's midpoint is within 0.78% of it. The maximum may lag the
	 * counts by one sample while the worker writes: never let it fall
	 * below the highest bucket seen.
	 */
	if (max < hist_bucket_lo(last))
		max = hist_bucket_lo(last);
	lo = hist_bucket_value(first);
	add_minmax(dst, lo < max ? lo : max, max);
	dst->count += n;
	dst->sum_ns += __atomic_load_n(&src->sum_ns, __ATOMIC_RELAXED);
}

uint64_t hist_quantile(const struct hist *h, double q)
{
	uint64_t rank, seen = 0, v;

	if (!h->count)
		return 0;
	if (q <= 0)
		return h->min_ns;
	if (q >= 1)
		return h->max_ns;
	/* nearest rank: the ceil(q * n)-th smallest sample */
	rank = (uint64_t)ceil(q * (double)h->count);
	if (rank < 1)
		rank = 1;
	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		seen += h->counts[i];
		if (seen < rank)
			continue;
		v = hist_bucket_value(i);
		if (v < h->min_ns)
			v = h->min_ns;
		if (v > h->max_ns)
			v = h->max_ns;
		return v;
	}
	return h->max_ns; /* counts and count disagree: only after a torn import */
}

void hist_summarize(const struct hist *h, struct hist_summary *ret)
{
	*ret = (struct hist_summary){
		.count = h->count,
		.mean_ns = h->count ? h->sum_ns / h->count : 0,
		.min_ns = h->count ? h->min_ns : 0,
		.p50_ns = hist_quantile(h, 0.50),
		.p90_ns = hist_quantile(h, 0.90),
		.p99_ns = hist_quantile(h, 0.99),
		.p999_ns = hist_quantile(h, 0.999),
		.max_ns = h->count ? h->max_ns : 0,
	};
}

size_t hist_export(const struct hist *h, struct hist_bucket *out, size_t n)
{
	size_t k = 0;

	for (unsigned i = 0; i < HIST_BUCKETS; i++) {
		if (!h->counts[i])
			continue;
		if (k < n)
			out[k] = (struct hist_bucket){
				.lo_ns = hist_bucket_lo(i),
				.hi_ns = hist_bucket_hi(i),
				.count = h->counts[i],
			};
		k++;
	}
	return k;
}
