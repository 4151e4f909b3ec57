// SPDX-License-Identifier: MIT
/*
 * bench-stats: medians, bootstrap intervals and ratios on worked numbers
 * (the bootstrap distribution of a median of n distinct values is known
 * exactly: P(median* <= x(k)) = P(at least n/2+1 of n draws <= x(k)) =
 * sum_{j>=n/2+1} C(n,j) (k/n)^j (1-k/n)^(n-j)), then the summary and the
 * comparison on result documents captured here (tests/fixtures/bench/).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench-stats.h"
#include "util.h"

#define FIX "tests/fixtures/bench/"
#define EPS 1e-9

static void test_median(void **state)
{
	const double odd[] = { 3, 1, 2 }, even[] = { 4, 1, 3, 2 }, one[] = { 5 };
	double m = -1;

	assert_int_equal(bstat_median(odd, 3, &m), 0);
	assert_float_equal(m, 2, EPS);
	assert_int_equal(bstat_median(even, 4, &m), 0);
	assert_float_equal(m, 2.5, EPS);
	assert_int_equal(bstat_median(one, 1, &m), 0);
	assert_float_equal(m, 5, EPS);
	/* no runs: no median, *ret untouched */
	m = -1;
	assert_int_equal(bstat_median(odd, 0, &m), -EINVAL);
	assert_float_equal(m, -1, EPS);
	/* the input is left as it was (it is the run order) */
	assert_float_equal(odd[0], 3, EPS);
}

static void test_quantile(void **state)
{
	const double s[] = { 1, 2, 3, 4 };

	/* type 7: h = (n-1)p, between s[floor h] and the next */
	assert_float_equal(bstat_quantile_sorted(s, 4, 0), 1, EPS);
	assert_float_equal(bstat_quantile_sorted(s, 4, 0.25), 1.75, EPS);
	assert_float_equal(bstat_quantile_sorted(s, 4, 0.5), 2.5, EPS);
	assert_float_equal(bstat_quantile_sorted(s, 4, 1), 4, EPS);
	assert_float_equal(bstat_quantile_sorted(s, 1, 0.975), 1, EPS);
}

static void test_rng(void **state)
{
	struct bstat_rng g = { 0 };
	unsigned hits[3] = { 0 };

	/* splitmix64's first output from seed 0 (Vigna's reference code) */
	assert_true(bstat_next(&g) == 0xe220a8397b1dcdafULL);
	for (int i = 0; i < 30000; i++)
		hits[bstat_below(&g, 3)]++;
	for (int i = 0; i < 3; i++)
		assert_in_range(hits[i], 9500, 10500);
	assert_true(bstat_hash("a") != bstat_hash("b"));
}

static void test_median_ci(void **state)
{
	/* n = 7: P(median* <= x(1)) = 0.0102, P(<= x(2)) = 0.1083, so the
	 * 2.5% point is x(2) and by symmetry the 97.5% point x(6); the
	 * outlier 1000 moves neither the median nor the interval */
	const double x7[] = { 40, 10, 1000, 30, 20, 60, 50 };
	/* n = 3: P(median* = x(1)) = 7/27 = 0.26: the interval is the range */
	const double x3[] = { 1, 10, 2 };
	/* n = 11: P(<= x(2)) = 0.0072, P(<= x(3)) = 0.0512 */
	const double x11[] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	const double same[] = { 7, 7, 7 }, two[] = { 1, 2 };
	double ci[2] = { -1, -1 }, ci2[2];

	assert_int_equal(bstat_median_ci(x7, 7, BSTAT_RESAMPLES, 0.95, BSTAT_SEED, ci), 0);
	assert_float_equal(ci[0], 20, EPS);
	assert_float_equal(ci[1], 60, EPS);
	assert_int_equal(bstat_median_ci(x3, 3, BSTAT_RESAMPLES, 0.95, BSTAT_SEED, ci), 0);
	assert_float_equal(ci[0], 1, EPS);
	assert_float_equal(ci[1], 10, EPS);
	assert_int_equal(bstat_median_ci(x11, 11, BSTAT_RESAMPLES, 0.95, 42, ci), 0);
	assert_float_equal(ci[0], 3, EPS);
	assert_float_equal(ci[1], 9, EPS);
	assert_int_equal(bstat_median_ci(same, 3, BSTAT_RESAMPLES, 0.95, 1, ci), 0);
	assert_float_equal(ci[0], 7, EPS);
	assert_float_equal(ci[1], 7, EPS);
	/* the same seed, the same interval, to the bit */
	assert_int_equal(bstat_median_ci(x11, 11, 500, 0.95, 99, ci), 0);
	assert_int_equal(bstat_median_ci(x11, 11, 500, 0.95, 99, ci2), 0);
	assert_memory_equal(ci, ci2, sizeof(ci));
	/* fewer than 3 runs: no interval, ret untouched */
	ci[0] = ci[1] = -1;
	assert_int_equal(bstat_median_ci(two, 2, BSTAT_RESAMPLES, 0.95, 1, ci), -EINVAL);
	assert_float_equal(ci[0], -1, EPS);
}

