// SPDX-License-Identifier: MIT
/*
 * explain: the whole path (input layer, assembler, model check, JSON and
 * table) over real reports (tests/fixtures/explain/README.md names each
 * source). Each fixture's events must equal its expected JSON exactly
 * (tests/fixtures/explain/expected/); EXPLAIN_REGEN=1 rewrites them, to be
 * reviewed by hand.
 */
#include <fcntl.h>
#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "explain.h"
#include "util.h"

#define FIX "tests/fixtures/explain/"
#define KFIX "tests/fixtures/kmsg/"

struct collect {
	json_t *events;
	FILE *table;
	unsigned n;
	pid_t pids[64];
};

static void on_report(const struct oom_report *r, void *arg)
{
	struct collect *c = arg;

	if (c->n < ARRAY_SIZE(c->pids))
		c->pids[c->n] = r->pid;
	c->n++;
	json_array_append_new(c->events, explain_report_json(r));
	if (c->table)
		explain_report_print(r, c->table);
}

/* Run the path on a file; *ret_st gets the input's counts. */
static json_t *explain_file(const char *path, FILE *table, struct explain_stats *ret_st,
			    struct collect *ret_c)
{
	struct collect c = { .events = json_array(), .table = table };
	struct explain_stats st = { 0 };
	struct oom_assembler *a = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	assert_true(fd >= 0);
	assert_int_equal(oom_asm_new(OOM_ERA_AUTO, on_report, &c, &a), 0);
	assert_int_equal(explain_read_fd(fd, a, &st), 0);
	oom_asm_free(a);
	close(fd);
	if (ret_st)
		*ret_st = st;
	if (ret_c)
		*ret_c = c;
	return c.events;
}

static char *slurp(const char *path)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	return buf;
}

/* The events of path, as JSON, equal expected/NAME.json byte for byte. */
static void check_golden(const char *path, const char *name)
{
	char exp[512];
	_cleanup_free_ char *want = NULL, *got = NULL;
	json_t *ev = explain_file(path, NULL, NULL, NULL);

	snprintf(exp, sizeof(exp), FIX "expected/%s.json", name);
	got = json_dumps(ev, JSON_INDENT(1) | EXPLAIN_JSON_REALS);
	json_decref(ev);
	assert_non_null(got);
	if (getenv("EXPLAIN_REGEN")) {
		_cleanup_fclose_ FILE *f = fopen(exp, "we");

		assert_non_null(f);
		fputs(got, f);
		fputc('\n', f);
		return;
	}
	want = slurp(exp);
	if (!want)
		fail_msg("no %s (EXPLAIN_REGEN=1 writes it)", exp);
	want[strcspn(want, "\0")] = '\0';
	if (strlen(want) && want[strlen(want) - 1] == '\n')
		want[strlen(want) - 1] = '\0';
	if (strcmp(want, got)) {
		print_message("%s: got\n%s\n", path, got);
		fail_msg("%s differs from %s", path, exp);
	}
}

