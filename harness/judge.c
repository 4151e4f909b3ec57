// SPDX-License-Identifier: MIT
/*
 * Claims judged on result documents, by the judge each claim profile
 * names. Most claims are their workers' `expect` lines: the run's verdict
 * is the answer, and every era's model is replayed on the same tasks.
 * Some are about something the expect lines cannot say (who else died,
 * what the kernel wrote), and name a judge of their own; adding one is a
 * name in profile.c's claim_judges[] and a line in judges[] below.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "judge.h"
#include "pattern.h"
#include "run.h"
#include "taskjson.h"
#include "util.h"

static const char *const answer_names[CLAIM_ANSWERS] = { "CONFIRMED", "REFUTED", "SKIP", "BROKEN" };

const char *claim_answer_name(enum claim_answer a)
{
	return (unsigned)a < CLAIM_ANSWERS ? answer_names[a] : "BROKEN";
}

const char *json_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static enum claim_answer verdict_answer(const json_t *doc)
{
	enum outcome o = OUTCOME_BROK;

	outcome_parse(json_str(doc, "verdict"), &o);
	switch (o) {
	case OUTCOME_PASS:
		return ANSWER_CONFIRMED;
	case OUTCOME_FAIL:
		return ANSWER_REFUTED;
	case OUTCOME_SKIP:
		return ANSWER_SKIP;
	default:
		return ANSWER_BROKEN;
	}
}

/* Every kill is logged as "Killed process" with total-vm, anon-rss and
 * file-rss, and every worker death was a logged kill. */
static enum claim_answer kill_lines_logged(const json_t *doc)
{
	json_t *kills = json_object_get(doc, "kills"), *v;
	size_t i;

	if (!json_array_size(kills))
		return ANSWER_REFUTED;
	json_array_foreach(kills, i, v)
	{
		const char *l = json_str(v, "line");

		if (!strstr(l, "Killed process") || !strstr(l, "total-vm:") ||
		    !strstr(l, "anon-rss:") || !strstr(l, "file-rss:"))
			return ANSWER_REFUTED;
	}
	json_array_foreach(
		json_object_get(doc, "workers"), i,
		v) if (strcmp(json_str(v, "exit"), "alive") &&
		       !json_is_true(json_object_get(v, "killed"))) return ANSWER_REFUTED;
	return ANSWER_CONFIRMED;
}

/*
 * The processes sharing the victim's mm die with it: judged on the deaths,
 * since 6.x no longer logs the sharers it kills. The claim is about the
 * victim's mm only: the kernel must have chosen the mm-sharing worker (any
 * of its processes: each shows the same rss), and then every sharer must
 * be dead. What else died afterwards (another worker killed by a later OOM)
 * says nothing about it. A run without such a worker, or whose worker
 * died of something else than a kill of its mm, did not ask the claim.
 */
static enum claim_answer mm_sharers_die(const json_t *doc)
{
	bool any = false;
	size_t i;
	json_t *w;

	json_array_foreach(json_object_get(doc, "workers"), i, w)
	{
		size_t n = json_array_size(json_object_get(w, "children"));

		if (!pattern_has_flag(json_str(w, "pattern"), PATTERN_F_SHARED_MM))
			continue;
		any = true;
		if (!strcmp(json_str(w, "exit"), "alive") || !n ||
		    (size_t)json_integer_value(json_object_get(w, "children_dead")) != n)
			return ANSWER_REFUTED;
		/* dead, but not by a kill of its mm: the claim was not asked */
		if (!json_is_true(json_object_get(w, "killed")))
			return ANSWER_BROKEN;
	}
	return any ? ANSWER_CONFIRMED : ANSWER_BROKEN;
}

/* The kernel names its reason in the kill line itself. */
static enum claim_answer first_kill_allocating(const json_t *doc)
{
	json_t *first = json_array_get(json_object_get(doc, "kills"), 0);

	return first && strstr(json_str(first, "line"), "(oom_kill_allocating_task)")
		       ? ANSWER_CONFIRMED
		       : ANSWER_REFUTED;
}

/* The evidence after the kills: the run's reason, and what PID 1 held
 * (a claim on init says that init really was the biggest task). */
