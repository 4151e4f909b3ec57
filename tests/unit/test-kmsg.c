// SPDX-License-Identifier: MIT
/*
 * kmsg: record parser, reader and OOM-line parser against captures of real
 * kernels (tests/fixtures/kmsg/, each with its source in a "#" header).
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>

#include <cmocka.h>

#include "kmsg.h"
#include "util.h"

#define FIX "tests/fixtures/kmsg/"
#define MAX_EVENTS 256
#define NONE LONG_MIN /* "the line does not give it" in expectations */

struct events {
	size_t n;
	struct oom_event ev[MAX_EVENTS];
};

static bool keep(const struct oom_event *ev, unsigned int mask)
{
	return mask & (1u << ev->type);
}

#define T(x) (1u << (x))

/* Text capture (dmesg, syslog, journal): one message per line. */
static void load_text(const char *path, unsigned int mask, struct events *out)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	struct oom_parser p;
	char line[4096];

	assert_non_null(f);
	oom_parser_init(&p);
	out->n = 0;
	while (fgets(line, sizeof(line), f)) {
		struct oom_event ev;

		if (line[0] == '#')
			continue;
		if (oom_parser_line(&p, oom_strip_prefix(line), &ev) == 1 && keep(&ev, mask)) {
			assert_true(out->n < MAX_EVENTS);
			out->ev[out->n++] = ev;
		}
	}
}

/* Raw /dev/kmsg capture, through the reader. */
static void load_raw(const char *path, unsigned int mask, struct events *out)
{
	struct kmsg_reader *r = NULL;
	struct kmsg_record rec;
	struct oom_parser p;
	int k;

	assert_int_equal(kmsg_open(path, false, &r), 0);
	oom_parser_init(&p);
	out->n = 0;
	while ((k = kmsg_next(r, &rec)) == 0) {
		struct oom_event ev;

		assert_int_equal(strlen(rec.msg), rec.msg_len);
		if (oom_parser_line(&p, rec.msg, &ev) == 1 && keep(&ev, mask)) {
			assert_true(out->n < MAX_EVENTS);
			out->ev[out->n++] = ev;
		}
	}
	assert_int_equal(k, -EAGAIN);
	assert_int_equal(kmsg_lost(r), 0);
	kmsg_close(r);
}

struct expect {
	enum oom_event_type type;
	pid_t pid;
	const char *comm;
	bool memcg;
	long score; /* SELECTED */
	long adj;
	long uid;
	long total_vm, anon, file, shmem, pgtables; /* kB */
};

static void check(const struct events *got, const struct expect *want, size_t n)
{
	for (size_t i = 0; i < n && i < got->n; i++) {
		const struct oom_event *e = &got->ev[i];
		const struct expect *w = &want[i];

		print_message("  event %zu: %s %d (%s)\n", i, oom_event_type_name(e->type), e->pid,
			      e->comm);
		assert_int_equal(e->type, w->type);
		assert_int_equal(e->pid, w->pid);
		assert_string_equal(e->comm, w->comm);
		assert_int_equal(e->memcg, w->memcg);
		assert_int_equal(e->has_score, w->score != NONE);
		if (w->score != NONE)
			assert_int_equal(e->score, w->score);
		assert_int_equal(e->has_adj, w->adj != NONE);
		if (w->adj != NONE)
			assert_int_equal(e->oom_score_adj, w->adj);
		assert_int_equal(e->has_uid, w->uid != NONE);
		if (w->uid != NONE)
			assert_int_equal(e->uid, w->uid);
		assert_int_equal(e->total_vm_kb, w->total_vm);
		assert_int_equal(e->anon_rss_kb, w->anon);
		assert_int_equal(e->file_rss_kb, w->file);
		assert_int_equal(e->shmem_rss_kb, w->shmem);
		assert_int_equal(e->has_pgtables, w->pgtables != -1);
		assert_int_equal(e->pgtables_kb, w->pgtables);
	}
	assert_int_equal(got->n, n);
}

#define KILLED OOM_EV_KILLED
#define SELECTED OOM_EV_SELECTED
#define REAPED OOM_EV_REAPED
#define KILLS (T(OOM_EV_KILLED) | T(OOM_EV_SELECTED) | T(OOM_EV_REAPED))

/* ---- >= 4.19 ------------------------------------------------------------ */

