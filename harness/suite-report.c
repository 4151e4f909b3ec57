// SPDX-License-Identifier: MIT
/*
 * oomlab suite: the suite document (JSON) and its summaries. Markdown has
 * one row per profile and one column per kernel (VM matrix) or host. In
 * JUnit a flaky profile is shown the way CI servers show flaky tests,
 * Maven Surefire's rerun convention: one <testcase> per profile and
 * column; passed after failing = <flakyFailure>/<flakyError> children and
 * no <failure>; failed every time = <failure> then <rerunFailure> for the
 * reruns. TAP has one line per entry, "# flaky" noted.
 */
#include <jansson.h>
#include <math.h>
#include <string.h>

#include "suite.h"
#include "util.h"

/* the column an entry belongs to: its kernel in a VM matrix, else its host */
static const char *column_of(const struct suite_report *r, const struct suite_entry *e)
{
	return (r->vm ? e->kernel : e->host) ?: "";
}

int suite_report_json(const struct suite_report *r, FILE *f)
{
	json_t *doc = json_object(), *a = json_array();
	int e = 0;

	if (!doc || !a) {
		json_decref(doc);
		json_decref(a);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < r->n && !e; i++) {
		const struct suite_entry *en = &r->e[i];
		json_t *o = json_object(), *res = json_array();

		for (unsigned k = 0; res && k < en->nruns; k++)
			if (en->runs[k].path)
				json_array_append_new(res, json_string(en->runs[k].path));
		if (!o || !res || json_object_set_new(o, "profile", json_string(en->profile)) ||
		    json_object_set_new(o, "kernel",
					en->kernel ? json_string(en->kernel) : json_null()) ||
		    json_object_set_new(o, "host", json_string(en->host ? en->host : "local")) ||
		    json_object_set_new(o, "runs", json_integer(en->nruns)) ||
		    json_object_set_new(o, "pass", json_integer(en->pass)) ||
		    json_object_set_new(o, "fail", json_integer(en->fail)) ||
		    json_object_set_new(o, "broken", json_integer(en->broken)) ||
		    json_object_set_new(o, "skip", json_integer(en->skip)) ||
		    json_object_set_new(o, "pass_rate",
					en->pass_rate < 0 ? json_null()
							  : json_real(en->pass_rate)) ||
		    json_object_set_new(o, "ci95", json_pack("[f,f]", en->ci_lo, en->ci_hi)) ||
		    json_object_set_new(o, "status", json_string(suite_status_name(en->status))) ||
		    json_object_set_new(o, "error",
					en->error ? json_string(en->error) : json_null()) ||
		    json_object_set_new(o, "results", res) || json_array_append_new(a, o)) {
			json_decref(o);
			e = -ENOMEM;
		}
	}
	if (!e &&
	    (json_object_set_new(doc, "profiles", a) ||
	     json_object_set_new(doc, "jobs", json_integer(r->jobs)) ||
	     json_object_set_new(doc, "wall_ms", json_real(r->wall_ms)) ||
	     json_object_set_new(doc, "joblog", r->joblog ? json_string(r->joblog) : json_null()) ||
	     json_object_set_new(doc, "interrupted", json_boolean(r->interrupted)) ||
	     json_object_set_new(doc, "exit_code", json_integer(suite_report_exit(r)))))
		e = -ENOMEM;
	else if (e)
		json_decref(a);
	if (!e && (json_dumpf(doc, f, JSON_INDENT(2)) < 0 || fputc('\n', f) == EOF))
		e = -EIO;
	json_decref(doc);
	return e;
}

static void cell(FILE *f, const struct suite_entry *e)
{
	unsigned counted = e->pass + e->fail + e->broken;

	switch (e->status) {
	case SUITE_SKIPPED:
		if (!e->nruns)
			fputs("not run", f);
		else
			fprintf(f, "SKIP (%u)", e->skip);
		return;
	case SUITE_BROKEN:
		if (e->error) {
			fputs("BROK (invalid profile)", f);
			return;
		}
		fprintf(f, "BROK %u/%u", e->broken, counted);
		return;
	case SUITE_FLAKY:
		fprintf(f, "**flaky** %u/%u pass [%.2f, %.2f]", e->pass, counted, e->ci_lo,
			e->ci_hi);
		return;
	case SUITE_STABLE:
		fprintf(f, "%s %u/%u", e->pass ? "PASS" : "FAIL", e->pass ? e->pass : e->fail,
			counted);
		return;
	}
}

