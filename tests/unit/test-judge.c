// SPDX-License-Identifier: MIT
/*
 * Claims judged by the judge their profile names, on small result
 * documents shaped like results.c's JSON (only the keys the judges read),
 * and the shipped claim profiles each naming one.
 *
 * Run from the repository root (make unit does): profiles/claims/ is read
 * by relative path.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "judge.h"
#include "profile.h"
#include "taskjson.h"
#include "util.h"

#define KILLED_LINE                                                                 \
	"Memory cgroup out of memory: Killed process 4413 (big) total-vm:44052kB, " \
	"anon-rss:40960kB, file-rss:1200kB, shmem-rss:0kB, UID:0 pgtables:124kB "   \
	"oom_score_adj:0"
#define ALLOC_LINE                                                      \
	"Out of memory (oom_kill_allocating_task): Killed process 301 " \
	"(oomlab-pressure) total-vm:2100kB, anon-rss:80kB, file-rss:1000kB"

/* A worker as results.c writes it; rss in pages feeds the model input. */
static json_t *worker(const char *name, const char *pattern, const char *expect, const char *exit,
		      bool killed, uint64_t rss_pages, int adj)
{
	struct task_mem t = {
		.rss_pages = rss_pages,
		.total_vm_pages = rss_pages,
		.oom_score_adj = adj,
		.is_leader = true,
	};
	json_t *w = json_pack("{s:s,s:s,s:s,s:s,s:b,s:[],s:i}", "name", name, "pattern", pattern,
			      "expect", expect, "exit", exit, "killed", killed, "children",
			      "children_dead", 0);

	assert_non_null(w);
	assert_int_equal(json_object_set_new(w, "model_input", task_mem_to_json(&t)), 0);
	return w;
}

static json_t *doc_new(const char *verdict, const char *reason)
{
	json_t *d = json_pack("{s:s,s:s,s:I,s:b,s:b,s:[],s:[],s:[]}", "verdict", verdict, "reason",
			      reason, "totalpages", (json_int_t)32768, "panicked", 0,
			      "alloc_failed", 0, "workers", "kills", "notes");

	assert_non_null(d);
	return d;
}

static void add_worker(json_t *d, json_t *w)
{
	assert_int_equal(json_array_append_new(json_object_get(d, "workers"), w), 0);
}

static void add_kill(json_t *d, const char *instance, int pid, const char *line)
{
	json_t *k = json_pack("{s:s,s:s,s:i,s:i,s:i,s:s}", "instance", instance, "name", instance,
			      "pid", pid, "anon_rss_kb", 40960, "oom_score_adj", 0, "line", line);

	assert_non_null(k);
	assert_int_equal(json_array_append_new(json_object_get(d, "kills"), k), 0);
}

/* big (10000 pages) expected killed 1st, small (1000) expected to survive */
static json_t *ranking_doc(const char *verdict, const char *big_expect, const char *small_expect)
{
	json_t *d = doc_new(verdict, "every expectation held");

	add_worker(d, worker("big", "page-touch", big_expect, "killed", true, 10000, 0));
	add_worker(d, worker("small", "page-touch", small_expect, "alive", false, 1000, 0));
	add_kill(d, "big", 4413, KILLED_LINE);
	return d;
}

static void test_expectations(void **state)
{
	static const struct {
		const char *verdict;
		enum claim_answer a;
	} cases[] = {
		{ "pass", ANSWER_CONFIRMED }, { "fail", ANSWER_REFUTED }, { "skip", ANSWER_SKIP },
		{ "broken", ANSWER_BROKEN },  { "PASS", ANSWER_BROKEN }, /* not a verdict: no answer */
	};
	char ev[700];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		json_t *d = ranking_doc(cases[i].verdict, "killed 1", "survives");

		assert_int_equal(judge_answer(CLAIM_JUDGE_EXPECTATIONS, d), cases[i].a);
		json_decref(d);
	}
	{
		json_t *d = ranking_doc("pass", "killed 1", "survives");

		/* every era ranks the bigger task first here */
		for (unsigned e = 0; e < oom_era_count; e++)
			assert_int_equal(
				judge_model_holds(CLAIM_JUDGE_EXPECTATIONS, d, oom_eras[e].era), 1);
		judge_evidence(CLAIM_JUDGE_EXPECTATIONS, ANSWER_CONFIRMED, d, ev, sizeof(ev));
		assert_string_equal(ev, "killed: big (pid 4413, anon-rss 40960kB, adj 0). "
					"every expectation held");
		json_decref(d);
	}
	{
		/* the claim says small goes first: no era's model agrees */
		json_t *d = ranking_doc("fail", "survives", "killed 1");

		for (unsigned e = 0; e < oom_era_count; e++)
			assert_int_equal(
				judge_model_holds(CLAIM_JUDGE_EXPECTATIONS, d, oom_eras[e].era), 0);
		json_object_set_new(d, "panicked", json_true());
		assert_int_equal(judge_model_holds(CLAIM_JUDGE_EXPECTATIONS, d, OOM_ERA_4_17), -1);
		json_decref(d);
	}
	{
		json_t *d = ranking_doc("skip", "killed 1", "survives");

		json_object_set_new(d, "reason", json_string("needs a VM"));
		judge_evidence(CLAIM_JUDGE_EXPECTATIONS, ANSWER_SKIP, d, ev, sizeof(ev));
		assert_string_equal(ev, "needs a VM");
		json_decref(d);
	}
}