static void test_618_memcg_kills(void **state)
{
	static const struct expect want[] = {
		{ KILLED, 4414, "hog", true, NONE, 500, 0, 22940, 20608, 1116, 0, 84 },
		{ KILLED, 4413, "hog", true, NONE, 0, 0, 43540, 41216, 1048, 0, 124 },
		{ KILLED, 4417, "timeout", true, NONE, 0, 0, 2928, 0, 1704, 0, 48 },
		{ KILLED, 4418, "press", true, NONE, 0, 0, 2344, 0, 944, 0, 40 },
	};
	static struct events got;

	load_raw(FIX "kmsg-6.18-memcg-raw.txt", KILLS, &got);
	check(&got, want, ARRAY_SIZE(want));
}

static void test_618_memcg_constraint(void **state)
{
	static const pid_t pids[] = { 4414, 4413, 4417, 4418 };
	static const char *const comms[] = { "hog", "hog", "timeout", "press" };
	static const char cg[] = "/process_api/ca15a485d53abba314124b5a3267cbb0/exp1";
	static struct events got;

	load_raw(FIX "kmsg-6.18-memcg-raw.txt", T(OOM_EV_CONSTRAINT), &got);
	assert_int_equal(got.n, ARRAY_SIZE(pids));
	for (size_t i = 0; i < got.n; i++) {
		const struct oom_event *e = &got.ev[i];

		assert_int_equal(e->constraint, OOM_CONSTRAINT_MEMCG);
		assert_true(e->memcg);
		assert_int_equal(e->pid, pids[i]);
		assert_string_equal(e->comm, comms[i]);
		assert_string_equal(e->oom_memcg, cg);
		assert_string_equal(e->task_memcg, cg);
		assert_true(e->has_uid);
		assert_int_equal(e->uid, 0);
	}
}

static void test_618_memcg_invoked_and_rows(void **state)
{
	static struct events got;
	const struct oom_event *r;

	load_raw(FIX "kmsg-6.18-memcg-raw.txt", T(OOM_EV_INVOKED), &got);
	assert_int_equal(got.n, 4);
	for (size_t i = 0; i < got.n; i++) {
		assert_string_equal(got.ev[i].comm, "press");
		assert_true(got.ev[i].has_adj);
		assert_int_equal(got.ev[i].oom_score_adj, 0);
	}
	/* 4 + 3 + 2 + 1 rows: each dump lists who is left */
	load_raw(FIX "kmsg-6.18-memcg-raw.txt", T(OOM_EV_TASK_ROW), &got);
	assert_int_equal(got.n, 10);
	/* [   4414]     0  4414     5735     5431     5152      279         0   86016        0           500 hog */
	r = &got.ev[0];
	assert_int_equal(r->pid, 4414);
	assert_string_equal(r->comm, "hog");
	assert_int_equal(r->uid, 0);
	assert_int_equal(r->row_total_vm, 5735);
	assert_int_equal(r->row_rss, 5431);
	assert_int_equal(r->row_rss_anon, 5152);
	assert_int_equal(r->row_rss_file, 279);
	assert_int_equal(r->row_rss_shmem, 0);
	assert_int_equal(r->row_pgtables_bytes, 86016);
	assert_int_equal(r->row_swapents, 0);
	assert_int_equal(r->oom_score_adj, 500);
	assert_int_equal(got.ev[9].pid, 4418);
	assert_string_equal(got.ev[9].comm, "press");
}

static void test_618_mthread(void **state)
{
	static const struct expect want[] = {
		{ KILLED, 10401, "mthog", true, NONE, 500, 0, 68028, 32896, 1336, 0, 120 },
	};
	static struct events got;

	load_raw(FIX "kmsg-6.18-memcg-mthread-raw.txt", KILLS, &got);
	check(&got, want, ARRAY_SIZE(want));

	load_raw(FIX "kmsg-6.18-memcg-mthread-raw.txt", T(OOM_EV_MARKER), &got);
	assert_int_equal(got.n, 2);
	assert_string_equal(got.ev[0].marker, "capture mthread 10389 begin");
	assert_string_equal(got.ev[1].marker, "capture mthread 10389 end");

	/* one row per process, not per thread: tgid 10401 is listed once */
	load_raw(FIX "kmsg-6.18-memcg-mthread-raw.txt", T(OOM_EV_TASK_ROW), &got);
	assert_int_equal(got.n, 2);
	assert_int_equal(got.ev[0].pid, 10401);
	assert_int_equal(got.ev[0].row_rss, 8558);
	assert_int_equal(got.ev[1].pid, 10409);
}

