// SPDX-License-Identifier: MIT
/*
 * oomlab claims: the OOM folklore, asked of the running kernel.
 *
 * Each profile in profiles/claims/ states a claim; its workers' `expect`
 * lines are what the claim predicts. A PASS therefore means the kernel
 * behaved as the claim says (CONFIRMED), a FAIL that it did not (REFUTED).
 * Each claim runs --repeat times; the answer is stable when every run
 * agrees. For ranking claims, every era's badness model is replayed on the
 * run's own snapshot, so the table also says what a 2.6.35, 2.6.36-3.7,
 * 3.8-4.16 and >= 4.17 kernel would have done with the same tasks, and
 * whether the running kernel agrees with its own era's model.
 */
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "badness.h"
#include "claims.h"
#include "cli.h"
#include "results.h"
#include "runner.h"
#include "util.h"

enum claim_answer {
	ANSWER_CONFIRMED,
	ANSWER_REFUTED,
	ANSWER_SKIP,
	ANSWER_BROKEN,
};

static const char *const answer_names[] = { "CONFIRMED", "REFUTED", "SKIP", "BROKEN" };

static const enum oom_era eras[] = { OOM_ERA_2_6_35, OOM_ERA_2_6_36, OOM_ERA_3_8,
				     OOM_ERA_4_17 };

struct claim_row {
	const struct profile *p;
	struct run *last;		/* the last run, for evidence */
	unsigned runs;
	unsigned count[4];		/* per answer */
	enum claim_answer answer;	/* of the last run */
	bool stable;
	int model[ARRAY_SIZE(eras)];	/* 1 holds, 0 does not, -1 n/a */
	char evidence[600];
};

/* Claim 13 is about the log itself, not a ranking. */
#define CLAIM_LOG_FORMAT 13
/* Claim 9 is judged on deaths: 6.x does not log the mm sharers it kills. */
#define CLAIM_SHARED_MM 9

static enum claim_answer answer_of(const struct run *r)
{
	switch (r->outcome) {
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

/* Claim 13: every kill is logged as "Killed process" with total-vm,
 * anon-rss and file-rss. */
static enum claim_answer log_format_answer(const struct run *r)
{
	if (r->outcome == OUTCOME_SKIP || r->outcome == OUTCOME_BROK)
		return answer_of(r);
	if (!r->nkills)
		return ANSWER_REFUTED;
	for (unsigned i = 0; i < r->nkills; i++) {
		const char *l = r->kills[i].line;

		if (!strstr(l, "Killed process") || !strstr(l, "total-vm:") ||
		    !strstr(l, "anon-rss:") || !strstr(l, "file-rss:"))
			return ANSWER_REFUTED;
	}
	/* and every worker death was a logged kill */
	for (unsigned i = 0; i < r->ninst; i++)
		if (r->inst[i].died && !r->inst[i].killed)
			return ANSWER_REFUTED;
	return ANSWER_CONFIRMED;
}

/* Claim 9: the mm-sharing processes must die with the victim. */
static enum claim_answer shared_mm_answer(const struct run *r)
{
	bool any = false;

	if (r->outcome == OUTCOME_SKIP || r->outcome == OUTCOME_BROK)
		return answer_of(r);
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct instance *in = &r->inst[i];

		if (!in->spec->pattern || strcmp(in->spec->pattern, "shared-mm"))
			continue;
		any = true;
		/* killed directly, or through a sharer the kernel picked */
		if (!in->died || !in->nchild || in->child_dead != in->nchild)
			return ANSWER_REFUTED;
	}
	return any ? ANSWER_CONFIRMED : ANSWER_BROKEN;
}

/*
 * Would the era's model satisfy the claim's expectations on this run's
 * tasks? Replays the ranking; the first K killable tasks are the victims,
 * K being the number of kills the profile waits for.
 */
static int model_holds(const struct run *r, enum oom_era era)
{
	unsigned order[RUN_MAX_INSTANCES], pos[RUN_MAX_INSTANCES];
	struct task_mem tasks[RUN_MAX_INSTANCES];
	struct badness pts[RUN_MAX_INSTANCES];
	unsigned k = 0, killable = 0;

	if (!r->ninst || !r->totalpages || r->profile->run_expect != RUN_EXPECT_KILLS ||
	    r->profile->claim_id == CLAIM_LOG_FORMAT || r->profile->claim_id == CLAIM_SHARED_MM)
		return -1;
	for (unsigned i = 0; i < r->ninst; i++) {
		tasks[i] = r->inst[i].task;
		if (r->inst[i].spec->expect == EXPECT_KILLED ||
		    r->inst[i].spec->expect == EXPECT_KILLED_NTH)
			k++;
	}
	if (!k)
		k = 1;
	oom_rank(era, tasks, r->ninst, r->totalpages, order, pts);
	for (unsigned i = 0; i < r->ninst; i++) {
		unsigned t = order[i];

		pos[t] = pts[t].unkillable ? UINT32_MAX : ++killable;
	}
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct worker_spec *s = r->inst[i].spec;
		bool victim = pos[i] <= k;

		switch (s->expect) {
		case EXPECT_KILLED_NTH:
			if (pos[i] != s->expect_pos)
				return 0;
			break;
		case EXPECT_KILLED:
			if (!victim)
				return 0;
			break;
		case EXPECT_SURVIVES:
			if (victim)
				return 0;
			break;
		default:
			break;
		}
	}
	return 1;
}