static void test_ratio(void **state)
{
	const double a[] = { 10, 11, 12 }, b[] = { 20, 22, 24 };
	const double ten[] = { 10, 10, 10 }, twenty[] = { 20, 20, 20 };
	const double x5[] = { 1, 2, 3, 4, 5 }, zeros[] = { 0, 0, 0 }, some0[] = { 0, 1, 1 };
	const double one_a[] = { 10 }, one_b[] = { 15 };
	struct bstat_ratio r;

	/* median(b*)/median(a*): each median is x(1), x(2), x(3) with
	 * probability 7/27, 13/27, 7/27; P(ratio <= 20/12) = (7/27)^2 =
	 * 0.067 > 0.025 and nothing is below: the interval is exactly
	 * [20/12, 24/10], clear of 1 */
	assert_int_equal(bstat_ratio(a, 3, b, 3, BSTAT_RESAMPLES, 0.95, BSTAT_SEED, &r), 0);
	assert_true(r.defined && r.have_ci && r.significant);
	assert_float_equal(r.ratio, 2, EPS);
	assert_float_equal(r.ci[0], 20.0 / 12, EPS);
	assert_float_equal(r.ci[1], 2.4, EPS);

	assert_int_equal(bstat_ratio(ten, 3, twenty, 3, BSTAT_RESAMPLES, 0.95, 1, &r), 0);
	assert_float_equal(r.ratio, 2, EPS);
	assert_float_equal(r.ci[0], 2, EPS);
	assert_float_equal(r.ci[1], 2, EPS);
	assert_true(r.significant);

	/* the same sample: ratio 1, an interval around it, not significant */
	assert_int_equal(bstat_ratio(x5, 5, x5, 5, BSTAT_RESAMPLES, 0.95, 1, &r), 0);
	assert_float_equal(r.ratio, 1, EPS);
	assert_true(r.have_ci);
	assert_true(r.ci[0] < 1 && r.ci[1] > 1);
	assert_false(r.significant);

	/* A's median 0: no ratio */
	assert_int_equal(bstat_ratio(zeros, 3, x5, 5, BSTAT_RESAMPLES, 0.95, 1, &r), 0);
	assert_false(r.defined);
	assert_false(r.have_ci);
	/* A's median 1, but 7/27 of its resamples have median 0: a ratio,
	 * no interval */
	assert_int_equal(bstat_ratio(some0, 3, x5, 5, BSTAT_RESAMPLES, 0.95, 1, &r), 0);
	assert_true(r.defined);
	assert_float_equal(r.ratio, 3, EPS);
	assert_false(r.have_ci);
	assert_false(r.significant);
	/* single runs: the ratio, never an interval */
	assert_int_equal(bstat_ratio(one_a, 1, one_b, 1, BSTAT_RESAMPLES, 0.95, 1, &r), 0);
	assert_float_equal(r.ratio, 1.5, EPS);
	assert_false(r.have_ci);
	assert_false(r.significant);
	assert_int_equal(bstat_ratio(one_a, 0, one_b, 1, BSTAT_RESAMPLES, 0.95, 1, &r), -EINVAL);
}

/* ---- on the documents captured here ---- */

static json_t *load(const char *name, enum bench_doc_kind want)
{
	char path[256], why[512] = "";
	enum bench_doc_kind kind;
	json_t *doc = NULL;
	int e;

	snprintf(path, sizeof(path), FIX "%s", name);
	e = bench_doc_load(path, &doc, &kind, why, sizeof(why));
	if (e < 0)
		fail_msg("%s: %s", path, why);
	assert_int_equal(kind, want);
	return doc;
}

static double num(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_number(v))
		fail_msg("%s is not a number", key);
	return json_number_value(v);
}