static void test_618_reaper(void **state)
{
	static const struct expect want[] = {
		{ KILLED, 10640, "dhog", true, NONE, 500, 0, 59832, 32768, 1212, 0, 112 },
		{ REAPED, 10640, "dhog", false, NONE, NONE, NONE, -1, 0, 0, 0, -1 },
	};
	static struct events got;

	load_raw(FIX "kmsg-6.18-memcg-reaper-raw.txt", KILLS, &got);
	check(&got, want, ARRAY_SIZE(want));
}

static void test_54_global_reaper(void **state)
{
	/* comm "(resolved)" (systemd-resolved's) holds parentheses itself */
	static const struct expect want[] = {
		{ KILLED, 15784, "python3", false, NONE, NONE, NONE, 11964, 4288, 3028, 0, -1 },
		{ REAPED, 15784, "python3", false, NONE, NONE, NONE, -1, 0, 0, 0, -1 },
		{ KILLED, 15925, "(resolved)", false, NONE, NONE, NONE, 168424, 4064, 3584, 0, -1 },
		{ REAPED, 15925, "(resolved)", false, NONE, NONE, NONE, -1, 0, 0, 0, -1 },
		{ KILLED, 15783, "python3", false, NONE, NONE, NONE, 11964, 4288, 3028, 0, -1 },
		{ REAPED, 15783, "python3", false, NONE, NONE, NONE, -1, 0, 0, 0, -1 },
		{ KILLED, 15934, "(resolved)", false, NONE, NONE, NONE, 168424, 4064, 3584, 0, -1 },
		{ REAPED, 15934, "(resolved)", false, NONE, NONE, NONE, -1, 0, 0, 0, -1 },
	};
	static struct events got;

	load_text(FIX "kmsg-5.4-global.txt", KILLS, &got);
	check(&got, want, ARRAY_SIZE(want));
}

static void test_54_memcg(void **state)
{
	static const struct expect want[] = {
		{ KILLED, 15617, "python3", true, NONE, NONE, NONE, 11892, 4292, 3428, 0, -1 },
		{ REAPED, 15617, "python3", false, NONE, NONE, NONE, -1, 0, 0, 0, -1 },
		{ KILLED, 15674, "python3", true, NONE, NONE, NONE, 11892, 4292, 3424, 0, -1 },
		{ REAPED, 15674, "python3", false, NONE, NONE, NONE, -1, 0, 0, 0, -1 },
		{ KILLED, 15623, "python3", true, NONE, NONE, NONE, 11892, 4292, 3420, 0, -1 },
		{ REAPED, 15623, "python3", false, NONE, NONE, NONE, -1, 0, 0, 0, -1 },
		{ KILLED, 15694, "python3", true, NONE, NONE, NONE, 11892, 4292, 3440, 0, -1 },
	};
	static struct events got;

	load_text(FIX "kmsg-5.4-memcg.txt", KILLS, &got);
	check(&got, want, ARRAY_SIZE(want));
}

static void test_54_77_memcg(void **state)
{
	static const struct expect want[] = {
		{ KILLED, 63214, "uwsgi", true, NONE, 986, 0, 3149468, 164992, 52176, 92, 1372 },
		{ REAPED, 63214, "uwsgi", false, NONE, NONE, NONE, -1, 0, 0, 92, -1 },
		{ OOM_EV_INVOKED, -1, "uwsgi", false, NONE, 986, NONE, -1, -1, -1, -1, -1 },
	};
	static struct events got;

	load_text(FIX "kmsg-5.4.0-77-memcg.txt", KILLS | T(OOM_EV_INVOKED), &got);
	check(&got, want, ARRAY_SIZE(want));
}

static void test_5x_global_constraint(void **state)
{
	static struct events got;
	const struct oom_event *e;

	load_text(FIX "kmsg-5.x-global-constraint.txt", ~0u, &got);
	assert_int_equal(got.n, 1);
	e = &got.ev[0];
	assert_int_equal(e->type, OOM_EV_CONSTRAINT);
	assert_int_equal(e->constraint, OOM_CONSTRAINT_NONE);
	assert_false(e->memcg);
	assert_string_equal(e->oom_memcg, "");
	assert_string_equal(
		e->task_memcg,
		"/system.slice/docker-00748bf4e957f82c239a1db8a88579059b7d40c7b5fbd3f43617d31d3f646f12.scope");
	assert_string_equal(e->comm, "java");
	assert_int_equal(e->pid, 7134);
	assert_int_equal(e->uid, 1000);
}

