// SPDX-License-Identifier: MIT
/*
 * oomlab claims: the OOM folklore, asked of the running kernel.
 *
 * Each profile in profiles/claims/ states a claim; its workers' `expect`
 * lines are what the claim predicts. A PASS therefore means the kernel
 * behaved as the claim says (CONFIRMED), a FAIL that it did not (REFUTED).
 * Each claim runs --repeat times; the answer is stable when every run
 * agrees. For ranking claims every era's badness model is replayed on the
 * run's own snapshot (the result's model_input), so the table also says
 * what a 2.6.35, 2.6.36-3.7, 3.8-4.16 and >= 4.17 kernel would have done
 * with the same tasks, and whether the kernel agrees with its era's model.
 *
 * Everything is judged on result documents (the JSON of results.c), so a
 * claim run on the host and one that came back from a VM guest (--vm) go
 * through the same code.
 */
#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <jansson.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "badness.h"
#include "claims.h"
#include "cli.h"
#include "pattern.h"
#include "results.h"
#include "runner.h"
#include "taskjson.h"
#include "util.h"

enum claim_answer {
	ANSWER_CONFIRMED,
	ANSWER_REFUTED,
	ANSWER_SKIP,
	ANSWER_BROKEN,
};

static const char *const answer_names[] = { "CONFIRMED", "REFUTED", "SKIP", "BROKEN" };

/* Claims judged on something else than the expectations. */
#define CLAIM_SHARED_MM 9	/* the deaths of the mm sharers (6.x logs none) */
#define CLAIM_ALLOC_TASK 10	/* the first kill is the allocating task */
#define CLAIM_LOG_FORMAT 13	/* the kernel's lines themselves */

struct claim_row {
	const struct profile *p;
	json_t *last;			/* the last result, for evidence */
	unsigned runs;
	unsigned count[4];		/* per answer */
	enum claim_answer answer;	/* of the last run */
	bool stable;
	int model[OOM_ERA_COUNT];	/* per oom_eras[] line: 1 holds, 0 does
					 * not, -1 n/a */
	char evidence[700];
};

static const char *jstr(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s ? s : "";
}

static enum claim_answer verdict_answer(const json_t *doc)
{
	enum outcome o = OUTCOME_BROK;

	outcome_parse(jstr(doc, "verdict"), &o);
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

/* Claim 13: every kill is logged as "Killed process" with total-vm,
 * anon-rss and file-rss, and every worker death was a logged kill. */
static enum claim_answer log_format_answer(const json_t *doc)
{
	json_t *kills = json_object_get(doc, "kills"), *v;
	size_t i;

	if (!json_array_size(kills))
		return ANSWER_REFUTED;
	json_array_foreach(kills, i, v) {
		const char *l = jstr(v, "line");

		if (!strstr(l, "Killed process") || !strstr(l, "total-vm:") ||
		    !strstr(l, "anon-rss:") || !strstr(l, "file-rss:"))
			return ANSWER_REFUTED;
	}
	json_array_foreach(json_object_get(doc, "workers"), i, v)
		if (strcmp(jstr(v, "exit"), "alive") && !json_is_true(json_object_get(v, "killed")))
			return ANSWER_REFUTED;
	return ANSWER_CONFIRMED;
}

/* Claim 9: the processes sharing the victim's mm die with it. */
static enum claim_answer shared_mm_answer(const json_t *doc)
{
	bool any = false;
	size_t i;
	json_t *w;

	json_array_foreach(json_object_get(doc, "workers"), i, w) {
		size_t n = json_array_size(json_object_get(w, "children"));

		if (!pattern_has_flag(jstr(w, "pattern"), PATTERN_F_SHARED_MM))
			continue;
		any = true;
		if (!strcmp(jstr(w, "exit"), "alive") || !n ||
		    (size_t)json_integer_value(json_object_get(w, "children_dead")) != n)
			return ANSWER_REFUTED;
	}
	return any ? ANSWER_CONFIRMED : ANSWER_BROKEN;
}

/* Claim 10: the kernel names its reason in the kill line itself. */
static enum claim_answer alloc_task_answer(const json_t *doc)
{
	json_t *first = json_array_get(json_object_get(doc, "kills"), 0);

	return first && strstr(jstr(first, "line"), "(oom_kill_allocating_task)")
		       ? ANSWER_CONFIRMED
		       : ANSWER_REFUTED;
}

static enum claim_answer answer_of(const json_t *doc, int claim_id)
{
	enum claim_answer a = verdict_answer(doc);

