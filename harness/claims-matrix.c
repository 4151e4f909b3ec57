// SPDX-License-Identifier: MIT
/*
 * oomlab claims --vm --kernel 5.10,6.1,6.12,7: the claims x kernels table.
 * The matrix is a suite (`oomlab suite --kernel LIST DIR`: one guest per
 * kernel and repeat, on GNU parallel); this reads its suite document and
 * judges every result document it names by the judge its claim's profile
 * names (judge.c), as `oomlab claims` does on one kernel. The suite's own
 * PASS/FAIL is the run's verdict, not the claim's answer: claim 9's run
 * FAILs when a later OOM kills its bystander, while the claim, about the
 * victim's mm, held. `oomlab claims --suite D` tabulates a suite already run.
 */
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>

#include "child.h"
#include "claims.h"
#include "fileio.h"
#include "judge.h"
#include "profile.h"
#include "util.h"

#define MATRIX_MAX_KERNELS 32
#define MATRIX_MAX_CLAIMS 64

/* Which answer most runs gave (ties: the first in enum order). */
static enum claim_answer majority(const unsigned count[CLAIM_ANSWERS])
{
	enum claim_answer best = ANSWER_CONFIRMED;

	for (unsigned a = 1; a < CLAIM_ANSWERS; a++)
		if (count[a] > count[best])
			best = (enum claim_answer)a;
	return best;
}

/*
 * One cell: every result document of that claim and kernel, judged. A run
 * the suite counted but that left no document (a guest that never came
 * back) is BROKEN.
 */
static void judge_cell(const json_t *e, enum claim_judge j, struct claims_matrix_cell *ret)
{
	json_t *res = json_object_get(e, "results"), *p;
	json_int_t runs = json_integer_value(json_object_get(e, "runs"));
	size_t i;

	memset(ret, 0, sizeof(*ret));
	json_array_foreach(res, i, p)
	{
		json_t *doc =
			json_string_value(p) ? json_load_file(json_string_value(p), 0, NULL) : NULL;

		ret->count[doc ? judge_answer(j, doc) : ANSWER_BROKEN]++;
		ret->runs++;
		json_decref(doc);
	}
	if (runs > (json_int_t)ret->runs) {
		ret->count[ANSWER_BROKEN] += (unsigned)runs - ret->runs;
		ret->runs = (unsigned)runs;
	}
	ret->answer = majority(ret->count);
}

static void print_cell(FILE *f, const struct claims_matrix_cell *c)
{
	bool first = true;

	if (!c->runs) {
		fputs("  |", f);
		return;
	}
	fprintf(f, " %s %u/%u", claim_answer_name(c->answer), c->count[c->answer], c->runs);
	for (unsigned a = 0; a < CLAIM_ANSWERS; a++) {
		if (a == c->answer || !c->count[a])
			continue;
		fprintf(f, "%s%u %s", first ? " (" : ", ", c->count[a],
			claim_answer_name((enum claim_answer)a));
		first = false;
	}
	fputs(first ? " |" : ") |", f);
}

static int cmp_claim(const void *a, const void *b)
{
	const struct profile *x = *(struct profile *const *)a, *y = *(struct profile *const *)b;

	if (x->claim_id != y->claim_id)
		return x->claim_id - y->claim_id;
	return strcmp(x->path, y->path);
}

