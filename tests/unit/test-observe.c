// SPDX-License-Identifier: MIT
/*
 * observe: kill attribution on the real captures in tests/fixtures/kmsg/
 * (raw /dev/kmsg through the reader, text captures line by line as
 * test-kmsg.c loads them), against hand-built runs whose PIDs and cgroup
 * are the capture's.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "kmsg.h"
#include "observe.h"
#include "profile.h"
#include "ptree.h"
#include "run.h"
#include "util.h"

#define FIX "tests/fixtures/kmsg/"
/* the run cgroup of kmsg-6.18-memcg-raw.txt */
#define CG618 "/process_api/ca15a485d53abba314124b5a3267cbb0/exp1"

static struct worker_spec spec_plain = { .name = "hog", .count = 1 };
static struct worker_spec spec_shared = { .name = "sh", .count = 1, .pattern = "shared-mm" };

struct counts {
	unsigned kill, dup, foreign, escaped, marker, panic;
};

static void tally(struct counts *n, enum attrib_kind k)
{
	switch (k) {
	case ATTRIB_KILL:
		n->kill++;
		break;
	case ATTRIB_DUP:
		n->dup++;
		break;
	case ATTRIB_FOREIGN:
		n->foreign++;
		break;
	case ATTRIB_ESCAPED:
		n->escaped++;
		break;
	case ATTRIB_MARKER:
		n->marker++;
		break;
	case ATTRIB_PANIC:
		n->panic++;
		break;
	default:
		break;
	}
}

/* the kills, attributed when their OOM is over */
static void tally_kill(struct attrib *a, struct run *r, enum attrib_kind k, void *arg)
{
	tally(arg, k);
}

/* A raw /dev/kmsg capture through the reader, every record fed, then
 * flushed as observe-run.c does when nothing is left to read. */
static struct counts feed_raw(const char *path, struct attrib *a, struct run *r)
{
	struct kmsg_reader *km = NULL;
	struct kmsg_record rec;
	struct counts n = { 0 };

	a->on_kill = tally_kill;
	a->on_kill_arg = &n;
	assert_int_equal(kmsg_open(path, false, &km), 0);
	while (kmsg_next(km, &rec) == 0)
		tally(&n, attrib_feed(a, r, &rec));
	kmsg_close(km);
	attrib_flush(a, r);
	a->on_kill = NULL;
	return n;
}

static struct counts feed_line(const char *msg, uint64_t seq, uint64_t usec, struct attrib *a,
			       struct run *r)
{
	struct kmsg_record rec = { .seq = seq, .usec = usec, .msg = msg, .msg_len = strlen(msg) };
	struct counts n = { 0 };

	a->on_kill = tally_kill;
	a->on_kill_arg = &n;
	tally(&n, attrib_feed(a, r, &rec));
	attrib_flush(a, r);
	a->on_kill = NULL;
	return n;
}

/* Lines read by one drain: fed, then flushed once. */
static struct counts feed_lines(const char *const *msgs, unsigned nmsg, struct attrib *a,
				struct run *r)
{
	struct counts n = { 0 };

	a->on_kill = tally_kill;
	a->on_kill_arg = &n;
	for (unsigned i = 0; i < nmsg; i++) {
		struct kmsg_record rec = { .seq = 1000 + i,
					   .usec = 1000000 + i * 1000,
					   .msg = msgs[i],
					   .msg_len = strlen(msgs[i]) };

		tally(&n, attrib_feed(a, r, &rec));
	}
	attrib_flush(a, r);
	a->on_kill = NULL;
	return n;
}

/* A text capture (dmesg, syslog), one message per line. */
static struct counts feed_text(const char *path, struct attrib *a, struct run *r)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	struct counts n = { 0 };
	char line[4096];
	uint64_t seq = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		struct counts one;

		if (line[0] == '#')
			continue;
		line[strcspn(line, "\n")] = 0;
		seq++;
		one = feed_line(oom_strip_prefix(line), seq, seq * 1000, a, r);
		n.kill += one.kill, n.dup += one.dup, n.foreign += one.foreign;
		n.escaped += one.escaped, n.marker += one.marker, n.panic += one.panic;
	}
	return n;
}