/*
 * Claim 8's shape as results.c writes a tree worker: model_input is the
 * tree's first candidate under the run's model (4.17: a 25M child), and
 * "tree" has every process's own input, the parent's with its children's
 * total_vm. Each era is replayed on the process it would take first from
 * the tree: <= 2.6.35 the parent (20M + half of 4 x 25M = 70M, above
 * solo's 60M), since 2.6.36 a child (25M, below it).
 */
static void test_tree_replay(void **state)
{
	struct task_mem parent = { .pid = 10,
				   .rss_pages = 5120,
				   .total_vm_pages = 5120,
				   .nchildren = 4,
				   .is_leader = true };
	struct task_mem child = {
		.pid = 11, .rss_pages = 6400, .total_vm_pages = 6400, .is_leader = true
	};
	json_t *d = doc_new("fail", "solo was expected to survive but was killed 1st");
	json_t *w = worker("tree", "fork-tree", "any", "alive", false, 6400, 0);
	json_t *tree = json_array();

	for (unsigned i = 0; i < 4; i++)
		parent.children_vm_pages[i] = 6400;
	json_array_append_new(tree, json_pack("{s:o}", "model_input", task_mem_to_json(&parent)));
	for (unsigned i = 0; i < 4; i++) {
		child.pid = (pid_t)(11 + i);
		json_array_append_new(tree,
				      json_pack("{s:o}", "model_input", task_mem_to_json(&child)));
	}
	add_worker(d, worker("solo", "page-touch", "survives", "killed", true, 15360, 0));
	/* without its tree the worker is its first candidate, a child: no era
	 * charges it anything */
	add_worker(d, json_deep_copy(w));
	assert_int_equal(judge_model_holds(CLAIM_JUDGE_EXPECTATIONS, d, OOM_ERA_2_6_35), 0);
	json_array_remove(json_object_get(d, "workers"), 1);
	json_object_set_new(w, "tree", tree);
	add_worker(d, w);
	assert_int_equal(judge_model_holds(CLAIM_JUDGE_EXPECTATIONS, d, OOM_ERA_2_6_35), 1);
	assert_int_equal(judge_model_holds(CLAIM_JUDGE_EXPECTATIONS, d, OOM_ERA_2_6_36), 0);
	assert_int_equal(judge_model_holds(CLAIM_JUDGE_EXPECTATIONS, d, OOM_ERA_3_8), 0);
	assert_int_equal(judge_model_holds(CLAIM_JUDGE_EXPECTATIONS, d, OOM_ERA_4_17), 0);
	json_decref(d);
}

/* shared-mm sharer (2 children) and a bystander */
static json_t *sharers_doc(const char *verdict, const char *sharer_exit, int children_dead)
{
	json_t *d = doc_new(verdict, "");
	json_t *s = worker("sharer", "shared-mm", "killed 1", sharer_exit,
			   !strcmp(sharer_exit, "killed"), 25600, 0);

	json_object_set_new(s, "children", json_pack("[i,i]", 502, 503));
	json_object_set_new(s, "children_dead", json_integer(children_dead));
	add_worker(d, s);
	add_worker(d, worker("other", "page-touch", "survives", "alive", false, 10240, 0));
	add_kill(d, "sharer", 503, KILLED_LINE);
	return d;
}

