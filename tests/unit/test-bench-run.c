// SPDX-License-Identifier: MIT
/*
 * Whether a bench profile can reach reclaim (bench_reaches_reclaim): the
 * shipped scenarios can; a limit above what the workers fill, with no kill
 * expected, cannot, and the reason carries both figures; a command worker
 * without a size is left to the run.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bench-run.h"
#include "profile.h"

static struct profile *parse(const char *text)
{
	struct profile *p = NULL;
	struct profile_error e;
	char buf[512];

	if (profile_parse_string("b.ini", text, &p, &e) < 0)
		print_error("%s\n", profile_error_str(&e, buf, sizeof(buf)));
	assert_non_null(p);
	return p;
}

static int reaches(const char *text, char *why, size_t len)
{
	struct profile *p = parse(text);
	int r = bench_reaches_reclaim(p, why, len);

	profile_free(p);
	return r;
}

static void test_shipped(void **state)
{
	static const char *const files[] = { "profiles/bench/anon-oom.ini",
					     "profiles/bench/cache-reclaim.ini" };
	char why[400];

	(void)state;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		struct profile *p = NULL;
		struct profile_error e;

		assert_int_equal(profile_parse_file(files[i], &p, &e), 0);
		assert_int_equal(bench_reaches_reclaim(p, why, sizeof(why)), 1);
		profile_free(p);
	}
}

static void test_cannot(void **state)
{
	char why[400] = "";

	(void)state;
	assert_int_equal(reaches("[profile]\nmemory_limit = 256M\n"
				 "[worker a]\npattern = mmap\nsize = 32M\nexpect = survives\n"
				 "[worker b]\npattern = file\nsize = 16M\ncount = 2\n",
				 why, sizeof(why)),
			 0);
	assert_non_null(strstr(why, "cannot reach reclaim"));
	assert_non_null(strstr(why, "256.0M"));
	assert_non_null(strstr(why, "64.0M")); /* 32M + 2 x 16M */
}

static void test_can(void **state)
{
	char why[400] = "";

	(void)state;
	/* page cache beyond the limit: reclaimed by the workers' own charges */
	assert_int_equal(reaches("[profile]\nmemory_limit = 64M\n"
				 "[worker c]\npattern = file\nsize = 96M\nexpect = survives\n",
				 why, sizeof(why)),
			 1);
	/* a kill expected: the trigger fills the memcg up to the OOM */
	assert_int_equal(reaches("[profile]\nmemory_limit = 256M\n"
				 "[worker a]\npattern = mmap\nsize = 32M\nexpect = killed\n",
				 why, sizeof(why)),
			 1);
	/* a group's limit is a memcg its workers fill by themselves */
	assert_int_equal(reaches("[profile]\nmemory_limit = 256M\n"
				 "[group pod]\nmemory_limit = 32M\n"
				 "[worker c]\npattern = file\nsize = 48M\ngroup = pod\n"
				 "expect = survives\n",
				 why, sizeof(why)),
			 1);
	assert_string_equal(why, ""); /* untouched when it can */
}

static void test_unknown(void **state)
{
	char why[400];

	(void)state;
	assert_int_equal(reaches("[profile]\nmemory_limit = 256M\n"
				 "[worker s]\ncommand = sleep 100\nexpect = survives\n",
				 why, sizeof(why)),
			 -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_cannot),
		cmocka_unit_test(test_can),
		cmocka_unit_test(test_unknown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