static struct run *run_with(const char *cgroup, const pid_t *pids, unsigned npids)
{
	struct run *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	snprintf(r->cgroup, sizeof(r->cgroup), "%s", cgroup);
	for (unsigned i = 0; i < npids; i++) {
		struct instance *in = &r->inst[r->ninst++];

		snprintf(in->name, sizeof(in->name), "hog.%u", i + 1);
		in->spec = &spec_plain;
		in->pid = pids[i];
		in->pidfd = -1;
		in->kmsg_kill_idx = -1;
	}
	return r;
}

/* 6.18, v1 memcg: four kills in the run's memcg, two of them workers; the
 * other two (timeout, press) were in the memcg too, so they are ours. */
static void test_618_memcg_ours(void **state)
{
	static const pid_t pids[] = { 4413, 4414 };
	struct attrib a = { .confined = true, .helper_pid = 4418 };
	struct run *r = run_with(CG618, pids, 2);
	struct counts n = feed_raw(FIX "kmsg-6.18-memcg-raw.txt", &a, r);

	assert_int_equal(n.kill, 4);
	assert_int_equal(n.escaped + n.foreign + n.dup, 0);
	assert_int_equal(r->nkills, 4);
	assert_int_equal(r->kills[0].killed.pid, 4414);
	assert_true(r->kills[0].has_constraint);
	assert_non_null(strstr(r->kills[0].constraint_line, "task=hog,pid=4414"));
	assert_int_equal(r->kills[0].instance, 1);
	assert_int_equal(r->kills[1].instance, 0);
	assert_int_equal(r->kills[2].instance, -1); /* timeout: in the memcg, not a worker */
	assert_int_equal(r->inst[1].kill_order, 1);
	assert_int_equal(r->inst[0].kill_order, 2);
	assert_true(r->inst[0].killed && r->inst[1].killed);
	assert_int_equal(r->inst[1].kmsg_kill_idx, 0);
	/* victims count the dead, not the logged */
	assert_int_equal(observe_victims(r), 0);
	r->inst[0].died = r->inst[1].died = true;
	assert_int_equal(observe_deaths(r), 2);
	assert_int_equal(observe_victims(r), 2);
	attrib_free(&a);
	free(r);
}

/* The same log seen by a concurrent run in a sibling memcg: nothing is its. */
static void test_618_sibling_run_foreign(void **state)
{
	static const pid_t pids[] = { 999001, 999002 };
	struct attrib a = { .confined = true, .helper_pid = 999003 };
	struct run *r = run_with("/process_api/ca15a485d53abba314124b5a3267cbb0/exp2", pids, 2);
	struct counts n = feed_raw(FIX "kmsg-6.18-memcg-raw.txt", &a, r);

	assert_int_equal(n.foreign, 4);
	assert_int_equal(n.kill + n.escaped, 0);
	assert_int_equal(r->nkills, 0);
	/* "/exp1" is not under "/exp" */
	r->nkills = 0;
	snprintf(r->cgroup, sizeof(r->cgroup), "%s",
		 "/process_api/ca15a485d53abba314124b5a3267cbb0/exp");
	n = feed_raw(FIX "kmsg-6.18-memcg-raw.txt", &a, r);
	assert_int_equal(n.foreign, 4);
	attrib_free(&a);
	free(r);
}

/* A run cgroup below the memcg whose limit was hit: the OOM came from a
 * limit above ours, so the run's own limit did not hold: escaped. */
static void test_618_ancestor_domain_escaped(void **state)
{
	static const pid_t pids[] = { 4413, 4414 };
	struct attrib a = { .confined = true };
	struct run *r = run_with(CG618 "/oomlab-1-x", pids, 2);
	struct counts n = feed_raw(FIX "kmsg-6.18-memcg-raw.txt", &a, r);

	assert_true(n.escaped > 0);
	assert_non_null(strstr(a.escaped, "the machine ran out of memory, not the memcg"));
	assert_non_null(strstr(a.escaped, CG618));
	assert_int_equal(r->nkills, 0);
	attrib_free(&a);
	free(r);
}

