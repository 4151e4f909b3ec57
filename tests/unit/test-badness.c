// SPDX-License-Identifier: MIT
/*
 * The badness models, pinned with worked numbers (the arithmetic is in the
 * comments, in the kernel's integer arithmetic), and the 4.17 model checked
 * against what a real 6.18 kernel chose (tests/fixtures/kmsg).
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "badness.h"
#include "util.h"

#define FIXTURE_618 "tests/fixtures/kmsg/kmsg-6.18-memcg-raw.txt"

/* MemTotal of the development machine (24684096 kB, no swap) in pages */
#define MACHINE_PAGES (24684096ULL / 4)

static struct task_mem task(pid_t pid, uint64_t rss, uint64_t pgtables_bytes, int adj)
{
	struct task_mem t = {
		.pid = pid,
		.rss_pages = rss,
		.pgtables_bytes = pgtables_bytes,
		.total_vm_pages = rss,
		.oom_score_adj = adj,
		.is_leader = true,
	};

	snprintf(t.name, sizeof(t.name), "t%d", (int)pid);
	return t;
}

static double pts(enum oom_era era, const struct task_mem *t, uint64_t totalpages)
{
	struct badness b = oom_badness(era, t, totalpages);

	assert_false(b.unkillable);
	return b.points;
}

/*
 * The 6.18 capture: four memcg OOMs in a 131072 kB memcg (v1, no swap:
 * mem_cgroup_get_max() = 32768 pages). For each, rank the rows of the
 * "Tasks state" dump the kernel printed with the 4.17 model and check the
 * model picks the pid of the "oom-kill:" line that follows.
 */
static void test_fixture_6_18_memcg(void **state)
{
	FILE *f = fopen(FIXTURE_618, "r");
	char line[2048];
	struct task_mem tasks[16];
	unsigned n = 0, events = 0;
	uint64_t totalpages = 0;
	pid_t want[] = { 4414, 4413, 4417, 4418 };

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		char *msg = strchr(line, ';'), *p;
		unsigned long limit_kb;
		long pid, uid, tgid, vm, rss, anon, file, shmem, pgt, swap, adj;
		char name[16];

		if (!msg)
			continue;
		msg++;
		if (!strncmp(msg, "memory: usage ", 14) &&
		    sscanf(msg, "memory: usage %*ukB, limit %lukB", &limit_kb) == 1)
			totalpages = limit_kb / 4;
		if (!strncmp(msg, "Tasks state", 11))
			n = 0;
		if (sscanf(msg, "[ %ld] %ld %ld %ld %ld %ld %ld %ld %ld %ld %ld %15s", &pid, &uid,
			   &tgid, &vm, &rss, &anon, &file, &shmem, &pgt, &swap, &adj, name) == 12) {
			assert_true(n < ARRAY_SIZE(tasks));
			tasks[n] = task((pid_t)pid, (uint64_t)rss, (uint64_t)pgt, (int)adj);
			tasks[n].swap_pages = (uint64_t)swap;
			snprintf(tasks[n].name, sizeof(tasks[n].name), "%.15s", name);
			n++;
		}
		if ((p = strstr(msg, "oom-kill:constraint=")) && (p = strstr(p, ",pid="))) {
			unsigned order[16];
			struct badness b[16];

			assert_int_equal(totalpages, 32768);
			oom_rank(OOM_ERA_4_17, tasks, n, totalpages, order, b);
			assert_true(events < ARRAY_SIZE(want));
			assert_int_equal(atoi(p + 5), want[events]);
			assert_int_equal(tasks[order[0]].pid, want[events]);
			if (events == 0) {
				/*
				 * 4414 hog: 5431 rss + 0 swap + 86016/4096=21
				 *   = 5452; adj 500 * (32768/1000 = 32) = 16000
				 *   -> 21452 (not 500*32.768=16384: the kernel
				 *   divides totalpages first)
				 * 4413 hog: 10566 + 126976/4096=31 = 10597
				 * 4417 timeout: 426 + 12 = 438; 4418 press: 236+10
				 */
				assert_int_equal(n, 4);
				assert_int_equal((long)b[0].points, 21452);
				assert_int_equal((long)b[1].points, 10597);
				assert_int_equal((long)b[2].points, 438);
				assert_int_equal((long)b[3].points, 246);
				/* the whole order the kernel then followed */
				assert_int_equal(tasks[order[1]].pid, 4413);
				assert_int_equal(tasks[order[2]].pid, 4417);
				assert_int_equal(tasks[order[3]].pid, 4418);
			}
			events++;
		}
	}
	fclose(f);
	assert_int_equal(events, 4);
}