/* ---- 2.6.36 - 4.18 ------------------------------------------------------ */

static void test_48_memcg(void **state)
{
	/* the "Killed process" line of this era has no memcg prefix */
	static const struct expect want[] = {
		{ SELECTED, 71414, "mysqld", true, 108, NONE, NONE, -1, -1, -1, -1, -1 },
		{ KILLED, 71414, "mysqld", false, NONE, NONE, NONE, 1121372, 452468, 0, 0, -1 },
		{ OOM_EV_INVOKED, -1, "mysqladmin", false, NONE, 0, NONE, -1, -1, -1, -1, -1 },
		{ SELECTED, 123841, "mysqld", true, 101, NONE, NONE, -1, -1, -1, -1, -1 },
		{ KILLED, 123841, "mysqld", false, NONE, NONE, NONE, 465616, 423524, 0, 0, -1 },
	};
	static struct events got;

	load_text(FIX "kmsg-4.8-memcg.txt", KILLS | T(OOM_EV_INVOKED), &got);
	check(&got, want, ARRAY_SIZE(want));
}

static void test_414_invoked(void **state)
{
	static const struct expect want[] = {
		{ OOM_EV_INVOKED, -1, "mem", false, NONE, 0, NONE, -1, -1, -1, -1, -1 },
	};
	static struct events got;

	load_text(FIX "kmsg-4.14-invoked.txt", ~0u, &got);
	check(&got, want, ARRAY_SIZE(want));
}

static void test_310_rhel7_memcg(void **state)
{
	/* RHEL 7: "Killed process N (X), UID 0, total-vm:..." */
#define SEL(pid)                                                                       \
	{                                                                              \
		SELECTED, pid, "memcg_test_1", true, 0, NONE, NONE, -1, -1, -1, -1, -1 \
	}
#define KIL(pid, file)                                                                   \
	{                                                                                \
		KILLED, pid, "memcg_test_1", false, NONE, NONE, 0, 7296, 96, file, 0, -1 \
	}
	static const struct expect want[] = {
		KIL(42452, 164),
		SEL(42453),
		KIL(42453, 164),
		SEL(42474),
		KIL(42474, 0),
		SEL(42471),
		KIL(42471, 0),
		SEL(42468),
		KIL(42468, 0),
		SEL(42469),
		SEL(42421),
		KIL(42421, 0),
		{ SELECTED, 33499, "memcg_process", true, 0, NONE, NONE, -1, -1, -1, -1, -1 },
		{ KILLED, 33499, "memcg_process", false, NONE, NONE, 0, 7300, 80, 340, 0, -1 },
	};
#undef SEL
#undef KIL
	static struct events got;
	const struct oom_event *e;

	load_text(FIX "kmsg-3.10-rhel7-memcg.txt", KILLS, &got);
	check(&got, want, ARRAY_SIZE(want));

	load_text(FIX "kmsg-3.10-rhel7-memcg.txt", T(OOM_EV_MEMCG_LIMIT), &got);
	assert_int_equal(got.n, 1);
	assert_true(got.ev[0].memcg);
	assert_string_equal(got.ev[0].task_memcg, "/0");
	assert_string_equal(got.ev[0].oom_memcg, "/0");

	/* "[ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name" */
	load_text(FIX "kmsg-3.10-rhel7-memcg.txt", T(OOM_EV_TASK_ROW), &got);
	assert_int_equal(got.n, 3);
	e = &got.ev[2];
	assert_int_equal(e->pid, 33499);
	assert_string_equal(e->comm, "memcg_process");
	assert_int_equal(e->row_total_vm, 1825);
	assert_int_equal(e->row_rss, 105);
	assert_int_equal(e->row_pgtables_bytes, 8 * 4096);
	assert_int_equal(e->row_swapents, 0);
	assert_int_equal(e->oom_score_adj, 0);
	assert_int_equal(e->row_rss_anon, -1);
}

