// SPDX-License-Identifier: MIT
/*
 * Verdict: what the profile expected against what the kernel did, each
 * difference explained with the model's numbers, and the three sources of
 * observation (waitid, the kernel's log, memcg counters) checked against
 * each other.
 */
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "groups.h"
#include "verdict.h"
#include "util.h"

/*
 * Scores closer than this (in % of totalpages) are a near-tie: the snapshot
 * is taken before the trigger, and rss moves by more than that while the
 * kernel reclaims (file pages dropped, the workers' last pages faulted in)
 * before the kill.
 */
#define NEAR_TIE_PCT 1.0

static enum oom_era era_used(const struct run *r)
{
	return oom_era_info(r->era)->era;
}

static void append(char *buf, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static const char *nth(unsigned n, char buf[static 16])
{
	const char *suf = "th";

	if (n % 100 < 11 || n % 100 > 13) {
		if (n % 10 == 1)
			suf = "st";
		else if (n % 10 == 2)
			suf = "nd";
		else if (n % 10 == 3)
			suf = "rd";
	}
	snprintf(buf, 16, "%u%s", n, suf);
	return buf;
}

static enum expect_kind expect_of(const struct instance *in)
{
	return in->spec ? in->spec->expect : EXPECT_ANY;
}

static const struct instance *by_rank(const struct run *r, unsigned rank)
{
	for (unsigned i = 0; i < r->ninst; i++)
		if (rank && r->inst[i].predicted_rank == rank)
			return &r->inst[i];
	return NULL;
}

/* Margin between two instances in % of totalpages (see oom_margin_pct). */
static double margin_between(const struct run *r, const struct instance *a,
			     const struct instance *b)
{
	return oom_margin_pct(r->era, a->predicted.points, b->predicted.points, r->totalpages);
}

static const struct instance *by_kill_order(const struct run *r, unsigned order)
{
	for (unsigned i = 0; i < r->ninst; i++)
		if (order && r->inst[i].killed && r->inst[i].kill_order == order)
			return &r->inst[i];
	return NULL;
}

static int group_of(const struct instance *in)
{
	return in->spec ? in->spec->group : PROFILE_GROUP_RUN;
}

/* A candidate of the OOM: its group is in the domain's subtree. */
static bool in_domain(const struct run *r, const struct instance *in)
{
	return !r->has_domain || !r->profile ||
	       groups_in_domain(r->profile, group_of(in), r->domain_group);
}

int verdict_domain(struct run *r, uint64_t run_limit, const uint64_t *usage, uint64_t page)
{
	const struct profile *p = r->profile;
	struct oom_domain d;
	int e;

	if (!p || !page)
		return -EINVAL;
	e = groups_oom_domain(p, p->trigger_group, run_limit, usage, &d);
	if (e < 0)
		return e;
	r->has_domain = true;
	r->domain_group = d.group;
	r->domain_limit = d.limit;
	r->domain_headroom = d.headroom;
	/* memcg OOM: totalpages is the domain's max (mem_cgroup_get_max) */
	r->totalpages = d.limit / page;
	return 0;
}

/*
 * memory.oom.group: the predicted victim takes every task of the highest
 * oom.group memcg between its own and the domain with it, except those
 * at -1000 (oom_kill_memcg_member skips OOM_SCORE_ADJ_MIN).
 */
static void predict_oom_group(struct run *r)
{
	const struct instance *v = NULL;
	int og;

	r->has_oom_group_kill = false;
	if (!r->profile)
		return;
	for (unsigned i = 0; i < r->ninst; i++)
		if (r->inst[i].predicted_rank == 1)
			v = &r->inst[i];
	if (!v || !groups_oom_group(r->profile, group_of(v),
				    r->has_domain ? r->domain_group : PROFILE_GROUP_RUN, &og))
		return;
	r->has_oom_group_kill = true;
	r->oom_group_kill = og;
	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];

		if (in != v && in_domain(r, in) && in->task.oom_score_adj != -1000 &&
		    groups_in_domain(r->profile, group_of(in), og))
			in->group_kill = true;
	}
}