static const struct {
	const char *path, *name;
} goldens[] = {
	/* captures from this machine (6.18, v1 memcg) in every shape */
	{ FIX "618-memcg-dmesg.txt", "618-memcg-dmesg" },
	{ FIX "618-memcg-dmesg-T.txt", "618-memcg-dmesg-T" },
	{ FIX "618-memcg-dmesg-T-ja.txt", "618-memcg-dmesg-T-ja" },
	{ FIX "618-memcg-dmesg-T-de.txt", "618-memcg-dmesg-T-de" },
	{ FIX "618-memcg-dmesg-iso.txt", "618-memcg-dmesg-iso" },
	{ FIX "618-memcg-grep.txt", "618-memcg-grep" },
	{ FIX "618-memcg-caller.txt", "618-memcg-caller" },
	{ FIX "618-memcg-journal.json", "618-memcg-journal-json" },
	{ FIX "618-memcg-journal.export", "618-memcg-journal-export" },
	{ FIX "618-memcg-syslog.txt", "618-memcg-syslog" },
	{ FIX "618-memcg-kibana-desc.csv", "618-memcg-kibana-desc" },
	{ FIX "618-memcg-grafana.txt", "618-memcg-grafana" },
	{ FIX "618-memcg-mail.txt", "618-memcg-mail" },
	{ FIX "618-memcg-journal-short-iso.txt", "618-memcg-journal-short-iso" },
	{ FIX "618-memcg-journal-short-precise.txt", "618-memcg-journal-short-precise" },
	{ FIX "618-memcg-journal-short-monotonic.txt", "618-memcg-journal-short-monotonic" },
	{ FIX "61-guest-global-console.log", "61-guest-global-console" },
	/* guests, loglevel=8: global, oom.group and oom_kill_allocating_task */
	{ FIX "guest-5.10-console.log", "guest-5.10-console" },
	{ FIX "guest-6.1-console.log", "guest-6.1-console" },
	{ FIX "guest-6.12-console.log", "guest-6.12-console" },
	{ FIX "guest-7.2-console.log", "guest-7.2-console" },
	/* public reports (sources in the fixtures' headers and README) */
	{ FIX "3.10-el7-dmesg-T-wrapped-rows.txt", "3.10-el7-dmesg-T" },
	{ FIX "5.17-global-adj1000.txt", "5.17-global-adj1000" },
	{ FIX "5.x-dmesg-T-terminal-wrapped.txt", "5.x-dmesg-T-terminal-wrapped" },
	{ FIX "5.4-syslog-interleaved.txt", "5.4-syslog-interleaved" },
	{ KFIX "kmsg-5.4-memcg.txt", "kmsg-5.4-memcg" },
	{ KFIX "kmsg-5.x-global-constraint.txt", "kmsg-5.x-global-constraint" },
	{ KFIX "kmsg-4.14-invoked.txt", "kmsg-4.14-invoked" },
	{ KFIX "kmsg-4.x-tasks-8col.txt", "kmsg-4.x-tasks-8col" },
	{ KFIX "kmsg-5.4-tasks.txt", "kmsg-5.4-tasks" },
	{ KFIX "kmsg-6.18-memcg-raw.txt", "kmsg-6.18-memcg-raw" },
	{ KFIX "kmsg-6.18-memcg-mthread-raw.txt", "kmsg-6.18-memcg-mthread-raw" },
	{ KFIX "kmsg-6.18-memcg-reaper-raw.txt", "kmsg-6.18-memcg-reaper-raw" },
	{ KFIX "kmsg-5.4.0-77-memcg.txt", "kmsg-5.4.0-77-memcg" },
	{ KFIX "kmsg-5.4-global.txt", "kmsg-5.4-global" },
	{ KFIX "kmsg-4.8-memcg.txt", "kmsg-4.8-memcg" },
	{ KFIX "kmsg-3.10-rhel7-memcg.txt", "kmsg-3.10-rhel7-memcg" },
	{ KFIX "kmsg-3.x-arm-global.txt", "kmsg-3.x-arm-global" },
	{ KFIX "kmsg-2.6.32-rhel6-global.txt", "kmsg-2.6.32-rhel6-global" },
	{ KFIX "kmsg-2.6-x86_64-global.txt", "kmsg-2.6-x86_64-global" },
	{ KFIX "kmsg-4.x-global-tasks.txt", "kmsg-4.x-global-tasks" },
};

static void test_goldens(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(goldens); i++)
		check_golden(goldens[i].path, goldens[i].name);
}

/* Every shape of the same capture gives the same kills, in order. */
static void test_same_kills_every_shape(void **state)
{
	static const pid_t want[] = { 11409, 11404, 11402 };

	/* the first 16 goldens: the quickstart capture in every shape */
	for (size_t i = 0; i < 16; i++) {
		struct collect c;
		json_t *ev = explain_file(goldens[i].path, NULL, NULL, &c);

		if (c.n != ARRAY_SIZE(want))
			fail_msg("%s: %u kills", goldens[i].path, c.n);
		for (size_t k = 0; k < ARRAY_SIZE(want); k++)
			assert_int_equal(c.pids[k], want[k]);
		json_decref(ev);
	}
}

