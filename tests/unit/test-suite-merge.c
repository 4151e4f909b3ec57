// SPDX-License-Identifier: MIT
/*
 * oomlab suite's pure parts: the Wilson interval with worked numbers,
 * parallel's joblog as captured here (a suite interrupted and resumed),
 * result documents captured here (pass, fail, skip, broken) merged into
 * entries, their status, and the reports drawn from them.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <jansson.h>

#include "suite.h"
#include "util.h"

#define FIX "tests/fixtures/suite"

/*
 * Worked by hand (z = 1.96, z^2 = 3.8415): 5 of 5: p = 1,
 * denom = 1 + 3.8415/5 = 1.7683, centre = (1 + 0.38415)/1.7683 = 0.7828,
 * half = 1.96 * sqrt(3.8415/100)/1.7683 = 0.2172 -> [0.5655, 1].
 * 3 of 5: centre 0.5566, half 0.3258 -> [0.2307, 0.8824].
 */
static void test_wilson(void **state)
{
	static const struct {
		unsigned k, n;
		double lo, hi;
	} cases[] = {
		{ 5, 5, 0.5655, 1.0 },	   { 3, 5, 0.2307, 0.8824 },	{ 0, 10, 0.0, 0.2775 },
		{ 9, 10, 0.5958, 0.9821 }, { 50, 100, 0.4038, 0.5962 }, { 1, 1, 0.2065, 1.0 },
		{ 0, 0, 0.0, 1.0 },
	};

	for (unsigned i = 0; i < ARRAY_SIZE(cases); i++) {
		double lo, hi;

		suite_wilson(cases[i].k, cases[i].n, &lo, &hi);
		assert_float_equal(lo, cases[i].lo, 0.00006);
		assert_float_equal(hi, cases[i].hi, 0.00006);
		assert_true(lo >= 0 && hi <= 1 && lo <= hi);
	}
}

static void test_joblog_captured(void **state)
{
	_cleanup_free_ char *text = NULL;
	struct suite_job *j = NULL;
	unsigned n = 0;

	assert_int_equal(read_file_str(FIX "/joblog-resumed", &text), 0);
	assert_int_equal(suite_joblog_parse(text, &j, &n), 0);
	/* 10 jobs: 1..6 before the SIGINT, 7..10 after --resume, in the
	 * order they finished */
	assert_int_equal(n, 10);
	for (unsigned seq = 1; seq <= 10; seq++) {
		unsigned found = 0;

		for (unsigned i = 0; i < n; i++)
			found += j[i].seq == seq;
		assert_int_equal(found, 1);
	}
	assert_string_equal(j[0].host, ":");
	assert_int_equal(j[0].exitval, 0);
	assert_int_equal(j[0].signal, 0);
	assert_true(j[0].runtime > 0.1 && j[0].runtime < 5);
	assert_true(j[0].start > 1.7e9);
	free(j);
}