static void test_mm_sharers_die(void **state)
{
	char ev[700];
	json_t *d;

	d = sharers_doc("pass", "killed", 2);
	assert_int_equal(judge_answer(CLAIM_JUDGE_MM_SHARERS_DIE, d), ANSWER_CONFIRMED);
	/* not a ranking: the era columns say n/a */
	assert_int_equal(judge_model_holds(CLAIM_JUDGE_MM_SHARERS_DIE, d, OOM_ERA_4_17), -1);
	judge_evidence(CLAIM_JUDGE_MM_SHARERS_DIE, ANSWER_CONFIRMED, d, ev, sizeof(ev));
	assert_non_null(strstr(ev, ". sharer died; 2 of the 2 processes sharing its mm died "
				   "with it"));
	/* the expectations passed, the judge still looks at the sharers */
	json_decref(d);
	d = sharers_doc("pass", "killed", 1);
	assert_int_equal(judge_answer(CLAIM_JUDGE_MM_SHARERS_DIE, d), ANSWER_REFUTED);
	json_decref(d);
	d = sharers_doc("fail", "alive", 2);
	assert_int_equal(judge_answer(CLAIM_JUDGE_MM_SHARERS_DIE, d), ANSWER_REFUTED);
	json_decref(d);
	/* a later OOM killed the bystander after the sharers died: the
	 * run FAILs its "survives", the claim (about the victim's mm) holds */
	d = sharers_doc("fail", "killed", 2);
	json_object_set_new(json_array_get(json_object_get(d, "workers"), 1), "killed",
			    json_true());
	add_kill(d, "other", 504, KILLED_LINE);
	assert_int_equal(judge_answer(CLAIM_JUDGE_MM_SHARERS_DIE, d), ANSWER_CONFIRMED);
	json_decref(d);
	/* dead, but no kill of its mm was logged: not the claim's question */
	d = sharers_doc("fail", "exited 1", 2);
	assert_int_equal(judge_answer(CLAIM_JUDGE_MM_SHARERS_DIE, d), ANSWER_BROKEN);
	json_decref(d);
	/* the run's own SKIP wins over any judge */
	d = sharers_doc("skip", "alive", 0);
	assert_int_equal(judge_answer(CLAIM_JUDGE_MM_SHARERS_DIE, d), ANSWER_SKIP);
	json_decref(d);
	/* no worker shares its mm: the run cannot answer the claim */
	d = ranking_doc("pass", "killed 1", "survives");
	assert_int_equal(judge_answer(CLAIM_JUDGE_MM_SHARERS_DIE, d), ANSWER_BROKEN);
	json_decref(d);
}

static void test_first_kill_allocating(void **state)
{
	json_t *d = doc_new("pass", "");
	char ev[700];

	add_worker(d, worker("big", "page-touch", "any", "killed", true, 30720, 0));
	assert_int_equal(judge_answer(CLAIM_JUDGE_FIRST_KILL_ALLOCATING, d), ANSWER_REFUTED);
	add_kill(d, "oomlab-pressure", 301, ALLOC_LINE);
	add_kill(d, "big", 4413, KILLED_LINE);
	assert_int_equal(judge_answer(CLAIM_JUDGE_FIRST_KILL_ALLOCATING, d), ANSWER_CONFIRMED);
	assert_int_equal(judge_model_holds(CLAIM_JUDGE_FIRST_KILL_ALLOCATING, d, OOM_ERA_3_8), -1);
	judge_evidence(CLAIM_JUDGE_FIRST_KILL_ALLOCATING, ANSWER_CONFIRMED, d, ev, sizeof(ev));
	assert_non_null(strstr(ev, ". first kill line: " ALLOC_LINE));
	json_decref(d);
	/* an ordinary kill first */
	d = ranking_doc("pass", "killed 1", "survives");
	assert_int_equal(judge_answer(CLAIM_JUDGE_FIRST_KILL_ALLOCATING, d), ANSWER_REFUTED);
	json_decref(d);
}

static void test_kill_lines_logged(void **state)
{
	json_t *d = ranking_doc("pass", "killed 1", "survives");

	assert_int_equal(judge_answer(CLAIM_JUDGE_KILL_LINES_LOGGED, d), ANSWER_CONFIRMED);
	assert_int_equal(judge_model_holds(CLAIM_JUDGE_KILL_LINES_LOGGED, d, OOM_ERA_4_17), -1);
	/* a death without a logged kill */
	add_worker(d, worker("gone", "page-touch", "any", "exit 1", false, 100, 0));
	assert_int_equal(judge_answer(CLAIM_JUDGE_KILL_LINES_LOGGED, d), ANSWER_REFUTED);
	json_decref(d);
	/* a line without file-rss (2.6.35 printed none of the sizes) */
	d = doc_new("pass", "");
	add_kill(d, "big", 4413, "Out of Memory: Kill process 4413 (big) score 900 and children.");
	assert_int_equal(judge_answer(CLAIM_JUDGE_KILL_LINES_LOGGED, d), ANSWER_REFUTED);
	json_decref(d);
	/* nothing killed: nothing logged */
	d = doc_new("pass", "");
	assert_int_equal(judge_answer(CLAIM_JUDGE_KILL_LINES_LOGGED, d), ANSWER_REFUTED);
	json_decref(d);
}