	if (a == ANSWER_SKIP || a == ANSWER_BROKEN)
		return a;
	switch (claim_id) {
	case CLAIM_SHARED_MM:
		return shared_mm_answer(doc);
	case CLAIM_ALLOC_TASK:
		return alloc_task_answer(doc);
	case CLAIM_LOG_FORMAT:
		return log_format_answer(doc);
	default:
		return a;
	}
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
 * Would the era's model satisfy the claim's expectations on this result's
 * tasks? Replays the ranking; the first K killable tasks are the victims,
 * K being the number of kills the profile waits for.
 */
static int model_holds(const json_t *doc, int claim_id, enum oom_era era)
{
	unsigned order[RUN_MAX_INSTANCES], pos[RUN_MAX_INSTANCES], pos_expect[RUN_MAX_INSTANCES];
	enum expect_kind expect[RUN_MAX_INSTANCES];
	struct task_mem tasks[RUN_MAX_INSTANCES];
	struct badness pts[RUN_MAX_INSTANCES];
	json_t *workers = json_object_get(doc, "workers"), *w;
	uint64_t totalpages = (uint64_t)json_integer_value(json_object_get(doc, "totalpages"));
	unsigned n = 0, k = 0, killable = 0;
	size_t i;

	if (claim_id == CLAIM_SHARED_MM || claim_id == CLAIM_ALLOC_TASK ||
	    claim_id == CLAIM_LOG_FORMAT || !totalpages || !json_array_size(workers))
		return -1;
	if (json_is_true(json_object_get(doc, "panicked")) ||
	    json_is_true(json_object_get(doc, "alloc_failed")))
		return -1;
	json_array_foreach(workers, i, w) {
		if (n >= RUN_MAX_INSTANCES ||
		    task_mem_from_json(json_object_get(w, "model_input"), &tasks[n]) < 0)
			return -1;
		expect[n] = parse_expect(jstr(w, "expect"), &pos_expect[n]);
		if (expect[n] == EXPECT_KILLED || expect[n] == EXPECT_KILLED_NTH)
			k++;
		n++;
	}
	if (!k)
		k = 1;
	oom_rank(era, tasks, n, totalpages, order, pts);
	for (unsigned j = 0; j < n; j++) {
		unsigned t = order[j];

		pos[t] = pts[t].unkillable ? UINT32_MAX : ++killable;
	}
	for (unsigned j = 0; j < n; j++) {
		bool victim = pos[j] <= k;

		if ((expect[j] == EXPECT_KILLED_NTH && pos[j] != pos_expect[j]) ||
		    (expect[j] == EXPECT_KILLED && !victim) ||
		    (expect[j] == EXPECT_SURVIVES && victim))
			return 0;
	}
	return 1;
}

static void evidence(struct claim_row *row)
{
	const json_t *doc = row->last;
	json_t *kills = json_object_get(doc, "kills"), *k, *w;
	size_t n = 0, i, len = sizeof(row->evidence);
	char *e = row->evidence;

	e[0] = 0;
	if (row->answer == ANSWER_SKIP || row->answer == ANSWER_BROKEN) {
		snprintf(e, len, "%s", jstr(doc, "reason"));
		return;
	}
	n += (size_t)snprintf(e + n, len - n, "killed:");
	json_array_foreach(kills, i, k) {
		const char *who = json_is_string(json_object_get(k, "instance"))
					  ? jstr(k, "instance")
					  : jstr(k, "name");

		if (n >= len)
			return;
		n += (size_t)snprintf(e + n, len - n, "%s %s (pid %" JSON_INTEGER_FORMAT
				      ", anon-rss %" JSON_INTEGER_FORMAT "kB, adj %"
				      JSON_INTEGER_FORMAT ")", i ? "," : "", who,
				      json_integer_value(json_object_get(k, "pid")),
				      json_integer_value(json_object_get(k, "anon_rss_kb")),
				      json_integer_value(json_object_get(k, "oom_score_adj")));
	}
	if (n >= len)
		return;
	if (!json_array_size(kills))
		n += (size_t)snprintf(e + n, len - n, " nothing%s%s",
				      json_is_true(json_object_get(doc, "panicked"))
					      ? "; the kernel panicked" : "",
				      json_is_true(json_object_get(doc, "alloc_failed"))
					      ? "; allocation failed" : "");
	if (n >= len)
		return;
	switch (row->p->claim_id) {
	case CLAIM_SHARED_MM:
		json_array_foreach(json_object_get(doc, "workers"), i, w)
			if (json_array_size(json_object_get(w, "children")) && n < len)
				n += (size_t)snprintf(
					e + n, len - n,
					". %s %s; %" JSON_INTEGER_FORMAT " of the %zu processes "
					"sharing its mm died with it", jstr(w, "name"),
					strcmp(jstr(w, "exit"), "alive") ? "died" : "survived",
					json_integer_value(json_object_get(w, "children_dead")),
					json_array_size(json_object_get(w, "children")));
		break;
	case CLAIM_ALLOC_TASK:
		snprintf(e + n, len - n, ". first kill line: %s",
			 jstr(json_array_get(kills, 0), "line"));
		break;
	default:
		n += (size_t)snprintf(e + n, len - n, ". %s", jstr(doc, "reason"));
		/* claim 14: say that init really was the biggest task */
		json_array_foreach(json_object_get(doc, "notes"), i, k)
			if (n < len && !strncmp(json_string_value(k) ? json_string_value(k) : "",
						"PID 1 ", 6))
				n += (size_t)snprintf(e + n, len - n, "; %s", json_string_value(k));
	}
}

static const char *model_str(int m)
{
	return m < 0 ? "n/a" : m ? "holds" : "fails";
}

/* Does the kernel agree with its own era's model? */
static const char *agrees(const struct claim_row *row)
{
	enum oom_era era = OOM_ERA_AUTO;
	const char *name = jstr(json_object_get(row->last, "era"), "model");
	int m = -1;

	if (row->answer != ANSWER_CONFIRMED && row->answer != ANSWER_REFUTED)
		return "-";
	if (oom_era_parse(name, &era) < 0 || era == OOM_ERA_AUTO)
		era = oom_era_from_release(jstr(row->last, "kernel"));
	for (unsigned e = 0; e < oom_era_count; e++)
		if (oom_eras[e].era == era)
			m = row->model[e];
	if (m < 0)
		return "n/a";
	return (m == 1) == (row->answer == ANSWER_CONFIRMED) ? "yes" : "NO";
}

static const char *row_kernel(const struct claim_row *row)
{
	return row->last ? jstr(row->last, "kernel") : "";
}

static void print_table(struct claim_row *rows, unsigned n, FILE *f)
{
	fprintf(f, "%-3s %-46s %-9s %-6s", "#", "claim", "kernel", "runs");
	for (unsigned e = 0; e < oom_era_count; e++)
		fprintf(f, " %-6s", oom_eras[e].name);
	fprintf(f, " %-6s %s\n", "agrees", "on");
	for (unsigned i = 0; i < n; i++) {
		struct claim_row *row = &rows[i];
		char runs[16];

		snprintf(runs, sizeof(runs), "%u/%u%s", row->count[row->answer], row->runs,
			 row->stable ? "" : "!");
		fprintf(f, "%-3d %-46.46s %-9s %-6s", row->p->claim_id,
			row->p->claim ? row->p->claim : row->p->path, answer_names[row->answer],
			runs);
		for (unsigned e = 0; e < oom_era_count; e++)
			fprintf(f, " %-6s", model_str(row->model[e]));
		fprintf(f, " %-6s %s\n", agrees(row), row_kernel(row));
		fprintf(f, "    %s\n", row->evidence);
	}
}

static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s != '\n')
			fputc(*s, f);
	}
}