void verdict_predict(struct run *r)
{
	struct task_mem tasks[RUN_MAX_INSTANCES];
	struct badness pts[RUN_MAX_INSTANCES];
	unsigned order[RUN_MAX_INSTANCES], idx[RUN_MAX_INSTANCES], m = 0;
	unsigned n = r->ninst < RUN_MAX_INSTANCES ? r->ninst : RUN_MAX_INSTANCES;

	if (r->era == OOM_ERA_AUTO)
		r->era = oom_era_from_release(r->kernel);
	if (r->era == OOM_ERA_AUTO) {
		r->era = era_used(r);
		run_note(r, "kernel release \"%s\" names no version: using the %s model", r->kernel,
			 oom_era_name(r->era));
	}
	/*
	 * Only the OOM domain's tasks are candidates (mem_cgroup_scan_tasks
	 * over its subtree): the others get their points shown, no rank.
	 */
	for (unsigned i = 0; i < n; i++) {
		struct instance *in = &r->inst[i];

		in->outside_domain = !in_domain(r, in);
		in->group_kill = false;
		in->predicted_rank = 0;
		if (in->outside_domain) {
			in->predicted = oom_badness(r->era, &in->task, r->totalpages);
			continue;
		}
		idx[m] = i;
		tasks[m++] = in->task;
	}
	/*
	 * The pressure process is a candidate too but not an instance: ranks
	 * are among instances only. Index order stands for the kernel's scan
	 * order (spawn order = cgroup attach order).
	 */
	oom_rank(r->era, tasks, m, r->totalpages, order, pts);
	for (unsigned j = 0; j < m; j++)
		r->inst[idx[j]].predicted = pts[j];
	for (unsigned k = 0; k < m; k++) {
		struct instance *in = &r->inst[idx[order[k]]];

		if (!in->predicted.unkillable)
			in->predicted_rank = k + 1;
	}
	predict_oom_group(r);
}

double verdict_margin_pct(const struct run *r, unsigned rank_a, unsigned rank_b)
{
	const struct instance *a = by_rank(r, rank_a), *b = by_rank(r, rank_b);

	if (!a || !b)
		return NAN;
	return margin_between(r, a, b);
}

/*
 * Why did `got` die where `want` was expected? Compare their predicted
 * points and say whether the model saw it coming, a tie or a near-tie.
 */
static void explain_pair(struct run *r, const char *head, const struct instance *got,
			 const struct instance *want)
{
	enum oom_era era = era_used(r);
	double m = margin_between(r, got, want);
	double am = fabs(m);

	if (got->predicted.points == want->predicted.points)
		run_note(r, "%s: predicted points %.0f vs %.0f: a tie, %s", head,
			 got->predicted.points, want->predicted.points,
			 oom_tie_rule(oom_era_info(era)->tie));
	else if (am < NEAR_TIE_PCT)
		run_note(r,
			 "%s: predicted points %.0f vs %.0f (%.2f%% of totalpages=%" PRIu64
			 " apart): a near-tie, within how much rss moves between the snapshot "
			 "and the kill",
			 head, got->predicted.points, want->predicted.points, am, r->totalpages);
	else if (m > 0)
		run_note(r,
			 "%s: the %s model ranks %s above %s too (points %.0f vs %.0f, "
			 "%.2f%% of totalpages=%" PRIu64 " apart): the expectation does not "
			 "hold on this kernel",
			 head, oom_era_name(era), got->name, want->name, got->predicted.points,
			 want->predicted.points, am, r->totalpages);
	else
		run_note(r,
			 "%s: the %s model ranked %s above %s (points %.0f vs %.0f, "
			 "%.2f%% of totalpages=%" PRIu64 " apart) but the kernel chose "
			 "otherwise: the model does not match this kernel, or the snapshot "
			 "is stale",
			 head, oom_era_name(era), want->name, got->name, want->predicted.points,
			 got->predicted.points, am, r->totalpages);
}

/*
 * expect = protected on a [group]: memory.min / memory.low keep its pages
 * from reclaim (mm/vmscan.c mem_cgroup_protection), so what it held at the
 * snapshot is still resident when observing ends. They do not keep its
 * tasks from the OOM killer. 90%: the workers' own stacks and page tables
 * move a little.
 */