/* The human table, exactly. */
static void test_table(void **state)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	_cleanup_free_ char *want = NULL;
	json_t *ev;

	assert_non_null(f);
	ev = explain_file(KFIX "kmsg-6.18-memcg-raw.txt", f, NULL, NULL);
	fclose(f);
	json_decref(ev);
	if (getenv("EXPLAIN_REGEN")) {
		_cleanup_fclose_ FILE *o = fopen(FIX "expected/kmsg-6.18-memcg-raw.table", "we");

		fputs(buf, o);
	} else {
		want = slurp(FIX "expected/kmsg-6.18-memcg-raw.table");
		assert_non_null(want);
		assert_string_equal(buf, want);
	}
	free(buf);
}

static json_t *explain_text(const char *text, struct explain_stats *ret_st)
{
	char path[] = "/tmp/oomlab-test-explain-XXXXXX";
	int fd = mkstemp(path);
	json_t *ev;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	close(fd);
	ev = explain_file(path, NULL, ret_st, NULL);
	unlink(path);
	return ev;
}

/* A daemon quoting the kernel is no kill; the kernel's line is. */
static void test_daemon_quote(void **state)
{
	struct explain_stats st;
	json_t *ev = explain_text(
		"Dec  1 08:53:48 h oomlab[11400]: kill    small (pid 11409): Memory cgroup out of "
		"memory: Killed process 11409 (small) total-vm:33280kB\n"
		"kill    big (pid 99) +622.4 ms: Out of memory: Killed process 99 (big) total-vm:1kB\n"
		"myd: saw Killed process 5 (x)\n",
		&st);

	assert_int_equal(json_array_size(ev), 0);
	assert_int_equal(st.other_source, 1);
	json_decref(ev);
}

/* No OOM: an empty list. Garbage, NULs, a 1 MB line, invalid UTF-8:
 * counted, no crash; the kill after them is still found. */
static void test_bad_input(void **state)
{
	size_t big = 1024 * 1024;
	char *text = malloc(big + 4096);
	struct explain_stats st;
	json_t *ev, *e;
	size_t n = 0;

	assert_non_null(text);
	ev = explain_text("Booting paravirtualized kernel on KVM\n", &st);
	assert_int_equal(json_array_size(ev), 0);
	json_decref(ev);

	memset(text, 'x', big);
	n = big;
	text[n++] = '\n';
	n += (size_t)sprintf(text + n,
			     "[ 1.0] Out of memory: Killed process 7 (\xff\xfe\x80z) "
			     "total-vm:10kB, anon-rss:5kB, file-rss:0kB, shmem-rss:0kB\n");
	text[n] = '\0';
	ev = explain_text(text, &st);
	assert_int_equal(json_array_size(ev), 1);
	e = json_array_get(ev, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "pid")), 7);
	assert_string_equal(json_string_value(json_object_get(e, "comm")),
			    "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbdz");
	assert_true(json_is_null(json_object_get(e, "uid")));
	assert_true(json_is_null(json_object_get(e, "oom_memcg")));
	assert_int_equal(st.unreadable, 1);
	json_decref(ev);
	free(text);
}

/* A NUL inside a line makes it unreadable. */
static void test_nul_line(void **state)
{
	static const char text[] = "[ 1.0] Out of memory: Killed process 7 (a)\0junk\n"
				   "[ 1.1] Out of memory: Killed process 8 (b) total-vm:1kB\n";
	char path[] = "/tmp/oomlab-test-explain-XXXXXX";
	struct explain_stats st;
	struct collect c;
	int fd = mkstemp(path);
	json_t *ev;

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, sizeof(text) - 1), (ssize_t)sizeof(text) - 1);
	close(fd);
	ev = explain_file(path, NULL, &st, &c);
	unlink(path);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.pids[0], 8);
	assert_int_equal(st.unreadable, 1);
	json_decref(ev);
}