/*
 * DESIGN.md: /proc/PID/oom_score is scaled to the machine. In the
 * capture's 32768-page memcg, a big adj-0 hog (80 MiB) and a small adj-500
 * task (4 MiB):
 *   memcg:   big   = 20480 + 45056/4096=11          = 20491
 *            small = 1024 + 8192/4096=2 + 500*32    = 17026  -> big dies
 *   machine (24684096 kB = 6171024 pages, /1000 = 6171):
 *            small = 1026 + 500*6171 = 3086526
 *            /proc: (1000 + 3086526*1000/6171024=500)*2/3 = 1000
 *            big:   (1000 + 20491*1000/6171024=3)*2/3     = 668
 * so /proc ranks the small task first while the memcg OOM kills the big.
 */
static void test_memcg_vs_proc(void **state)
{
	struct task_mem t[2] = { task(1, 1024, 8192, 500), task(2, 20480, 45056, 0) };
	unsigned order[2];
	struct badness b[2];

	assert_int_equal(MACHINE_PAGES, 6171024);
	oom_rank(OOM_ERA_4_17, t, 2, 32768, order, b);
	assert_int_equal(order[0], 1);
	assert_int_equal((long)b[0].points, 17026);
	assert_int_equal((long)b[1].points, 20491);

	oom_rank(OOM_ERA_4_17, t, 2, MACHINE_PAGES, order, b);
	assert_int_equal(order[0], 0);
	/* 6171024/1000 = 6171: 1026 + 3085500 */
	assert_int_equal((long)b[0].points, 3086526);
	assert_int_equal(oom_score_proc(b[0].points, MACHINE_PAGES), 1000);
	assert_int_equal(oom_score_proc(b[1].points, MACHINE_PAGES), 668);
}

static void test_oom_score_proc(void **state)
{
	/* no memory, adj 0: (1000 + 0) * 2/3 = 666 */
	assert_int_equal(oom_score_proc(0, 1000000), 666);
	/* all of memory and adj 1000: points = 2*T -> (1000+2000)*2/3 = 2000 */
	assert_int_equal(oom_score_proc(2000000, 1000000), 2000);
	/* adj -999 on an empty task: (1000 + -999)*2/3 = 0 */
	assert_int_equal(oom_score_proc(-999000, 1000000), 0);
	assert_int_equal(oom_score_proc(5, 0), 0);
}

/*
 * Ties. 4.17+: oom_evaluate_task skips only "points < chosen_points", so
 * an equal later task replaces: the later one dies. 3.6-4.16 keep a
 * thread-group leader on a tie, <= 2.6.35 only replaces on strictly
 * greater: the first dies.
 */
static void test_ties(void **state)
{
	struct task_mem t[3] = { task(1, 5000, 0, 0), task(2, 5000, 0, 0), task(3, 100, 0, 0) };
	unsigned order[3];

	oom_rank(OOM_ERA_4_17, t, 3, 100000, order, NULL);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 0);
	assert_int_equal(order[2], 2);

	oom_rank(OOM_ERA_3_8, t, 3, 100000, order, NULL);
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	/* threads that are not leaders are replaced by an equal score */
	t[0].is_leader = t[1].is_leader = false;
	oom_rank(OOM_ERA_3_8, t, 3, 100000, order, NULL);
	assert_int_equal(order[0], 1);
	t[0].is_leader = t[1].is_leader = true;

	/* 2.6.36: 5000*1000/100000 = 50 each: a tie */
	oom_rank(OOM_ERA_2_6_36, t, 3, 100000, order, NULL);
	assert_int_equal(order[0], 0);
	oom_rank(OOM_ERA_2_6_35, t, 3, 100000, order, NULL);
	assert_int_equal(order[0], 0);
}

/* nice > 0 doubles the score in <= 2.6.35 only */
static void test_nice(void **state)
{
	struct task_mem t = task(1, 10000, 0, 0), n = t;

	n.nice = 10;
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 10000);
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &n, 100000), 20000);
	for (enum oom_era e = OOM_ERA_2_6_36; e <= OOM_ERA_4_17; e++)
		assert_true(pts(e, &n, 100000) == pts(e, &t, 100000));
	/* negative nice is not a discount in any era */
	n.nice = -10;
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &n, 100000), 10000);
}