/* a '|' in a profile path or reason would end the Markdown cell */
static void md_text(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputs(*s == '|' ? "\\|" : *s == '\n' ? " " : (char[]){ *s, 0 }, f);
}

int suite_report_markdown(const struct suite_report *r, FILE *f)
{
	const char **cols = calloc(r->n + 1, sizeof(*cols));
	const char **rows = calloc(r->n + 1, sizeof(*rows));
	unsigned nc = 0, nr = 0, stable = 0, flaky = 0, broken = 0, skipped = 0;

	if (!cols || !rows) {
		free(cols);
		free(rows);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < r->n; i++) {
		const char *c = column_of(r, &r->e[i]);
		unsigned k;

		for (k = 0; k < nc && strcmp(cols[k], c); k++)
			;
		if (k == nc)
			cols[nc++] = c;
		for (k = 0; k < nr && strcmp(rows[k], r->e[i].profile); k++)
			;
		if (k == nr)
			rows[nr++] = r->e[i].profile;
		stable += r->e[i].status == SUITE_STABLE;
		flaky += r->e[i].status == SUITE_FLAKY;
		broken += r->e[i].status == SUITE_BROKEN;
		skipped += r->e[i].status == SUITE_SKIPPED;
	}
	fprintf(f,
		"# oomlab suite\n\n%u profile%s x %u %s, %u job%s at once, %.1f s%s: "
		"%u stable, %u flaky, %u broken, %u skipped.\n\n",
		nr, nr == 1 ? "" : "s", nc,
		r->vm ? (nc == 1 ? "kernel" : "kernels") : (nc == 1 ? "host" : "hosts"), r->jobs,
		r->jobs == 1 ? "" : "s", r->wall_ms / 1000,
		r->interrupted ? " (interrupted: `--resume` continues)" : "", stable, flaky, broken,
		skipped);
	fputs("| profile |", f);
	for (unsigned k = 0; k < nc; k++) {
		fputc(' ', f);
		md_text(f, cols[k]);
		fputs(" |", f);
	}
	fputs("\n|---|", f);
	for (unsigned k = 0; k < nc; k++)
		fputs("---|", f);
	fputc('\n', f);
	for (unsigned j = 0; j < nr; j++) {
		fputs("| ", f);
		md_text(f, rows[j]);
		fputs(" |", f);
		for (unsigned k = 0; k < nc; k++) {
			fputc(' ', f);
			for (unsigned i = 0; i < r->n; i++)
				if (!strcmp(r->e[i].profile, rows[j]) &&
				    !strcmp(column_of(r, &r->e[i]), cols[k]))
					cell(f, &r->e[i]);
			fputs(" |", f);
		}
		fputc('\n', f);
	}
	/* why: the first reason of each entry that was not a clean pass */
	for (unsigned i = 0, hdr = 0; i < r->n; i++) {
		const struct suite_entry *e = &r->e[i];
		const char *why = e->error;

		for (unsigned k = 0; !why && k < e->nruns; k++)
			if (e->runs[k].v != OUTCOME_PASS && e->runs[k].reason)
				why = e->runs[k].reason;
		if (!why || (e->status == SUITE_STABLE && !e->fail))
			continue;
		if (!hdr++)
			fputs("\n", f);
		fputs("- ", f);
		md_text(f, e->profile);
		fprintf(f, " (%s): ", column_of(r, e));
		md_text(f, why);
		fputc('\n', f);
	}
	free(cols);
	free(rows);
	return ferror(f) ? -EIO : 0;
}

static void xml_esc(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			/* XML 1.0 has no control characters but tab and newline */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				fputc(' ', f);
			else
				fputc(*s, f);
		}
	}
}

static void junit_elem(FILE *f, const char *tag, const struct suite_run *run)
{
	fprintf(f, "    <%s message=\"", tag);
	xml_esc(f, run->reason ? run->reason : outcome_name(run->v));
	fprintf(f, "\" type=\"%s\"", outcome_name(run->v));
	if (run->path) {
		fputs("><system-out>", f);
		xml_esc(f, run->path);
		fprintf(f, "</system-out></%s>\n", tag);
	} else {
		fputs("/>\n", f);
	}
}