/* "Killed process" wrapped after "process " by a mail client, no prefix. */
static void test_wrapped_kill(void **state)
{
	json_t *ev =
		explain_text("Out of memory: Kill process 957 (app.out) score 524 or sacrifice\n"
			     "child\n"
			     "Killed process\n"
			     "957 (app.out) total-vm:67472kB, anon-rss:14496kB, file-rss:516kB\n",
			     NULL);
	json_t *e;

	assert_int_equal(json_array_size(ev), 1);
	e = json_array_get(ev, 0);
	assert_int_equal(json_integer_value(json_object_get(e, "pid")), 957);
	assert_int_equal(json_integer_value(json_object_get(e, "anon_rss_kb")), 14496);
	assert_int_equal(json_integer_value(json_object_get(e, "selected_pid")), 957);
	json_decref(ev);
}

/* oom.group: one event per killed task, the victim logged twice counts once. */
static void test_group_kill(void **state)
{
	json_t *ev = explain_text(
		"[ 5.0] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"[ 5.0] CPU: 0 UID: 0 PID: 10 Comm: a Not tainted 6.1.0-57-cloud-amd64 #1\n"
		"[ 5.0] memory: usage 4096kB, limit 4096kB, failcnt 3\n"
		"[ 5.0] Tasks state (memory values in pages):\n"
		"[ 5.0] [  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
		"pgtables_bytes swapents oom_score_adj name\n"
		"[ 5.0] [     10]     0    10      100      600      600        0         0     8192   "
		"     0             0 a\n"
		"[ 5.0] [     11]     0    11      100      300      300        0         0     8192   "
		"     0             0 b\n"
		"[ 5.0] "
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/"
		",mems_allowed=0,oom_memcg=/g,task_memcg=/g/x,task=a,pid=10,uid=0\n"
		"[ 5.0] Memory cgroup out of memory: Killed process 10 (a) total-vm:400kB, "
		"anon-rss:2400kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0\n"
		"[ 5.0] Tasks in /g are going to be killed due to memory.oom.group set\n"
		"[ 5.0] Memory cgroup out of memory: Killed process 10 (a) total-vm:400kB, "
		"anon-rss:2400kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0\n"
		"[ 5.0] Memory cgroup out of memory: Killed process 11 (b) total-vm:400kB, "
		"anon-rss:1200kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0\n"
		"[ 5.1] oom_reaper: reaped process 11 (b), now anon-rss:0kB, file-rss:0kB, "
		"shmem-rss:0kB\n",
		NULL);
	json_t *a = json_array_get(ev, 0), *b = json_array_get(ev, 1);

	assert_int_equal(json_array_size(ev), 2);
	assert_true(json_is_true(json_object_get(a, "group_kill")));
	assert_string_equal(json_string_value(json_object_get(a, "memcg")), "/g");
	assert_string_equal(json_string_value(json_object_get(b, "memcg")), "/g");
	assert_int_equal(json_integer_value(json_object_get(b, "oom")), 1);
	assert_true(json_is_true(json_object_get(json_object_get(a, "model"), "agrees")));
	assert_true(json_is_true(json_object_get(json_object_get(b, "model"), "agrees")));
	assert_non_null(
		strstr(json_string_value(json_object_get(json_object_get(b, "model"), "why")),
		       "memory.oom.group /g"));
	assert_true(json_is_object(json_object_get(b, "reaped")));
	assert_true(json_is_null(json_object_get(a, "reaped")));
	json_decref(ev);
}

/* Pre-4.19: the parent is chosen, its child killed; the trigger's adj
 * reaches the victim through the CPU/PID line when the table lacks it. */