/*
 * CAP_SYS_ADMIN: 1/4 (<= 2.6.35, also CAP_SYS_RESOURCE), -30 per mille
 * (2.6.36-3.7), -3% of its own usage (3.14-4.16), nothing (4.17+).
 */
static void test_caps(void **state)
{
	struct task_mem t = task(1, 10000, 0, 0), a = t, res = t, raw = t, both = t, root = t;

	a.cap_sys_admin = true;
	res.cap_sys_resource = true;
	raw.cap_sys_rawio = true;
	both.cap_sys_admin = both.cap_sys_rawio = true;
	root.uid = 0;
	/* 10000 / 4 = 2500; admin and rawio: 10000/4/4 = 625 */
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &a, 100000), 2500);
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &res, 100000), 2500);
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &raw, 100000), 2500);
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &both, 100000), 625);
	/* uid 0 without the capabilities: no discount (checked caps only) */
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &root, 100000), 10000);
	/* 10000*1000/100000 = 100, - 30 = 70 */
	assert_int_equal((long)pts(OOM_ERA_2_6_36, &t, 100000), 100);
	assert_int_equal((long)pts(OOM_ERA_2_6_36, &a, 100000), 70);
	/* 10000 - 10000*3/100 = 9700 */
	assert_int_equal((long)pts(OOM_ERA_3_8, &a, 100000), 9700);
	assert_int_equal((long)pts(OOM_ERA_3_8, &raw, 100000), 10000);
	/* 4.17+: capabilities do not count */
	assert_int_equal((long)pts(OOM_ERA_4_17, &a, 100000), 10000);
	assert_int_equal((long)pts(OOM_ERA_4_17, &both, 100000), 10000);
}

/* half of each child's total_vm (+1), in <= 2.6.35 only */
static void test_children(void **state)
{
	struct task_mem t = task(1, 1000, 0, 0);

	t.nchildren = 3;
	t.children_vm_pages[0] = 4000;
	t.children_vm_pages[1] = 6000;
	t.children_vm_pages[2] = 0; /* no mm of its own: not counted */
	/* 1000 + (4000/2+1) + (6000/2+1) = 6002 */
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 6002);
	assert_int_equal((long)pts(OOM_ERA_4_17, &t, 100000), 1000);
	assert_int_equal((long)pts(OOM_ERA_3_8, &t, 100000), 1000);
}

/*
 * cpu time: 100 s * HZ 250 = 25000 jiffies >> (8+3) = 12, int_sqrt = 3;
 * run time: 20000 s >> 10 = 19, int_sqrt(int_sqrt(19)) = int_sqrt(4) = 2:
 * 60000 / 3 = 20000, / 2 = 10000. Later eras ignore time.
 */
static void test_time(void **state)
{
	struct task_mem t = task(1, 60000, 0, 0);

	t.cpu_time_s = 100;
	t.run_time_s = 20000;
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 10000);
	/* below 8.2 s of cpu and 1024 s of run time nothing changes */
	t.cpu_time_s = 8;
	t.run_time_s = 1000;
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 60000);
	t.cpu_time_s = 100;
	assert_int_equal((long)pts(OOM_ERA_4_17, &t, 100000), 60000);
}

/* oom_adj shifts in <= 2.6.35; disjoint cpuset divides by 8 */
static void test_oom_adj_shift(void **state)
{
	struct task_mem t = task(1, 1000, 0, 0);

	t.has_oom_adj = true;
	t.oom_adj = 3; /* 1000 << 3 */
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 8000);
	t.oom_adj = -2; /* 1000 >> 2 */
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 250);
	t.oom_adj = -16; /* 1000 >> 16 = 0, still a candidate */
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 0);
	t.total_vm_pages = 0;
	t.oom_adj = 5; /* 0 -> 1, << 5 */
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 32);
	t = task(1, 1000, 0, 0);
	t.disjoint_cpuset = true;
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 125);
	/* oom_score_adj only: mirrored as 2.6.36 did, 1000*15/1000 = 15 */
	t = task(1, 1000, 0, 1000);
	assert_int_equal((long)pts(OOM_ERA_2_6_35, &t, 100000), 1000 << 15);
}