/* Our PID killed by an OOM of another memcg (its task_memcg not ours). */
static void test_618_our_pid_elsewhere_escaped(void **state)
{
	static const pid_t pids[] = { 4414 };
	struct attrib a = { .confined = true };
	struct run *r = run_with("/somewhere/else", pids, 1);
	struct counts n = feed_raw(FIX "kmsg-6.18-memcg-raw.txt", &a, r);

	assert_true(n.escaped > 0);
	assert_non_null(strstr(a.escaped, "PID 4414 (hog)"));
	attrib_free(&a);
	free(r);
}

/* A global OOM (",global_oom", CONSTRAINT_NONE) during a confined run is
 * escaped, whoever it killed; in a VM global run (not confined) it is the
 * run's kill. The capture has only the constraint line; its "Killed" line
 * is written here in the 5.x form. */
static void test_global_oom(void **state)
{
	static const char killed[] = "Out of memory: Killed process 7134 (java) total-vm:100kB, "
				     "anon-rss:50kB, file-rss:0kB, shmem-rss:0kB";
	static const pid_t pids[] = { 7134 };
	struct attrib a = { .confined = true };
	struct run *r = run_with("/oomlab/run", pids, 1);
	struct counts n = feed_text(FIX "kmsg-5.x-global-constraint.txt", &a, r);

	assert_int_equal(n.escaped, 1);
	assert_non_null(strstr(a.escaped, "CONSTRAINT_NONE"));
	assert_non_null(strstr(a.escaped, "PID 7134 (java)"));
	n = feed_line(killed, 100, 100, &a, r);
	assert_int_equal(n.escaped, 1);
	assert_int_equal(r->nkills, 0);
	free(r);

	r = run_with("", pids, 1);
	attrib_free(&a);
	memset(&a, 0, sizeof(a));
	n = feed_text(FIX "kmsg-5.x-global-constraint.txt", &a, r);
	assert_int_equal(n.escaped, 0);
	n = feed_line(killed, 100, 100, &a, r);
	assert_int_equal(n.kill, 1);
	assert_int_equal(r->nkills, 1);
	assert_true(r->kills[0].has_constraint);
	assert_int_equal(r->kills[0].constraint.constraint, OOM_CONSTRAINT_NONE);
	assert_int_equal(r->inst[0].kill_order, 1);
	attrib_free(&a);
	free(r);
}

/* 4.8: no constraint line, so ours is decided by PID alone. */
static void test_48_by_pid(void **state)
{
	static const pid_t pids[] = { 71414 };
	struct attrib a = { .confined = true };
	struct run *r = run_with("/docker/x", pids, 1);
	struct counts n = feed_text(FIX "kmsg-4.8-memcg.txt", &a, r);

	assert_int_equal(n.kill, 1);
	assert_int_equal(n.foreign, 1); /* 123841 */
	assert_int_equal(r->kills[0].killed.pid, 71414);
	assert_false(r->kills[0].has_constraint);
	attrib_free(&a);
	free(r);
}

/* memory.oom.group: the same PID logged twice counts once; the kill time
 * comes from the run's trigger marker. */
static void test_dup_and_marker(void **state)
{
	static const pid_t pids[] = { 10401 };
	struct attrib a = { .confined = true };
	struct run *r = run_with(
		"/process_api/12c8a8eeeba4cc56d8d643ca2514554f/oomlab-capture-10389", pids, 1);
	struct counts n;

	snprintf(a.token, sizeof(a.token), "run-7-42");
	n = feed_line("oomlab: run-7-41 trigger pressure", 1, 546000000, &a, r);
	assert_int_equal(n.marker, 0); /* another run's marker */
	n = feed_line("oomlab: run-7-42 trigger pressure", 2, 546149048, &a, r);
	assert_int_equal(n.marker, 1);
	n = feed_raw(FIX "kmsg-6.18-memcg-mthread-raw.txt", &a, r);
	assert_int_equal(n.kill, 1);
	assert_int_equal(r->inst[0].kill_order, 1);
	/* Killed at 546249081 us, marker at 546149048 us */
	assert_true(r->inst[0].kill_ms > 100.0 && r->inst[0].kill_ms < 100.1);
	n = feed_raw(FIX "kmsg-6.18-memcg-mthread-raw.txt", &a, r);
	assert_int_equal(n.dup, 1);
	assert_int_equal(r->nkills, 1);
	attrib_free(&a);
	free(r);
}