static void test_child_sacrifice(void **state)
{
	json_t *ev = explain_text(
		"[ 9.0] p invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0\n"
		"[ 9.0] CPU: 0 PID: 20 Comm: p Not tainted 4.14.0 #1\n"
		"[ 9.0] Task in /m killed as a result of limit of /m\n"
		"[ 9.0] memory: usage 8192kB, limit 8192kB, failcnt 9\n"
		"[ 9.0] [ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj "
		"name\n"
		"[ 9.0] [   20]     0    20      500     1500       4       3        0             0 "
		"p\n"
		"[ 9.0] [   21]     0    21      500      400       4       3        0             0 "
		"c\n"
		"[ 9.0] Memory cgroup out of memory: Kill process 20 (p) score 187 or sacrifice child\n"
		"[ 9.0] Killed process 21 (c) total-vm:2000kB, anon-rss:1600kB, file-rss:0kB, "
		"shmem-rss:0kB\n",
		NULL);
	json_t *e = json_array_get(ev, 0), *m = json_object_get(e, "model");

	assert_int_equal(json_array_size(ev), 1);
	assert_int_equal(json_integer_value(json_object_get(e, "pid")), 21);
	assert_int_equal(json_integer_value(json_object_get(e, "selected_pid")), 20);
	/* "Task in /m" names the chosen task's memcg, not the child's */
	assert_true(json_is_null(json_object_get(e, "memcg")));
	assert_string_equal(json_string_value(json_object_get(e, "oom_memcg")), "/m");
	assert_string_equal(json_string_value(json_object_get(m, "era")), "3.8");
	assert_int_equal(json_integer_value(json_object_get(m, "totalpages")), 2048);
	assert_int_equal(json_integer_value(json_object_get(m, "predicted_pid")), 20);
	assert_true(json_is_true(json_object_get(m, "agrees")));
	assert_non_null(
		strstr(json_string_value(json_object_get(m, "why")), "sacrificed its child 21"));
	json_decref(ev);
}

/* vm.oom_kill_allocating_task: the kernel's pick is not the model's. */
static void test_allocating_task(void **state)
{
	json_t *ev = explain_text(
		"[ 9.0] small invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0\n"
		"[ 9.0] CPU: 0 PID: 30 Comm: small Not tainted 4.9.0 #1\n"
		"[ 9.0] 262144 pages RAM\n"
		"[ 9.0] 6000 pages reserved\n"
		"[ 9.0] Total swap = 0kB\n"
		"[ 9.0] [ pid ]   uid  tgid total_vm      rss nr_ptes nr_pmds swapents oom_score_adj "
		"name\n"
		"[ 9.0] [   30]  1000    30      500      100       4       3        0             0 "
		"small\n"
		"[ 9.0] [   31]  1000    31      500   200000       4       3        0             0 "
		"big\n"
		"[ 9.0] Out of memory (oom_kill_allocating_task): Kill process 30 (small) score 0 or "
		"sacrifice child\n"
		"[ 9.0] Killed process 30 (small) total-vm:2000kB, anon-rss:400kB, file-rss:0kB, "
		"shmem-rss:0kB\n",
		NULL);
	json_t *e = json_array_get(ev, 0), *m = json_object_get(e, "model");

	assert_int_equal(json_array_size(ev), 1);
	assert_true(json_is_true(json_object_get(e, "allocating_task")));
	assert_int_equal(json_integer_value(json_object_get(m, "totalpages")), 256144);
	assert_int_equal(json_integer_value(json_object_get(m, "predicted_pid")), 31);
	assert_true(json_is_false(json_object_get(m, "agrees")));
	assert_non_null(
		strstr(json_string_value(json_object_get(m, "why")), "oom_kill_allocating_task"));
	/* the adj of the trigger line is the victim's (trigger pid 30) */
	assert_int_equal(json_integer_value(json_object_get(e, "oom_score_adj")), 0);
	json_decref(ev);
}

