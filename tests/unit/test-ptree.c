// SPDX-License-Identifier: MIT
/*
 * ptree on /proc trees captured on the 6.18 development machine
 * (2026-12-01): a PostgreSQL 15 postmaster (1594, all comms "postgres")
 * with five auxiliary processes and one backend (1845) holding a 64 MiB
 * datum, and `stress-ng --vm 1 --vm-bytes 80M --vm-keep`: the parent
 * (2638), its stressor (2640, "stress-ng-vm") and the stressor's child
 * (2641) that touched the 80 MiB at oom_score_adj 1000; and oomlab-worker's
 * fork-tree (-s 70M --parent-size 20M --children 2): the parent "tree"
 * (32600) and its children tree.c0 and tree.c1 (25M each).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "ptree.h"
#include "util.h"

#define PG "tests/fixtures/proc/postgres"
#define SNG "tests/fixtures/proc/stress-ng"
#define FT "tests/fixtures/proc/fork-tree"
#define PAGE 4096
/* a 512 MiB memcg */
#define TOTAL (512 * MIB / PAGE)

static void read_tree(const char *root, const pid_t *pids, unsigned n, pid_t leader,
		      struct ptree *t)
{
	assert_int_equal(ptree_read(root, pids, n, PAGE, t), 0);
	ptree_order(t, leader);
}

static void test_postgres_tree(void **state)
{
	/* cgroup.procs order is not tree order: give it shuffled */
	const pid_t pids[] = { 1845, 1599, 1594, 1600, 1595, 1598, 1596, 4242 /* gone */ };
	struct ptree t;
	char buf[2048];
	int top;

	read_tree(PG, pids, ARRAY_SIZE(pids), 1594, &t);
	assert_int_equal(t.n, 7);
	assert_int_equal(t.p[0].pid, 1594);
	assert_int_equal(t.p[0].depth, 0);
	for (unsigned i = 1; i < t.n; i++) {
		assert_int_equal(t.p[i].ppid, 1594);
		assert_int_equal(t.p[i].depth, 1);
		assert_true(t.p[i].pid > t.p[i - 1].pid); /* siblings by PID */
	}
	assert_string_equal(t.p[0].comm, "postgres");
	top = ptree_score(&t, OOM_ERA_4_17, TOTAL);
	/* the backend holding the datum, not the postmaster */
	assert_true(top >= 0);
	assert_int_equal(t.p[top].pid, 1845);
	assert_true(t.p[top].rss_bytes > 64 * MIB);
	assert_true(ptree_rss(&t) > t.p[top].rss_bytes);
	ptree_format(&t, "", buf, sizeof(buf));
	assert_non_null(strstr(buf, "postgres           1594"));
	assert_non_null(strstr(buf, "\n  postgres           1595"));
	assert_non_null(strstr(buf, "alive"));
}

static void test_stress_ng_grandchild(void **state)
{
	const pid_t pids[] = { 2641, 2640, 2638 };
	struct ptree t;
	int top;

	read_tree(SNG, pids, ARRAY_SIZE(pids), 2638, &t);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.p[0].pid, 2638);
	assert_int_equal(t.p[1].pid, 2640);
	assert_int_equal(t.p[1].depth, 1);
	assert_string_equal(t.p[1].comm, "stress-ng-vm");
	assert_int_equal(t.p[2].pid, 2641);
	assert_int_equal(t.p[2].depth, 2);
	/* stress-ng raises its vm child's adj to 1000 unless told otherwise */
	assert_int_equal(t.p[2].oom_score_adj, 1000);
	assert_int_equal(t.p[0].oom_score_adj, 0);
	top = ptree_score(&t, OOM_ERA_4_17, TOTAL);
	assert_int_equal(t.p[top].pid, 2641);
	/* adj 1000 adds the whole memcg: points > totalpages */
	assert_true(t.p[top].points.points > (double)TOTAL);
}

/*
 * A pattern worker's tree: each process its own candidate. Since 2.6.36
 * each is scored on its own rss, so a child (25M) is the first candidate,
 * not the 20M parent; <= 2.6.35 charged the parent half of each child's
 * total_vm (claim 8), so under that model the parent comes first.
 */