static void test_unknown_judge(void **state)
{
	json_t *d = ranking_doc("pass", "killed 1", "survives");
	char ev[64];

	assert_int_equal(judge_answer((enum claim_judge)99, d), ANSWER_BROKEN);
	assert_int_equal(judge_model_holds((enum claim_judge)99, d, OOM_ERA_4_17), -1);
	judge_evidence((enum claim_judge)99, ANSWER_CONFIRMED, d, ev, sizeof(ev));
	assert_string_equal(ev, "every expectation held");
	assert_string_equal(claim_answer_name(ANSWER_REFUTED), "REFUTED");
	assert_string_equal(json_str(d, "no-such-key"), "");
	json_decref(d);
}

/*
 * Every shipped claim profile names its judge (judge = ...), and the
 * judges that are not the expectations belong to the claims whose text
 * says what they look at.
 */
static void test_claim_profiles(void **state)
{
	static const char *const dir = "profiles/claims";
	unsigned n = 0, special = 0;
	DIR *d = opendir(dir);
	struct dirent *e;

	assert_non_null(d);
	while ((e = readdir(d))) {
		struct profile *p = NULL;
		struct profile_error err;
		char path[512];
		size_t l = strlen(e->d_name);

		if (l < 5 || strcmp(e->d_name + l - 4, ".ini"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		assert_int_equal(profile_parse_file(path, &p, &err), 0);
		assert_non_null(p->claim);
		switch (p->claim_judge) {
		case CLAIM_JUDGE_MM_SHARERS_DIE:
			assert_non_null(strstr(p->claim, "sharing the victim's mm"));
			special++;
			break;
		case CLAIM_JUDGE_FIRST_KILL_ALLOCATING:
			assert_non_null(strstr(p->claim, "oom_kill_allocating_task"));
			special++;
			break;
		case CLAIM_JUDGE_KILL_LINES_LOGGED:
			assert_non_null(strstr(p->claim, "logged"));
			special++;
			break;
		case CLAIM_JUDGE_EXPECTATIONS:
			break;
		}
		profile_free(p);
		n++;
	}
	closedir(d);
	assert_int_equal(n, 14);
	assert_int_equal(special, 3);
}

/* [claim] judge = NAME: FILE:LINE errors for a name that is no judge. */
static void test_judge_key(void **state)
{
	struct profile *p = NULL;
	struct profile_error err;

	assert_int_equal(profile_parse_string("j.ini",
					      "[claim]\nid = 9\ntext = t\n"
					      "judge = mm_sharers_die\n[profile]\n[worker w]\n"
					      "size = 1M\n",
					      &p, &err),
			 0);
	assert_int_equal(p->claim_judge, CLAIM_JUDGE_MM_SHARERS_DIE);
	assert_string_equal(claim_judge_name(p->claim_judge), "mm_sharers_die");
	profile_free(p);
	p = NULL;
	assert_int_equal(profile_parse_string("j.ini",
					      "[claim]\nid = 1\ntext = t\n[profile]\n"
					      "[worker w]\nsize = 1M\n",
					      &p, &err),
			 0);
	assert_int_equal(p->claim_judge, CLAIM_JUDGE_EXPECTATIONS);
	profile_free(p);
	p = NULL;
	assert_int_equal(profile_parse_string("j.ini",
					      "[claim]\nid = 9\ntext = t\njudge = shared-mm\n"
					      "[profile]\n[worker w]\nsize = 1M\n",
					      &p, &err),
			 -EINVAL);
	assert_null(p);
	assert_int_equal(err.line, 4);
	assert_string_equal(err.field, "judge");
	assert_string_equal(err.msg, "unknown judge 'shared-mm' (expectations, mm_sharers_die, "
				     "first_kill_is_allocating_task, kill_lines_logged)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expectations),
		cmocka_unit_test(test_tree_replay),
		cmocka_unit_test(test_mm_sharers_die),
		cmocka_unit_test(test_first_kill_allocating),
		cmocka_unit_test(test_kill_lines_logged),
		cmocka_unit_test(test_unknown_judge),
		cmocka_unit_test(test_claim_profiles),
		cmocka_unit_test(test_judge_key),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