static bool check_groups(struct run *r, char *reason, size_t rlen)
{
	const struct profile *p = r->profile;
	bool ok = true;
	char b1[16], b2[16], b3[16], head[256];

	for (unsigned g = 0; p && g < p->ngroups; g++) {
		const struct group_mem *b = &r->group_before[g], *a = &r->group_after[g];
		uint64_t had, kept;

		if (!p->groups[g].expect_protected)
			continue;
		if (!b->have || !a->have) {
			snprintf(head, sizeof(head),
				 "cannot tell whether group %s kept its pages: "
				 "its memory.stat was not read",
				 p->groups[g].name);
			run_note(r, "%s", head);
			if (!*reason)
				snprintf(reason, rlen, "%s", head);
			ok = false;
			continue;
		}
		had = b->anon + b->file;
		kept = a->anon + a->file;
		if (kept >= had / 10 * 9) {
			run_note(r,
				 "group %s kept %s of the %s it held at the snapshot in memory "
				 "(swap %s): reclaim passed over its protection (memory.%s)",
				 p->groups[g].name, format_size(kept, b1), format_size(had, b2),
				 format_size(a->swap, b3),
				 p->groups[g].has_memory_min ? "min" : "low");
			continue;
		}
		snprintf(head, sizeof(head),
			 "group %s was expected to keep its pages but holds "
			 "%s of the %s it had at the snapshot (swap %s)",
			 p->groups[g].name, format_size(kept, b1), format_size(had, b2),
			 format_size(a->swap, b3));
		run_note(r, "%s: reclaim took pages memory.%s should have protected", head,
			 p->groups[g].has_memory_min ? "min" : "low");
		if (!*reason)
			snprintf(reason, rlen, "%s", head);
		ok = false;
	}
	return ok;
}

static void describe_fate(const struct instance *in, char *buf, size_t len)
{
	char o[16];

	if (in->killed)
		snprintf(buf, len, "was killed %s", nth(in->kill_order, o));
	else if (in->died)
		snprintf(buf, len, "died without a kernel kill record");
	else
		snprintf(buf, len, "survived");
}

/*
 * Check one instance against its expectation; on a mismatch add the
 * explanation and return false with *reason set (if still empty).
 */
static bool check_instance(struct run *r, const struct instance *in, char *reason, size_t rlen)
{
	char fate[64], o[16], head[256];
	const struct instance *got;
	unsigned pos;

	describe_fate(in, fate, sizeof(fate));
	switch (expect_of(in)) {
	case EXPECT_KILLED_NTH:
		pos = in->spec->expect_pos;
		if (in->killed && in->kill_order == pos)
			return true;
		got = by_kill_order(r, pos);
		if (got)
			snprintf(head, sizeof(head), "%s was killed %s but %s was expected (%s %s)",
				 got->name, nth(pos, o), in->name, in->name, fate);
		else
			snprintf(head, sizeof(head),
				 "no worker was killed %s but %s was expected "
				 "(%s %s)",
				 nth(pos, o), in->name, in->name, fate);
		if (!*reason)
			snprintf(reason, rlen, "%s", head);
		if (got)
			explain_pair(r, head, got, in);
		else
			run_note(r, "%s: predicted rank %u, points %.0f", head, in->predicted_rank,
				 in->predicted.points);
		return false;
	case EXPECT_KILLED:
		if (in->killed)
			return true;
		snprintf(head, sizeof(head), "%s was expected to be killed but %s", in->name, fate);
		if (!*reason)
			snprintf(reason, rlen, "%s", head);
		got = by_kill_order(r, 1);
		if (in->outside_domain)
			run_note(r, "%s: %s is outside %s's domain, not a candidate of its OOM",
				 head, in->name, groups_name(r->profile, r->domain_group));
		else if (got)
			explain_pair(r, head, got, in);
		else
			run_note(r, "%s: predicted rank %u, points %.0f; no worker was killed",
				 head, in->predicted_rank, in->predicted.points);
		return false;
	case EXPECT_SURVIVES:
		if (!in->died)
			return true;
		snprintf(head, sizeof(head), "%s was expected to survive but %s", in->name, fate);
		if (!*reason)
			snprintf(reason, rlen, "%s", head);
		if (in->outside_domain)
			run_note(r,
				 "%s: %s is in %s, outside %s's domain: an OOM in %s "
				 "cannot choose it, so a limit above %s was hit",
				 head, in->name, groups_name(r->profile, group_of(in)),
				 groups_name(r->profile, r->domain_group),
				 groups_name(r->profile, r->domain_group),
				 groups_name(r->profile, r->domain_group));
		else if (in->group_kill)
			run_note(r,
				 "%s: the model expects it to die with the victim: "
				 "memory.oom.group on %s",
				 head, groups_name(r->profile, r->oom_group_kill));
		else if (in->predicted.unkillable)
			run_note(r, "%s: the model says it is never chosen (%s)", head,
				 in->predicted.why);
		else
			run_note(r,
				 "%s: predicted rank %u of %u, points %.0f (%.2f%% of "
				 "totalpages=%" PRIu64 ")",
				 head, in->predicted_rank, r->ninst, in->predicted.points,
				 r->totalpages
					 ? in->predicted.points * 100.0 / (double)r->totalpages
					 : NAN,
				 r->totalpages);
		return false;
	case EXPECT_ANY:
	default:
		return true;
	}
}

