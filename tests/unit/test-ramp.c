// SPDX-License-Identifier: MIT
/* ramp: start delays end at the run's deadline or an interrupt (issue 7, defect 3). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ramp.h"
#include "run-ctx.h"
#include "runner.h"
#include "util.h"

static double ms_since(uint64_t t0)
{
	return (double)(now_ns() - t0) / 1e6;
}

static void test_sleep_full(void **state)
{
	struct run_ctx c = { .deadline_ns = now_ns() + 5000000000ULL };
	uint64_t t0 = now_ns();

	assert_int_equal(ramp_sleep(&c, 100), 0);
	assert_true(ms_since(t0) >= 100 && ms_since(t0) < 400);
}

/* 8 s of start_delay with the deadline 150 ms away: back at the deadline. */
static void test_sleep_deadline(void **state)
{
	struct run_ctx c = { .deadline_ns = now_ns() + 150000000ULL };
	uint64_t t0 = now_ns();

	assert_int_equal(ramp_sleep(&c, 8000), -ETIMEDOUT);
	assert_true(ms_since(t0) >= 150 && ms_since(t0) < 500);
}

static void test_sleep_interrupted(void **state)
{
	struct run_ctx c = { .deadline_ns = now_ns() + 5000000000ULL };
	uint64_t t0 = now_ns();

	runner_interrupted = 2;
	assert_int_equal(ramp_sleep(&c, 8000), -EINTR);
	runner_interrupted = 0;
	assert_true(ms_since(t0) < 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sleep_full),
		cmocka_unit_test(test_sleep_deadline),
		cmocka_unit_test(test_sleep_interrupted),
	};

	return cmocka_run_group_tests_name("ramp", tests, NULL, NULL);
}