/* Clamps: 2.6.36-3.7 to 1..1000, 3.8-4.16 to >= 1, 4.17+ not at all */
static void test_clamps(void **state)
{
	struct task_mem big = task(1, 90000, 0, 1000), low = task(2, 100, 0, -900);

	/* 90000*1000/100000 = 900 + 1000 -> 1000 */
	assert_int_equal((long)pts(OOM_ERA_2_6_36, &big, 100000), 1000);
	/* 100*1000/100000 = 1 - 900 -> 1 */
	assert_int_equal((long)pts(OOM_ERA_2_6_36, &low, 100000), 1);
	/* 100 + -900*100 -> 1 */
	assert_int_equal((long)pts(OOM_ERA_3_8, &low, 100000), 1);
	/* 5.9+: 100 - 90000 = -89900, still killable */
	assert_int_equal((long)pts(OOM_ERA_4_17, &low, 100000), -89900);
}

/* adj -1000, oom_adj -17, init, vfork, MMF_OOM_SKIP: never; ranked last */
static void test_never(void **state)
{
	struct task_mem t[4] = { task(1, 90000, 0, -1000), task(2, 10, 0, 0), task(3, 5000, 0, 0),
				 task(4, 5000, 0, 0) };
	unsigned order[4];
	struct badness b[4];

	for (enum oom_era e = OOM_ERA_2_6_36; e <= OOM_ERA_4_17; e++)
		assert_true(oom_badness(e, &t[0], 100000).unkillable);
	/* -1000 mirrors to oom_adj -17 */
	assert_true(oom_badness(OOM_ERA_2_6_35, &t[0], 100000).unkillable);
	oom_rank(OOM_ERA_4_17, t, 4, 100000, order, b);
	assert_int_equal(order[3], 0);
	assert_true(b[0].unkillable);

	t[0] = task(1, 90000, 0, 0);
	t[0].has_oom_adj = true;
	t[0].oom_adj = -17;
	assert_true(oom_badness(OOM_ERA_2_6_35, &t[0], 100000).unkillable);
	/* 2.6.36+ stored oom_adj -17 as oom_score_adj -17*1000/17 = -1000 */
	assert_true(oom_badness(OOM_ERA_4_17, &t[0], 100000).unkillable);
	t[0].oom_adj = 15; /* OOM_ADJUST_MAX -> 1000 */
	assert_int_equal((long)pts(OOM_ERA_4_17, &t[0], 100000), 90000 + 100000);

	t[1].is_init = true;
	for (enum oom_era e = OOM_ERA_2_6_35; e <= OOM_ERA_4_17; e++)
		assert_true(oom_badness(e, &t[1], 100000).unkillable);
	t[2].in_vfork = true;
	t[3].mm_oom_skip = true;
	assert_true(oom_badness(OOM_ERA_4_17, &t[2], 100000).unkillable);
	assert_true(oom_badness(OOM_ERA_4_17, &t[3], 100000).unkillable);
	oom_rank(OOM_ERA_4_17, t, 4, 100000, order, b);
	/* nothing killable but task 0 (adj 1000 via oom_adj 15) */
	assert_int_equal(order[0], 0);
	assert_int_equal(order[1], 1);
	assert_int_equal(order[2], 2);
	assert_int_equal(order[3], 3);
}