/* A shared-mm worker dies with whichever of its mm sharers was picked;
 * a fork-tree child sacrificed for its parent is a victim. */
static void test_children(void **state)
{
	static const pid_t pids[] = { 4000, 4001 };
	struct attrib a = { .confined = false };
	struct run *r = run_with("", pids, 2);
	int inst, child_of;
	struct counts n;

	r->inst[0].spec = &spec_shared;
	r->inst[0].nchild = 1;
	r->inst[0].child_pids[0] = 4414;
	r->inst[1].nchild = 1;
	r->inst[1].child_pids[0] = 4413;
	observe_pid_owner(r, 4001, &inst, &child_of);
	assert_int_equal(inst, 1);
	assert_int_equal(child_of, -1);
	observe_pid_owner(r, 4413, &inst, &child_of);
	assert_int_equal(inst, -1);
	assert_int_equal(child_of, 1);
	observe_pid_owner(r, 1, &inst, &child_of);
	assert_int_equal(inst, -1);
	assert_int_equal(child_of, -1);

	n = feed_raw(FIX "kmsg-6.18-memcg-raw.txt", &a, r);
	assert_int_equal(n.kill, 4);		    /* not confined: every kill is the run's */
	assert_int_equal(r->kills[0].instance, 0);  /* 4414: shared-mm sharer of inst 0 */
	assert_int_equal(r->kills[1].instance, -1); /* 4413: fork-tree child of inst 1 */
	assert_int_equal(r->kills[1].child_of, 1);
	assert_true(r->inst[0].killed);
	assert_false(r->inst[1].killed);
	assert_int_equal(observe_victims(r), 1); /* the sacrificed child */
	attrib_free(&a);
	free(r);
}

/* A pattern worker read as a tree at the snapshot (fork-tree: its leaf
 * held three processes) is its tree: the kill of its child 4413 is its
 * kill, counted once as a victim, and a later kill of another of its
 * processes does not move its kill_order. Without a tree (test_children)
 * the same kill stays a sacrificed child. */
static void test_tree_child_is_worker(void **state)
{
	static const pid_t pids[] = { 4000, 4001 };
	struct attrib a = { .confined = false };
	struct run *r = run_with("", pids, 2);
	struct ptree t = { .n = 3, .top = 1 };
	struct counts n;

	t.p[0] = (struct ptree_proc){ .pid = 4001, .ppid = 1, .comm = "big" };
	t.p[1] = (struct ptree_proc){ .pid = 4413, .ppid = 4001, .comm = "big.c0" };
	t.p[2] = (struct ptree_proc){ .pid = 4414, .ppid = 4001, .comm = "big.c1" };
	r->inst[1].tree = &t;
	r->inst[1].nchild = 2;
	r->inst[1].child_pids[0] = 4413;
	r->inst[1].child_pids[1] = 4414;

	n = feed_raw(FIX "kmsg-6.18-memcg-raw.txt", &a, r);
	assert_int_equal(n.kill, 4);
	/* 4414 is killed first, then 4413: both big's, its first kill counts */
	assert_int_equal(r->kills[0].instance, 1);
	assert_int_equal(r->kills[1].instance, 1);
	assert_int_equal(r->kills[1].child_of, 1);
	assert_true(r->inst[1].killed);
	assert_int_equal(r->inst[1].kill_order, 1);
	assert_int_equal(r->inst[1].kmsg_kill_idx, 0);
	assert_false(r->inst[0].killed);
	/* alive (waitid saw no death of 4001), but a victim: once */
	assert_int_equal(observe_victims(r), 1);
	r->inst[1].tree = NULL;
	attrib_free(&a);
	free(r);
}

/* 3.10 (RHEL 7), before 4.19's oom-kill: line: the victim's memcg is only
 * in "Task in /0 killed as a result of limit of /0", lines before the
 * kill. The run in /0 owns 42421 by its memcg though the PID is not one
 * it started; a run in /1 whose PID it is sees its task killed by an OOM
 * outside its domain. */