int claims_matrix_print(const json_t *suite, FILE *f, struct claims_matrix_sum *ret_sum)
{
	json_t *ps = json_object_get(suite, "profiles"), *e;
	const char *kernels[MATRIX_MAX_KERNELS];
	struct profile *profs[MATRIX_MAX_CLAIMS];
	struct claims_matrix_sum sum = { 0 };
	unsigned nk = 0, np = 0;
	size_t i;

	json_array_foreach(ps, i, e)
	{
		const char *k = json_string_value(json_object_get(e, "kernel"));
		const char *p = json_string_value(json_object_get(e, "profile"));
		struct profile_error err;
		struct profile *pr = NULL;
		unsigned j;

		for (j = 0; k && j < nk && strcmp(kernels[j], k); j++)
			;
		if (k && j == nk && nk < MATRIX_MAX_KERNELS)
			kernels[nk++] = k;
		for (j = 0; p && j < np && strcmp(profs[j]->path, p); j++)
			;
		if (!p || j < np || np == MATRIX_MAX_CLAIMS)
			continue;
		/* an invalid or vanished profile has no judge: its row says so */
		if (profile_parse_file(p, &pr, &err) < 0 || !pr) {
			pr = calloc(1, sizeof(*pr));
			if (!pr || !(pr->path = strdup(p))) {
				free(pr);
				for (unsigned x = 0; x < np; x++)
					profile_free(profs[x]);
				return -ENOMEM;
			}
			pr->claim_judge = (enum claim_judge) - 1;
		}
		profs[np++] = pr;
	}
	qsort(profs, np, sizeof(*profs), cmp_claim);
	fprintf(f, "| # | claim |");
	for (unsigned k = 0; k < nk; k++)
		fprintf(f, " %s |", kernels[k]);
	fprintf(f, "\n|---|---|");
	for (unsigned k = 0; k < nk; k++)
		fputs("---|", f);
	fputc('\n', f);
	for (unsigned p = 0; p < np; p++) {
		if (profs[p]->claim)
			fprintf(f, "| %d | %s |", profs[p]->claim_id, profs[p]->claim);
		else
			fprintf(f, "| | %s |", profs[p]->path);
		for (unsigned k = 0; k < nk; k++) {
			struct claims_matrix_cell c = { 0 };

			json_array_foreach(ps, i, e)
			{
				const char *ek = json_string_value(json_object_get(e, "kernel"));
				const char *ep = json_string_value(json_object_get(e, "profile"));

				if (ek && ep && !strcmp(ek, kernels[k]) &&
				    !strcmp(ep, profs[p]->path)) {
					judge_cell(e, profs[p]->claim_judge, &c);
					break;
				}
			}
			print_cell(f, &c);
			if (!c.runs)
				continue;
			sum.cells++;
			if (c.count[c.answer] != c.runs)
				sum.unstable++;
			if (c.answer == ANSWER_BROKEN)
				sum.broken++;
		}
		fputc('\n', f);
	}
	for (unsigned p = 0; p < np; p++)
		profile_free(profs[p]);
	if (ret_sum)
		*ret_sum = sum;
	return 0;
}

struct md_fill {
	const char *head; /* the file before the block (NULL: none) */
	size_t head_len;
	const char *title; /* a new file's (NULL: none) */
	const char *begin, *text, *end;
	const char *tail; /* from the end marker on (NULL: none) */
};

static int fill_md(FILE *f, const void *arg)
{
	const struct md_fill *m = arg;

	if (m->head)
		fwrite(m->head, 1, m->head_len, f);
	else if (m->title)
		fputs(m->title, f);
	fprintf(f, "%s\n%s", m->begin, m->text);
	if (m->tail)
		fputs(m->tail, f);
	else
		fprintf(f, "%s\n", m->end);
	return ferror(f) ? -EIO : 0;
}

int claims_md_write_block(const char *md, const char *title, const char *begin, const char *end,
			  const char *text)
{
	_cleanup_free_ char *old = NULL;
	struct md_fill m = { .title = title, .begin = begin, .text = text, .end = end };
	const char *b, *t;

	if (read_file_str(md, &old) == 0 && (b = strstr(old, begin)) && (t = strstr(b, end))) {
		m.head = old;
		m.head_len = (size_t)(b - old);
		m.tail = t;
	}
	return write_atomic(md, 0644, fill_md, &m);
}

