// SPDX-License-Identifier: MIT
/* plan: instances and the kills a run waits for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "plan.h"
#include "profile.h"
#include "util.h"

static struct profile *parse(const char *text)
{
	struct profile_error e;
	struct profile *p = NULL;

	assert_int_equal(profile_parse_string("t.ini", text, &p, &e), 0);
	return p;
}

static void test_instances(void **state)
{
	struct profile *p = parse("[profile]\nmemory_limit = 256M\n"
				  "[worker hog]\nsize = 10M\ncount = 3\nexpect = killed\n"
				  "[worker keep]\nsize = 10M\nexpect = survives\n"
				  "[worker cmd]\ncommand = sleep 10\n");
	struct run *r = calloc(1, sizeof(*r));
	unsigned wanted = 0;

	assert_int_equal(plan_build(p, r, &wanted), 0);
	assert_int_equal(r->ninst, 5);
	assert_string_equal(r->inst[0].name, "hog.1");
	assert_string_equal(r->inst[2].name, "hog.3");
	assert_string_equal(r->inst[3].name, "keep");
	assert_int_equal(r->inst[4].slot, 4);
	assert_int_equal(r->inst[4].pidfd, -1);
	assert_int_equal(r->inst[4].kmsg_kill_idx, -1);
	assert_true(r->inst[4].skip_ramp_wait); /* a command without size */
	assert_false(r->inst[0].skip_ramp_wait);
	assert_int_equal(wanted, 3);
	free(r);
	profile_free(p);
}

static void test_no_expectation_wants_one(void **state)
{
	struct profile *p = parse("[profile]\nmemory_limit = 256M\n[worker a]\nsize = 10M\n");
	struct run *r = calloc(1, sizeof(*r));
	unsigned wanted = 0;

	assert_int_equal(plan_build(p, r, &wanted), 0);
	assert_int_equal(wanted, 1);
	free(r);
	profile_free(p);
}

static void test_too_many(void **state)
{
	struct profile *p = parse("[profile]\nmemory_limit = 256M\n[worker a]\nsize = 1M\n");
	struct run *r = calloc(1, sizeof(*r));
	unsigned wanted = 99;

	p->workers[0].count = RUN_MAX_INSTANCES + 1;
	assert_int_equal(plan_build(p, r, &wanted), -E2BIG);
	assert_int_equal(wanted, 99); /* untouched on failure */
	free(r);
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_instances),
		cmocka_unit_test(test_no_expectation_wants_one),
		cmocka_unit_test(test_too_many),
	};

	return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
