// SPDX-License-Identifier: MIT
/*
 * Guest size from the profiles (vm-size.c), on the shipped profiles: the
 * claims' 256M memcgs need 416 MiB (in 256 MiB claims 01 and 03 were BROK),
 * global profiles keep the 256 MiB default, an overcommit claim does not
 * count, init_hog does.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "profile.h"
#include "util.h"
#include "vm.h"

static struct profile *load(const char *path)
{
	struct profile *p = NULL;
	struct profile_error err;

	assert_int_equal(profile_parse_file(path, &p, &err), 0);
	return p;
}

static uint64_t size_of(const char *path)
{
	struct profile *p = load(path);
	uint64_t m = vm_guest_mem(&p, 1);

	profile_free(p);
	return m;
}

static void test_shipped(void **state)
{
	/* memory_limit 256M + 160M for the guest itself */
	assert_int_equal(size_of("profiles/claims/01-biggest-first.ini"), 416 * MIB);
	assert_int_equal(size_of("profiles/claims/03-adj-minus-1000-never.ini"), 416 * MIB);
	/* global: 110M + 40M + 10M of workers + 96M = 256M */
	assert_int_equal(size_of("profiles/vm/global-ranking.ini"), 256 * MIB);
	/* limit 200M + 160M = 360M -> 384M (32M steps) */
	assert_int_equal(size_of("profiles/vm/limit-steps.ini"), 384 * MIB);
	/* init_hog 80M + 60M + 96M = 236M: the default */
	assert_int_equal(size_of("profiles/claims/14-pid1-never.ini"), 256 * MIB);
	/* overcommit_memory=2: its 400M allocation must fail, not be sized for */
	assert_int_equal(size_of("profiles/claims/12-overcommit-never.ini"), 256 * MIB);
}

static void test_set_and_edges(void **state)
{
	struct profile *ps[3] = { load("profiles/vm/global-ranking.ini"),
				  load("profiles/claims/01-biggest-first.ini"), NULL };
	struct profile *big = NULL;
	struct profile_error err;

	/* a boot's guest fits its largest profile; NULLs are skipped */
	assert_int_equal(vm_guest_mem(ps, 3), 416 * MIB);
	assert_int_equal(vm_guest_mem(ps, 0), 256 * MIB);
	/* global with 300M of workers: 396M -> 416M */
	assert_int_equal(
		profile_parse_string("big.ini",
				     "[profile]\ntrigger = global\nneeds = vm\n"
				     "[worker a]\nsize = 100M\ncount = 3\nexpect = killed\n",
				     &big, &err),
		0);
	assert_int_equal(vm_guest_mem(&big, 1), 416 * MIB);
	profile_free(big);
	profile_free(ps[0]);
	profile_free(ps[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_set_and_edges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