static void test_figures(void **state)
{
	json_t *doc = load("anon-oom-1.json", BENCH_DOC_RESULT), *f = NULL;
	char buf[64];

	assert_string_equal(bench_doc_scenario(doc, buf, sizeof(buf)), "anon-oom");
	assert_int_equal(bench_figures(doc, &f), 0);
	assert_float_equal(num(f, "phases.below_limit.count"), 20480, EPS);
	assert_float_equal(num(f, "phases.below_limit.p50_ns"), 1256, EPS);
	assert_float_equal(num(f, "phases.below_limit.max_ns"), 7085382, EPS);
	/* no reclaim-phase faults: a count of 0, no percentiles */
	assert_float_equal(num(f, "phases.reclaim.count"), 0, EPS);
	assert_true(json_is_null(json_object_get(f, "phases.reclaim.p50_ns")));
	assert_float_equal(num(f, "stalls.memcg_reclaim.count"), 20, EPS);
	assert_float_equal(num(f, "psi.some_us"), 1947, EPS);
	assert_float_equal(num(f, "stat_delta.system.oom_kill"), 1, EPS);
	assert_float_equal(num(f, "kill_chain.big.kmsg_ms"), 10.041, EPS);
	/* not probed yet: null, not 0 */
	assert_true(json_is_null(json_object_get(f, "kill_chain.big.usage_drop_ms")));
	/* what is not a figure */
	assert_null(json_object_get(f, "kill_chain.big.pid"));
	assert_null(json_object_get(f, "phases.below_limit.buckets"));
	json_decref(f);
	json_decref(doc);
}

static void test_figures_second_kill(void **state)
{
	json_t *doc = json_pack("{ss s{s[{sssfsn}{sssfsn}]}}", "profile", "p/x.ini", "bench",
				"kill_chain", "victim", "w", "kmsg_ms", 1.0, "pidfd_ms", "victim",
				"w", "kmsg_ms", 2.0, "pidfd_ms");
	json_t *f = NULL;

	assert_non_null(doc);
	assert_int_equal(bench_figures(doc, &f), 0);
	assert_float_equal(num(f, "kill_chain.w.kmsg_ms"), 1, EPS);
	assert_float_equal(num(f, "kill_chain.w#2.kmsg_ms"), 2, EPS);
	assert_true(json_is_null(json_object_get(f, "kill_chain.w#2.pidfd_ms")));
	json_decref(f);
	json_decref(doc);
}

static json_t *summary3(void)
{
	const char *p[] = { FIX "anon-oom-1.json", FIX "anon-oom-2.json", FIX "anon-oom-3.json" };
	char why[512] = "";
	json_t *s = NULL;

	if (bench_summary_files(p, 3, &s, why, sizeof(why)) < 0)
		fail_msg("summary: %s", why);
	return s;
}

static void test_summary(void **state)
{
	json_t *s = summary3(), *s2 = summary3(), *figs, *f, *ci;
	const char *key;

	assert_string_equal(json_string_value(json_object_get(s, "kind")), "oomlab-bench-summary");
	assert_string_equal(json_string_value(json_object_get(s, "scenario")), "anon-oom");
	assert_int_equal(json_integer_value(json_object_get(s, "runs")), 3);
	assert_int_equal(json_array_size(json_object_get(s, "results")), 3);
	figs = json_object_get(s, "figures");
	/* the runs' p50s were 1256, 1384, 1320 ns */
	f = json_object_get(figs, "phases.below_limit.p50_ns");
	assert_non_null(f);
	assert_float_equal(num(f, "median"), 1320, EPS);
	assert_int_equal(json_integer_value(json_object_get(f, "n")), 3);
	assert_float_equal(json_number_value(json_array_get(json_object_get(f, "values"), 1)), 1384,
			   EPS);
	/* three distinct values: the interval is their range (7/27 > 2.5%) */
	ci = json_object_get(f, "ci95");
	assert_float_equal(json_number_value(json_array_get(ci, 0)), 1256, EPS);
	assert_float_equal(json_number_value(json_array_get(ci, 1)), 1384, EPS);
	/* kmsg 10.041, 24.204, 10.404 ms */
	f = json_object_get(figs, "kill_chain.big.kmsg_ms");
	assert_float_equal(num(f, "median"), 10.404, EPS);
	/* every figure: lo <= median <= hi */
	json_object_foreach(figs, key, f)
	{
		ci = json_object_get(f, "ci95");
		if (!json_is_array(ci))
			continue;
		assert_true(json_number_value(json_array_get(ci, 0)) <= num(f, "median"));
		assert_true(num(f, "median") <= json_number_value(json_array_get(ci, 1)));
	}
	/* empty in every run: a median of nothing */
	f = json_object_get(figs, "phases.oom.p99_ns");
	assert_true(json_is_null(json_object_get(f, "median")));
	assert_true(json_is_null(json_object_get(f, "ci95")));
	/* reproducible: the same files, the same document */
	assert_true(json_equal(s, s2));
	json_decref(s);
	json_decref(s2);
}

