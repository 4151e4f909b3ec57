// SPDX-License-Identifier: MIT
/*
 * cgroup detection and counter readers on fake cgroupfs trees
 * (tests/fixtures/cgroup/, see its README for where each came from).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cgroup.h"
#include "util.h"

#define FIX "tests/fixtures/cgroup"
#define HYBRID_ID "1703972a963c5972c24d04143586b34c"

static void detect_ok(const char *root, enum cg_version want_v, const char *want_dir)
{
	enum cg_version v = CG_NONE;
	char *dir = NULL;

	assert_int_equal(cg_detect(root, &v, &dir), 0);
	assert_int_equal(v, want_v);
	assert_non_null(dir);
	assert_string_equal(dir, want_dir);
	free(dir);
}

/* This machine: v1 memory wins over a cgroup2 mount without memory. */
static void test_detect_hybrid(void **state)
{
	detect_ok(FIX "/hybrid", CG_V1,
		  FIX "/hybrid/sys/fs/cgroup/memory/process_api/" HYBRID_ID);
	/* a trailing slash on root must not double the separator */
	detect_ok(FIX "/hybrid/", CG_V1,
		  FIX "/hybrid/sys/fs/cgroup/memory/process_api/" HYBRID_ID);
}

/* "cpu,cpuacct" and "name=systemd" lines must not be taken for memory. */
static void test_detect_v1(void **state)
{
	detect_ok(FIX "/v1", CG_V1, FIX "/v1/sys/fs/cgroup/memory/user.slice");
}

static void test_detect_v2_root(void **state)
{
	/* the root cgroup is the mount point itself */
	detect_ok(FIX "/v2", CG_V2, FIX "/v2/sys/fs/cgroup");
}

static void test_detect_v2_nested(void **state)
{
	detect_ok(FIX "/v2-nested", CG_V2,
		  FIX "/v2-nested/sys/fs/cgroup/system.slice/oomlab-ci.service");
}

static void test_detect_v2_nomem(void **state)
{
	enum cg_version v = CG_V1;
	char *dir = (char *)"untouched";

	assert_int_equal(cg_detect(FIX "/v2-nomem", &v, &dir), -EOPNOTSUPP);
	/* ret_* untouched on failure */
	assert_int_equal(v, CG_V1);
	assert_string_equal(dir, "untouched");
}

static void test_detect_missing(void **state)
{
	enum cg_version v = CG_NONE;
	char *dir = NULL;

	assert_int_equal(cg_detect(FIX "/does-not-exist", &v, &dir), -ENOENT);
	assert_null(dir);
}

/* Captured after a real memcg OOM kill on 6.18 (64M limit). */
static void test_counters_v1_real(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/hybrid/sys/fs/cgroup/memory/process_api/"
					  HYBRID_ID "/oomlab-4242-quick", CG_V1, &c), 0);
	assert_int_equal(c.version, CG_V1);
	assert_int_equal(c.usage, 21688320);
	assert_int_equal(c.limit, 64 * MIB);
	assert_int_equal(c.oom_kill, 1);
	assert_int_equal(c.failcnt, 36);
	assert_false(c.under_oom);
	assert_int_equal(c.oom, 0);
	assert_int_equal(c.oom_group_kill, 0);
}

/* v1's "no limit" sentinel (PAGE_COUNTER_MAX bytes) reads as UINT64_MAX. */
static void test_counters_v1_unlimited(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/hybrid/sys/fs/cgroup/memory/process_api/"
					  HYBRID_ID, CG_V1, &c), 0);
	assert_true(c.limit == UINT64_MAX);
	assert_int_equal(c.usage, 11010048);
}

/* Before 4.13 memory.oom_control had no oom_kill line: 0, not an error. */
static void test_counters_v1_legacy(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/v1/sys/fs/cgroup/memory/user.slice/"
					  "oomlab-4242-quick", CG_V1, &c), 0);
	assert_int_equal(c.limit, 256 * MIB);
	assert_int_equal(c.usage, 268185600);
	assert_int_equal(c.failcnt, 5121);
	assert_true(c.under_oom);
	assert_int_equal(c.oom_kill, 0);
}