/*
 * With [group]s: which memcg the OOM is in, its candidates, who is outside
 * it, and who dies with the victim under memory.oom.group.
 */
static void note_domain(struct run *r)
{
	const struct profile *p = r->profile;
	const char *d;
	char out[256] = "", og[256] = "", b1[16], b2[16];
	unsigned ncand = 0;

	if (!r->has_domain || !p)
		return;
	d = groups_name(p, r->domain_group);
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct instance *in = &r->inst[i];

		if (in->outside_domain)
			append(out, sizeof(out), "%s (%s)", in->name, groups_name(p, group_of(in)));
		else
			ncand++;
		if (in->group_kill)
			append(og, sizeof(og), "%s", in->name);
	}
	run_note(r,
		 "OOM domain: %s (limit %s, totalpages=%" PRIu64 ", %s left at the "
		 "snapshot): the kernel ranks its %u task(s) only%s%s%s%s",
		 d, format_size(r->domain_limit, b1), r->totalpages,
		 format_size(r->domain_headroom, b2), ncand, out[0] ? "; not in " : "",
		 out[0] ? d : "", out[0] ? "'s domain: " : "", out);
	if (r->has_oom_group_kill)
		run_note(r,
			 "memory.oom.group on %s: the victim takes every task of %s with it "
			 "(mem_cgroup_get_oom_group; adj -1000 excepted)%s%s",
			 groups_name(p, r->oom_group_kill), groups_name(p, r->oom_group_kill),
			 og[0] ? ": " : ", none besides the victim", og);
}

/* The one note every verdict carries: the model's victim and its margin. */
static void note_prediction(struct run *r)
{
	const struct instance *a = by_rank(r, 1), *b = by_rank(r, 2);
	enum oom_era era = era_used(r);

	if (!a) {
		run_note(r, "model %s (totalpages=%" PRIu64 "): no instance is killable",
			 oom_era_name(era), r->totalpages);
		return;
	}
	if (!b) {
		run_note(r,
			 "model %s (totalpages=%" PRIu64 "): predicted victim %s (points "
			 "%.0f: %s), no runner-up",
			 oom_era_name(era), r->totalpages, a->name, a->predicted.points,
			 a->predicted.why);
		return;
	}
	run_note(r,
		 "model %s (totalpages=%" PRIu64 "): predicted victim %s (points %.0f: "
		 "%s), runner-up %s (points %.0f), margin %.2f%% of totalpages",
		 oom_era_name(era), r->totalpages, a->name, a->predicted.points, a->predicted.why,
		 b->name, b->predicted.points, verdict_margin_pct(r, 1, 2));
}

static bool memcg_oom(const struct run *r)
{
	if (r->cg_version != CG_NONE)
		return true;
	for (unsigned k = 0; k < r->nkills; k++)
		if (r->kills[k].killed.memcg ||
		    (r->kills[k].has_constraint &&
		     r->kills[k].constraint.constraint == OOM_CONSTRAINT_MEMCG))
			return true;
	return false;
}

/*
 * /proc/PID/oom_score uses the machine's totalpages; a memcg OOM uses the
 * memcg's limit, so a raised adj weighs far less there (DESIGN.md).
 */