static void test_310_task_in_memcg(void **state)
{
	static const pid_t pids[] = { 42421 };
	struct attrib a = { .confined = true };
	struct run *r = run_with("/0", NULL, 0);
	struct counts n = feed_text(FIX "kmsg-3.10-rhel7-memcg.txt", &a, r);

	assert_int_equal(n.kill, 1);
	assert_int_equal(n.foreign, 6); /* the kills with no "Task in" line */
	assert_int_equal(n.escaped, 0);
	assert_int_equal(r->nkills, 1);
	assert_int_equal(r->kills[0].killed.pid, 42421);
	assert_true(r->kills[0].has_constraint);
	assert_string_equal(r->kills[0].constraint.oom_memcg, "/0");
	assert_string_equal(r->kills[0].constraint.task_memcg, "/0");
	assert_non_null(strstr(r->kills[0].constraint_line, "Task in /0 killed"));
	assert_non_null(strstr(r->kills[0].line, "Killed process 42421"));
	assert_int_equal(r->kills[0].instance, -1);
	attrib_free(&a);
	free(r);

	memset(&a, 0, sizeof(a));
	a.confined = true;
	r = run_with("/1", pids, 1);
	n = feed_text(FIX "kmsg-3.10-rhel7-memcg.txt", &a, r);
	assert_int_equal(n.kill, 0);
	assert_int_equal(n.escaped, 1);
	assert_non_null(strstr(a.escaped, "PID 42421 (memcg_test_1)"));
	assert_int_equal(r->nkills, 0);
	attrib_free(&a);
	free(r);
}

/* 2.6.36 - 5.2: "Kill process P ... or sacrifice child" then the child's
 * "Killed" line: a child forked after the snapshot is the chosen worker's,
 * a victim of the run. */
static void test_sacrificed_child(void **state)
{
	static const char *const msgs[] = {
		"Task in /r killed as a result of limit of /r",
		"memory: usage 1024kB, limit 1024kB, failcnt 7",
		"Memory cgroup out of memory: Kill process 5000 (parent) score 900 or sacrifice child",
		"Killed process 5001 (kid) total-vm:100kB, anon-rss:50kB, file-rss:0kB, "
		"shmem-rss:0kB",
	};
	static const pid_t pids[] = { 4999, 5000 };
	struct attrib a = { .confined = true };
	struct run *r = run_with("/r", pids, 2);
	struct counts n = feed_lines(msgs, 4, &a, r);

	assert_int_equal(n.kill, 1);
	assert_int_equal(n.foreign + n.escaped + n.dup, 0);
	assert_int_equal(r->kills[0].killed.pid, 5001);
	assert_int_equal(r->kills[0].instance, -1);
	assert_int_equal(r->kills[0].child_of, 1);
	assert_true(r->kills[0].has_constraint);
	assert_string_equal(r->kills[0].constraint.oom_memcg, "/r");
	/* "Task in" names the chosen task's memcg, not the child's */
	assert_string_equal(r->kills[0].constraint.task_memcg, "");
	assert_false(r->inst[1].killed);
	assert_int_equal(observe_victims(r), 1);
	attrib_free(&a);
	free(r);

	/* the chosen task not ours either: another memcg's */
	memset(&a, 0, sizeof(a));
	a.confined = true;
	r = run_with("/r", pids, 1);
	n = feed_lines(msgs, 4, &a, r);
	assert_int_equal(n.foreign, 1);
	assert_int_equal(r->nkills, 0);
	attrib_free(&a);
	free(r);
}

/* >= 4.19 memory.oom.group: the oom-kill: line names the victim only; the
 * other members' memcg is the group's, and the victim may be logged twice. */
