/* SPDX-License-Identifier: MIT */
/*
 * oomlab suite: many runs of many profiles, on several jobs, hosts or
 * guest kernels, with GNU parallel as the engine. Each job is an ordinary
 * `oomlab run` (or `oomlab vm run`) that writes its own result documents;
 * the suite reads parallel's joblog and those documents and merges them.
 *
 *   suite.c         CLI, the job list, starting parallel, SIGINT, --resume
 *   suite-joblog.c  parallel's --joblog format
 *   suite-merge.c   result documents -> one entry per profile x kernel x host
 *   suite-stats.c   pass rate, 95% Wilson interval, stable/flaky/broken
 *   suite-report.c  suite JSON, Markdown, JUnit, TAP
 */
#ifndef OOMLAB_SUITE_H
#define OOMLAB_SUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "run.h" /* enum outcome: one spelling of the verdicts */

/* `oomlab suite ARGS...` (argv[0] = "suite"). */
int suite_main(int argc, char **argv);

/* ---- suite-stats.c ---- */

/*
 * 95% Wilson score interval of k successes in n trials (z = 1.96):
 *   centre = (p + z^2/2n) / (1 + z^2/n)
 *   half   = z * sqrt(p(1-p)/n + z^2/4n^2) / (1 + z^2/n)
 * Unlike p +- z*sqrt(p(1-p)/n) it stays in [0, 1] and is not [1, 1] for
 * 5 passes out of 5. n = 0: [0, 1] (nothing is known).
 */
void suite_wilson(unsigned k, unsigned n, double *ret_lo, double *ret_hi);

enum suite_status {
	SUITE_STABLE,  /* every run that ran gave the same verdict */
	SUITE_FLAKY,   /* verdicts differ between runs */
	SUITE_BROKEN,  /* the harness never could (or the profile is invalid) */
	SUITE_SKIPPED, /* every run skipped, or none ran */
};

const char *suite_status_name(enum suite_status s);

/* ---- suite-joblog.c ---- */

/* One line of `parallel --joblog`: Seq Host Starttime JobRuntime Send
 * Receive Exitval Signal Command, tab-separated, after a header line. */
struct suite_job {
	unsigned seq;
	char host[256]; /* ":" = this machine */
	double start;	/* epoch seconds */
	double runtime; /* seconds */
	int exitval;
	int signal;
};

/* Parse a joblog's text; lines that do not parse are skipped (a joblog
 * cut short by a SIGKILL ends mid-line). Caller frees *ret. */
int suite_joblog_parse(const char *text, struct suite_job **ret, unsigned *ret_n);

/* ---- suite-merge.c ---- */

struct suite_run {
	enum outcome v;
	char *path;   /* result document, NULL if none */
	char *reason; /* may be NULL */
	double wall_ms;
};

struct suite_entry {
	char *profile; /* as the user named it */
	char *kernel;  /* requested kernel, or the host's uname -r */
	char *host;    /* "local" or the sshlogin */
	char *error;   /* invalid profile: FILE:LINE: ... */
	unsigned nruns;
	struct suite_run *runs;
	/* filled by suite_entry_stats() */
	unsigned pass, fail, broken, skip;
	double pass_rate; /* pass / (runs that did not skip); -1 if none */
	double ci_lo, ci_hi;
	enum suite_status status;
};

/* Add one run (takes copies of path and reason). */
int suite_entry_add_run(struct suite_entry *e, enum outcome v, const char *path, const char *reason,
			double wall_ms);
void suite_entry_stats(struct suite_entry *e);
void suite_entry_free(struct suite_entry *e);

/*
 * Read one result document (the JSON of results.c): its verdict, the
 * profile it names, its kernel, its reason and wall time. Strings are
 * malloc'ed (NULL when absent).
 */
struct suite_doc {
	enum outcome v;
	char *profile;
	char *kernel;
	char *reason;
	double wall_ms;
};
int suite_doc_read(const char *path, struct suite_doc *ret);
void suite_doc_free(struct suite_doc *d);
/* Every *.json in dir (not hidden files: write_atomic's temporaries),
 * sorted; caller frees each and the array. A missing dir is 0 files. */
int suite_list_docs(const char *dir, char ***ret, unsigned *ret_n);

/* The suite document and its summaries. */
struct suite_report {
	struct suite_entry *e;
	unsigned n;
	unsigned jobs; /* --jobs */
	double wall_ms;
	const char *joblog;
	bool interrupted;
	bool vm; /* columns are kernels, not hosts */
};

int suite_report_json(const struct suite_report *r, FILE *f);
int suite_report_markdown(const struct suite_report *r, FILE *f);
int suite_report_junit(const struct suite_report *r, FILE *f);
int suite_report_tap(const struct suite_report *r, FILE *f);
/* Exit code of the worst run: 2 broken, 1 fail, 0 pass, 77 all skipped. */
int suite_report_exit(const struct suite_report *r);

#endif
