// SPDX-License-Identifier: MIT
/*
 * The latency histogram: bucket layout, the 1% precision bound from 100 ns
 * to 10 s, quantiles against sorted data, merge, the slot import.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hist.h"

static uint64_t rnd_state = 88172645463325252ULL;

/* xorshift64: the same samples on every run, no libc rand() state */
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static struct hist *hist_new(void)
{
	struct hist *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	return h;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void assert_within(uint64_t got, uint64_t want, double rel)
{
	double err = got > want ? (double)(got - want) : (double)(want - got);

	if (err > rel * (double)want)
		fail_msg("got %llu, want %llu (+-%.2f%%)", (unsigned long long)got,
			 (unsigned long long)want, rel * 100);
}

/* Buckets tile [0, 2^34) without gap or overlap; the index agrees. */
static void test_layout(void **state)
{
	assert_int_equal(HIST_BUCKETS, 1856);
	assert_int_equal(hist_bucket_lo(0), 0);
	for (unsigned i = 0; i + 1 < HIST_BUCKETS; i++) {
		assert_int_equal(hist_bucket_hi(i), hist_bucket_lo(i + 1));
		assert_int_equal(hist_index(hist_bucket_lo(i)), i);
		assert_int_equal(hist_index(hist_bucket_hi(i) - 1), i);
	}
	assert_int_equal(hist_bucket_hi(HIST_BUCKETS - 1), 1ULL << HIST_MAX_EXP);
	/* beyond the range: the last bucket */
	assert_int_equal(hist_index(1ULL << HIST_MAX_EXP), HIST_BUCKETS - 1);
	assert_int_equal(hist_index(UINT64_MAX), HIST_BUCKETS - 1);
	/* exact below 128 ns */
	for (uint64_t v = 0; v < 128; v++)
		assert_int_equal(hist_bucket_value(hist_index(v)), v);
}

/*
 * Every value from 100 ns to 10 s is reported within 1% (the bound is
 * 1/128): the worst case of each bucket is its two ends, checked for every
 * bucket, plus random values in between.
 */
static void test_precision(void **state)
{
	const uint64_t lo = 100, hi = 10000000000ULL;
	double worst = 0;

	for (unsigned i = hist_index(lo); i <= hist_index(hi); i++) {
		uint64_t ends[2] = { hist_bucket_lo(i), hist_bucket_hi(i) - 1 };

		for (int k = 0; k < 2; k++) {
			uint64_t v = ends[k], r = hist_bucket_value(hist_index(v));
			double e = (double)(r > v ? r - v : v - r) / (double)v;

			if (v < lo || v > hi)
				continue;
			if (e > worst)
				worst = e;
		}
	}
	assert_true(worst <= 1.0 / 128);
	assert_true(worst > 0.007); /* the bound is tight, not loose by design */
	for (int n = 0; n < 100000; n++) {
		uint64_t v = lo + rnd() % (hi - lo), r = hist_bucket_value(hist_index(v));

		assert_within(r, v, 0.01);
	}
}

/* Quantiles agree with nearest-rank on sorted data, within 1%. */
static void test_quantiles_vs_sorted(void **state)
{
	const size_t n = 200001;
	const double qs[] = { 0.5, 0.9, 0.99, 0.999 };
	uint64_t *v = malloc(n * sizeof(*v));
	struct hist *h = hist_new();
	struct hist_summary s;
	uint64_t sum = 0;

	assert_non_null(v);
	for (size_t i = 0; i < n; i++) {
		/* log-uniform over 1 us .. 100 ms, the shape of fault latencies */
		double e = (double)(rnd() % 1000000) / 1000000.0 * 5.0;

		v[i] = (uint64_t)(1000.0 * pow(10.0, e));
		sum += v[i];
		hist_record(h, v[i]);
	}
	qsort(v, n, sizeof(*v), cmp_u64);
	for (size_t k = 0; k < sizeof(qs) / sizeof(qs[0]); k++) {
		size_t rank = (size_t)ceil(qs[k] * (double)n);

		assert_within(hist_quantile(h, qs[k]), v[rank - 1], 0.01);
	}
	hist_summarize(h, &s);
	assert_int_equal(s.count, n);
	assert_int_equal(s.min_ns, v[0]);
	assert_int_equal(s.max_ns, v[n - 1]);
	assert_int_equal(s.mean_ns, sum / n);
	assert_within(s.p999_ns, v[(size_t)ceil(0.999 * (double)n) - 1], 0.01);
	assert_int_equal(hist_quantile(h, 1.0), v[n - 1]);
	free(v);
	free(h);
}

/* A small exact case: ranks 1..10 of 10 distinct values. */
static void test_quantiles_small(void **state)
{
	struct hist *h = hist_new();
	struct hist_summary s;

	hist_summarize(h, &s);
	assert_int_equal(s.count, 0);
	assert_int_equal(s.p99_ns, 0);
	assert_int_equal(s.max_ns, 0);
	for (uint64_t v = 10; v <= 100; v += 10)
		hist_record(h, v);
	assert_int_equal(hist_quantile(h, 0.5), 50);
	assert_int_equal(hist_quantile(h, 0.51), 60);
	assert_int_equal(hist_quantile(h, 0.9), 90);
	assert_int_equal(hist_quantile(h, 0.99), 100);
	free(h);
}

/* merge(a, b) has the quantiles of recording a's and b's samples in one. */
static void test_merge(void **state)
{
	struct hist *a = hist_new(), *b = hist_new(), *all = hist_new();

	for (int i = 0; i < 50000; i++) {
		uint64_t x = 2000 + rnd() % 5000, y = 40000 + rnd() % 3000000;

		hist_record(a, x);
		hist_record(all, x);
		hist_record(b, y);
		hist_record(all, y);
	}
	hist_merge(a, b);
	assert_memory_equal(a, all, sizeof(*a));
	/* empty into full and full into empty */
	memset(b, 0, sizeof(*b));
	hist_merge(a, b);
	assert_memory_equal(a, all, sizeof(*a));
	hist_merge(b, a);
	assert_memory_equal(b, all, sizeof(*b));
	free(a);
	free(b);
	free(all);
}

/* What a worker writes into its slot reads back into the same quantiles. */
static void test_rec_import(void **state)
{
	struct hist_rec *r = calloc(1, sizeof(*r)), *x = calloc(1, sizeof(*x));
	struct hist *h = hist_new(), *want = hist_new();
	struct hist_bucket *b;
	size_t nb, total = 0;

	assert_non_null(r);
	assert_non_null(x);
	hist_add_rec(h, r);
	assert_int_equal(h->count, 0);
	for (int i = 0; i < 100000; i++) {
		uint64_t v = 2500 + rnd() % 100000;

		hist_rec_record(r, v);
		hist_rec_record_excl(x, v);
		hist_record(want, v);
	}
	hist_rec_record(r, 30000000000ULL); /* 30 s: beyond the range */
	hist_rec_record_excl(x, 30000000000ULL);
	/* the single-writer record writes what the atomic one does */
	assert_memory_equal(r, x, sizeof(*r));
	hist_record(want, 30000000000ULL);
	hist_add_rec(h, r);
	assert_int_equal(h->count, want->count);
	assert_int_equal(h->sum_ns, want->sum_ns);
	assert_int_equal(h->max_ns, 30000000000ULL);
	assert_memory_equal(h->counts, want->counts, sizeof(h->counts));
	/* no minimum in the slot: the lowest bucket's midpoint */
	assert_within(h->min_ns, want->min_ns, 0.01);
	assert_int_equal(hist_quantile(h, 0.99), hist_quantile(want, 0.99));
	assert_int_equal(hist_quantile(h, 1.0), 30000000000ULL);

	/* export: the non-empty buckets, in order, summing to the count */
	nb = hist_export(h, NULL, 0);
	assert_true(nb > 100 && nb < HIST_BUCKETS);
	b = calloc(nb, sizeof(*b));
	assert_non_null(b);
	assert_int_equal(hist_export(h, b, nb), nb);
	for (size_t i = 0; i < nb; i++) {
		assert_true(b[i].count > 0);
		assert_true(b[i].lo_ns < b[i].hi_ns);
		if (i)
			assert_true(b[i - 1].hi_ns <= b[i].lo_ns);
		total += b[i].count;
	}
	assert_int_equal(total, h->count);
	assert_int_equal(b[nb - 1].lo_ns, hist_bucket_lo(HIST_BUCKETS - 1));
	free(b);
	free(x);
	free(r);
	free(h);
	free(want);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_quantiles_vs_sorted),
		cmocka_unit_test(test_quantiles_small),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_rec_import),
	};

	return cmocka_run_group_tests_name("hist", tests, NULL, NULL);
}