static void test_3x_arm_global(void **state)
{
	static const struct expect want[] = {
		{ OOM_EV_INVOKED, -1, "app.out", false, NONE, 0, NONE, -1, -1, -1, -1, -1 },
		{ SELECTED, 957, "app.out", false, 524, NONE, NONE, -1, -1, -1, -1, -1 },
		{ KILLED, 957, "app.out", false, NONE, NONE, NONE, 67472, 14496, 516, -1, -1 },
	};
	static struct events got;

	load_text(FIX "kmsg-3.x-arm-global.txt", ~0u, &got);
	check(&got, want, ARRAY_SIZE(want));
}

/* ---- <= 2.6.35 and distro 2.6 ------------------------------------------- */

static void test_2632_rhel6_global(void **state)
{
	/* RHEL 6: "Killed process N, UID U, (X) total-vm:..." */
	static const struct expect want[] = {
		{ KILLED, 11726, "mysqld", false, NONE, NONE, 498, 7823732, 2539268, 768, -1, -1 },
	};
	static struct events got;

	load_text(FIX "kmsg-2.6.32-rhel6-global.txt", ~0u, &got);
	check(&got, want, ARRAY_SIZE(want));
}

static void test_26_global(void **state)
{
	/* "Out of Memory: Killed process N (X)." with no sizes at all */
	static const struct expect want[] = {
		{ KILLED, 2368, "jserver", false, NONE, NONE, NONE, -1, -1, -1, -1, -1 },
		{ KILLED, 2368, "jserver", false, NONE, NONE, NONE, -1, -1, -1, -1, -1 },
	};
	static struct events got;

	load_text(FIX "kmsg-2.6-x86_64-global.txt", ~0u, &got);
	check(&got, want, ARRAY_SIZE(want));
}

/* ---- Tasks state layouts ------------------------------------------------ */

static void test_rows_nr_pmds_header(void **state)
{
	static struct events got;

	/* nr_ptes 12 + nr_pmds 3 page-table pages */
	load_text(FIX "kmsg-4.x-global-tasks.txt", T(OOM_EV_TASK_ROW), &got);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.ev[0].pid, 1627);
	assert_string_equal(got.ev[0].comm, "udevd");
	assert_int_equal(got.ev[0].row_total_vm, 2812);
	assert_int_equal(got.ev[0].row_rss, 189);
	assert_int_equal(got.ev[0].row_pgtables_bytes, (12 + 3) * 4096);
	assert_int_equal(got.ev[0].row_swapents, 0);
	assert_int_equal(got.ev[0].oom_score_adj, -1000);
}

static void test_rows_8col_no_header(void **state)
{
	static struct events got;

	load_text(FIX "kmsg-4.x-tasks-8col.txt", T(OOM_EV_TASK_ROW), &got);
	assert_int_equal(got.n, 3);
	assert_int_equal(got.ev[2].pid, 3949);
	assert_string_equal(got.ev[2].comm, "docker-containe");
	assert_int_equal(got.ev[2].row_rss, 578);
	assert_int_equal(got.ev[2].row_pgtables_bytes, (8 + 5) * 4096);
	assert_int_equal(got.ev[2].oom_score_adj, -999);
}

static void test_rows_pgtables_bytes_header(void **state)
{
	static const char row[] =
		"Oct 27 14:26:24 focal-1 kernel: [ 555355]     0 555355     1348      537    53248       75             0 lxc-start";
	static struct events got;
	struct oom_event e;

	load_text(FIX "kmsg-5.4-tasks.txt", T(OOM_EV_TASK_ROW), &got);
	assert_int_equal(got.n, 4);
	assert_int_equal(got.ev[0].pid, 555355);
	assert_string_equal(got.ev[0].comm, "lxc-start");
	assert_int_equal(got.ev[0].row_pgtables_bytes, 53248);
	assert_int_equal(got.ev[0].row_swapents, 75);
	assert_int_equal(got.ev[3].row_rss, 1793);

	/*
	 * Without the header a 7-column row is ambiguous (cpu/oom_adj,
	 * nr_ptes/swapents, pgtables_bytes/swapents): only the columns all
	 * three layouts share are filled.
	 */
	assert_int_equal(oom_parse_line(oom_strip_prefix(row), &e), 1);
	assert_int_equal(e.type, OOM_EV_TASK_ROW);
	assert_int_equal(e.pid, 555355);
	assert_int_equal(e.row_rss, 537);
	assert_int_equal(e.row_pgtables_bytes, -1);
	assert_int_equal(e.row_swapents, -1);
	assert_true(e.has_adj);
	assert_int_equal(e.oom_score_adj, 0);
}