static void write_markdown(struct claim_row *rows, unsigned n, FILE *f)
{
	fprintf(f, "# OOM claims, asked of real kernels\n\n");
	fprintf(f, "Generated by `oomlab claims`. Each claim is a profile in `profiles/claims/`"
		   " whose expectations are what the claim predicts, run for real: CONFIRMED"
		   " means the kernel behaved as claimed, REFUTED that it did not. The era"
		   " columns replay each era's badness model on the same tasks"
		   " (holds = that era's kernel would have behaved as claimed); \"agrees\""
		   " compares the kernel with its own era's model.\n\n");
	fprintf(f, "| # | claim | kernel | answer | runs |");
	for (unsigned e = 0; e < oom_era_count; e++)
		fprintf(f, " %s |", oom_eras[e].label);
	fprintf(f, " agrees | evidence |\n|---|---|---|---|---|");
	for (unsigned e = 0; e < oom_era_count; e++)
		fputs("---|", f);
	fputs("---|---|\n", f);
	for (unsigned i = 0; i < n; i++) {
		struct claim_row *row = &rows[i];

		fprintf(f, "| %d | ", row->p->claim_id);
		md_cell(f, row->p->claim ? row->p->claim : row->p->path);
		fprintf(f, " | %s | %s | %u/%u | ", row_kernel(row), answer_names[row->answer],
			row->count[row->answer], row->runs);
		for (unsigned e = 0; e < oom_era_count; e++)
			fprintf(f, "%s | ", model_str(row->model[e]));
		fprintf(f, "%s | ", agrees(row));
		md_cell(f, row->evidence);
		fputs(" |\n", f);
	}
}

