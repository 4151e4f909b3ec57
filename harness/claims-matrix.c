// SPDX-License-Identifier: MIT
/*
 * oomlab claims --vm --kernel 5.10,6.1,6.12,7: the claims x kernels table.
 * The matrix is a suite (`oomlab suite --kernel LIST DIR`: one guest per
 * kernel and repeat, on GNU parallel); this reads its suite document and
 * says CONFIRMED / REFUTED per claim and kernel (a claim profile's expect
 * lines are what the claim predicts: PASS = CONFIRMED).
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
#include "profile.h"
#include "util.h"

static const char *answer(json_t *e)
{
	const char *st = json_string_value(json_object_get(e, "status"));
	json_int_t pass = json_integer_value(json_object_get(e, "pass"));
	json_int_t fail = json_integer_value(json_object_get(e, "fail"));

	if (!st)
		return "?";
	if (!strcmp(st, "stable"))
		return pass ? "CONFIRMED" : fail ? "REFUTED" : "?";
	if (!strcmp(st, "flaky"))
		return "unstable";
	if (!strcmp(st, "skipped"))
		return "SKIP";
	return "BROKEN";
}

static void print_matrix(json_t *doc, FILE *f)
{
	json_t *ps = json_object_get(doc, "profiles"), *e;
	const char *kernels[32], *profs[64];
	unsigned nk = 0, np = 0;
	size_t i;

	json_array_foreach(ps, i, e)
	{
		const char *k = json_string_value(json_object_get(e, "kernel"));
		const char *p = json_string_value(json_object_get(e, "profile"));
		unsigned j;

		for (j = 0; k && j < nk && strcmp(kernels[j], k); j++)
			;
		if (k && j == nk && nk < ARRAY_SIZE(kernels))
			kernels[nk++] = k;
		for (j = 0; p && j < np && strcmp(profs[j], p); j++)
			;
		if (p && j == np && np < ARRAY_SIZE(profs))
			profs[np++] = p;
	}
	fprintf(f, "| # | claim |");
	for (unsigned k = 0; k < nk; k++)
		fprintf(f, " %s |", kernels[k]);
	fprintf(f, "\n|---|---|");
	for (unsigned k = 0; k < nk; k++)
		fputs("---|", f);
	fputc('\n', f);
	for (unsigned p = 0; p < np; p++) {
		struct profile *pr = NULL;
		struct profile_error err;

		profile_parse_file(profs[p], &pr, &err);
		if (pr && pr->claim)
			fprintf(f, "| %d | %s |", pr->claim_id, pr->claim);
		else
			fprintf(f, "| | %s |", profs[p]);
		profile_free(pr);
		for (unsigned k = 0; k < nk; k++) {
			const char *a = "";

			json_array_foreach(ps, i, e)
			{
				const char *ek = json_string_value(json_object_get(e, "kernel"));
				const char *ep = json_string_value(json_object_get(e, "profile"));

				if (ek && ep && !strcmp(ek, kernels[k]) && !strcmp(ep, profs[p])) {
					static char cell[64];

					snprintf(cell, sizeof(cell), "%s %lld/%lld", answer(e),
						 (long long)json_integer_value(
							 json_object_get(e, "pass")),
						 (long long)json_integer_value(
							 json_object_get(e, "runs")));
					a = cell;
					fprintf(f, " %s |", a);
				}
			}
			if (!*a)
				fputs("  |", f);
		}
		fputc('\n', f);
	}
}

int claims_matrix(const char *dir, const char *kernels, unsigned repeat, const char *accel,
		  const char *md)
{
	_cleanup_free_ char *self = NULL;
	char rdir[64], rep[16], sj[128];
	struct child_process cp = CHILD_PROCESS_INIT;
	time_t now = time(NULL);
	struct tm tm;
	json_t *doc;
	int st, e;

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
	st = cp.status;
	child_release(&cp);
	if (e < 0) {
		log_err(e, "cannot start the matrix suite");
		return 2;
	}
	snprintf(sj, sizeof(sj), "%s/suite.json", rdir);
	doc = json_load_file(sj, 0, NULL);
	if (!doc) {
		log_err(0, "the matrix suite wrote no %s", sj);
		return 2;
	}
	printf("# OOM claims x kernels (PASS = CONFIRMED; %u run%s each)\n\n", repeat,
	       repeat == 1 ? "" : "s");
	print_matrix(doc, stdout);
	if (md) {
		FILE *f = fopen(md, "we");

		if (f) {
			fprintf(f, "# OOM claims x kernels\n\n");
			print_matrix(doc, f);
			fclose(f);
			printf("markdown: %s\n", md);
		}
	}
	printf("suite: %s\n", sj);
	json_decref(doc);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 2;
}