static void test_group_kill(void **state)
{
	static const char *const msgs[] = {
		"oom-kill:constraint=CONSTRAINT_MEMCG,nodemask=(null),cpuset=/,mems_allowed=0,"
		"oom_memcg=/r,task_memcg=/r/g,task=big,pid=6000,uid=0",
		"Memory cgroup out of memory: Killed process 6000 (big) total-vm:1000kB, "
		"anon-rss:900kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:100kB oom_score_adj:0",
		"Tasks in /r/g are going to be killed due to memory.oom.group set",
		"Memory cgroup out of memory: Killed process 6001 (helper) total-vm:1000kB, "
		"anon-rss:90kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:10kB oom_score_adj:0",
		"Memory cgroup out of memory: Killed process 6000 (big) total-vm:1000kB, "
		"anon-rss:0kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:0kB oom_score_adj:0",
	};
	static const pid_t pids[] = { 6000 };
	struct attrib a = { .confined = true };
	struct run *r = run_with("/r", pids, 1);
	struct counts n = feed_lines(msgs, 5, &a, r);

	assert_int_equal(n.kill, 2);
	assert_int_equal(n.foreign + n.escaped, 0);
	assert_int_equal(r->nkills, 2);
	assert_int_equal(r->kills[0].killed.pid, 6000);
	assert_non_null(strstr(r->kills[0].constraint_line, "task=big,pid=6000"));
	assert_string_equal(r->kills[0].constraint.task_memcg, "/r/g");
	assert_int_equal(r->kills[1].killed.pid, 6001);
	assert_true(r->kills[1].has_constraint);
	assert_int_equal(r->kills[1].constraint.constraint, OOM_CONSTRAINT_MEMCG);
	assert_string_equal(r->kills[1].constraint.oom_memcg, "/r");
	assert_string_equal(r->kills[1].constraint.task_memcg, "/r/g");
	assert_int_equal(r->kills[1].usec, 1003000);
	assert_int_equal(r->inst[0].kill_order, 1);
	attrib_free(&a);
	free(r);

	/* a drain between each line: the victim's second line is a dup */
	memset(&a, 0, sizeof(a));
	a.confined = true;
	r = run_with("/r", pids, 1);
	n = (struct counts){ 0 };
	for (unsigned i = 0; i < 5; i++) {
		struct counts one = feed_line(msgs[i], 1 + i, 1000 * (1 + i), &a, r);

		n.kill += one.kill, n.dup += one.dup, n.foreign += one.foreign;
	}
	assert_int_equal(n.kill, 2);
	assert_int_equal(n.dup, 1);
	assert_int_equal(n.foreign, 0);
	assert_string_equal(r->kills[1].constraint.task_memcg, "/r/g");
	attrib_free(&a);
	free(r);

	/* a sibling run sees none of it */
	memset(&a, 0, sizeof(a));
	a.confined = true;
	r = run_with("/s", NULL, 0);
	n = feed_lines(msgs, 5, &a, r);
	assert_int_equal(n.foreign, 2);
	assert_int_equal(r->nkills, 0);
	attrib_free(&a);
	free(r);
}

static void test_cgroup_under(void **state)
{
	assert_true(observe_cgroup_under("/a/b", "/a"));
	assert_true(observe_cgroup_under("/a", "/a"));
	assert_false(observe_cgroup_under("/ab", "/a"));
	assert_false(observe_cgroup_under("/a", "/a/b"));
	assert_true(observe_cgroup_under("/a", "/"));
}

static void test_panic(void **state)
{
	struct attrib a = { 0 };
	struct run *r = run_with("", NULL, 0);
	struct counts n = feed_line("Kernel panic - not syncing: Out of memory: system-wide "
				    "panic_on_oom is enabled",
				    1, 1, &a, r);

	assert_int_equal(n.panic, 1);
	assert_true(r->panicked);
	attrib_free(&a);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_618_memcg_ours),
		cmocka_unit_test(test_618_sibling_run_foreign),
		cmocka_unit_test(test_618_ancestor_domain_escaped),
		cmocka_unit_test(test_618_our_pid_elsewhere_escaped),
		cmocka_unit_test(test_global_oom),
		cmocka_unit_test(test_48_by_pid),
		cmocka_unit_test(test_dup_and_marker),
		cmocka_unit_test(test_children),
		cmocka_unit_test(test_tree_child_is_worker),
		cmocka_unit_test(test_310_task_in_memcg),
		cmocka_unit_test(test_sacrificed_child),
		cmocka_unit_test(test_group_kill),
		cmocka_unit_test(test_cgroup_under),
		cmocka_unit_test(test_panic),
	};

	return cmocka_run_group_tests_name("observe", tests, NULL, NULL);
}