static void test_era_detection(void **state)
{
	enum oom_era e = OOM_ERA_AUTO;

	assert_int_equal(oom_era_from_release("6.18.44-fc-v595"), OOM_ERA_4_17);
	assert_int_equal(oom_era_from_release("6.1.0-13-cloud-amd64"), OOM_ERA_4_17);
	assert_int_equal(oom_era_from_release("4.17.0"), OOM_ERA_4_17);
	assert_int_equal(oom_era_from_release("4.16.18"), OOM_ERA_3_8);
	assert_int_equal(oom_era_from_release("3.10.0-1160.el7.x86_64"), OOM_ERA_3_8);
	assert_int_equal(oom_era_from_release("3.8.0"), OOM_ERA_3_8);
	assert_int_equal(oom_era_from_release("3.7.10"), OOM_ERA_2_6_36);
	assert_int_equal(oom_era_from_release("2.6.36"), OOM_ERA_2_6_36);
	assert_int_equal(oom_era_from_release("2.6.35.14"), OOM_ERA_2_6_35);
	assert_int_equal(oom_era_from_release("2.6.32-754.el6.x86_64"), OOM_ERA_2_6_35);
	assert_int_equal(oom_era_from_release("linux"), OOM_ERA_AUTO);
	assert_int_equal(oom_era_from_release(""), OOM_ERA_AUTO);
	assert_int_equal(oom_era_from_release("2.6"), OOM_ERA_AUTO);

	assert_int_equal(oom_era_parse("auto", &e), 0);
	assert_int_equal(e, OOM_ERA_AUTO);
	assert_int_equal(oom_era_parse("4.17", &e), 0);
	assert_int_equal(e, OOM_ERA_4_17);
	assert_int_equal(oom_era_parse("3.8", &e), 0);
	assert_int_equal(e, OOM_ERA_3_8);
	assert_int_equal(oom_era_parse("2.6.36", &e), 0);
	assert_int_equal(e, OOM_ERA_2_6_36);
	assert_int_equal(oom_era_parse("2.6.35", &e), 0);
	assert_int_equal(e, OOM_ERA_2_6_35);
	assert_int_equal(oom_era_parse("3.10", &e), 0);
	assert_int_equal(e, OOM_ERA_3_8);
	assert_int_equal(oom_era_parse("3.2", &e), 0);
	assert_int_equal(e, OOM_ERA_2_6_36);
	assert_int_equal(oom_era_parse("6.1.0-13-cloud-amd64", &e), 0);
	assert_int_equal(e, OOM_ERA_4_17);
	/* untouched on failure */
	e = OOM_ERA_3_8;
	assert_int_equal(oom_era_parse("2.6", &e), -EINVAL);
	assert_int_equal(oom_era_parse("4.x", &e), -EINVAL);
	assert_int_equal(oom_era_parse("", &e), -EINVAL);
	assert_int_equal(oom_era_parse("new", &e), -EINVAL);
	assert_int_equal(oom_era_parse(NULL, &e), -EINVAL);
	assert_int_equal(e, OOM_ERA_3_8);

	for (enum oom_era x = OOM_ERA_AUTO; x <= OOM_ERA_4_17; x++) {
		assert_int_equal(oom_era_parse(oom_era_name(x), &e), 0);
		assert_int_equal(e, x);
	}
}

/*
 * The era table: every era round-trips its name, its first release is its
 * own and the release before it is the previous era's, the range text the
 * summary shows starts where the table says, and the tie rule and unit
 * say what ranking and margins do.
 */
static void test_era_table(void **state)
{
	enum oom_era prev = OOM_ERA_AUTO;

	assert_int_equal(oom_era_count, OOM_ERA_COUNT - 1);
	for (unsigned i = 0; i < oom_era_count; i++) {
		const struct oom_era_info *ei = &oom_eras[i];
		const unsigned *f = ei->first;
		enum oom_era e = OOM_ERA_AUTO;
		char v[32];

		assert_ptr_equal(oom_era_info(ei->era), ei);
		assert_string_equal(oom_era_name(ei->era), ei->name);
		assert_int_equal(oom_era_parse(ei->name, &e), 0);
		assert_int_equal(e, ei->era);
		assert_non_null(ei->badness);
		assert_true(strlen(oom_tie_rule(ei->tie)) > 20);
		assert_non_null(ei->label);
		/* oldest first, one line per enum value */
		assert_true(ei->era > prev);
		if (i == 0) {
			assert_int_equal(f[0] + f[1] + f[2], 0);
			assert_string_equal(ei->range, "<=2.6.35");
		} else {
			snprintf(v, sizeof(v), "%u.%u.%u", f[0], f[1], f[2]);
			assert_int_equal(oom_era_parse(v, &e), 0);
			assert_int_equal(e, ei->era);
			assert_int_equal(oom_era_from_release(v), ei->era);
			/* the range text begins with the first release */
			snprintf(v, sizeof(v), f[2] ? "%u.%u.%u" : "%u.%u", f[0], f[1], f[2]);
			assert_non_null(strstr(ei->range, v));
			/* the last release before it belongs to the era before */
			if (f[2])
				snprintf(v, sizeof(v), "%u.%u.%u", f[0], f[1], f[2] - 1);
			else
				snprintf(v, sizeof(v), "%u.%u.99", f[0], f[1] - 1);
			assert_int_equal(oom_era_parse(v, &e), 0);
			assert_int_equal(e, prev);
		}
		prev = ei->era;
	}
	/* auto is the current era's line, and only the current */
	assert_ptr_equal(oom_era_info(OOM_ERA_AUTO), &oom_eras[oom_era_count - 1]);
	assert_int_equal(oom_era_info(OOM_ERA_AUTO)->era, OOM_ERA_4_17);
	assert_string_equal(oom_era_name(OOM_ERA_AUTO), "auto");
	assert_int_equal(oom_era_info(OOM_ERA_4_17)->tie, OOM_TIE_LATER);
	assert_int_equal(oom_era_info(OOM_ERA_3_8)->tie, OOM_TIE_FIRST_LEADER);
	assert_int_equal(oom_era_info(OOM_ERA_2_6_35)->tie, OOM_TIE_FIRST);
}