int suite_report_junit(const struct suite_report *r, FILE *f)
{
	unsigned fails = 0, errors = 0, skips = 0;

	for (unsigned i = 0; i < r->n; i++) {
		const struct suite_entry *e = &r->e[i];

		errors += e->status == SUITE_BROKEN;
		skips += e->status == SUITE_SKIPPED;
		fails += e->status == SUITE_STABLE && e->fail;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f,
		"<testsuite name=\"oomlab suite\" tests=\"%u\" failures=\"%u\" "
		"errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
		r->n, fails, errors, skips, r->wall_ms / 1000);
	for (unsigned i = 0; i < r->n; i++) {
		const struct suite_entry *e = &r->e[i];
		double t = 0;
		bool first = true;

		for (unsigned k = 0; k < e->nruns; k++)
			if (isfinite(e->runs[k].wall_ms))
				t += e->runs[k].wall_ms;
		fputs("  <testcase classname=\"oomlab.", f);
		xml_esc(f, column_of(r, e));
		fputs("\" name=\"", f);
		xml_esc(f, e->profile);
		fprintf(f, "\" time=\"%.3f\">\n", t / 1000);
		if (e->error) {
			fputs("    <error message=\"", f);
			xml_esc(f, e->error);
			fputs("\" type=\"invalid profile\"/>\n", f);
		} else if (e->status == SUITE_SKIPPED) {
			fputs("    <skipped message=\"", f);
			xml_esc(f, e->nruns && e->runs[0].reason ? e->runs[0].reason : "no run");
			fputs("\"/>\n", f);
		} else if (e->status == SUITE_FLAKY && e->pass) {
			/* passed at least once: flaky, not failed (Surefire) */
			for (unsigned k = 0; k < e->nruns; k++)
				if (e->runs[k].v == OUTCOME_FAIL)
					junit_elem(f, "flakyFailure", &e->runs[k]);
				else if (e->runs[k].v == OUTCOME_BROK)
					junit_elem(f, "flakyError", &e->runs[k]);
		} else {
			/* never passed: the first failure, the others as reruns */
			for (unsigned k = 0; k < e->nruns; k++) {
				enum outcome v = e->runs[k].v;

				if (v != OUTCOME_FAIL && v != OUTCOME_BROK)
					continue;
				junit_elem(f,
					   first ? (v == OUTCOME_FAIL ? "failure" : "error")
						 : (v == OUTCOME_FAIL ? "rerunFailure"
								      : "rerunError"),
					   &e->runs[k]);
				first = false;
			}
		}
		fputs("  </testcase>\n", f);
	}
	fputs("</testsuite>\n", f);
	return ferror(f) ? -EIO : 0;
}

int suite_report_tap(const struct suite_report *r, FILE *f)
{
	fprintf(f, "TAP version 13\n1..%u\n", r->n);
	for (unsigned i = 0; i < r->n; i++) {
		const struct suite_entry *e = &r->e[i];
		unsigned counted = e->pass + e->fail + e->broken;
		bool ok = e->status == SUITE_SKIPPED || (e->status == SUITE_FLAKY && e->pass) ||
			  (e->status == SUITE_STABLE && !e->fail);

		fprintf(f, "%s %u - %s [%s]", ok ? "ok" : "not ok", i + 1, e->profile,
			column_of(r, e));
		if (e->error)
			fprintf(f, " # broken: %s", e->error);
		else if (e->status == SUITE_SKIPPED)
			fprintf(f, " # SKIP %s",
				e->nruns && e->runs[0].reason ? e->runs[0].reason : "no run");
		else if (e->status == SUITE_FLAKY)
			fprintf(f, " # flaky: %u/%u passed, 95%% CI [%.2f, %.2f]", e->pass, counted,
				e->ci_lo, e->ci_hi);
		else
			fprintf(f, " # %s %u/%u",
				e->status == SUITE_BROKEN ? "broken"
				: e->fail		  ? "fail"
							  : "pass",
				e->pass ? e->pass : e->fail + e->broken, counted);
		fputc('\n', f);
	}
	return ferror(f) ? -EIO : 0;
}

int suite_report_exit(const struct suite_report *r)
{
	bool fail = false, pass = false;

	if (r->interrupted)
		return 2;
	for (unsigned i = 0; i < r->n; i++) {
		const struct suite_entry *e = &r->e[i];

		if (e->error || e->broken)
			return 2;
		fail |= e->fail > 0;
		pass |= e->pass > 0;
	}
	return fail ? 1 : pass || !r->n ? 0 : 77;
}