static void note_proc_vs_memcg(struct run *r)
{
	const struct instance *v = by_kill_order(r, 1), *y = NULL;

	if (!v || !memcg_oom(r))
		return;
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct instance *in = &r->inst[i];

		/* a task outside the OOM domain was never a candidate */
		if (in == v || in->outside_domain || in->proc_oom_score <= v->proc_oom_score)
			continue;
		if (!y || in->proc_oom_score > y->proc_oom_score)
			y = in;
	}
	if (!y)
		return;
	if (v->predicted_rank && (!y->predicted_rank || v->predicted_rank < y->predicted_rank))
		run_note(r,
			 "the kernel chose %s although /proc/PID/oom_score ranked %s higher "
			 "(%ld vs %ld): inside a memcg the kernel scales oom_score_adj by the "
			 "memcg limit (totalpages=%" PRIu64 "), not the machine; so scaled, %s "
			 "scores %.0f and %s %.0f",
			 v->name, y->name, y->proc_oom_score, v->proc_oom_score, r->totalpages,
			 v->name, v->predicted.points, y->name, y->predicted.points);
	else
		run_note(r,
			 "the kernel chose %s although /proc/PID/oom_score ranked %s higher "
			 "(%ld vs %ld), and the model with the memcg's totalpages=%" PRIu64
			 " also ranks %s higher (%.0f vs %.0f): not explained by the scaling",
			 v->name, y->name, y->proc_oom_score, v->proc_oom_score, r->totalpages,
			 y->name, y->predicted.points, v->predicted.points);
}

static bool signal_death(const struct instance *in)
{
	return in->exit_code == CLD_KILLED || in->exit_code == CLD_DUMPED;
}

/*
 * waitid deaths vs kernel kill records vs memcg counters. Returns false if
 * a worker died by something other than the OOM killer (a finding that
 * makes the run's observations unreliable), true otherwise.
 */
static bool cross_check(struct run *r, char *reason, size_t rlen)
{
	const struct profile *p = r->profile;
	bool ok = true;
	unsigned distinct = 0;

	for (unsigned i = 0; i < r->ninst; i++) {
		const struct instance *in = &r->inst[i];
		char head[160];

		if (in->killed && !in->died && !in->svc && !in->tree)
			run_note(r,
				 "the kernel logged killing %s (pid %d) but waitid saw no death "
				 "before the run ended",
				 in->name, (int)in->pid);
		if (!in->died || in->killed)
			continue;
		if (signal_death(in))
			snprintf(head, sizeof(head),
				 "%s (pid %d) died of signal %d without a "
				 "kernel kill record",
				 in->name, (int)in->pid, in->exit_status);
		else
			snprintf(head, sizeof(head),
				 "%s (pid %d) exited with status %d: not a "
				 "kernel kill",
				 in->name, (int)in->pid, in->exit_status);
		/* vm.overcommit_memory=2: workers exit when malloc fails */
		if (p && p->run_expect == RUN_EXPECT_ALLOC_FAIL) {
			run_note(r, "%s (expected with allocation failures)", head);
			continue;
		}
		if (signal_death(in) && in->exit_status == SIGKILL && r->kmsg_lost) {
			run_note(r,
				 "%s; %" PRIu64 " kernel log records were lost, the record may "
				 "be among them",
				 head, r->kmsg_lost);
			continue;
		}
		run_note(r, "%s", head);
		if (!*reason)
			snprintf(reason, rlen, "%s", head);
		ok = false;
	}
	for (unsigned k = 0; k < r->nkills; k++) {
		const struct kill_record *kr = &r->kills[k];
		bool dup = false;

		for (unsigned j = 0; j < k; j++)
			if (r->kills[j].killed.pid == kr->killed.pid)
				dup = true;
		if (!dup)
			distinct++;
		if (kr->instance < 0 && kr->child_of >= 0 && kr->child_of < (int)r->ninst)
			run_note(r, "the kernel killed %s (pid %d), a child of %s", kr->killed.comm,
				 (int)kr->killed.pid, r->inst[kr->child_of].name);
	}
	if (r->cg_version != CG_NONE) {
		uint64_t before = r->counters_before.oom_kill, after = r->counters_after.oom_kill;
		uint64_t delta = after >= before ? after - before : 0;

		if (delta != distinct)
			run_note(
				r,
				"memcg counter oom_kill went up by %" PRIu64 " but the kernel "
				"log names %u distinct killed PIDs%s",
				delta, distinct,
				p && p->oom_group
					? " (memory.oom.group: the counter can count one task twice; the "
					  "log's distinct PIDs are what happened)"
				: r->kmsg_lost ? " (kernel log records were lost)"
					       : "");
	}
	if (r->kmsg_lost)
		run_note(r,
			 "%" PRIu64 " kernel log records were lost (EPIPE): kill records "
			 "may be missing",
			 r->kmsg_lost);
	return ok;
}