/* ---- lines that are not events, and kernel format strings -------------- */

static void test_not_events(void **state)
{
	static const char *const lines[] = {
		"",
		"Tasks state (memory values in pages):",
		"[  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem pgtables_bytes swapents oom_score_adj name",
		"Memory cgroup stats for /process_api/ca15a485d53abba314124b5a3267cbb0/exp1:",
		"CPU: 1 UID: 0 PID: 4418 Comm: press Not tainted 6.18.44-fc-v595 #1 PREEMPT(none) ",
		" oom_kill_process.cold+0x8/0x8a",
		"memory: usage 131072kB, limit 131072kB, failcnt 212",
		"Booting paravirtualized kernel on KVM",
	};
	struct oom_event e = { .type = OOM_EV_MARKER };

	for (size_t i = 0; i < ARRAY_SIZE(lines); i++) {
		assert_int_equal(oom_parse_line(lines[i], &e), 0);
		assert_int_equal(e.type, OOM_EV_MARKER); /* untouched */
	}
	assert_int_equal(oom_parse_line(NULL, &e), 0);
}

/*
 * No capture yet of memory.oom.group or panic_on_oom (both need VM mode):
 * these are the format strings of mm/memcontrol.c (>= 4.19) and
 * mm/oom_kill.c / kernel/panic.c, until VM-mode captures replace them.
 */
static void test_group_and_panic_format(void **state)
{
	struct oom_event e;

	assert_int_equal(
		oom_parse_line(
			"Tasks in /oomlab/w are going to be killed due to memory.oom.group set",
			&e),
		1);
	assert_int_equal(e.type, OOM_EV_GROUP);
	assert_string_equal(e.oom_memcg, "/oomlab/w");
	assert_true(e.memcg);

	assert_int_equal(
		oom_parse_line(
			"Kernel panic - not syncing: Out of memory: system-wide panic_on_oom is enabled",
			&e),
		1);
	assert_int_equal(e.type, OOM_EV_PANIC);
	assert_int_equal(
		oom_parse_line(
			"Kernel panic - not syncing: Out of memory: compulsory panic_on_oom is enabled",
			&e),
		1);
	assert_int_equal(e.type, OOM_EV_PANIC);
	assert_int_equal(
		oom_parse_line("Kernel panic - not syncing: System is deadlocked on memory", &e),
		1);
	assert_int_equal(e.type, OOM_EV_PANIC);
	assert_int_equal(
		oom_parse_line("Kernel panic - not syncing: VFS: Unable to mount root fs", &e), 0);
}

/* ---- prefixes ----------------------------------------------------------- */

