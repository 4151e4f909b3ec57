// SPDX-License-Identifier: MIT
/*
 * procfs readers on a /proc tree captured on the 6.18 development machine:
 * an oomlab-worker fork-tree (pid 19099, comm "tree", nice 5, 2 children
 * 19101/19102) running inside a 64M memcg.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "procfs.h"
#include "util.h"

#define PROC "tests/fixtures/proc"

static void test_snapshot_parent(void **state)
{
	struct proc_snapshot s;

	assert_int_equal(proc_snapshot(PROC, 19099, &s), 0);
	assert_string_equal(s.comm, "tree");
	assert_int_equal(s.rss_bytes, 5504 * 1024);
	assert_int_equal(s.vm_bytes, 6596 * 1024);
	assert_int_equal(s.pgtables_bytes, 48 * 1024);
	assert_int_equal(s.swap_bytes, 0);
	assert_int_equal(s.uid, 0);
	assert_int_equal(s.nice, 5);
	assert_int_equal(s.oom_score, 666);
	assert_int_equal(s.oom_score_adj, 0);
	/* root without CAP_SYS_RESOURCE (bit 24) on this machine */
	assert_true(s.cap_eff & (1ULL << 21));
	assert_false(s.cap_eff & (1ULL << 24));
	assert_int_equal(s.nchildren, 2);
	assert_int_equal(s.children[0], 19101);
	assert_int_equal(s.children[1], 19102);
	/* uptime 854.60 s, started at 85306 ticks (100 Hz): ~1.5 s old */
	assert_true(s.run_s > 0.5 && s.run_s < 3.0);
	assert_true(s.cpu_s >= 0.0 && s.cpu_s < 1.0);
}

static void test_snapshot_child(void **state)
{
	struct proc_snapshot s;

	assert_int_equal(proc_snapshot(PROC, 19101, &s), 0);
	assert_string_equal(s.comm, "tree.c0");
	assert_int_equal(s.nchildren, 0);
	assert_true(s.rss_bytes >= 6 * MIB);
}

static void test_missing_pid(void **state)
{
	struct proc_snapshot s = { .oom_score = 77 };

	assert_int_equal(proc_snapshot(PROC, 1, &s), -ENOENT);
	assert_int_equal(s.oom_score, 77); /* untouched on failure */
}

static void test_totalpages(void **state)
{
	uint64_t pages = 0;

	assert_int_equal(proc_totalpages(PROC, &pages), 0);
	/* MemTotal 24.6 GB-ish, no swap: 4 KiB pages */
	assert_true(pages > 5000000 && pages < 7000000);
	assert_int_equal(proc_totalpages("tests/fixtures/nonexistent", &pages), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_parent),
		cmocka_unit_test(test_snapshot_child),
		cmocka_unit_test(test_missing_pid),
		cmocka_unit_test(test_totalpages),
	};

	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