static void test_counters_v2(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/v2/sys/fs/cgroup/oomlab-4242-quick",
					  CG_V2, &c), 0);
	assert_int_equal(c.version, CG_V2);
	assert_int_equal(c.usage, 2564096);
	assert_int_equal(c.limit, 64 * MIB);
	assert_int_equal(c.oom, 1);
	assert_int_equal(c.oom_kill, 1);
	assert_int_equal(c.oom_group_kill, 0);
	assert_int_equal(c.failcnt, 41);
	assert_false(c.under_oom);
}

static void test_counters_v2_group_max(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/v2/sys/fs/cgroup/oomlab-4242-group",
					  CG_V2, &c), 0);
	assert_true(c.limit == UINT64_MAX);	/* "max" */
	assert_int_equal(c.oom_kill, 3);
	assert_int_equal(c.oom_group_kill, 1);
	assert_int_equal(c.failcnt, 7);
}

/* Before 5.17 memory.events had no oom_group_kill line. */
static void test_counters_v2_pre517(void **state)
{
	struct cg_counters c;

	assert_int_equal(cg_read_counters(FIX "/v2-nested/sys/fs/cgroup/system.slice/"
					  "oomlab-ci.service/oomlab-4242-quick", CG_V2, &c), 0);
	assert_int_equal(c.usage, 133251072);
	assert_int_equal(c.limit, 128 * MIB);
	assert_int_equal(c.oom, 2);
	assert_int_equal(c.oom_kill, 2);
	assert_int_equal(c.oom_group_kill, 0);
	assert_int_equal(c.failcnt, 2290);
}

static void test_counters_errors(void **state)
{
	struct cg_counters c = { .usage = 77 };

	/* "12k" in memory.current and "oom_kill one" are refused, c untouched */
	assert_int_equal(cg_read_counters(FIX "/bad", CG_V2, &c), -EINVAL);
	assert_int_equal(c.usage, 77);
	/* v1 files asked of a v2 directory */
	assert_int_equal(cg_read_counters(FIX "/v2/sys/fs/cgroup/oomlab-4242-quick",
					  CG_V1, &c), -ENOENT);
	assert_int_equal(cg_read_counters(FIX "/v2", CG_NONE, &c), -EINVAL);
	assert_int_equal(c.usage, 77);
}

static void test_null_safe(void **state)
{
	cg_destroy(NULL);
	assert_int_equal(cg_remove(NULL), 0);
	assert_null(cg_relpath(NULL));
	assert_null(cg_path(NULL));
	assert_null(cg_oom_counter_file(NULL));
	assert_int_equal(cg_version(NULL), CG_NONE);
	assert_int_equal(cg_attach(NULL, 1), -EINVAL);
	assert_int_equal(cg_set_limit(NULL, MIB), -EINVAL);
}

/* Tags become directory names: no path separators or empty names. */
static void test_create_bad_tag(void **state)
{
	struct oomlab_cg *cg = (struct oomlab_cg *)0x1;

	assert_int_equal(cg_create("", 64 * MIB, false, CG_SWAP_DEFAULT, &cg), -EINVAL);
	assert_int_equal(cg_create("../x", 64 * MIB, false, CG_SWAP_DEFAULT, &cg), -EINVAL);
	assert_int_equal(cg_create("a b", 64 * MIB, false, CG_SWAP_DEFAULT, &cg), -EINVAL);
	assert_ptr_equal(cg, (struct oomlab_cg *)0x1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_detect_hybrid),
		cmocka_unit_test(test_detect_v1),
		cmocka_unit_test(test_detect_v2_root),
		cmocka_unit_test(test_detect_v2_nested),
		cmocka_unit_test(test_detect_v2_nomem),
		cmocka_unit_test(test_detect_missing),
		cmocka_unit_test(test_counters_v1_real),
		cmocka_unit_test(test_counters_v1_unlimited),
		cmocka_unit_test(test_counters_v1_legacy),
		cmocka_unit_test(test_counters_v2),
		cmocka_unit_test(test_counters_v2_group_max),
		cmocka_unit_test(test_counters_v2_pre517),
		cmocka_unit_test(test_counters_errors),
		cmocka_unit_test(test_null_safe),
		cmocka_unit_test(test_create_bad_tag),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