static void test_strip_prefix(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		/* dmesg */
		{ "[ 4709.116275] Memory cgroup out of memory: Kill process",
		  "Memory cgroup out of memory: Kill process" },
		/* dmesg -r / console level */
		{ "<4>[  162.598046] press invoked oom-killer:", "press invoked oom-killer:" },
		{ "<3>Memory cgroup out of memory:", "Memory cgroup out of memory:" },
		/* syslog + dmesg timestamp */
		{ "Mar  2 17:35:10 server1 kernel: [2858609.598568] Killed process 11726",
		  "Killed process 11726" },
		/* syslog without timestamp */
		{ "Aug 16 20:29:54 hgzmm3cs239 kernel: Task in /0 killed", "Task in /0 killed" },
		/* a Tasks-state row is not a timestamp */
		{ "Oct 27 14:26:24 focal-1 kernel: [ 555355]     0 555355",
		  "[ 555355]     0 555355" },
		{ "[   4414]     0  4414", "[   4414]     0  4414" },
		/* dmesg -T */
		{ "[Thu May 14 23:17:24 2020] python3 invoked oom-killer:",
		  "python3 invoked oom-killer:" },
		/* rsyslog high precision */
		{ "2020-05-08T14:05:34.745916919+08:00 doris-03 kernel: Killed process 1",
		  "Killed process 1" },
		/* bare journal "kernel: " */
		{ "kernel: java invoked oom-killer: gfp_mask=0xd0",
		  "java invoked oom-killer: gfp_mask=0xd0" },
		/* messages left alone */
		{ "Booting paravirtualized kernel on KVM",
		  "Booting paravirtualized kernel on KVM" },
		{ "[  pid  ]   uid  tgid total_vm", "[  pid  ]   uid  tgid total_vm" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		assert_string_equal(oom_strip_prefix(cases[i].in), cases[i].out);
}

/* ---- record parser ------------------------------------------------------ */

static void test_record_parse(void **state)
{
	static const char plain[] =
		"3,443,162569381,-;Memory cgroup out of memory: Killed process 4414 (hog)\n";
	static const char cont[] =
		"6,196,171573,-;acpi PNP0A08:00: _OSC: OS supports [ExtendedConfig ASPM ClockPM Segments MSI HPX-Type3]\n"
		" SUBSYSTEM=acpi\n DEVICE=+acpi:PNP0A08:00\n";
	/* CONFIG_PRINTK_CALLER (>= 5.1) adds fields after the flags */
	static const char caller[] = "4,534,162593480,-,caller=T4418;press invoked oom-killer:";
	struct kmsg_record r;

	assert_int_equal(kmsg_parse_record(plain, strlen(plain), &r), 0);
	assert_int_equal(r.prio, 3);
	assert_int_equal(r.seq, 443);
	assert_int_equal(r.usec, 162569381);
	assert_int_equal(r.flags, '-');
	assert_int_equal(r.msg_len,
			 strlen("Memory cgroup out of memory: Killed process 4414 (hog)"));
	assert_memory_equal(r.msg, "Memory cgroup out of memory: Killed", 35);

	assert_int_equal(kmsg_parse_record(cont, strlen(cont), &r), 0);
	assert_int_equal(r.seq, 196);
	assert_int_equal(
		r.msg_len,
		strlen("acpi PNP0A08:00: _OSC: OS supports [ExtendedConfig ASPM ClockPM Segments MSI HPX-Type3]"));

	assert_int_equal(kmsg_parse_record(caller, strlen(caller), &r), 0);
	assert_int_equal(r.seq, 534);
	assert_memory_equal(r.msg, "press invoked", 13);
}

static void test_record_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"Memory cgroup out of memory: Killed process 4414 (hog)", /* no header */
		"3,443,162569381,-Memory cgroup",			  /* no ';' */
		"3,443;msg",						  /* short header */
		"3,443,162569381;msg",					  /* no flags */
		"x,443,162569381,-;msg",
		"3,,162569381,-;msg",
		"3,443,162569381,-x;msg",
		" SUBSYSTEM=acpi", /* continuation */
	};
	struct kmsg_record r = { .seq = 77 };

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		print_message("  bad: \"%s\"\n", bad[i]);
		assert_int_equal(kmsg_parse_record(bad[i], strlen(bad[i]), &r), -EINVAL);
		assert_int_equal(r.seq, 77); /* untouched */
	}
}

/* ---- reader ------------------------------------------------------------- */

static void test_reader_file_order(void **state)
{
	struct kmsg_reader *r = NULL;
	struct kmsg_record rec;
	uint64_t n = 0;
	int k;

	assert_int_equal(kmsg_open(FIX "kmsg-6.18-memcg-raw.txt", false, &r), 0);
	assert_true(kmsg_fd(r) >= 0);
	while ((k = kmsg_next(r, &rec)) == 0) {
		/* the capture is every record from boot: seq 0, 1, 2, ... */
		assert_int_equal(rec.seq, n);
		if (n == 0)
			assert_string_equal(
				rec.msg,
				"Linux version 6.18.44-fc-v595 (builder@sandboxing) (gcc (GCC) 15.3.0, GNU ld (GNU Binutils) 2.46) #1 SMP PREEMPT_DYNAMIC @0");
		if (n == 196) /* its " SUBSYSTEM=" lines are dropped */
			assert_string_equal(
				rec.msg,
				"acpi PNP0A08:00: _OSC: OS supports [ExtendedConfig ASPM ClockPM Segments MSI HPX-Type3]");
		n++;
	}
	assert_int_equal(k, -EAGAIN);
	assert_int_equal(n, 721);
	assert_int_equal(kmsg_lost(r), 0);
	/* still nothing: a file at its end behaves like a drained /dev/kmsg */
	assert_int_equal(kmsg_next(r, &rec), -EAGAIN);
	kmsg_close(r);
}

