// SPDX-License-Identifier: MIT
/*
 * Verdict on runs built by hand from the real 6.18 memcg capture
 * (tests/fixtures/kmsg/kmsg-6.18-memcg-raw.txt): the first OOM's Tasks
 * state rows give the instances, its kill lines give the kill order.
 */
#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "badness.h"
#include "run.h"
#include "util.h"
#include "verdict.h"

/* MemTotal of the development machine in pages: /proc oom_score's base */
#define MACHINE_PAGES (24684096ULL / 4)

struct fx {
	struct profile *p;
	struct run *r;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->p = calloc(1, sizeof(*f->p));
	f->r = calloc(1, sizeof(*f->r));
	if (!f->p || !f->r)
		return -1;
	f->r->profile = f->p;
	f->r->era = OOM_ERA_AUTO;
	snprintf(f->r->kernel, sizeof(f->r->kernel), "6.18.44-fc-v595");
	f->r->cg_version = CG_V1;
	/* "memory: usage 131072kB, limit 131072kB": 32768 pages */
	f->r->totalpages = 32768;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	run_free_notes(f->r);
	free(f->r);
	free(f->p);
	free(f);
	return 0;
}

/* One worker + its one instance, from a "Tasks state" row. */
static struct instance *add(struct fx *f, const char *name, pid_t pid, uint64_t rss,
			    uint64_t pgtables_bytes, int adj, enum expect_kind ex, unsigned pos)
{
	struct worker_spec *w = &f->p->workers[f->p->nworkers++];
	struct instance *in = &f->r->inst[f->r->ninst++];

	snprintf(w->name, sizeof(w->name), "%s", name);
	w->oom_score_adj = adj;
	w->count = 1;
	w->expect = ex;
	w->expect_pos = pos;
	snprintf(in->name, sizeof(in->name), "%s", name);
	in->spec = w;
	in->pid = pid;
	in->kmsg_kill_idx = -1;
	in->rss_bytes = rss * 4096;
	in->pgtables_bytes = pgtables_bytes;
	in->oom_score_adj = adj;
	in->task.pid = pid;
	snprintf(in->task.name, sizeof(in->task.name), "%s", name);
	in->task.rss_pages = rss;
	in->task.pgtables_bytes = pgtables_bytes;
	in->task.oom_score_adj = adj;
	in->task.is_leader = true;
	return in;
}

/* What the kernel logged: "Memory cgroup out of memory: Killed process N" */
static void log_kill(struct fx *f, pid_t pid, const char *comm)
{
	struct run *r = f->r;
	struct kill_record *k = &r->kills[r->nkills];

	memset(k, 0, sizeof(*k));
	k->killed.type = OOM_EV_KILLED;
	k->killed.pid = pid;
	k->killed.memcg = true;
	snprintf(k->killed.comm, sizeof(k->killed.comm), "%s", comm);
	k->instance = -1;
	k->child_of = -1;
	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];
		unsigned order = 0;

		if (in->pid != pid)
			continue;
		for (unsigned j = 0; j < r->nkills; j++)
			order += r->kills[j].instance >= 0;
		k->instance = (int)i;
		in->killed = in->died = true;
		in->exit_code = CLD_KILLED;
		in->exit_status = SIGKILL;
		in->kill_order = order + 1;
		in->kmsg_kill_idx = (int)r->nkills;
	}
	r->nkills++;
	r->counters_after.oom_kill++;
}

static bool has_note(const struct run *r, const char *a, const char *b)
{
	for (unsigned i = 0; i < r->nnotes; i++)
		if (strstr(r->notes[i], a) && (!b || strstr(r->notes[i], b)))
			return true;
	return false;
}

static void dump_notes(const struct run *r)
{
	printf("  reason: %s\n", r->reason);
	for (unsigned i = 0; i < r->nnotes; i++)
		printf("  note: %s\n", r->notes[i]);
}