/* The table with the line that says how it was made, as text. */
static int matrix_text(const json_t *doc, const char *suite_json, const char *cmd,
		       struct claims_matrix_sum *ret_sum, char **ret)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	time_t now = time(NULL);
	char day[32];
	struct tm tm;
	int e;

	if (!f)
		return -ENOMEM;
	strftime(day, sizeof(day), "%Y-%m-%d", gmtime_r(&now, &tm));
	fprintf(f,
		"Generated by `%s` on %s from %s (%.1f min); each cell is the answer most "
		"runs gave and how many of the runs gave it, the others in brackets.\n\n",
		cmd, day, suite_json, json_number_value(json_object_get(doc, "wall_ms")) / 60000.0);
	e = claims_matrix_print(doc, f, ret_sum);
	if (fclose(f) == EOF && !e)
		e = -ENOMEM;
	if (e < 0) {
		free(text);
		return e;
	}
	*ret = text;
	return 0;
}

int claims_matrix_report(const char *suite_json, const char *cmd, const char *md)
{
	_cleanup_free_ char *text = NULL;
	struct claims_matrix_sum sum;
	json_error_t jerr;
	json_t *doc = json_load_file(suite_json, 0, &jerr);
	int e;

	if (!doc) {
		log_err(0, "%s: %s", suite_json, jerr.text);
		return 2;
	}
	e = matrix_text(doc, suite_json, cmd, &sum, &text);
	json_decref(doc);
	if (e < 0) {
		log_err(e, "cannot tabulate %s", suite_json);
		return 2;
	}
	fputs(text, stdout);
	if (md) {
		e = claims_md_write_block(md, "# OOM claims x kernels\n\n", CLAIMS_MATRIX_BEGIN,
					  CLAIMS_MATRIX_END, text);
		if (e < 0) {
			log_err(e, "cannot write %s", md);
			return 2;
		}
		printf("markdown: %s\n", md);
	}
	printf("suite: %s\n", suite_json);
	/* as `oomlab claims`: CONFIRMED and REFUTED are both findings; a cell
	 * whose runs disagree fails, one without an answer is broken */
	return sum.broken ? 2 : sum.unstable ? 1 : 0;
}

int claims_matrix(const char *dir, const char *kernels, unsigned repeat, const char *accel,
		  const char *md)
{
	_cleanup_free_ char *self = NULL;
	char rdir[64], rep[16], sj[128], cmd[256];
	struct child_process cp = CHILD_PROCESS_INIT;
	time_t now = time(NULL);
	struct tm tm;
	int e;

	if (self_exe(&self) < 0)
		return 2;
	strftime(rdir, sizeof(rdir), "results/claims-matrix-%Y%m%d-%H%M%S", localtime_r(&now, &tm));
	snprintf(rep, sizeof(rep), "%u", repeat);
	char *argv[16];
	unsigned a = 0;

	argv[a++] = self;
	argv[a++] = "suite";
	argv[a++] = "--jobs";
	argv[a++] = "2";
	argv[a++] = "--repeat";
	argv[a++] = rep;
	argv[a++] = "--kernel";
	argv[a++] = (char *)kernels;
	argv[a++] = "--results-dir";
	argv[a++] = rdir;
	argv[a++] = "--quiet";
	if (accel) {
		argv[a++] = "--accel";
		argv[a++] = (char *)accel;
	}
	argv[a++] = (char *)dir;
	argv[a] = NULL;
	fflush(NULL);
	cp.argv = argv;
	cp.in = CHILD_IO_NULL;
	e = child_run(&cp);
	child_release(&cp);
	if (e < 0) {
		log_err(e, "cannot start the matrix suite");
		return 2;
	}
	/* the suite's exit is the runs' verdicts; the claims' answers are
	 * judged from its documents below */
	snprintf(sj, sizeof(sj), "%s/suite.json", rdir);
	snprintf(cmd, sizeof(cmd), "oomlab claims --vm --kernel %s --repeat %u", kernels, repeat);
	printf("# OOM claims x kernels (%u run%s each)\n\n", repeat, repeat == 1 ? "" : "s");
	return claims_matrix_report(sj, cmd, md);
}
