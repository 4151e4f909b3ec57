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

/* comm may hold spaces and ')': fields count from the last ')'. */
static void test_stat_parse(void **state)
{
	struct proc_stat st = { 0 }, keep = { .nice = 77 };
	const char *odd = "4321 (a) b) (c) Z 17 4321 4321 0 -1 4194560 100 0 0 0 "
			  "250 50 0 0 20 -7 1 0 987654 1000000 100 18446744073709551615";

	assert_int_equal(proc_stat_parse(odd, &st), 0);
	assert_string_equal(st.comm, "a) b) (c");
	assert_int_equal(st.state, 'Z');
	assert_int_equal(st.ppid, 17);
	assert_int_equal(st.utime, 250);
	assert_int_equal(st.stime, 50);
	assert_int_equal(st.nice, -7);
	assert_int_equal(st.starttime, 987654);

	/* cut before starttime, no ')' at all, nothing after the state */
	assert_int_equal(proc_stat_parse("1 (x) S 0 1 1 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0", &keep),
			 -EINVAL);
	assert_int_equal(proc_stat_parse("1 x S 0", &keep), -EINVAL);
	assert_int_equal(proc_stat_parse("1 (x)", &keep), -EINVAL);
	assert_int_equal(proc_stat_parse("", &keep), -EINVAL);
	assert_int_equal(keep.nice, 77); /* untouched on failure */
}

static void test_stat_read(void **state)
{
	struct proc_stat st = { 0 };

	assert_int_equal(proc_stat_read(PROC, 19099, &st), 0);
	assert_string_equal(st.comm, "tree");
	assert_int_equal(st.nice, 5);
	assert_int_equal(st.starttime, 85306);
	assert_int_equal(proc_stat_read(PROC, 1, &st), -ENOENT);
}

#define CGFIX "tests/fixtures/cgroup"

static void test_mounts_and_cgroup(void **state)
{
	char *s = (char *)0x1;

	assert_int_equal(proc_mount_find(CGFIX "/hybrid/proc", "cgroup", "memory", &s), 0);
	assert_string_equal(s, "/sys/fs/cgroup/memory");
	free(s);
	assert_int_equal(proc_mount_find(CGFIX "/hybrid/proc", "cgroup2", NULL, &s), 0);
	assert_string_equal(s, "/sys/fs/cgroup/unified");
	free(s);
	assert_int_equal(proc_mount_find(CGFIX "/v2/proc", "cgroup", "memory", &s), 0);
	assert_null(s);
	assert_int_equal(proc_cgroup_path(CGFIX "/hybrid/proc", "memory", &s), 0);
	assert_string_equal(s, "/process_api/1703972a963c5972c24d04143586b34c");
	free(s);
	assert_int_equal(proc_cgroup_path(CGFIX "/v2-nested/proc", NULL, &s), 0);
	assert_string_equal(s, "/system.slice/oomlab-ci.service");
	free(s);
	assert_int_equal(proc_cgroup_path(CGFIX "/v2/proc", "memory", &s), 0);
	assert_null(s);
	s = (char *)0x1;
	assert_int_equal(proc_cgroup_path("tests/fixtures/nonexistent", NULL, &s), -ENOENT);
	assert_ptr_equal(s, (char *)0x1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_snapshot_parent),	  cmocka_unit_test(test_snapshot_child),
		cmocka_unit_test(test_missing_pid),	  cmocka_unit_test(test_totalpages),
		cmocka_unit_test(test_stat_parse),	  cmocka_unit_test(test_stat_read),
		cmocka_unit_test(test_mounts_and_cgroup),
	};

	return cmocka_run_group_tests_name("procfs", tests, NULL, NULL);
}