static void evidence_reason(const json_t *doc, char *e, size_t n, size_t len)
{
	size_t i;
	json_t *k;

	n += (size_t)snprintf(e + n, len - n, ". %s", json_str(doc, "reason"));
	json_array_foreach(json_object_get(doc, "notes"), i,
			   k) if (n < len &&
				  !strncmp(json_string_value(k) ? json_string_value(k) : "",
					   "PID 1 ", 6)) n +=
		(size_t)snprintf(e + n, len - n, "; %s", json_string_value(k));
}

static void evidence_sharers(const json_t *doc, char *e, size_t n, size_t len)
{
	size_t i;
	json_t *w;

	json_array_foreach(json_object_get(doc, "workers"), i,
			   w) if (json_array_size(json_object_get(w, "children")) && n < len) n +=
		(size_t)snprintf(e + n, len - n,
				 ". %s %s; %" JSON_INTEGER_FORMAT " of the %zu processes "
				 "sharing its mm died with it",
				 json_str(w, "name"),
				 strcmp(json_str(w, "exit"), "alive") ? "died" : "survived",
				 json_integer_value(json_object_get(w, "children_dead")),
				 json_array_size(json_object_get(w, "children")));
}

static void evidence_first_kill(const json_t *doc, char *e, size_t n, size_t len)
{
	snprintf(e + n, len - n, ". first kill line: %s",
		 json_str(json_array_get(json_object_get(doc, "kills"), 0), "line"));
}

static const struct judge {
	/* the answer once the run itself passed or failed; NULL: the verdict */
	enum claim_answer (*answer)(const json_t *doc);
	/* appends to the evidence after the list of kills (n chars so far) */
	void (*evidence)(const json_t *doc, char *e, size_t n, size_t len);
	bool replays_models; /* the claim is a ranking every era can replay */
} judges[] = {
	[CLAIM_JUDGE_EXPECTATIONS] = { NULL, evidence_reason, true },
	[CLAIM_JUDGE_MM_SHARERS_DIE] = { mm_sharers_die, evidence_sharers, false },
	[CLAIM_JUDGE_FIRST_KILL_ALLOCATING] = { first_kill_allocating, evidence_first_kill, false },
	[CLAIM_JUDGE_KILL_LINES_LOGGED] = { kill_lines_logged, evidence_reason, false },
};

static const struct judge *judge_of(enum claim_judge j)
{
	return (size_t)j < ARRAY_SIZE(judges) ? &judges[j] : NULL;
}

enum claim_answer judge_answer(enum claim_judge j, const json_t *doc)
{
	const struct judge *jd = judge_of(j);
	enum claim_answer a = verdict_answer(doc);

	if (!jd)
		return ANSWER_BROKEN;
	if (a == ANSWER_SKIP || a == ANSWER_BROKEN || !jd->answer)
		return a;
	return jd->answer(doc);
}

/* "killed 2" -> (EXPECT_KILLED_NTH, 2), "killed", "survives", "any". */
static enum expect_kind parse_expect(const char *s, unsigned *ret_pos)
{
	*ret_pos = 0;
	if (!strncmp(s, "killed ", 7)) {
		*ret_pos = (unsigned)strtoul(s + 7, NULL, 10);
		return EXPECT_KILLED_NTH;
	}
	if (!strcmp(s, "killed"))
		return EXPECT_KILLED;
	if (!strcmp(s, "survives"))
		return EXPECT_SURVIVES;
	return EXPECT_ANY;
}

/*
 * A worker read as a tree (results' "tree", each process with its model
 * input) stands in the ranking as the process the era's model takes first
 * from it: the kernel ranks processes, not trees, and <= 2.6.35 charges a
 * parent half its children's total_vm (claim 8), so which process that is
 * depends on the era. Without a tree, the worker's own model_input.
 */
static int tree_task(const json_t *w, enum oom_era era, uint64_t totalpages, struct task_mem *ret)
{
	json_t *tree = json_object_get(w, "tree"), *p;
	struct badness best = { .unkillable = true };
	bool found = false;
	size_t i;

	json_array_foreach(tree, i, p)
	{
		struct task_mem t;
		struct badness b;

		if (task_mem_from_json(json_object_get(p, "model_input"), &t) < 0)
			continue;
		b = oom_badness(era, &t, totalpages);
		if (!found || (best.unkillable && !b.unkillable) ||
		    (!b.unkillable && b.points > best.points)) {
			best = b;
			*ret = t;
			found = true;
		}
	}
	return found ? 0 : -ENOENT;
}

