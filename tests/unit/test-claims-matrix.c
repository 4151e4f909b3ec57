// SPDX-License-Identifier: MIT
/*
 * The claims x kernels table from a suite document: every result document
 * of a cell judged by its claim's own judge, runs that disagree counted,
 * a run without a document BROKEN, rows sorted by claim id.
 *
 * Run from the repository root (make unit does): the shipped claim
 * profiles are read by relative path.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>

#include "claims.h"
#include "util.h"

#define P1 "profiles/claims/01-biggest-first.ini"
#define P9 "profiles/claims/09-shared-mm-die.ini"

/* A result document with only what the judges read. */
static json_t *result(const char *verdict, bool sharer_killed, int children_dead)
{
	json_t *w =
		json_pack("{s:s,s:s,s:s,s:b,s:[i,i],s:i}", "name", "sharer", "pattern", "shared-mm",
			  "exit", sharer_killed ? "killed by SIGKILL" : "alive", "killed",
			  sharer_killed, "children", 11, 12, "children_dead", children_dead);
	json_t *d = json_pack("{s:s,s:s,s:[o],s:[]}", "verdict", verdict, "reason", "", "workers",
			      w, "kills");

	assert_non_null(d);
	return d;
}

static json_t *entry(const char *profile, const char *kernel, json_t *paths, int runs)
{
	json_t *e = json_pack("{s:s,s:s,s:i,s:o}", "profile", profile, "kernel", kernel, "runs",
			      runs, "results", paths);

	assert_non_null(e);
	return e;
}

static char *save(const char *dir, const char *name, json_t *doc)
{
	char *p = NULL;

	assert_true(asprintf(&p, "%s/%s", dir, name) > 0);
	assert_int_equal(json_dump_file(doc, p, 0), 0);
	json_decref(doc);
	return p;
}

static void test_matrix(void **state)
{
	char dir[] = "/tmp/oomlab-test-matrix.XXXXXX";
	char *text = NULL, *p[4];
	size_t len = 0;
	struct claims_matrix_sum sum;
	json_t *suite, *ps;
	FILE *f;

	assert_non_null(mkdtemp(dir));
	/* claim 9 on kernel A: a run FAILed by a later kill of its bystander
	 * (the claim held) and a pass: CONFIRMED 2/2. On kernel B: one run
	 * with a sharer left alive (REFUTED), one pass, one that left no
	 * document. */
	p[0] = save(dir, "a1.json", result("fail", true, 2));
	p[1] = save(dir, "a2.json", result("pass", true, 2));
	p[2] = save(dir, "b1.json", result("pass", true, 1));
	p[3] = save(dir, "b2.json", result("pass", true, 2));
	ps = json_array();
	json_array_append_new(ps, entry(P9, "A", json_pack("[s,s]", p[0], p[1]), 2));
	json_array_append_new(ps, entry(P9, "B", json_pack("[s,s]", p[2], p[3]), 3));
	/* claim 1 (by expectations) after 9 in the document, first in the table */
	json_array_append_new(ps, entry(P1, "A", json_pack("[s]", p[1]), 1));
	suite = json_pack("{s:o}", "profiles", ps);
	assert_non_null(suite);

	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(claims_matrix_print(suite, f, &sum), 0);
	fclose(f);
	assert_string_equal(text,
			    "| # | claim | A | B |\n"
			    "|---|---|---|---|\n"
			    "| 1 | The biggest memory user dies first. | CONFIRMED 1/1 |  |\n"
			    "| 9 | Processes sharing the victim's mm die with it. | CONFIRMED 2/2 |"
			    " CONFIRMED 1/3 (1 REFUTED, 1 BROKEN) |\n");
	assert_int_equal(sum.cells, 3);
	assert_int_equal(sum.unstable, 1);
	assert_int_equal(sum.broken, 0);
	free(text);
	json_decref(suite);
	for (unsigned i = 0; i < ARRAY_SIZE(p); i++) {
		unlink(p[i]);
		free(p[i]);
	}
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matrix),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