static void evidence(struct claim_row *row)
{
	const struct run *r = row->last;
	size_t n = 0;

	row->evidence[0] = 0;
	if (r->outcome == OUTCOME_SKIP || r->outcome == OUTCOME_BROK) {
		snprintf(row->evidence, sizeof(row->evidence), "%s", r->reason);
		return;
	}
	n += (size_t)snprintf(row->evidence + n, sizeof(row->evidence) - n, "killed:");
	for (unsigned i = 0; i < r->nkills && n < sizeof(row->evidence); i++) {
		const struct kill_record *k = &r->kills[i];
		const char *who = k->instance >= 0 ? r->inst[k->instance].name : k->killed.comm;

		n += (size_t)snprintf(row->evidence + n, sizeof(row->evidence) - n,
				      "%s %s (pid %d, anon-rss %ldkB, adj %ld)", i ? "," : "",
				      who, (int)k->killed.pid, k->killed.anon_rss_kb,
				      k->killed.oom_score_adj);
	}
	if (!r->nkills && n < sizeof(row->evidence))
		n += (size_t)snprintf(row->evidence + n, sizeof(row->evidence) - n,
				      " nothing%s%s", r->panicked ? "; the kernel panicked" : "",
				      r->alloc_failed ? "; allocation failed" : "");
	if (n >= sizeof(row->evidence))
		return;
	if (r->profile->claim_id == CLAIM_SHARED_MM) {
		for (unsigned i = 0; i < r->ninst; i++)
			if (r->inst[i].nchild)
				n += (size_t)snprintf(row->evidence + n, sizeof(row->evidence) - n,
						      ". %s %s; %u of the %u processes sharing "
						      "its mm died with it", r->inst[i].name,
						      r->inst[i].died ? "died" : "survived",
						      r->inst[i].child_dead, r->inst[i].nchild);
		return;
	}
	snprintf(row->evidence + n, sizeof(row->evidence) - n, ". %s", r->reason);
}

static const char *model_str(int m)
{
	return m < 0 ? "n/a" : m ? "holds" : "fails";
}

/* Does the kernel agree with its own era's model? */
static const char *agrees(const struct claim_row *row)
{
	const struct run *r = row->last;
	int m = -1;

	if (row->answer != ANSWER_CONFIRMED && row->answer != ANSWER_REFUTED)
		return "-";
	for (unsigned e = 0; e < ARRAY_SIZE(eras); e++)
		if (eras[e] == r->era)
			m = row->model[e];
	if (m < 0)
		return "n/a";
	return (m == 1) == (row->answer == ANSWER_CONFIRMED) ? "yes" : "NO";
}

static void print_table(struct claim_row *rows, unsigned n, const char *kernel, FILE *f)
{
	fprintf(f, "claims on kernel %s (model %s)\n", kernel,
		n ? oom_era_name(rows[0].last->era) : "?");
	fprintf(f, "%-3s %-46s %-9s %-6s %-6s %-6s %-6s %-6s %s\n", "#", "claim", "kernel",
		"runs", "2.6.35", "2.6.36", "3.8", "4.17", "agrees");
	for (unsigned i = 0; i < n; i++) {
		struct claim_row *row = &rows[i];
		char runs[16];

		snprintf(runs, sizeof(runs), "%u/%u%s", row->count[row->answer], row->runs,
			 row->stable ? "" : "!");
		fprintf(f, "%-3d %-46.46s %-9s %-6s %-6s %-6s %-6s %-6s %s\n", row->p->claim_id,
			row->p->claim ? row->p->claim : row->p->path, answer_names[row->answer],
			runs, model_str(row->model[0]), model_str(row->model[1]),
			model_str(row->model[2]), model_str(row->model[3]), agrees(row));
		fprintf(f, "    %s\n", row->evidence);
	}
}