/* One margin formula: pages in % of totalpages, per mille / 10. */
static void test_margin(void **state)
{
	assert_true(fabs(oom_margin_pct(OOM_ERA_4_17, 300, 100, 1000) - 20.0) < 1e-9);
	assert_true(fabs(oom_margin_pct(OOM_ERA_AUTO, 300, 100, 1000) - 20.0) < 1e-9);
	assert_true(fabs(oom_margin_pct(OOM_ERA_3_8, 100, 300, 1000) + 20.0) < 1e-9);
	assert_true(fabs(oom_margin_pct(OOM_ERA_2_6_35, 300, 100, 1000) - 20.0) < 1e-9);
	assert_true(fabs(oom_margin_pct(OOM_ERA_2_6_36, 500, 157, 0) - 34.3) < 1e-9);
	assert_true(isnan(oom_margin_pct(OOM_ERA_4_17, 300, 100, 0)));
}

/*
 * oom_rank sorts (O(n log n)); the kernel selects one victim per OOM. The
 * sort must give the order of the kernel's loop (oom_evaluate_task, each
 * era's tie rule) run kill after kill: here that loop, written out, on
 * 1024 tasks with many equal scores, leaders and non-leaders, unkillables.
 */
static int ref_select(enum oom_tie tie, const struct task_mem *t, const struct badness *b,
		      const bool *gone, unsigned n)
{
	int chosen = -1;

	for (unsigned i = 0; i < n; i++) {
		if (gone[i] || b[i].unkillable)
			continue;
		if (chosen >= 0) {
			double p = b[i].points, c = b[chosen].points;

			if (tie == OOM_TIE_FIRST && p <= c)
				continue;
			if (tie == OOM_TIE_LATER && p < c)
				continue;
			if (tie == OOM_TIE_FIRST_LEADER &&
			    (p < c || (p == c && t[chosen].is_leader)))
				continue;
		}
		chosen = (int)i;
	}
	return chosen;
}

static void test_rank_is_the_selection_loop(void **state)
{
	static struct task_mem t[OOM_RANK_MAX];
	static struct badness b[OOM_RANK_MAX];
	static unsigned order[OOM_RANK_MAX], want[OOM_RANK_MAX];
	static bool gone[OOM_RANK_MAX];
	const enum oom_era eras[] = { OOM_ERA_4_17, OOM_ERA_3_8, OOM_ERA_2_6_36, OOM_ERA_2_6_35 };
	unsigned seed = 12345;

	(void)state;
	for (size_t e = 0; e < ARRAY_SIZE(eras); e++) {
		enum oom_tie tie = oom_era_info(eras[e])->tie;
		unsigned n = OOM_RANK_MAX, k = 0;

		for (unsigned i = 0; i < n; i++) {
			seed = seed * 1103515245u + 12345u;
			/* 8 sizes only: plenty of ties */
			t[i] = task((pid_t)(100 + i), 1000 * (1 + (seed >> 16) % 8), 0,
				    (seed >> 8) % 16 == 0 ? -1000 : 0);
			t[i].is_leader = (seed >> 4) % 3 != 0;
		}
		oom_rank(eras[e], t, n, 1000000, order, b);
		memset(gone, 0, sizeof(gone));
		for (int c; (c = ref_select(tie, t, b, gone, n)) >= 0;) {
			gone[c] = true;
			want[k++] = (unsigned)c;
		}
		for (unsigned i = 0; i < n; i++)
			if (!gone[i])
				want[k++] = i;
		assert_int_equal(k, n);
		for (unsigned i = 0; i < n; i++)
			assert_int_equal(order[i], want[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_6_18_memcg),
		cmocka_unit_test(test_memcg_vs_proc),
		cmocka_unit_test(test_oom_score_proc),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_nice),
		cmocka_unit_test(test_caps),
		cmocka_unit_test(test_children),
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_oom_adj_shift),
		cmocka_unit_test(test_clamps),
		cmocka_unit_test(test_never),
		cmocka_unit_test(test_era_detection),
		cmocka_unit_test(test_era_table),
		cmocka_unit_test(test_margin),
		cmocka_unit_test(test_rank_is_the_selection_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