static void test_joblog_cut_and_remote(void **state)
{
	/* a remote job killed by ssh (255) and by a signal, then a line cut
	 * short by a SIGKILL of parallel */
	const char *text =
		"Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n"
		"1\tssh -F /t/cfg hostA\t1796114905.927\t     0.659\t0\t0\t0\t0\tbin/oomlab run\n"
		"2\tssh -F /t/cfg hostB\t1796114906.000\t     0.010\t0\t0\t255\t0\tbin/oomlab run\n"
		"3\t:\t1796114906.100\t     1.500\t0\t0\t-1\t15\tbin/oomlab run\n"
		"4\t:\t1796114907.";
	struct suite_job *j = NULL;
	unsigned n = 0;

	assert_int_equal(suite_joblog_parse(text, &j, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(j[0].host, "ssh -F /t/cfg hostA");
	assert_int_equal(j[1].exitval, 255);
	assert_int_equal(j[2].exitval, -1);
	assert_int_equal(j[2].signal, 15);
	free(j);
}

static void add_docs(struct suite_entry *e, const char *dir)
{
	char **docs = NULL;
	unsigned n = 0;

	assert_int_equal(suite_list_docs(dir, &docs, &n), 0);
	for (unsigned i = 0; i < n; i++) {
		struct suite_doc d;

		assert_int_equal(suite_doc_read(docs[i], &d), 0);
		assert_int_equal(suite_entry_add_run(e, d.v, docs[i], d.reason, d.wall_ms), 0);
		suite_doc_free(&d);
		free(docs[i]);
	}
	free(docs);
}

static void test_docs(void **state)
{
	static const struct {
		const char *dir;
		enum outcome v;
		const char *profile;
	} c[] = {
		{ FIX "/runs/1", OUTCOME_PASS, "profiles/size-ranking.ini" },
		{ FIX "/runs/2", OUTCOME_FAIL, "profiles/wrong.ini" },
		{ FIX "/runs/3", OUTCOME_SKIP, "profiles/vm/global-ranking.ini" },
		{ FIX "/runs/4", OUTCOME_BROK, "profiles/brok.ini" },
	};
	char **docs = NULL;
	unsigned n = 0;

	for (unsigned i = 0; i < ARRAY_SIZE(c); i++) {
		struct suite_doc d;

		assert_int_equal(suite_list_docs(c[i].dir, &docs, &n), 0);
		assert_int_equal(n, 1);
		assert_int_equal(suite_doc_read(docs[0], &d), 0);
		assert_int_equal(d.v, c[i].v);
		assert_string_equal(d.profile, c[i].profile);
		assert_non_null(d.kernel);
		assert_non_null(d.reason);
		suite_doc_free(&d);
		free(docs[0]);
		free(docs);
	}
	/* a missing directory is no documents, not an error */
	assert_int_equal(suite_list_docs(FIX "/runs/none", &docs, &n), 0);
	assert_int_equal(n, 0);
	/* not JSON */
	{
		struct suite_doc d = { 0 };

		assert_int_equal(suite_doc_read(FIX "/joblog-local", &d), -EINVAL);
	}
}

static void test_status(void **state)
{
	struct suite_entry e = { 0 };

	/* 3 passes and a failure: flaky, 3/4, Wilson [0.30, 0.95] */
	add_docs(&e, FIX "/runs/1");
	add_docs(&e, FIX "/runs/1");
	add_docs(&e, FIX "/runs/1");
	add_docs(&e, FIX "/runs/2");
	suite_entry_stats(&e);
	assert_int_equal(e.status, SUITE_FLAKY);
	assert_int_equal(e.pass, 3);
	assert_int_equal(e.fail, 1);
	assert_float_equal(e.pass_rate, 0.75, 1e-9);
	assert_float_equal(e.ci_lo, 0.3006, 0.0001);
	assert_float_equal(e.ci_hi, 0.9544, 0.0001);
	suite_entry_free(&e);

	/* failures only: a kernel that reliably disagrees is stable, not flaky */
	add_docs(&e, FIX "/runs/2");
	add_docs(&e, FIX "/runs/2");
	suite_entry_stats(&e);
	assert_int_equal(e.status, SUITE_STABLE);
	assert_float_equal(e.pass_rate, 0, 1e-9);
	suite_entry_free(&e);

	/* skips do not count in the rate; broken only = broken */
	add_docs(&e, FIX "/runs/3");
	add_docs(&e, FIX "/runs/4");
	suite_entry_stats(&e);
	assert_int_equal(e.status, SUITE_BROKEN);
	assert_int_equal(e.skip, 1);
	assert_float_equal(e.pass_rate, 0, 1e-9);
	suite_entry_free(&e);

	add_docs(&e, FIX "/runs/3");
	suite_entry_stats(&e);
	assert_int_equal(e.status, SUITE_SKIPPED);
	assert_true(e.pass_rate < 0);
	suite_entry_free(&e);

	/* an invalid profile is broken with its error, whatever ran */
	e.error = strdup("x.ini:3: size: required");
	suite_entry_stats(&e);
	assert_int_equal(e.status, SUITE_BROKEN);
	suite_entry_free(&e);
}

static char *report(int (*fn)(const struct suite_report *, FILE *), const struct suite_report *r)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(r, f), 0);
	fclose(f);
	return buf;
}

