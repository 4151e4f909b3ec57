// SPDX-License-Identifier: MIT
/*
 * The bench timeline: samples kept in order, decimated by two when the
 * buffer fills (the first sample and the span kept, the step doubled, each
 * worker's row moving with its sample), the events bounded and sorted; the
 * live status line's text.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench-timeline.h"
#include "progress.h"

#define MS 1000000ULL

static void test_init(void **state)
{
	struct bench_tl tl = { .n = 99 };

	(void)state;
	assert_int_equal(bench_tl_init(&tl, 2, 5, 0, 10), -EINVAL);
	assert_int_equal(tl.n, 99); /* untouched on failure */
	assert_int_equal(bench_tl_init(&tl, 2, 5, 5 * MS, 10), 0);
	assert_int_equal(tl.cap, 6); /* rounded up to even: halving keeps the span */
	assert_int_equal(tl.n, 0);
	assert_true(bench_tl_due(&tl, 0));
	bench_tl_free(&tl);
	assert_int_equal(bench_tl_init(&tl, 0, 1, 5 * MS, 10), 0);
	assert_int_equal(tl.cap, 2);
	assert_int_equal(bench_tl_add(&tl, 1, 1, NULL), 0);
	bench_tl_free(&tl);
	bench_tl_free(NULL);
}

static void test_due_and_order(void **state)
{
	struct bench_tl tl;
	uint64_t rss[2] = { 10, 20 };

	(void)state;
	assert_int_equal(bench_tl_init(&tl, 2, 8, 5 * MS, 10), 0);
	assert_int_equal(bench_tl_add(&tl, 100 * MS, 1000, rss), 0);
	assert_false(bench_tl_due(&tl, 104 * MS));
	assert_true(bench_tl_due(&tl, 105 * MS));
	/* time never goes back */
	assert_int_equal(bench_tl_add(&tl, 99 * MS, 1, rss), -EINVAL);
	assert_int_equal(tl.n, 1);
	assert_int_equal(bench_tl_add(&tl, 105 * MS, 2000, NULL), 0);
	assert_int_equal(tl.s[0].rss_bytes[1], 20);
	assert_int_equal(tl.s[1].rss_bytes[0], 0); /* NULL: zeros */
	assert_int_equal(tl.s[1].usage_bytes, 2000);
	bench_tl_free(&tl);
}

static void test_decimate(void **state)
{
	struct bench_tl tl;

	(void)state;
	assert_int_equal(bench_tl_init(&tl, 2, 8, 5 * MS, 10), 0);
	/* 8 samples fill it; the 9th halves it: 0, 2, 4, 6 stay, then 8 */
	for (uint64_t i = 0; i < 9; i++) {
		uint64_t rss[2] = { i, 100 + i };

		assert_int_equal(bench_tl_add(&tl, i * 5 * MS, i * 1000, rss), 0);
	}
	assert_int_equal(tl.decimations, 1);
	assert_int_equal(tl.every_ns, 10 * MS);
	assert_int_equal(tl.n, 5);
	for (size_t k = 0; k < tl.n; k++) {
		assert_int_equal(tl.s[k].t_ns, 2 * k * 5 * MS);
		assert_int_equal(tl.s[k].usage_bytes, 2 * k * 1000);
		/* the rows moved with their samples */
		assert_int_equal(tl.s[k].rss_bytes[0], 2 * k);
		assert_int_equal(tl.s[k].rss_bytes[1], 100 + 2 * k);
		assert_ptr_equal(tl.s[k].rss_bytes, tl.rss + k * 2);
	}
	/* the next is due every_ns after the last kept one */
	assert_false(bench_tl_due(&tl, 45 * MS));
	assert_true(bench_tl_due(&tl, 50 * MS));

	/* a long run: 1000 samples into 8 keep the first and the span, in order */
	bench_tl_free(&tl);
	assert_int_equal(bench_tl_init(&tl, 1, 8, 1 * MS, 10), 0);
	for (uint64_t t = 0; t < 1000 * MS; t += MS)
		if (bench_tl_due(&tl, t))
			assert_int_equal(bench_tl_add(&tl, t, t / MS, &t), 0);
	assert_true(tl.n >= 4 && tl.n <= 8);
	assert_int_equal(tl.s[0].t_ns, 0);
	assert_true(tl.s[tl.n - 1].t_ns >= 1000 * MS - 2 * tl.every_ns);
	for (size_t k = 1; k < tl.n; k++) {
		assert_int_equal(tl.s[k].t_ns - tl.s[k - 1].t_ns, tl.every_ns);
		assert_int_equal(tl.s[k].rss_bytes[0], tl.s[k].t_ns);
	}
	assert_int_equal(tl.every_ns, (1ULL << tl.decimations) * MS);
	bench_tl_free(&tl);
}

static void test_events(void **state)
{
	struct bench_tl tl;
	struct bench_event e = { .kind = BENCH_EV_KMSG_KILL };

	(void)state;
	assert_int_equal(bench_tl_init(&tl, 1, 4, MS, 3), 0);
	e.t_ns = 30;
	e.task = "a";
	assert_int_equal(bench_tl_event(&tl, &e), 0);
	e.t_ns = 10;
	e.task = "b";
	assert_int_equal(bench_tl_event(&tl, &e), 0);
	e.t_ns = 30;
	e.task = "c";
	assert_int_equal(bench_tl_event(&tl, &e), 0);
	e.t_ns = 5;
	assert_int_equal(bench_tl_event(&tl, &e), 0); /* past max_ev: counted */
	assert_int_equal(tl.nev, 3);
	assert_int_equal(tl.ev_dropped, 1);
	bench_tl_sort_events(&tl);
	assert_string_equal(tl.ev[0].task, "b");
	assert_string_equal(tl.ev[1].task, "a"); /* stable: a before c */
	assert_string_equal(tl.ev[2].task, "c");
	bench_tl_free(&tl);
	assert_string_equal(bench_ev_name(BENCH_EV_USAGE_DROP), "usage_drop");
	assert_null(bench_ev_name(BENCH_EV_NKINDS));
}

static void test_progress_line(void **state)
{
	char buf[160];
	struct progress p;

	(void)state;
	progress_format(buf, sizeof(buf), "observe", "reclaim", 95 << 20, 96 << 20, 1,
			3200000000ULL);
	assert_string_equal(buf, "observe reclaim     usage 95.0M/96.0M  kills 1  3.2 s");
	progress_format(buf, sizeof(buf), "ramp", "below_limit", 1 << 20, UINT64_MAX, 0, 0);
	assert_string_equal(buf, "ramp    below_limit usage 1.0M  kills 0  0.0 s");
	/* not a terminal: off, and showing or clearing writes nothing */
	progress_init(&p, -1);
	assert_false(p.on);
	progress_show(&p, 1, "x");
	assert_false(p.shown);
	progress_clear(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_init),	      cmocka_unit_test(test_due_and_order),
		cmocka_unit_test(test_decimate),      cmocka_unit_test(test_events),
		cmocka_unit_test(test_progress_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