static json_t *claims_json(struct claim_row *rows, unsigned n)
{
	json_t *doc = json_object(), *arr = json_array();

	for (unsigned i = 0; i < n; i++) {
		struct claim_row *row = &rows[i];
		json_t *models = json_object();

		for (unsigned e = 0; e < oom_era_count; e++)
			json_object_set_new(models, oom_eras[e].name,
					    row->model[e] < 0 ? json_null()
							      : json_boolean(row->model[e]));
		json_array_append_new(
			arr, json_pack("{s:i,s:s,s:s,s:s,s:s,s:i,s:i,s:b,s:o,s:s,s:s,s:O}",
				       "id", row->p->claim_id,
				       "claim", row->p->claim ? row->p->claim : "",
				       "profile", row->p->path,
				       "kernel", row_kernel(row),
				       "answer", answer_names[row->answer],
				       "runs", (int)row->runs,
				       "same_answer_runs", (int)row->count[row->answer],
				       "stable", row->stable,
				       "model_holds", models,
				       "agrees_with_model", agrees(row),
				       "evidence", row->evidence,
				       "result", row->last ? row->last : json_null()));
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

static void row_add(struct claim_row *row, json_t *doc)
{
	enum claim_answer a = answer_of(doc, row->p->claim_id);

	row->count[a]++;
	row->runs++;
	row->answer = a;
	json_decref(row->last);
	row->last = doc;
}

/* What only a VM can give: the run's own preflight would SKIP it here. */
static bool needs_vm(const struct profile *p)
{
	char why[512];

	return runner_vm_only(p, why, sizeof(why)) != NULL;
}

/*
 * --vm: the claims the host cannot run go to `oomlab vm run` (this same
 * binary), once per repeat; its result files come back to a temporary
 * directory and are judged like host results.
 */
static int run_in_vm(struct claim_row *rows, int n, unsigned repeat, char **vm_args,
		     unsigned nvm_args)
{
	char tmpl[] = "/tmp/oomlab-claims.XXXXXX", self[PATH_MAX];
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
	unsigned nprof = 0;
	int rc = 0;

	if (sl < 0)
		return -errno;
	self[sl] = 0;
	for (int i = 0; i < n; i++)
		nprof += needs_vm(rows[i].p);
	if (!nprof)
		return 0;
	if (!mkdtemp(tmpl))
		return -errno;
	for (unsigned k = 0; k < repeat && !runner_interrupted; k++) {
		char **argv = calloc(nprof + nvm_args + 8, sizeof(char *));
		unsigned a = 0;
		pid_t pid;
		int st;

		if (!argv) {
			rc = -ENOMEM;
			break;
		}
		argv[a++] = self;
		argv[a++] = "vm";
		argv[a++] = "run";
		argv[a++] = "--results-dir";
		argv[a++] = tmpl;
		for (unsigned j = 0; j < nvm_args; j++)
			argv[a++] = vm_args[j];
		for (int i = 0; i < n; i++)
			if (needs_vm(rows[i].p))
				argv[a++] = rows[i].p->path;
		fprintf(stderr, "claims: %u VM-only claims, boot %u/%u ...\n", nprof, k + 1,
			repeat);
		fflush(NULL);
		pid = fork();
		if (pid == 0) {
			execv(self, argv);
			_exit(127);
		}
		free(argv);
		if (pid < 0 || waitpid(pid, &st, 0) < 0) {
			rc = -errno;
			break;
		}
		/* collect this boot's results, by the profile they name */
		{
			DIR *d = opendir(tmpl);
			struct dirent *e;

			while (d && (e = readdir(d))) {
				char path[PATH_MAX];
				size_t l = strlen(e->d_name);
				json_t *doc;

				snprintf(path, sizeof(path), "%s/%s", tmpl, e->d_name);
				if (l > 5 && !strcmp(e->d_name + l - 5, ".json") &&
				    (doc = json_load_file(path, 0, NULL))) {
					for (int i = 0; i < n && doc; i++)
						if (!strcmp(jstr(doc, "profile"), rows[i].p->path)) {
							row_add(&rows[i], doc);
							doc = NULL;
						}
					json_decref(doc);
				}
				if (e->d_name[0] != '.')
					unlink(path);
			}
			if (d)
				closedir(d);
		}
	}
	rmdir(tmpl);
	return rc;
}

int claims_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "repeat", required_argument, NULL, 'r' },
		{ "model", required_argument, NULL, 'm' },
		{ "markdown", required_argument, NULL, 'M' },
		{ "json", required_argument, NULL, 'j' },
		{ "vm", no_argument, NULL, 'V' },
		{ "mem", required_argument, NULL, 1 },
		{ "kernel", required_argument, NULL, 2 },
		{ "accel", required_argument, NULL, 3 },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *dir = "profiles/claims", *md = NULL, *jpath = NULL;
	const char *mem = "768M", *kernel = NULL, *accel = NULL;
	struct run_opts ro = { .era = OOM_ERA_AUTO };
	struct claim_row *rows = NULL;
	struct profile **ps = NULL;
	enum outcome *outs = NULL;
	char **paths = NULL, *vm_args[8];
	unsigned repeat = 3, nvm_args = 0;
	bool vm = false;
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
		case 'V': vm = true; break;
		case 1: mem = optarg; break;
		case 2: kernel = optarg; break;
		case 3: accel = optarg; break;
		case 'v': log_verbose = 1; ro.verbose = true; break;
		case 'h':
			puts("usage: oomlab claims [--repeat N] [--model ERA] [--markdown FILE]\n"
			     "                     [--json FILE] [--vm [--mem 768M] [--kernel K]\n"
			     "                     [--accel A]] [DIR]\n"
			     "Runs every claim profile in DIR (default profiles/claims) N times\n"
			     "(default 3) and prints CONFIRMED / REFUTED per claim, with the\n"
			     "evidence and what every era's model says. Claims that need a VM\n"
			     "SKIP on the host; --vm runs them in a QEMU guest (oomlab vm run).");
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
	for (int i = 0; i < n; i++)
		rows[i].p = ps[i];

	for (int i = 0; i < n; i++) {
		struct claim_row *row = &rows[i];

		if (vm && needs_vm(ps[i]))
			continue;
		for (unsigned k = 0; k < repeat; k++) {
			struct run *r = calloc(1, sizeof(*r));
			json_t *doc;

			if (!r)
				goto out;
			fprintf(stderr, "claim %d (%s) run %u/%u ...\n", ps[i]->claim_id,
				ps[i]->path, k + 1, repeat);
			run_profile(ps[i], &ro, r);
			doc = runner_interrupted ? NULL : results_json(r);
			run_free_notes(r);
			free(r);
			if (!doc) {
				log_err(0, runner_interrupted ? "interrupted" : "out of memory");
				goto out;
			}
			row_add(row, doc);
			/* a SKIP is the same on every run: no need to repeat it */
			if (row->answer == ANSWER_SKIP)
				break;
		}
	}
	if (vm) {
		if (mem) {
			vm_args[nvm_args++] = "--mem";
			vm_args[nvm_args++] = (char *)mem;
		}
		if (kernel) {
			vm_args[nvm_args++] = "--kernel";
			vm_args[nvm_args++] = (char *)kernel;
		}
		if (accel) {
			vm_args[nvm_args++] = "--accel";
			vm_args[nvm_args++] = (char *)accel;
		}
		if (run_in_vm(rows, n, repeat, vm_args, nvm_args) < 0 || runner_interrupted)
			goto out;
	}
	for (int i = 0; i < n; i++) {
		struct claim_row *row = &rows[i];

		if (!row->last) {	/* the VM brought nothing back */
			row->last = json_pack("{s:s,s:s}", "verdict", outcome_name(OUTCOME_BROK), "reason",
					      "no result came back from the VM guest");
			row->answer = ANSWER_BROKEN;
			row->count[ANSWER_BROKEN]++;
			row->runs++;
		}
		row->stable = row->count[row->answer] == row->runs;
		for (unsigned e = 0; e < oom_era_count; e++)
			row->model[e] = model_holds(row->last, row->p->claim_id, oom_eras[e].era);
		evidence(row);
		outs[i] = row->answer == ANSWER_BROKEN ? OUTCOME_BROK
			  : row->stable			? OUTCOME_PASS
							: OUTCOME_FAIL;
	}
	qsort(rows, (size_t)n, sizeof(*rows), cmp_row);
	print_table(rows, (unsigned)n, stdout);
	{
		json_t *doc = claims_json(rows, (unsigned)n);
		char def[PATH_MAX];

		if (!jpath) {
			mkdir("results", 0755);
			snprintf(def, sizeof(def), "results/claims-%s.json", row_kernel(&rows[0]));
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
			write_markdown(rows, (unsigned)n, f);
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
		if (rows)
			json_decref(rows[i].last);
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
