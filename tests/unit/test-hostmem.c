// SPDX-License-Identifier: MIT
/* hostmem: MemAvailable and the ancestor walk, on fixture trees. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "hostmem.h"
#include "util.h"

#define CG "tests/fixtures/cgroup/"

static void test_meminfo(void **state)
{
	uint64_t total = 1, avail = 2;

	assert_int_equal(hostmem_meminfo("tests/fixtures/proc", &total, &avail), 0);
	assert_int_equal(total, 24684096ULL * 1024);
	assert_int_equal(avail, 23986688ULL * 1024);
	total = avail = 7;
	assert_int_equal(hostmem_meminfo("tests/fixtures/nonexistent", &total, &avail), -ENOENT);
	assert_int_equal(total, 7); /* untouched on failure */
}

/* v1: the 2G box above an unlimited harness memcg; PAGE_COUNTER_MAX is none. */
static void test_v1_box(void **state)
{
	struct hostmem_bound b;

	assert_int_equal(hostmem_ancestor_bound(CG "limits-v1/sys/fs/cgroup/memory/box/harness",
						CG_V1, &b),
			 0);
	assert_true(b.limited);
	assert_int_equal(b.limit, 2 * GIB);
	assert_int_equal(b.usage, 1536 * MIB);
	assert_non_null(strstr(b.dir, "limits-v1/sys/fs/cgroup/memory/box"));
	assert_null(strstr(b.dir, "harness"));
}

/* v2: "max" is no limit; the walk stops at the root (no memory.max). */
static void test_v2_svc(void **state)
{
	struct hostmem_bound b;

	assert_int_equal(hostmem_ancestor_bound(CG "limits-v2/sys/fs/cgroup/user.slice/svc/harness",
						CG_V2, &b),
			 0);
	assert_true(b.limited);
	assert_int_equal(b.limit, 1 * GIB);
	assert_int_equal(b.usage, 100 * MIB);
	assert_true(strlen(b.dir) > 4 && !strcmp(b.dir + strlen(b.dir) - 4, "/svc"));
}

static void test_v2_none(void **state)
{
	struct hostmem_bound b = { .limited = true };

	assert_int_equal(hostmem_ancestor_bound(CG "limits-v2-none/sys/fs/cgroup/work", CG_V2, &b),
			 0);
	assert_false(b.limited);
	/* a namespace root without memory.max: nothing limits us that we see */
	assert_int_equal(hostmem_ancestor_bound(CG "limits-v2-none/sys/fs/cgroup", CG_V2, &b), 0);
	assert_false(b.limited);
}

static void test_malformed(void **state)
{
	struct hostmem_bound b = { .limit = 5 };

	assert_int_equal(hostmem_ancestor_bound(CG "limits-bad/a", CG_V2, &b), -EINVAL);
	assert_int_equal(b.limit, 5); /* untouched on failure */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meminfo),	  cmocka_unit_test(test_v1_box),
		cmocka_unit_test(test_v2_svc),	  cmocka_unit_test(test_v2_none),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests_name("hostmem", tests, NULL, NULL);
}