static void test_reader_seek_end(void **state)
{
	struct kmsg_reader *r = NULL;
	struct kmsg_record rec;

	assert_int_equal(kmsg_open(FIX "kmsg-6.18-memcg-raw.txt", true, &r), 0);
	assert_int_equal(kmsg_next(r, &rec), -EAGAIN);
	kmsg_close(r);
	kmsg_close(NULL);
	assert_int_equal(kmsg_open(FIX "no-such-capture.txt", false, &r), -ENOENT);
}

/* Records 0-9 of the real capture with 3 and 4 dropped: 2 lost. */
static void test_reader_lost(void **state)
{
	char path[] = "/tmp/test-kmsg-lost.XXXXXX";
	_cleanup_fclose_ FILE *in = fopen(FIX "kmsg-6.18-memcg-raw.txt", "re");
	struct kmsg_reader *r = NULL;
	struct kmsg_record rec;
	char line[4096];
	FILE *out;
	int fd, i = 0, n = 0;

	assert_non_null(in);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	out = fdopen(fd, "w");
	assert_non_null(out);
	while (i < 10 && fgets(line, sizeof(line), in)) {
		if (line[0] == ' ')
			continue;
		if (i != 3 && i != 4)
			fputs(line, out);
		i++;
	}
	fclose(out);

	assert_int_equal(kmsg_open(path, false, &r), 0);
	while (kmsg_next(r, &rec) == 0)
		n++;
	assert_int_equal(n, 8);
	assert_int_equal(kmsg_lost(r), 2);
	kmsg_close(r);
	unlink(path);
}

/* ---- marker ------------------------------------------------------------- */

static void test_marker_write(void **state)
{
	char path[] = "/tmp/test-kmsg-marker.XXXXXX";
	_cleanup_free_ char *got = NULL;
	char big[200];
	struct oom_event e;
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	close(fd);
	/*
	 * A regular file stands in for /dev/kmsg: one write(), ending in the
	 * newline that makes the kernel finalize the record (>= 5.10).
	 */
	assert_int_equal(kmsg_write_marker(path, "run 42 trigger"), 0);
	assert_int_equal(read_file_str(path, &got), 0);
	assert_string_equal(got, "oomlab: run 42 trigger\n");
	assert_int_equal(oom_parse_line(got, &e), 1);
	assert_int_equal(e.type, OOM_EV_MARKER);
	assert_string_equal(e.marker, "run 42 trigger");

	assert_int_equal(kmsg_write_marker(path, "two\nlines"), -EINVAL);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(kmsg_write_marker(path, big), -EINVAL);
	unlink(path);
	assert_int_equal(kmsg_write_marker("/nonexistent/dir/kmsg", "x"), -ENOENT);
}

static void test_type_names(void **state)
{
	assert_string_equal(oom_event_type_name(OOM_EV_KILLED), "killed");
	assert_string_equal(oom_event_type_name(OOM_EV_MARKER), "marker");
	assert_string_equal(oom_event_type_name((enum oom_event_type)99), "unknown");
}

int main(void)
{
	static const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_parse),
		cmocka_unit_test(test_record_malformed),
		cmocka_unit_test(test_reader_file_order),
		cmocka_unit_test(test_reader_seek_end),
		cmocka_unit_test(test_reader_lost),
		cmocka_unit_test(test_strip_prefix),
		cmocka_unit_test(test_not_events),
		cmocka_unit_test(test_618_memcg_kills),
		cmocka_unit_test(test_618_memcg_constraint),
		cmocka_unit_test(test_618_memcg_invoked_and_rows),
		cmocka_unit_test(test_618_mthread),
		cmocka_unit_test(test_618_reaper),
		cmocka_unit_test(test_54_global_reaper),
		cmocka_unit_test(test_54_memcg),
		cmocka_unit_test(test_54_77_memcg),
		cmocka_unit_test(test_5x_global_constraint),
		cmocka_unit_test(test_48_memcg),
		cmocka_unit_test(test_414_invoked),
		cmocka_unit_test(test_310_rhel7_memcg),
		cmocka_unit_test(test_3x_arm_global),
		cmocka_unit_test(test_2632_rhel6_global),
		cmocka_unit_test(test_26_global),
		cmocka_unit_test(test_rows_nr_pmds_header),
		cmocka_unit_test(test_rows_8col_no_header),
		cmocka_unit_test(test_rows_pgtables_bytes_header),
		cmocka_unit_test(test_group_and_panic_format),
		cmocka_unit_test(test_marker_write),
		cmocka_unit_test(test_type_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