/*
 * The capture's first OOM, scan order as the kernel dumped it:
 *   [4414] hog rss 5431 pgtables 86016 adj 500 -> 5452 + 500*32 = 21452
 *   [4413] hog rss 10566 pgtables 126976 adj 0 -> 10597
 * The kernel killed 4414, then 4413, then timeout and press (not ours).
 */
static void capture(struct fx *f, enum expect_kind ex_small, unsigned pos_small,
		    enum expect_kind ex_big, unsigned pos_big)
{
	struct instance *s = add(f, "small", 4414, 5431, 86016, 500, ex_small, pos_small);
	struct instance *b = add(f, "big", 4413, 10566, 126976, 0, ex_big, pos_big);

	verdict_predict(f->r);
	/* /proc/PID/oom_score at the snapshot, machine-scaled (>= 5.9) */
	s->proc_oom_score = oom_score_proc(
		oom_badness(OOM_ERA_4_17, &s->task, MACHINE_PAGES).points, MACHINE_PAGES);
	b->proc_oom_score = oom_score_proc(
		oom_badness(OOM_ERA_4_17, &b->task, MACHINE_PAGES).points, MACHINE_PAGES);
	log_kill(f, 4414, "hog");
	log_kill(f, 4413, "hog");
	log_kill(f, 4417, "timeout");
	log_kill(f, 4418, "press");
}

static void test_pass_capture(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	capture(f, EXPECT_KILLED_NTH, 1, EXPECT_KILLED_NTH, 2);
	assert_int_equal(r->era, OOM_ERA_4_17);
	assert_int_equal(r->inst[0].predicted_rank, 1);
	assert_int_equal(r->inst[1].predicted_rank, 2);
	assert_int_equal((long)r->inst[0].predicted.points, 21452);
	assert_int_equal((long)r->inst[1].predicted.points, 10597);
	/* (21452 - 10597) * 100 / 32768 = 33.13 */
	assert_true(fabs(verdict_margin_pct(r, 1, 2) - 33.127) < 0.01);
	assert_true(isnan(verdict_margin_pct(r, 1, 3)));
	verdict_decide(r);
	dump_notes(r);
	assert_int_equal(r->outcome, OUTCOME_PASS);
	assert_string_equal(r->reason, "small killed 1st as expected; big killed 2nd as expected");
	assert_true(has_note(r, "predicted victim small (points 21452", "margin 33.13%"));
	assert_true(has_note(r, "runner-up big (points 10597)", NULL));
	/* 4 kill records, 4 distinct PIDs, counter +4: nothing to say */
	assert_false(has_note(r, "oom_kill went up", NULL));
}