/* Every prefix shape: where the message starts, the times, the source. */
static void test_prefix_split(void **state)
{
	static const struct {
		const char *in, *msg, *wall;
		double ktime; /* < 0: none */
		enum oom_source src;
	} cases[] = {
		{ "[  162.598046] oom-kill:x", "oom-kill:x", "", 162.598046, OOM_SRC_UNKNOWN },
		{ "[  162.598046][  T9185] oom-kill:x", "oom-kill:x", "", 162.598046,
		  OOM_SRC_UNKNOWN },
		{ "[  162.598046] [    C1] oom-kill:x", "oom-kill:x", "", 162.598046,
		  OOM_SRC_UNKNOWN },
		{ "<4>[  162.598046] oom-kill:x", "oom-kill:x", "", 162.598046, OOM_SRC_UNKNOWN },
		{ "[Thu May 14 23:17:24 2020] a", "a", "Thu May 14 23:17:24 2020", -1,
		  OOM_SRC_UNKNOWN },
		{ "[\xe7\x81\xab 12\xe6\x9c\x88  1 08:53:48 2026] a", "a",
		  "\xe7\x81\xab 12\xe6\x9c\x88  1 08:53:48 2026", -1, OOM_SRC_UNKNOWN },
		{ "[Jan26 10:11] a", "a", "Jan26 10:11", -1, OOM_SRC_UNKNOWN },
		{ "2026-12-01T08:53:48,853074+00:00 a b", "a b", "2026-12-01T08:53:48,853074+00:00",
		  -1, OOM_SRC_UNKNOWN },
		{ "Dec  1 08:53:48 host kernel: [ 1085.853074] a", "a", "Dec  1 08:53:48",
		  1085.853074, OOM_SRC_KERNEL },
		{ "Dec  1 08:53:48.123456 host kernel: a", "a", "Dec  1 08:53:48.123456", -1,
		  OOM_SRC_KERNEL },
		{ "2026-12-01T08:53:48+0000 host kernel: a", "a", "2026-12-01T08:53:48+0000", -1,
		  OOM_SRC_KERNEL },
		{ "avril 16 21:08:50 h systemd-oomd[93234]: Killed /user.slice",
		  "Killed /user.slice", "avril 16 21:08:50", -1, OOM_SRC_OTHER },
		{ "[ 1085.853074] host kernel: a", "a", "", 1085.853074, OOM_SRC_KERNEL },
		{ "[ 1085.853074] Call Trace:", "Call Trace:", "", 1085.853074, OOM_SRC_UNKNOWN },
		{ "2026-12-01 08:53:48.853 | kernel | [ 1085.853074] a", "a",
		  "2026-12-01 08:53:48.853", 1085.853074, OOM_SRC_KERNEL },
		{ "\"Jan 2, 2024 @ 03:04:05.123\",\"h\",\"kernel\",\"say \"\"x\"\"\"", "say \"x\"",
		  "Jan 2, 2024 @ 03:04:05.123", -1, OOM_SRC_KERNEL },
		{ "kernel: a", "a", "", -1, OOM_SRC_KERNEL },
		{ "[   4414]     0  4414", "[   4414]     0  4414", "", -1, OOM_SRC_UNKNOWN },
		{ "[  pid  ]   uid  tgid", "[  pid  ]   uid  tgid", "", -1, OOM_SRC_UNKNOWN },
		{ "[  +0.000123] a", "a", "", -1, OOM_SRC_UNKNOWN },
		{ "Booting paravirtualized kernel on KVM", "Booting paravirtualized kernel on KVM",
		  "", -1, OOM_SRC_UNKNOWN },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct oom_prefix_state ps = { 0 };
		struct oom_prefix p;
		char buf[256];

		oom_prefix_split(cases[i].in, &ps, buf, sizeof(buf), &p);
		if (strcmp(p.msg, cases[i].msg) || strcmp(p.wall, cases[i].wall) ||
		    p.source != cases[i].src || p.has_ktime != (cases[i].ktime >= 0) ||
		    (p.has_ktime && p.ktime != cases[i].ktime))
			fail_msg("case %zu '%s': msg '%s' wall '%s' src %d ktime %d %f", i,
				 cases[i].in, p.msg, p.wall, p.source, p.has_ktime, p.ktime);
	}
}