static void test_summary_two_runs(void **state)
{
	const char *p[] = { FIX "anon-oom-1.json", FIX "anon-oom-2.json" };
	char why[512] = "";
	json_t *s = NULL, *f;

	assert_int_equal(bench_summary_files(p, 2, &s, why, sizeof(why)), 0);
	f = json_object_get(json_object_get(s, "figures"), "phases.below_limit.p50_ns");
	assert_float_equal(num(f, "median"), (1256 + 1384) / 2.0, EPS);
	assert_true(json_is_null(json_object_get(f, "ci95")));
	json_decref(s);
}

static void test_summary_refuses(void **state)
{
	const char *mixed[] = { FIX "anon-oom-1.json", FIX "cache-reclaim-1.json" };
	const char *missing[] = { FIX "nope.json" };
	char why[512] = "";
	json_t *s = NULL;

	assert_int_equal(bench_summary_files(mixed, 2, &s, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "different scenarios"));
	assert_non_null(strstr(why, "cache-reclaim"));
	assert_null(s);
	assert_int_equal(bench_summary_files(missing, 1, &s, why, sizeof(why)), -ENOENT);
	assert_non_null(strstr(why, "nope.json"));
	assert_int_equal(bench_summary(NULL, NULL, 0, &s, why, sizeof(why)), -EINVAL);
	assert_null(s);
}

static void test_doc_load_refuses(void **state)
{
	char path[] = "/tmp/oomlab-test-bench-stats-XXXXXX", why[512] = "";
	enum bench_doc_kind kind;
	json_t *doc = NULL;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, "{\"verdict\": \"pass\"", 18), 18);
	/* truncated JSON */
	assert_int_equal(bench_doc_load(path, &doc, &kind, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "not JSON"));
	assert_int_equal(write(fd, "}", 1), 1);
	/* a run's document without a bench section */
	assert_int_equal(bench_doc_load(path, &doc, &kind, why, sizeof(why)), -EINVAL);
	assert_non_null(strstr(why, "without a bench section"));
	assert_null(doc);
	close(fd);
	unlink(path);
	assert_int_equal(bench_doc_load("/nonexistent/x.json", &doc, &kind, why, sizeof(why)),
			 -ENOENT);
}

static void test_compare(void **state)
{
	json_t *s = summary3(), *one = load("anon-oom-2.json", BENCH_DOC_RESULT);
	json_t *cache = load("cache-reclaim-1.json", BENCH_DOC_RESULT), *c = NULL, *f;
	char why[512] = "";
	const char *key;

	/* a summary against itself: every ratio 1, never significant */
	assert_int_equal(bench_compare(s, "A.json", s, "B.json", &c, why, sizeof(why)), 0);
	assert_string_equal(json_string_value(json_object_get(c, "scenario")), "anon-oom");
	json_object_foreach(json_object_get(c, "figures"), key, f)
	{
		if (json_is_null(json_object_get(f, "ratio")))
			continue;
		assert_float_equal(num(f, "ratio"), 1, EPS);
		assert_false(json_is_true(json_object_get(f, "significant")));
	}
	f = json_object_get(json_object_get(c, "figures"), "phases.below_limit.p50_ns");
	assert_true(json_is_array(json_object_get(f, "ci95")));
	json_decref(c);

	/* one run (p50 1384) against the summary (median 1320): a ratio,
	 * no interval from a single run */
	assert_int_equal(bench_compare(one, "one.json", s, "s.json", &c, why, sizeof(why)), 0);
	f = json_object_get(json_object_get(c, "figures"), "phases.below_limit.p50_ns");
	assert_float_equal(num(f, "a"), 1384, EPS);
	assert_float_equal(num(f, "b"), 1320, EPS);
	assert_float_equal(num(f, "ratio"), 1320.0 / 1384, EPS);
	assert_true(json_is_null(json_object_get(f, "ci95")));
	json_decref(c);
	c = NULL;

	/* different scenarios: refused, naming both files and scenarios */
	assert_int_equal(bench_compare(s, "A.json", cache, "B.json", &c, why, sizeof(why)),
			 -EINVAL);
	assert_null(c);
	assert_non_null(strstr(why, "A.json is anon-oom"));
	assert_non_null(strstr(why, "B.json is cache-reclaim"));
	json_decref(s);
	json_decref(one);
	json_decref(cache);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_median),
		cmocka_unit_test(test_quantile),
		cmocka_unit_test(test_rng),
		cmocka_unit_test(test_median_ci),
		cmocka_unit_test(test_ratio),
		cmocka_unit_test(test_figures),
		cmocka_unit_test(test_figures_second_kill),
		cmocka_unit_test(test_summary),
		cmocka_unit_test(test_summary_two_runs),
		cmocka_unit_test(test_summary_refuses),
		cmocka_unit_test(test_doc_load_refuses),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