/* The SRE's belief "the biggest dies first" against the capture */
static void test_fail_biggest_first(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	capture(f, EXPECT_ANY, 0, EXPECT_KILLED_NTH, 1);
	verdict_decide(r);
	dump_notes(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_string_equal(r->reason,
			    "small was killed 1st but big was expected (big was killed 2nd)");
	/* (21452 - 10597) / 32768 = 33.13% apart, and the model agrees */
	assert_true(has_note(r, "the 4.17 model ranks small above big too",
			     "33.13% of totalpages=32768 apart"));
}

/*
 * The /proc trap, with the capture's memcg (32768 pages): an 80 MiB adj-0
 * hog and a 4 MiB adj-500 task. /proc (machine-scaled) shows the small
 * one at 1000 and the big one at 668, the memcg OOM ranks big 20491 over
 * small 17026 (see test-badness.c for the arithmetic). The kill order is
 * the one the model gives, not a capture.
 */
static void test_proc_vs_memcg(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;
	struct instance *s = add(f, "small", 101, 1024, 8192, 500, EXPECT_ANY, 0);
	struct instance *b = add(f, "big", 102, 20480, 45056, 0, EXPECT_KILLED_NTH, 1);

	verdict_predict(r);
	s->proc_oom_score = 1000;
	b->proc_oom_score = 668;
	assert_int_equal(oom_score_proc(oom_badness(OOM_ERA_4_17, &s->task, MACHINE_PAGES).points,
					MACHINE_PAGES),
			 1000);
	log_kill(f, 102, "big");
	verdict_decide(r);
	dump_notes(r);
	assert_int_equal(r->outcome, OUTCOME_PASS);
	assert_true(has_note(r,
			     "the kernel chose big although /proc/PID/oom_score ranked "
			     "small higher (1000 vs 668)",
			     "memcg limit (totalpages=32768)"));
	assert_true(has_note(r, "big scores 20491 and small 17026", NULL));
}

/*
 * Two equal hogs: on 4.17+ the later one in scan order is chosen. The
 * kernel killing the first one is explained as a tie, not as a model miss.
 */
static void test_tie(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	add(f, "hog.2", 201, 25600, 0, 0, EXPECT_ANY, 0);
	add(f, "hog.3", 202, 25600, 0, 0, EXPECT_KILLED_NTH, 1);
	verdict_predict(r);
	assert_int_equal(r->inst[1].predicted_rank, 1);
	log_kill(f, 201, "hog.2");
	verdict_decide(r);
	dump_notes(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_string_equal(r->reason,
			    "hog.2 was killed 1st but hog.3 was expected (hog.3 survived)");
	assert_true(has_note(r, "predicted points 25600 vs 25600: a tie", "LATER"));
	assert_true(has_note(r, "the kernel killed hog.2 first, the model predicted hog.3", NULL));
}

/* 25702 vs 25600 pages in 32768: 0.31% apart, a near-tie */
static void test_near_tie(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	add(f, "hog.2", 201, 25600, 0, 0, EXPECT_ANY, 0);
	add(f, "hog.3", 202, 25702, 0, 0, EXPECT_KILLED_NTH, 1);
	verdict_predict(r);
	log_kill(f, 201, "hog.2");
	verdict_decide(r);
	dump_notes(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_true(has_note(r,
			     "predicted points 25600 vs 25702 (0.31% of totalpages=32768 "
			     "apart): a near-tie",
			     NULL));
}

/* memory.oom.group: the counter counted one task twice */
static void test_counter_disagreement(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	f->p->oom_group = true;
	capture(f, EXPECT_KILLED, 0, EXPECT_KILLED, 0);
	r->counters_before.oom_kill = 2;
	r->counters_after.oom_kill = 2 + 5; /* 4 distinct PIDs logged */
	verdict_decide(r);
	dump_notes(r);
	assert_int_equal(r->outcome, OUTCOME_PASS);
	assert_string_equal(r->reason, "small killed as expected; big killed as expected");
	assert_true(has_note(r, "oom_kill went up by 5 but the kernel log names 4 distinct",
			     "memory.oom.group"));
}

/* Deaths that are not the kernel's kills, and lost records */
static void test_not_a_kernel_kill(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;
	struct instance *c;

	capture(f, EXPECT_KILLED_NTH, 1, EXPECT_ANY, 0);
	c = add(f, "crash", 300, 100, 4096, 0, EXPECT_ANY, 0);
	c->died = true;
	c->exit_code = CLD_EXITED;
	c->exit_status = 1;
	verdict_decide(r);
	dump_notes(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_string_equal(r->reason, "crash (pid 300) exited with status 1: not a kernel kill");
}

static void test_sigkill_records_lost(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;
	struct instance *c;

	capture(f, EXPECT_KILLED_NTH, 1, EXPECT_ANY, 0);
	c = add(f, "other", 301, 100, 4096, 0, EXPECT_ANY, 0);
	c->died = true;
	c->exit_code = CLD_KILLED;
	c->exit_status = SIGKILL;
	r->kmsg_lost = 3;
	verdict_decide(r);
	dump_notes(r);
	/* cannot tell: the record may have been lost; said, not failed */
	assert_int_equal(r->outcome, OUTCOME_PASS);
	assert_true(has_note(r, "other (pid 301) died of signal 9 without a kernel kill record",
			     "3 kernel log records were lost"));
	assert_true(has_note(r, "3 kernel log records were lost (EPIPE)", NULL));

	/* the same without lost records is a finding */
	run_free_notes(r);
	r->kmsg_lost = 0;
	r->outcome = OUTCOME_PASS;
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_string_equal(r->reason,
			    "other (pid 301) died of signal 9 without a kernel kill record");
}

static void test_survives(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	capture(f, EXPECT_SURVIVES, 0, EXPECT_ANY, 0);
	verdict_decide(r);
	dump_notes(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_string_equal(r->reason, "small was expected to survive but was killed 1st");
	/* 21452 * 100 / 32768 = 65.47 */
	assert_true(has_note(r, "predicted rank 1 of 2, points 21452 (65.47% of", NULL));
}

static void test_panic(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	f->p->run_expect = RUN_EXPECT_PANIC;
	add(f, "hog", 401, 20000, 0, 0, EXPECT_ANY, 0);
	verdict_predict(r);
	r->panicked = true;
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_PASS);
	assert_string_equal(r->reason, "the kernel panicked on OOM as expected");

	r->panicked = false;
	log_kill(f, 401, "hog");
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_string_equal(r->reason,
			    "expected a kernel panic on OOM, none seen (1 kill record(s))");

	/* and a panic nobody expected */
	f->p->run_expect = RUN_EXPECT_KILLS;
	r->panicked = true;
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_string_equal(r->reason, "the kernel panicked");
}

static void test_alloc_fail(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;
	struct instance *in;

	f->p->run_expect = RUN_EXPECT_ALLOC_FAIL;
	in = add(f, "hog", 401, 20000, 0, 0, EXPECT_SURVIVES, 0);
	verdict_predict(r);
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_string_equal(r->reason, "expected an allocation failure, none reported "
				       "(0 kill record(s))");

	run_free_notes(r);
	r->alloc_failed = true;
	/* the worker gave up and exited: expected under overcommit=2 */
	in->spec = NULL;
	in->died = true;
	in->exit_code = CLD_EXITED;
	in->exit_status = 1;
	verdict_decide(r);
	dump_notes(r);
	assert_int_equal(r->outcome, OUTCOME_PASS);
	assert_string_equal(r->reason, "allocation failed as expected; no expectation; "
				       "0 kill record(s)");
	assert_true(has_note(r, "exited with status 1", "expected with allocation failures"));
}

static void test_brok_untouched(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	capture(f, EXPECT_KILLED_NTH, 2, EXPECT_ANY, 0);
	r->outcome = OUTCOME_BROK;
	snprintf(r->reason, sizeof(r->reason), "cannot create the run's memory cgroup");
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_BROK);
	assert_string_equal(r->reason, "cannot create the run's memory cgroup");
	r->outcome = OUTCOME_SKIP;
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_SKIP);
}

/* older eras: the margin of per-mille scores is /10 */
static void test_margin_2_6_36(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	snprintf(r->kernel, sizeof(r->kernel), "3.2.0-4-amd64");
	capture(f, EXPECT_ANY, 0, EXPECT_ANY, 0);
	assert_int_equal(r->era, OOM_ERA_2_6_36);
	/* small: 5452*1000/32768 = 166 + 500 = 666; big: 10597000/32768 = 323 */
	assert_int_equal((long)r->inst[0].predicted.points, 666);
	assert_int_equal((long)r->inst[1].predicted.points, 323);
	assert_true(fabs(verdict_margin_pct(r, 1, 2) - 34.3) < 1e-9);
}

static void test_notes(void **state)
{
	struct fx *f = *state;
	struct run *r = f->r;

	assert_string_equal(outcome_name(OUTCOME_PASS), "pass");
	assert_string_equal(outcome_name(OUTCOME_FAIL), "fail");
	assert_string_equal(outcome_name(OUTCOME_BROK), "broken");
	assert_string_equal(outcome_name(OUTCOME_SKIP), "skip");
	for (unsigned i = 0; i < RUN_MAX_NOTES + 10; i++)
		run_note(r, "note %u", i);
	assert_int_equal(r->nnotes, RUN_MAX_NOTES);
	assert_string_equal(r->notes[0], "note 0");
	assert_string_equal(r->notes[RUN_MAX_NOTES - 2], "note 62");
	assert_non_null(strstr(r->notes[RUN_MAX_NOTES - 1], "dropped"));
	run_free_notes(r);
	assert_int_equal(r->nnotes, 0);
	assert_null(r->notes[0]);
	run_free_notes(r);
	run_free_notes(NULL);
}

/*
 * Every era's tie rule, as its line in the era table says: the model's
 * victim follows the rule, and the explanation quotes it.
 */
static void test_tie_every_era(void **state)
{
	for (unsigned e = 0; e < oom_era_count; e++) {
		const struct oom_era_info *ei = &oom_eras[e];
		struct fx *f = NULL;
		struct run *r;
		struct instance *first, *later, *want, *other;

		assert_int_equal(setup((void **)&f), 0);
		r = f->r;
		r->era = ei->era;
		r->era_forced = true;
		first = add(f, "hog.2", 201, 25600, 0, 0, EXPECT_ANY, 0);
		later = add(f, "hog.3", 202, 25600, 0, 0, EXPECT_ANY, 0);
		first->task.total_vm_pages = later->task.total_vm_pages = 25600;
		verdict_predict(r);
		want = ei->tie == OOM_TIE_LATER ? later : first;
		other = want == first ? later : first;
		assert_int_equal(want->predicted_rank, 1);
		((struct worker_spec *)want->spec)->expect = EXPECT_KILLED_NTH;
		((struct worker_spec *)want->spec)->expect_pos = 1;
		log_kill(f, other->pid, other->name);
		verdict_decide(r);
		assert_int_equal(r->outcome, OUTCOME_FAIL);
		assert_true(has_note(r, "a tie", oom_tie_rule(ei->tie)));
		teardown((void **)&f);
	}
}

/* One table of outcome spellings: every name parses back to its outcome. */
static void test_outcome_table(void **state)
{
	static const struct {
		enum outcome o;
		const char *name, *word, *junit;
	} want[] = {
		{ OUTCOME_PASS, "pass", "PASS", NULL },
		{ OUTCOME_FAIL, "fail", "FAIL", "failure" },
		{ OUTCOME_BROK, "broken", "BROK", "error" },
		{ OUTCOME_SKIP, "skip", "SKIP", "skipped" },
	};
	enum outcome o = OUTCOME_PASS;

	for (size_t i = 0; i < ARRAY_SIZE(want); i++) {
		assert_string_equal(outcome_name(want[i].o), want[i].name);
		assert_string_equal(outcome_word(want[i].o), want[i].word);
		if (want[i].junit)
			assert_string_equal(outcome_junit(want[i].o), want[i].junit);
		else
			assert_null(outcome_junit(want[i].o));
		assert_int_equal(outcome_parse(want[i].name, &o), 0);
		assert_int_equal(o, want[i].o);
	}
	o = OUTCOME_FAIL;
	assert_int_equal(outcome_parse("PASS", &o), -EINVAL);
	assert_int_equal(outcome_parse(NULL, &o), -EINVAL);
	assert_int_equal(o, OUTCOME_FAIL);
	assert_string_equal(outcome_name((enum outcome)5), "unknown");
	assert_string_equal(outcome_word((enum outcome)5), "BROK");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_pass_capture, setup, teardown),
		cmocka_unit_test_setup_teardown(test_fail_biggest_first, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proc_vs_memcg, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_near_tie, setup, teardown),
		cmocka_unit_test_setup_teardown(test_counter_disagreement, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_a_kernel_kill, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sigkill_records_lost, setup, teardown),
		cmocka_unit_test_setup_teardown(test_survives, setup, teardown),
		cmocka_unit_test_setup_teardown(test_panic, setup, teardown),
		cmocka_unit_test_setup_teardown(test_alloc_fail, setup, teardown),
		cmocka_unit_test_setup_teardown(test_brok_untouched, setup, teardown),
		cmocka_unit_test_setup_teardown(test_margin_2_6_36, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notes, setup, teardown),
		cmocka_unit_test(test_tie_every_era),
		cmocka_unit_test(test_outcome_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