static void write_markdown(struct claim_row *rows, unsigned n, const char *kernel, FILE *f)
{
	fprintf(f, "# OOM claims on Linux %s\n\n", kernel);
	fprintf(f, "Generated by `oomlab claims`. Each claim is a profile in `profiles/claims/`"
		   " whose expectations are what the claim predicts, run for real: CONFIRMED"
		   " means the kernel behaved as claimed, REFUTED that it did not. The era"
		   " columns replay each era's badness model on the same tasks"
		   " (holds = that era's kernel would have behaved as claimed).\n\n");
	fprintf(f, "| # | claim | this kernel | runs | 2.6.35 | 2.6.36-3.7 | 3.8-4.16 | >= 4.17 |"
		   " agrees with its model | evidence |\n");
	fprintf(f, "|---|---|---|---|---|---|---|---|---|---|\n");
	for (unsigned i = 0; i < n; i++) {
		struct claim_row *row = &rows[i];

		fprintf(f, "| %d | %s | %s | %u/%u | %s | %s | %s | %s | %s | ", row->p->claim_id,
			row->p->claim ? row->p->claim : row->p->path, answer_names[row->answer],
			row->count[row->answer], row->runs, model_str(row->model[0]),
			model_str(row->model[1]), model_str(row->model[2]),
			model_str(row->model[3]), agrees(row));
		for (const char *c = row->evidence; *c; c++)
			fputs(*c == '|' ? "\\|" : (char[]){ *c, 0 }, f);
		fputs(" |\n", f);
	}
}

static json_t *claims_json(struct claim_row *rows, unsigned n, const char *kernel)
{
	json_t *doc = json_object(), *arr = json_array();

	json_object_set_new(doc, "kernel", json_string(kernel));
	for (unsigned i = 0; i < n; i++) {
		struct claim_row *row = &rows[i];
		json_t *o = json_object(), *models = json_object();

		json_object_set_new(o, "id", json_integer(row->p->claim_id));
		json_object_set_new(o, "claim", json_string(row->p->claim ? row->p->claim : ""));
		json_object_set_new(o, "profile", json_string(row->p->path));
		json_object_set_new(o, "answer", json_string(answer_names[row->answer]));
		json_object_set_new(o, "runs", json_integer(row->runs));
		json_object_set_new(o, "same_answer_runs", json_integer(row->count[row->answer]));
		json_object_set_new(o, "stable", json_boolean(row->stable));
		for (unsigned e = 0; e < ARRAY_SIZE(eras); e++)
			json_object_set_new(models, oom_era_name(eras[e]),
					    row->model[e] < 0 ? json_null()
							      : json_boolean(row->model[e]));
		json_object_set_new(o, "model_holds", models);
		json_object_set_new(o, "agrees_with_model", json_string(agrees(row)));
		json_object_set_new(o, "evidence", json_string(row->evidence));
		json_object_set_new(o, "result", results_json(row->last));
		json_array_append_new(arr, o);
	}
	json_object_set_new(doc, "claims", arr);
	return doc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int list_profiles(const char *dir, char ***ret, int *ret_n)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	char **v = NULL;
	int n = 0;

	if (!d)
		return -errno;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		char **nv;

		if (l < 5 || strcmp(e->d_name + l - 4, ".ini"))
			continue;
		nv = realloc(v, (size_t)(n + 1) * sizeof(*v));
		if (!nv)
			break;
		v = nv;
		if (asprintf(&v[n], "%s/%s", dir, e->d_name) < 0)
			break;
		n++;
	}
	closedir(d);
	qsort(v, (size_t)n, sizeof(*v), cmp_str);
	*ret = v;
	*ret_n = n;
	return 0;
}

static int cmp_row(const void *a, const void *b)
{
	return ((const struct claim_row *)a)->p->claim_id -
	       ((const struct claim_row *)b)->p->claim_id;
}