/* A newest-first input is read in reverse, and says so. */
static void test_newest_first(void **state)
{
	struct explain_stats st;
	struct collect c;
	json_t *ev = explain_file(FIX "618-memcg-kibana-desc.csv", NULL, &st, &c);

	assert_true(st.reversed);
	/* oomlab's three rows quote the kills: the newest comes before any
	 * row showed which column says "kernel", so only two are known as
	 * another program's; the first is still no kill (its kill line is
	 * not at the start of the message) */
	assert_int_equal(st.other_source, 2);
	assert_int_equal(c.n, 3);
	json_decref(ev);
	ev = explain_file(FIX "618-memcg-dmesg.txt", NULL, &st, &c);
	assert_false(st.reversed);
	json_decref(ev);
}

/* 2.6.36 - 4.x: a process on the victim's mm, killed with it. */
static void test_mm_sharer(void **state)
{
	json_t *ev = explain_text(
		"[ 9.0] Out of memory: Kill process 40 (a) score 900 or sacrifice child\n"
		"[ 9.0] Killed process 40 (a) total-vm:2000kB, anon-rss:1600kB, file-rss:0kB\n"
		"[ 9.0] Kill process 41 (a2) sharing same memory\n",
		NULL);

	assert_int_equal(json_array_size(ev), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ev, 1), "pid")), 41);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(ev, 1), "oom")), 1);
	assert_non_null(strstr(json_string_value(json_object_get(
				       json_object_get(json_array_get(ev, 1), "model"), "why")),
			       "shares the victim's mm"));
	json_decref(ev);
}

/* The version says 3.8 (root 3% off), the choice fits 4.17: say so. */
static void test_era_otherwise(void **state)
{
	json_t *ev = explain_text(
		"[ 9.0] u invoked oom-killer: gfp_mask=0xd0, order=0, oom_score_adj=0\n"
		"[ 9.0] CPU: 0 PID: 51 Comm: u Not tainted 3.10.0-1160.el7.x86_64 #1\n"
		"[ 9.0] Task in /m killed as a result of limit of /m\n"
		"[ 9.0] memory: usage 8192kB, limit 8192kB, failcnt 9\n"
		"[ 9.0] [ pid ]   uid  tgid total_vm      rss nr_ptes swapents oom_score_adj name\n"
		"[ 9.0] [   50]     0    50      500     1000       0        0             0 r\n"
		"[ 9.0] [   51]  1000    51      500      990       0        0             0 u\n"
		"[ 9.0] Memory cgroup out of memory: Kill process 50 (r) score 122 or sacrifice child\n"
		"[ 9.0] Killed process 50 (r) total-vm:2000kB, anon-rss:4000kB, file-rss:0kB\n",
		NULL);
	json_t *m = json_object_get(json_array_get(ev, 0), "model");

	assert_int_equal(json_array_size(ev), 1);
	assert_string_equal(json_string_value(json_object_get(m, "era")), "3.8");
	assert_string_equal(json_string_value(json_object_get(m, "era_from")), "version");
	assert_int_equal(json_integer_value(json_object_get(m, "predicted_pid")), 51);
	assert_true(json_is_false(json_object_get(m, "agrees")));
	assert_string_equal(
		json_string_value(json_object_get(m, "why")),
		"the choice fits the 4.17 model, not the 3.8 one the kernel version says");
	json_decref(ev);
}

/* Equal points: the scan order decides, and the model says it is a tie. */
static void test_tie(void **state)
{
	json_t *ev = explain_text(
		"[ 9.0] a invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=0\n"
		"[ 9.0] CPU: 0 UID: 0 PID: 60 Comm: a Not tainted 6.1.0 #1\n"
		"[ 9.0] memory: usage 8192kB, limit 8192kB, failcnt 9\n"
		"[ 9.0] [  pid  ]   uid  tgid total_vm      rss rss_anon rss_file rss_shmem "
		"pgtables_bytes swapents oom_score_adj name\n"
		"[ 9.0] [     60]     0    60      500     1000     1000        0         0     8192 "
		"       0             0 a\n"
		"[ 9.0] [     61]     0    61      500     1000     1000        0         0     8192 "
		"       0             0 b\n"
		"[ 9.0] oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		"oom_memcg=/m,task_memcg=/m,task=a,pid=60,uid=0\n"
		"[ 9.0] Memory cgroup out of memory: Killed process 60 (a) total-vm:2000kB, "
		"anon-rss:4000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:8kB oom_score_adj:0\n",
		NULL);
	json_t *m = json_object_get(json_array_get(ev, 0), "model");

	/* >= 4.17: the later of equals wins the scan; the kernel took the
	 * first, so its scan order (memcg membership) is not the table's */
	assert_int_equal(json_integer_value(json_object_get(m, "predicted_pid")), 61);
	assert_true(json_is_false(json_object_get(m, "agrees")));
	assert_string_equal(json_string_value(json_object_get(m, "why")),
			    "a tie at 1002 points: the kernel's scan order decided");
	json_decref(ev);
}

