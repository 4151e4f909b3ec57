/* SPDX-License-Identifier: MIT */
/* oomlab claims: run profiles/claims/ and tabulate CONFIRMED / REFUTED. */
#ifndef OOMLAB_CLAIMS_H
#define OOMLAB_CLAIMS_H

#include <stdio.h>

#include <jansson.h>

#include "judge.h"

int claims_main(int argc, char **argv);
/* --vm --kernel A,B,...: every claim in a guest of each kernel (an oomlab
 * suite), printed as a claims x kernels table (claims-matrix.c). */
int claims_matrix(const char *dir, const char *kernels, unsigned repeat, const char *accel,
		  const char *md);

/* --suite D: the table of a suite already run (D/suite.json), printed and
 * (md) written into md's generated matrix block (claims_md_write_block);
 * cmd is named in its first line.
 * Exit code: 0, 1 when some cell's runs disagree, 2 when one has no answer. */
int claims_matrix_report(const char *suite_json, const char *cmd, const char *md);

/*
 * The generated block of a Markdown file, rewritten in place: the text
 * between the lines begin and end (markers of its own, HTML comments) is
 * replaced and the rest of md stays. A file without the block is replaced
 * by title (may be NULL) and the block, as before there were blocks. 0 or
 * -errno.
 */
int claims_md_write_block(const char *md, const char *title, const char *begin, const char *end,
			  const char *text);
#define CLAIMS_HOST_BEGIN "<!-- oomlab claims: begin (generated; do not edit) -->"
#define CLAIMS_HOST_END "<!-- oomlab claims: end -->"
#define CLAIMS_MATRIX_BEGIN "<!-- oomlab claims matrix: begin (generated; do not edit) -->"
#define CLAIMS_MATRIX_END "<!-- oomlab claims matrix: end -->"

/* One cell: every run of a claim on a kernel, judged. */
struct claims_matrix_cell {
	unsigned runs;
	unsigned count[CLAIM_ANSWERS];
	enum claim_answer answer; /* the one most runs gave */
};

struct claims_matrix_sum {
	unsigned cells, unstable, broken;
};

/*
 * The Markdown table of a suite document (suite-report.c's JSON): a row per
 * claim profile (sorted by claim id), a column per kernel, each cell judged
 * from the result documents it names (a run without one is BROKEN).
 * ret_sum may be NULL. 0 or -ENOMEM.
 */
int claims_matrix_print(const json_t *suite, FILE *f, struct claims_matrix_sum *ret_sum);

#endif