static void note_first_victim(struct run *r)
{
	const struct instance *v = by_kill_order(r, 1), *p = by_rank(r, 1);

	/* an oom.group member may be logged or reaped before the victim */
	if (v && p && v != p && !v->group_kill)
		run_note(r,
			 "the kernel killed %s first, the model predicted %s (points %.0f "
			 "vs %.0f)",
			 v->name, p->name, v->predicted.points, p->predicted.points);
}

static void append(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strlen(buf);
	va_list ap;

	if (used + 1 >= len)
		return;
	if (used) {
		snprintf(buf + used, len - used, "; ");
		used = strlen(buf);
	}
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

static void summary(const struct run *r, char *buf, size_t len)
{
	char o[16];

	buf[0] = '\0';
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct instance *in = &r->inst[i];

		switch (expect_of(in)) {
		case EXPECT_KILLED_NTH:
			append(buf, len, "%s killed %s as expected", in->name,
			       nth(in->kill_order, o));
			break;
		case EXPECT_KILLED:
			append(buf, len, "%s killed as expected", in->name);
			break;
		case EXPECT_SURVIVES:
			append(buf, len, "%s survived as expected", in->name);
			break;
		default:
			break;
		}
	}
	for (unsigned g = 0; r->profile && g < r->profile->ngroups; g++)
		if (r->profile->groups[g].expect_protected)
			append(buf, len, "group %s kept its pages as expected",
			       r->profile->groups[g].name);
	if (!buf[0]) {
		const struct instance *v = by_kill_order(r, 1);

		snprintf(buf, len, "no expectation; %u kill record(s)%s%s", r->nkills,
			 v ? ", first worker killed: " : "", v ? v->name : "");
	}
}

void verdict_decide(struct run *r)
{
	const struct profile *p = r->profile;
	enum run_expect rx = p ? p->run_expect : RUN_EXPECT_KILLS;
	char reason[sizeof(r->reason)] = "";
	bool ok = true;

	if (r->outcome == OUTCOME_BROK || r->outcome == OUTCOME_SKIP)
		return;

	note_domain(r);
	note_prediction(r);
	if (rx == RUN_EXPECT_PANIC) {
		if (r->panicked) {
			r->outcome = OUTCOME_PASS;
			snprintf(r->reason, sizeof(r->reason),
				 "the kernel panicked on OOM as expected");
		} else {
			r->outcome = OUTCOME_FAIL;
			snprintf(r->reason, sizeof(r->reason),
				 "expected a kernel panic on OOM, "
				 "none seen (%u kill record(s))",
				 r->nkills);
		}
		return;
	}
	if (r->panicked) {
		ok = false;
		snprintf(reason, sizeof(reason), "the kernel panicked");
	}
	if (rx == RUN_EXPECT_ALLOC_FAIL && !r->alloc_failed) {
		ok = false;
		if (!*reason)
			snprintf(reason, sizeof(reason),
				 "expected an allocation failure, none "
				 "reported (%u kill record(s))",
				 r->nkills);
	}
	for (unsigned i = 0; i < r->ninst; i++)
		if (!check_instance(r, &r->inst[i], reason, sizeof(reason)))
			ok = false;
	if (!check_groups(r, reason, sizeof(reason)))
		ok = false;
	note_first_victim(r);
	note_proc_vs_memcg(r);
	if (!cross_check(r, reason, sizeof(reason)))
		ok = false;

	if (ok) {
		r->outcome = OUTCOME_PASS;
		summary(r, r->reason, sizeof(r->reason));
		if (rx == RUN_EXPECT_ALLOC_FAIL) {
			char s[sizeof(r->reason)];

			memcpy(s, r->reason, sizeof(s));
			snprintf(r->reason, sizeof(r->reason),
				 "allocation failed as expected; %.*s", (int)sizeof(r->reason) - 32,
				 s);
		}
	} else {
		r->outcome = OUTCOME_FAIL;
		snprintf(r->reason, sizeof(r->reason), "%s", reason);
	}
}