/* The dump_stack line after the trigger, as public reports of each era
 * print it: the trigger's pid, comm and the kernel release. */
static void test_cpu_lines(void **state)
{
	static const struct {
		const char *line, *comm, *release;
		pid_t pid;
	} cases[] = {
		/* https://github.com/darold/squidanalyzer/issues/69 (2.6.32 RHEL 6) */
		{ "Pid: 1743, comm: sshd Tainted: G           --------------- H  "
		  "2.6.32-279.9.1.el6.x86_64 #1",
		  "sshd", "2.6.32-279.9.1.el6.x86_64", 1743 },
		/* https://github.com/moby/moby/issues/15905 (3.10 RHEL 7) */
		{ "CPU: 0 PID: 7215 Comm: php.bin Tainted: G            -------------- T "
		  "3.10.0-229.11.1.el7.x86_64 #1",
		  "php.bin", "3.10.0-229.11.1.el7.x86_64", 7215 },
		/* https://github.com/moby/moby/issues/38352 (3.10 RHEL 7, kdump) */
		{ "CPU: 2 PID: 11554 Comm: thrash Kdump: loaded Tainted: G          I    "
		  "------------ T 3.10.0-862.11.6.el7.x86_64 #1",
		  "thrash", "3.10.0-862.11.6.el7.x86_64", 11554 },
		/* https://github.com/lesovsky/pgcenter/issues/44 (3.16 Debian) */
		{ "CPU: 1 PID: 4082 Comm: pgcenter Not tainted 3.16.0-4-amd64 #1 Debian 3.16.51-3",
		  "pgcenter", "3.16.0-4-amd64", 4082 },
		/* https://github.com/inducer/relate/issues/1383 (6.16, UID: since 6.x) */
		{ "CPU: 2 UID: 104 PID: 3589817 Comm: postgres Not tainted 6.16.9+deb14-amd64 #1 "
		  "PREEMPT(lazy)  Debian 6.16.9-1 ",
		  "postgres", "6.16.9+deb14-amd64", 3589817 },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		struct oom_event ev;

		assert_int_equal(oom_parser_line_ex(NULL, cases[i].line, &ev), 1);
		assert_int_equal(ev.type, OOM_EV_CPU);
		assert_int_equal(ev.pid, cases[i].pid);
		assert_string_equal(ev.comm, cases[i].comm);
		assert_string_equal(ev.release, cases[i].release);
	}
}

int main(void)
{
	/* clang-format off */
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_goldens),
		cmocka_unit_test(test_same_kills_every_shape),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_daemon_quote),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_nul_line),
		cmocka_unit_test(test_wrapped_kill),
		cmocka_unit_test(test_group_kill),
		cmocka_unit_test(test_child_sacrifice),
		cmocka_unit_test(test_allocating_task),
		cmocka_unit_test(test_prefix_split),
		cmocka_unit_test(test_newest_first),
		cmocka_unit_test(test_mm_sharer),
		cmocka_unit_test(test_era_otherwise),
		cmocka_unit_test(test_tie),
		cmocka_unit_test(test_cpu_lines),
	};
	/* clang-format on */

	return cmocka_run_group_tests(tests, NULL, NULL);
}