static void test_fork_tree(void **state)
{
	const pid_t pids[] = { 32602, 32600, 32601 };
	struct ptree t;
	int top;

	read_tree(FT, pids, ARRAY_SIZE(pids), 32600, &t);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.p[0].pid, 32600);
	assert_string_equal(t.p[1].comm, "tree.c0");
	assert_int_equal(t.p[2].depth, 1);
	ptree_children_vm(&t);
	assert_int_equal(t.p[0].task.nchildren, 2);
	assert_int_equal(t.p[0].task.children_vm_pages[0], t.p[1].task.total_vm_pages);
	assert_int_equal(t.p[0].task.children_vm_pages[1], t.p[2].task.total_vm_pages);
	assert_int_equal(t.p[1].task.nchildren, 0);
	top = ptree_score(&t, OOM_ERA_4_17, TOTAL);
	assert_int_equal(t.top, top);
	assert_int_equal(t.p[top].ppid, 32600); /* a child: the first of equals */
	assert_int_equal(t.p[top].pid, 32601);
	top = ptree_score(&t, OOM_ERA_2_6_35, TOTAL);
	assert_int_equal(t.p[top].pid, 32600);
	/* total_vm 23012 kB + (28132 + 28132) / 2 kB against 28132 kB */
	assert_true(t.p[0].points.points > 1.5 * t.p[1].points.points);
}

static void test_unkillable_and_orphans(void **state)
{
	struct ptree t = { .n = 3 };
	int top;

	/* the service set -1000 on its parent, the child inherits nothing
	 * more: only the child is a candidate. 300 is an orphan (its parent
	 * left the tree): a root of its own. */
	t.p[0] = (struct ptree_proc){
		.pid = 200,
		.ppid = 1,
		.task = { .rss_pages = 9000, .oom_score_adj = -1000, .is_leader = true }
	};
	t.p[1] = (struct ptree_proc){ .pid = 201,
				      .ppid = 200,
				      .task = { .rss_pages = 10, .is_leader = true } };
	t.p[2] = (struct ptree_proc){ .pid = 300,
				      .ppid = 299,
				      .task = { .rss_pages = 5, .is_leader = true } };
	ptree_order(&t, 200);
	assert_int_equal(t.p[0].pid, 200);
	assert_int_equal(t.p[1].pid, 201);
	assert_int_equal(t.p[2].pid, 300);
	assert_int_equal(t.p[2].depth, 0);
	top = ptree_score(&t, OOM_ERA_4_17, TOTAL);
	assert_int_equal(t.p[top].pid, 201);
	assert_true(t.p[0].points.unkillable);
	t.p[1].task.oom_score_adj = -1000;
	t.p[2].task.oom_score_adj = -1000;
	assert_int_equal(ptree_score(&t, OOM_ERA_4_17, TOTAL), -1);
}

static void test_owner(void **state)
{
	struct ptree a = { .n = 1 }, b = { .n = 2 };
	const struct ptree *trees[] = { &a, &b };
	const char *leaves[] = { "/x/oomlab-1-p/w-db", "/x/oomlab-1-p/w-batch" };

	a.p[0].pid = 10;
	b.p[0].pid = 20;
	b.p[1].pid = 21;
	/* the kernel's task_memcg wins: a process forked after the snapshot */
	assert_int_equal(ptree_owner(leaves, trees, 2, 99, "/x/oomlab-1-p/w-db"), 0);
	assert_int_equal(ptree_owner(leaves, trees, 2, 99, "/x/oomlab-1-p/w-batch"), 1);
	/* a prefix is not a parent directory */
	assert_int_equal(ptree_owner(leaves, trees, 2, 99, "/x/oomlab-1-p/w-dbx"), -1);
	/* no constraint line (< 4.19): by PID */
	assert_int_equal(ptree_owner(leaves, trees, 2, 21, NULL), 1);
	assert_int_equal(ptree_owner(leaves, trees, 2, 21, ""), 1);
	assert_int_equal(ptree_owner(leaves, trees, 2, 77, NULL), -1);
}

static void test_format_fate(void **state)
{
	struct ptree t = { .n = 2 };
	char buf[512];

	t.p[0] = (struct ptree_proc){ .pid = 5, .comm = "stress-ng", .fate = PTREE_GONE };
	t.p[1] = (struct ptree_proc){ .pid = 6,
				      .ppid = 5,
				      .depth = 1,
				      .comm = "stress-ng-vm",
				      .rss_bytes = 80 * MIB,
				      .oom_score_adj = 1000,
				      .fate = PTREE_KILLED,
				      .kill_order = 1 };
	t.p[1].points.points = 151000;
	ptree_format(&t, "    ", buf, sizeof(buf));
	assert_non_null(strstr(buf, "    stress-ng             5"));
	assert_non_null(strstr(
		buf,
		"      stress-ng-vm          6 rss   80.0M adj  1000 points 151000 killed #1"));
	assert_non_null(strstr(buf, "gone"));
	/* a tiny buffer is cut, never overrun */
	assert_true(ptree_format(&t, "", buf, 10) < 10);
	assert_int_equal(strlen(buf), 9);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_postgres_tree), cmocka_unit_test(test_stress_ng_grandchild),
		cmocka_unit_test(test_fork_tree),     cmocka_unit_test(test_unkillable_and_orphans),
		cmocka_unit_test(test_owner),	      cmocka_unit_test(test_format_fate),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