int claims_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'r' },
		{ "model", required_argument, NULL, 'm' },
		{ "markdown", required_argument, NULL, 'M' },
		{ "json", required_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dir = "profiles/claims", *md = NULL, *jpath = NULL;
	struct run_opts ro = { .era = OOM_ERA_AUTO };
	struct claim_row *rows = NULL;
	struct profile **ps = NULL;
	enum outcome *outs = NULL;
	char **paths = NULL, kernel[128] = "";
	unsigned repeat = 3;
	int c, n = 0, rc = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vh", opts, NULL)) != -1) {
		long v;

		switch (c) {
		case 'r':
			if (parse_int(optarg, 1, 100, &v) < 0) {
				log_err(0, "--repeat %s: a number from 1 to 100", optarg);
				return 2;
			}
			repeat = (unsigned)v;
			break;
		case 'm':
			if (oom_era_parse(optarg, &ro.era) < 0) {
				log_err(0, "--model %s: not an era", optarg);
				return 2;
			}
			break;
		case 'M': md = optarg; break;
		case 'j': jpath = optarg; break;
		case 'v': log_verbose = 1; ro.verbose = true; break;
		case 'h':
			puts("usage: oomlab claims [--repeat N] [--model ERA] [--markdown FILE] "
			     "[--json FILE] [DIR]\n"
			     "Runs every claim profile in DIR (default profiles/claims) N times "
			     "(default 3)\nand prints CONFIRMED / REFUTED per claim with the "
			     "evidence and every era's model.\nVM-only claims SKIP here; run them "
			     "with: oomlab vm run profiles/claims/");
			return 0;
		default:
			return 2;
		}
	}
	if (optind < argc)
		dir = argv[optind];
	if (list_profiles(dir, &paths, &n) < 0 || n == 0) {
		log_err(0, "%s: no claim profiles (*.ini)", dir);
		return 2;
	}
	ps = calloc((size_t)n, sizeof(*ps));
	rows = calloc((size_t)n, sizeof(*rows));
	outs = calloc((size_t)n, sizeof(*outs));
	if (!ps || !rows || !outs)
		goto out;
	if (load_profiles(n, paths, ps) < 0)
		goto out;
	ro.in_vm = oomlab_detect_vm();
	for (int i = 0; i < n; i++) {
		struct claim_row *row = &rows[i];

		row->p = ps[i];
		for (unsigned k = 0; k < repeat; k++) {
			struct run *r = calloc(1, sizeof(*r));
			enum claim_answer a;

			if (!r)
				goto out;
			fprintf(stderr, "claim %d (%s) run %u/%u ...\n", ps[i]->claim_id,
				ps[i]->path, k + 1, repeat);
			run_profile(ps[i], &ro, r);
			if (runner_interrupted) {
				run_free_notes(r);
				free(r);
				log_err(0, "interrupted");
				goto out;
			}
			a = ps[i]->claim_id == CLAIM_LOG_FORMAT	 ? log_format_answer(r)
			    : ps[i]->claim_id == CLAIM_SHARED_MM ? shared_mm_answer(r)
								 : answer_of(r);
			row->count[a]++;
			row->runs++;
			row->answer = a;
			if (row->last) {
				run_free_notes(row->last);
				free(row->last);
			}
			row->last = r;
			snprintf(kernel, sizeof(kernel), "%s", r->kernel);
			/* a SKIP is the same on every run: no need to repeat it */
			if (a == ANSWER_SKIP)
				break;
		}
		row->stable = row->count[row->answer] == row->runs;
		for (unsigned e = 0; e < ARRAY_SIZE(eras); e++)
			row->model[e] = model_holds(row->last, eras[e]);
		evidence(row);
		outs[i] = row->answer == ANSWER_BROKEN ? OUTCOME_BROK
			  : row->stable			? OUTCOME_PASS
							: OUTCOME_FAIL;
	}
	qsort(rows, (size_t)n, sizeof(*rows), cmp_row);
	print_table(rows, (unsigned)n, kernel, stdout);
	{
		json_t *doc = claims_json(rows, (unsigned)n, kernel);
		char def[256];

		if (!jpath) {
			mkdir("results", 0755);
			snprintf(def, sizeof(def), "results/claims-%s.json", kernel);
			jpath = def;
		}
		if (json_dump_file(doc, jpath, JSON_INDENT(2)) < 0)
			log_err(0, "cannot write %s", jpath);
		else
			printf("json: %s\n", jpath);
		json_decref(doc);
	}
	if (md) {
		FILE *f = fopen(md, "w");

		if (!f) {
			log_err(-errno, "cannot write %s", md);
		} else {
			write_markdown(rows, (unsigned)n, kernel, f);
			fclose(f);
			printf("markdown: %s\n", md);
		}
	}
	/* The suite's own outcome: broken if a claim could not be run, fail
	 * if an answer was unstable across runs; CONFIRMED and REFUTED are
	 * both findings, not failures. */
	rc = aggregate_exit(outs, (unsigned)n);
out:
	for (int i = 0; i < n; i++) {
		if (rows && rows[i].last) {
			run_free_notes(rows[i].last);
			free(rows[i].last);
		}
		if (ps)
			profile_free(ps[i]);
		free(paths[i]);
	}
	free(paths);
	free(ps);
	free(rows);
	free(outs);
	return rc;
}
