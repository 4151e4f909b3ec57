// SPDX-License-Identifier: MIT
/*
 * The gnuplot data and scripts from a bench section: a document of
 * anon-oom run on this host (tests/fixtures/bench/anon-oom.json, oomlab
 * bench --json: 20480 below-limit faults, 35 memcg reclaim stalls, big
 * killed). Each CDF block rises to 1, the timeline has one row per sample
 * and one column per worker, the scripts name every series; without
 * gnuplot the files are written and the reason says what is missing.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "bench-plot.h"
#include "util.h"

#define DOC "tests/fixtures/bench/anon-oom.json"

struct mem {
	char *buf;
	size_t len;
	FILE *f;
};

static void mem_open(struct mem *m)
{
	m->buf = NULL;
	m->len = 0;
	m->f = open_memstream(&m->buf, &m->len);
	assert_non_null(m->f);
}

static char *mem_done(struct mem *m)
{
	assert_int_equal(fclose(m->f), 0);
	return m->buf;
}

static json_t *load(struct bench_plot_in *in)
{
	json_error_t err;
	json_t *doc = json_load_file(DOC, 0, &err);

	if (!doc)
		fail_msg("%s: %s", DOC, err.text);
	*in = (struct bench_plot_in){ .bench = json_object_get(doc, "bench"),
				      .title = "anon-oom",
				      .limit = 96ULL << 20 };
	assert_non_null(in->bench);
	return doc;
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static void test_cdf_data(void **state)
{
	struct bench_plot_in in;
	json_t *doc = load(&in);
	struct mem m;
	unsigned nb = 99, blocks = 0;
	char *text, *save = NULL;
	double last_x = 0, last_f = -1;

	(void)state;
	mem_open(&m);
	assert_int_equal(bench_plot_cdf_data(&in, m.f, &nb), 0);
	text = mem_done(&m);
	/* below_limit and the memcg reclaim stalls: the empty ones are left out */
	assert_int_equal(nb, 2);
	assert_non_null(strstr(text, "# below_limit count 20480\n"));
	assert_non_null(strstr(text, "\n\n\n# memcg_reclaim count 35\n"));
	assert_null(strstr(text, "# reclaim "));
	for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		double x, f;

		if (l[0] == '#') {
			if (blocks++)
				assert_true(last_f > 0.999999); /* the block before ended at 1 */
			last_x = 0;
			last_f = 0;
			continue;
		}
		assert_int_equal(sscanf(l, "%lf %lf", &x, &f), 2);
		assert_true(x > 0);	  /* a log axis */
		assert_true(x >= last_x); /* buckets in order */
		assert_true(f >= last_f && f <= 1.0);
		last_x = x;
		last_f = f;
	}
	assert_int_equal(blocks, 2);
	assert_true(last_f > 0.999999);
	free(text);
	json_decref(doc);
}

static void test_cdf_script(void **state)
{
	struct bench_plot_in in;
	json_t *doc = load(&in);
	struct mem m;
	char *text;

	(void)state;
	mem_open(&m);
	assert_int_equal(bench_plot_cdf_script(&in, "c.dat", "c.svg", m.f), 0);
	text = mem_done(&m);
	assert_non_null(strstr(text, "set terminal svg "));
	assert_non_null(strstr(text, "set output 'c.svg'\n"));
	assert_non_null(strstr(text, "set logscale x 10\n"));
	assert_non_null(strstr(text, "'anon-oom: fault latency by phase"));
	assert_non_null(strstr(text, "title 'faults below the limit: 20480, p50 "));
	assert_non_null(strstr(text, "title 'memcg reclaim stalls: 35, p50 "));
	/* two panels (CDF, tail) of two curves each */
	assert_int_equal(count(text, "'c.dat' index 0 "), 2);
	assert_int_equal(count(text, "'c.dat' index 1 "), 2);
	assert_int_equal(count(text, "index 2 "), 0);
	assert_non_null(strstr(text, "unset multiplot\n"));
	free(text);
	json_decref(doc);
}