/*
 * Would the era's model satisfy the claim's expectations on this result's
 * tasks? Replays the ranking; the first K killable tasks are the victims,
 * K being the number of kills the profile waits for.
 */
int judge_model_holds(enum claim_judge j, const json_t *doc, enum oom_era era)
{
	unsigned order[RUN_MAX_INSTANCES], pos[RUN_MAX_INSTANCES], pos_expect[RUN_MAX_INSTANCES];
	enum expect_kind expect[RUN_MAX_INSTANCES];
	struct task_mem tasks[RUN_MAX_INSTANCES];
	struct badness pts[RUN_MAX_INSTANCES];
	const struct judge *jd = judge_of(j);
	json_t *workers = json_object_get(doc, "workers"), *w;
	uint64_t totalpages = (uint64_t)json_integer_value(json_object_get(doc, "totalpages"));
	unsigned n = 0, k = 0, killable = 0;
	size_t i;

	if (!jd || !jd->replays_models || !totalpages || !json_array_size(workers))
		return -1;
	if (json_is_true(json_object_get(doc, "panicked")) ||
	    json_is_true(json_object_get(doc, "alloc_failed")))
		return -1;
	json_array_foreach(workers, i, w)
	{
		if (n >= RUN_MAX_INSTANCES)
			return -1;
		if (tree_task(w, era, totalpages, &tasks[n]) < 0 &&
		    task_mem_from_json(json_object_get(w, "model_input"), &tasks[n]) < 0)
			return -1;
		expect[n] = parse_expect(json_str(w, "expect"), &pos_expect[n]);
		if (expect[n] == EXPECT_KILLED || expect[n] == EXPECT_KILLED_NTH)
			k++;
		n++;
	}
	if (!k)
		k = 1;
	oom_rank(era, tasks, n, totalpages, order, pts);
	for (unsigned x = 0; x < n; x++) {
		unsigned t = order[x];

		pos[t] = pts[t].unkillable ? UINT32_MAX : ++killable;
	}
	for (unsigned x = 0; x < n; x++) {
		bool victim = pos[x] <= k;

		if ((expect[x] == EXPECT_KILLED_NTH && pos[x] != pos_expect[x]) ||
		    (expect[x] == EXPECT_KILLED && !victim) ||
		    (expect[x] == EXPECT_SURVIVES && victim))
			return 0;
	}
	return 1;
}

void judge_evidence(enum claim_judge j, enum claim_answer a, const json_t *doc, char *e, size_t len)
{
	const struct judge *jd = judge_of(j);
	json_t *kills = json_object_get(doc, "kills"), *k;
	size_t n = 0, i;

	if (!len)
		return;
	e[0] = 0;
	if (a == ANSWER_SKIP || a == ANSWER_BROKEN || !jd) {
		snprintf(e, len, "%s", json_str(doc, "reason"));
		return;
	}
	n += (size_t)snprintf(e + n, len - n, "killed:");
	json_array_foreach(kills, i, k)
	{
		const char *who = json_is_string(json_object_get(k, "instance"))
					  ? json_str(k, "instance")
					  : json_str(k, "name");

		if (n >= len)
			return;
		n += (size_t)snprintf(e + n, len - n,
				      "%s %s (pid %" JSON_INTEGER_FORMAT
				      ", anon-rss %" JSON_INTEGER_FORMAT
				      "kB, adj %" JSON_INTEGER_FORMAT ")",
				      i ? "," : "", who,
				      json_integer_value(json_object_get(k, "pid")),
				      json_integer_value(json_object_get(k, "anon_rss_kb")),
				      json_integer_value(json_object_get(k, "oom_score_adj")));
	}
	if (n >= len)
		return;
	if (!json_array_size(kills))
		n += (size_t)snprintf(
			e + n, len - n, " nothing%s%s",
			json_is_true(json_object_get(doc, "panicked")) ? "; the kernel panicked"
								       : "",
			json_is_true(json_object_get(doc, "alloc_failed")) ? "; allocation failed"
									   : "");
	if (n >= len)
		return;
	jd->evidence(doc, e, n, len);
}