static void test_reports(void **state)
{
	struct suite_entry e[3] = { 0 };
	struct suite_report r = {
		.e = e, .n = 3, .jobs = 2, .wall_ms = 1234, .joblog = "D/joblog", .vm = true
	};
	_cleanup_free_ char *js = NULL, *md = NULL, *xml = NULL, *tap = NULL;
	json_t *doc, *p0;

	e[0].profile = strdup("profiles/size-ranking.ini");
	e[0].kernel = strdup("6.1.0-57-cloud-amd64");
	e[0].host = strdup("local");
	add_docs(&e[0], FIX "/runs/1");
	add_docs(&e[0], FIX "/runs/2");
	add_docs(&e[0], FIX "/runs/1");
	e[1].profile = strdup("profiles/size-ranking.ini");
	e[1].kernel = strdup("5.10.0-32-cloud-amd64");
	e[1].host = strdup("local");
	add_docs(&e[1], FIX "/runs/1");
	e[2].profile = strdup("bad.ini");
	e[2].kernel = strdup("5.10.0-32-cloud-amd64");
	e[2].host = strdup("local");
	e[2].error = strdup("bad.ini:4: size: required");
	for (unsigned i = 0; i < 3; i++)
		suite_entry_stats(&e[i]);

	js = report(suite_report_json, &r);
	doc = json_loads(js, 0, NULL);
	assert_non_null(doc);
	assert_int_equal(json_integer_value(json_object_get(doc, "jobs")), 2);
	assert_string_equal(json_string_value(json_object_get(doc, "joblog")), "D/joblog");
	p0 = json_array_get(json_object_get(doc, "profiles"), 0);
	assert_string_equal(json_string_value(json_object_get(p0, "status")), "flaky");
	assert_int_equal(json_integer_value(json_object_get(p0, "runs")), 3);
	assert_int_equal(json_integer_value(json_object_get(p0, "pass")), 2);
	assert_int_equal(json_array_size(json_object_get(p0, "ci95")), 2);
	assert_int_equal(json_array_size(json_object_get(p0, "results")), 3);
	assert_int_equal(json_integer_value(json_object_get(doc, "exit_code")), 2);
	json_decref(doc);

	/* one row per profile, one column per kernel */
	md = report(suite_report_markdown, &r);
	assert_non_null(strstr(md, "| profile | 6.1.0-57-cloud-amd64 | 5.10.0-32-cloud-amd64 |"));
	assert_non_null(strstr(md, "| profiles/size-ranking.ini | **flaky** 2/3 pass [0.21, 0.94] "
				   "| PASS 1/1 |"));
	assert_non_null(strstr(md, "| bad.ini |  | BROK (invalid profile) |"));
	assert_non_null(strstr(md, "bad.ini:4: size: required"));

	/* Surefire: passed after a failure = flakyFailure, no <failure> */
	xml = report(suite_report_junit, &r);
	assert_non_null(strstr(xml, "<flakyFailure message=\"big was expected to survive"));
	assert_null(strstr(xml, "<failure"));
	assert_non_null(strstr(xml, "<error message=\"bad.ini:4: size: required\""));
	assert_non_null(strstr(xml, "tests=\"3\" failures=\"0\" errors=\"1\""));

	tap = report(suite_report_tap, &r);
	assert_non_null(strstr(tap, "1..3\n"));
	assert_non_null(strstr(tap,
			       "ok 1 - profiles/size-ranking.ini [6.1.0-57-cloud-amd64] # flaky: "
			       "2/3 passed"));
	assert_non_null(strstr(tap, "not ok 3 - bad.ini"));

	assert_int_equal(suite_report_exit(&r), 2);
	suite_entry_free(&e[2]);
	r.n = 2;
	assert_int_equal(suite_report_exit(&r), 1);
	for (unsigned i = 0; i < 2; i++)
		suite_entry_free(&e[i]);
}

static void test_junit_rerun(void **state)
{
	struct suite_entry e = { 0 };
	struct suite_report r = { .e = &e, .n = 1, .jobs = 1 };
	_cleanup_free_ char *xml = NULL;

	e.profile = strdup("p.ini");
	e.kernel = strdup("");
	e.host = strdup("local");
	add_docs(&e, FIX "/runs/2");
	add_docs(&e, FIX "/runs/2");
	suite_entry_stats(&e);
	/* never passed: the first is the failure, the others reruns */
	xml = report(suite_report_junit, &r);
	assert_non_null(strstr(xml, "<failure message="));
	assert_non_null(strstr(xml, "<rerunFailure message="));
	assert_null(strstr(xml, "flaky"));
	suite_entry_free(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wilson),
		cmocka_unit_test(test_joblog_captured),
		cmocka_unit_test(test_joblog_cut_and_remote),
		cmocka_unit_test(test_docs),
		cmocka_unit_test(test_status),
		cmocka_unit_test(test_reports),
		cmocka_unit_test(test_junit_rerun),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