static void test_timeline(void **state)
{
	struct bench_plot_in in;
	json_t *doc = load(&in);
	struct mem ms, me, mg;
	size_t n = 0, rows = 0;
	char *samples, *events, *script, *save = NULL;
	double last_t = -1e30;

	(void)state;
	mem_open(&ms);
	mem_open(&me);
	assert_int_equal(bench_plot_timeline_data(&in, ms.f, me.f, &n), 0);
	samples = mem_done(&ms);
	events = mem_done(&me);
	assert_int_equal(n, json_array_size(json_object_get(in.bench, "timeline")));
	assert_true(n > 10);
	assert_true(!strncmp(samples, "# t_ms usage_MiB big_MiB small_MiB\n", 35));
	for (char *l = strtok_r(samples, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		double t, u, big, small;
		char extra;

		if (l[0] == '#')
			continue;
		assert_int_equal(sscanf(l, "%lf %lf %lf %lf %c", &t, &u, &big, &small, &extra), 4);
		assert_true(t > last_t);
		assert_true(u <= 96.0 + 1e-3); /* the limit holds it */
		last_t = t;
		rows++;
	}
	assert_int_equal(rows, n);
	/* one block per kind that occurs, in the styles' order */
	assert_true(!strncmp(events, "# memcg_reclaim\n", 16));
	assert_int_equal(count(events, "\n\n\n# "), 5);
	assert_non_null(strstr(events, "# oom_event\n"));
	assert_non_null(strstr(events, "# usage_drop\n"));
	assert_null(strstr(events, "# reaped\n"));

	mem_open(&mg);
	assert_int_equal(bench_plot_timeline_script(&in, "t.dat", "t.events.dat", "t.svg", mg.f),
			 0);
	script = mem_done(&mg);
	assert_non_null(strstr(script, "set output 't.svg'\n"));
	assert_non_null(strstr(script, "title 'memcg usage'"));
	assert_non_null(strstr(script, "using 1:3 with lines lw 1.8 lc rgb '#0072B2' title 'big'"));
	assert_non_null(
		strstr(script, "using 1:4 with lines lw 1.8 lc rgb '#D55E00' title 'small'"));
	assert_non_null(strstr(script, "title 'limit 96.0M'"));
	assert_non_null(strstr(script, "set label 'kill big' at "));
	assert_non_null(strstr(script, "'t.events.dat' index 0 using 1:($2 > 0 ? $2 : 0.001)"));
	assert_non_null(strstr(script, "title 'usage drop'"));
	/* the stalls once; the five kill-chain instants in the whole run's panel
	 * and again in the zoom on the first kill, whose range holds them */
	assert_int_equal(count(script, "'t.events.dat' index "), 1 + 5 * 2);
	assert_int_equal(count(script, "set xrange ["), 3);
	{
		const char *z = strstr(script, "# top right: the first kill, zoomed");
		double zlo, zhi, kmsg, pidfd;
		const json_t *kc = json_array_get(json_object_get(in.bench, "kill_chain"), 0);

		assert_non_null(z);
		z = strstr(z, "set xrange [");
		assert_non_null(z);
		assert_int_equal(sscanf(z, "set xrange [%lf:%lf]", &zlo, &zhi), 2);
		kmsg = json_number_value(json_object_get(kc, "kmsg_ms"));
		pidfd = json_number_value(json_object_get(kc, "pidfd_ms"));
		assert_true(zlo < kmsg && pidfd < zhi);
		assert_true(zhi - zlo < 3 * (pidfd - kmsg) + 2);
	}
	free(samples);
	free(events);
	free(script);
	json_decref(doc);
}

/* No bench section: a clear reason, nothing written. No gnuplot on PATH:
 * the data and scripts are there, the reason says what to install. */
static void test_no_gnuplot(void **state)
{
	struct bench_plot_in in;
	json_t *doc = load(&in);
	struct bench_plot_in none = { .bench = NULL };
	struct bench_plot_out out = { .cdf_svg = "untouched" };
	char dir[] = "/tmp/oomlab-test-plot-XXXXXX", why[BENCH_PLOT_WHY_MAX], path[256];
	char *old = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
	static const char *const files[] = { "bench-x-cdf.dat", "bench-x-cdf.gp",
					     "bench-x-timeline.dat", "bench-x-timeline.events.dat",
					     "bench-x-timeline.gp" };

	(void)state;
	assert_non_null(mkdtemp(dir));
	assert_int_equal(bench_plot(&none, dir, "x", &out, why), -EINVAL);
	assert_string_equal(why, "the document has no bench section");

	setenv("PATH", "/nonexistent-oomlab", 1);
	assert_true(bench_plot(&in, dir, "x", &out, why) < 0);
	if (old)
		setenv("PATH", old, 1);
	assert_string_equal(why, "gnuplot is not installed (Debian: gnuplot-nox)");
	assert_string_equal(out.cdf_svg, "untouched");
	snprintf(path, sizeof(path), "%s/%s", dir, files[0]);
	assert_int_equal(access(path, R_OK), 0);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	assert_int_equal(rmdir(dir), 0);
	free(old);
	json_decref(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cdf_data),
		cmocka_unit_test(test_cdf_script),
		cmocka_unit_test(test_timeline),
		cmocka_unit_test(test_no_gnuplot),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
