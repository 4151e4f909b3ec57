// SPDX-License-Identifier: MIT
/*
 * Medians, bootstrap intervals and ratios over bench runs, and the summary
 * and comparison documents built from result documents (include/bench-stats.h).
 *
 * Why the median and a percentile bootstrap: a handful of runs on a shared
 * machine, whose figures are tail latencies with the odd run far out (one
 * run's p99.9 can be 10x the others' when another session's load lands on
 * it). The median ignores that run; the bootstrap needs no assumption on the
 * distribution. With fewer than 3 runs a resampled median can only be one of
 * the runs or their mean, which is no interval worth printing.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bench-stats.h"
#include "fileio.h"
#include "util.h"

/* ---- pure statistics ------------------------------------------------------ */

uint64_t bstat_next(struct bstat_rng *g)
{
	uint64_t z = (g->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

size_t bstat_below(struct bstat_rng *g, size_t n)
{
	/* the largest multiple of n that fits: draws above it are redrawn */
	uint64_t lim = UINT64_MAX - UINT64_MAX % n, v;

	do
		v = bstat_next(g);
	while (v >= lim);
	return (size_t)(v % n);
}

uint64_t bstat_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* median of buf[0..n), sorted in place */
static double median_inplace(double *buf, size_t n)
{
	qsort(buf, n, sizeof(*buf), cmp_double);
	return n % 2 ? buf[n / 2] : (buf[n / 2 - 1] + buf[n / 2]) / 2;
}

int bstat_median(const double *x, size_t n, double *ret)
{
	_cleanup_free_ double *buf = NULL;

	if (!n)
		return -EINVAL;
	buf = malloc(n * sizeof(*buf));
	if (!buf)
		return -ENOMEM;
	memcpy(buf, x, n * sizeof(*buf));
	*ret = median_inplace(buf, n);
	return 0;
}

double bstat_quantile_sorted(const double *s, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

/* one resample of x into buf, its median */
static double resampled_median(struct bstat_rng *g, const double *x, size_t n, double *buf)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = x[bstat_below(g, n)];
	return median_inplace(buf, n);
}

static void interval(double *stats, size_t n, double level, double ret_ci[2])
{
	qsort(stats, n, sizeof(*stats), cmp_double);
	ret_ci[0] = bstat_quantile_sorted(stats, n, (1 - level) / 2);
	ret_ci[1] = bstat_quantile_sorted(stats, n, (1 + level) / 2);
}

int bstat_median_ci(const double *x, size_t n, unsigned resamples, double level, uint64_t seed,
		    double ret_ci[2])
{
	_cleanup_free_ double *buf = NULL, *stats = NULL;
	struct bstat_rng g = { seed };

	if (n < BSTAT_MIN_CI || !resamples)
		return -EINVAL;
	buf = malloc(n * sizeof(*buf));
	stats = malloc(resamples * sizeof(*stats));
	if (!buf || !stats)
		return -ENOMEM;
	for (unsigned r = 0; r < resamples; r++)
		stats[r] = resampled_median(&g, x, n, buf);
	interval(stats, resamples, level, ret_ci);
	return 0;
}

int bstat_ratio(const double *a, size_t na, const double *b, size_t nb, unsigned resamples,
		double level, uint64_t seed, struct bstat_ratio *ret)
{
	_cleanup_free_ double *buf = NULL, *stats = NULL;
	struct bstat_rng g = { seed };
	struct bstat_ratio res = { 0 };
	double ma, mb;
	int e;

	if (!na || !nb)
		return -EINVAL;
	if ((e = bstat_median(a, na, &ma)) < 0 || (e = bstat_median(b, nb, &mb)) < 0)
		return e;
	res.defined = ma != 0;
	if (res.defined)
		res.ratio = mb / ma;
	if (res.defined && na >= BSTAT_MIN_CI && nb >= BSTAT_MIN_CI && resamples) {
		buf = malloc((na > nb ? na : nb) * sizeof(*buf));
		stats = malloc(resamples * sizeof(*stats));
		if (!buf || !stats)
			return -ENOMEM;
		res.have_ci = true;
		for (unsigned r = 0; r < resamples && res.have_ci; r++) {
			double ra = resampled_median(&g, a, na, buf);
			double rb = resampled_median(&g, b, nb, buf);

			/* a resample of A's runs with median 0 has no ratio:
			 * an interval without those would be too narrow */
			if (ra == 0)
				res.have_ci = false;
			else
				stats[r] = rb / ra;
		}
		if (res.have_ci) {
			interval(stats, resamples, level, res.ci);
			res.significant = res.ci[0] > 1 || res.ci[1] < 1;
		}
	}
	*ret = res;
	return 0;
}

/* ---- result documents ----------------------------------------------------- */

#define SUMMARY_KIND "oomlab-bench-summary"
#define COMPARE_KIND "oomlab-bench-compare"
#define LEVEL 0.95

/* a histogram's figures, the ones the per-phase table shows */
static const char *const hist_keys[] = { "p50_ns", "p90_ns", "p99_ns", "p999_ns", "max_ns" };

static json_t *num_or_null(const json_t *v)
{
	return json_is_number(v) ? json_real(json_number_value(v)) : json_null();
}

static int put(json_t *o, const char *prefix, const char *key, json_t *v)
{
	char name[512];

	if (!v)
		return -ENOMEM;
	snprintf(name, sizeof(name), "%s.%s", prefix, key);
	return json_object_set_new(o, name, v) ? -ENOMEM : 0;
}

static int hist_figures(json_t *out, const char *prefix, const json_t *h)
{
	const json_t *count = json_object_get(h, "count");
	bool empty = !json_is_number(count) || json_number_value(count) == 0;
	int e = put(out, prefix, "count", num_or_null(count));

	/* an empty histogram's percentiles read 0: no latency at all, which
	 * a median over runs must not average in */
	for (size_t i = 0; !e && i < ARRAY_SIZE(hist_keys); i++)
		e = put(out, prefix, hist_keys[i],
			empty ? json_null() : num_or_null(json_object_get(h, hist_keys[i])));
	return e;
}

static int kill_figures(json_t *out, const json_t *chain)
{
	size_t i;
	json_t *k;

	json_array_foreach(chain, i, k)
	{
		const char *victim = json_string_value(json_object_get(k, "victim"));
		char prefix[300], base[256];
		const char *key;
		json_t *v;
		int e = 0;

		if (victim)
			snprintf(base, sizeof(base), "kill_chain.%s", victim);
		else
			snprintf(base, sizeof(base), "kill_chain.pid-%lld",
				 (long long)json_integer_value(json_object_get(k, "pid")));
		/* the n-th kill of the same name gets #n (a worker respawned
		 * and killed again): names stay the same across runs where
		 * an index into the chain would shift with the kill order */
		snprintf(prefix, sizeof(prefix), "%s", base);
		for (size_t j = 0, n = 1; j < i; j++) {
			const char *o = json_string_value(
				json_object_get(json_array_get(chain, j), "victim"));

			if (victim && o && !strcmp(o, victim))
				snprintf(prefix, sizeof(prefix), "%s#%zu", base, ++n);
		}
		json_object_foreach(k, key, v)
		{
			size_t l = strlen(key);

			if (l > 3 && !strcmp(key + l - 3, "_ms") &&
			    (e = put(out, prefix, key, num_or_null(v))) < 0)
				return e;
		}
	}
	return 0;
}

int bench_figures(const json_t *doc, json_t **ret)
{
	const json_t *b = json_object_get(doc, "bench"), *o, *v;
	json_t *out;
	const char *key;
	int e = 0;

	if (!json_is_object(b))
		return -EINVAL;
	out = json_object();
	if (!out)
		return -ENOMEM;
	json_object_foreach((json_t *)json_object_get(b, "phases"), key, v)
	{
		char prefix[300];

		snprintf(prefix, sizeof(prefix), "phases.%s", key);
		if (json_is_object(v) && (e = hist_figures(out, prefix, v)) < 0)
			goto out;
	}
	o = json_object_get(b, "stalls");
	/* stalls missing (no tracefs): no stall figures, not zero stalls */
	if (json_is_object(o) && !json_object_get(o, "missing"))
		json_object_foreach((json_t *)o, key, v)
		{
			char prefix[300];

			snprintf(prefix, sizeof(prefix), "stalls.%s", key);
			if (json_is_object(v))
				e = hist_figures(out, prefix, v);
			else if (json_is_number(v))
				e = put(out, "stalls", key, num_or_null(v));
			if (e < 0)
				goto out;
		}
	o = json_object_get(b, "psi");
	if (json_is_object(o) &&
	    ((e = put(out, "psi", "some_us", num_or_null(json_object_get(o, "some_us")))) < 0 ||
	     (e = put(out, "psi", "full_us", num_or_null(json_object_get(o, "full_us")))) < 0))
		goto out;
	o = json_object_get(b, "stat_delta");
	for (int s = 0; s < 2 && json_is_object(o); s++) {
		const char *scope = s ? "system" : "memcg";
		char prefix[64];

		snprintf(prefix, sizeof(prefix), "stat_delta.%s", scope);
		json_object_foreach((json_t *)json_object_get(o, scope), key,
				    v) if (json_is_number(v) &&
					   (e = put(out, prefix, key, num_or_null(v))) <
						   0) goto out;
	}
	e = kill_figures(out, json_object_get(b, "kill_chain"));
out:
	if (e < 0) {
		json_decref(out);
		return e;
	}
	*ret = out;
	return 0;
}

const char *bench_doc_scenario(const json_t *doc, char *buf, size_t len)
{
	const char *s = json_string_value(json_object_get(doc, "scenario"));

	if (s && json_is_object(json_object_get(doc, "figures")))
		return s;
	/* a result document: its profile's file name, which is the same on
	 * the host and in a guest (whose paths differ) */
	s = json_string_value(json_object_get(doc, "profile"));
	if (!s || !len)
		return NULL;
	return ini_stem(s, buf, len)[0] ? buf : NULL;
}

static bool is_summary(const json_t *doc)
{
	const char *k = json_string_value(json_object_get(doc, "kind"));

	return k && !strcmp(k, SUMMARY_KIND) && json_is_object(json_object_get(doc, "figures"));
}

int bench_doc_load(const char *path, json_t **ret, enum bench_doc_kind *ret_kind, char *why,
		   size_t whylen)
{
	json_error_t err;
	json_t *doc;
	FILE *f = fopen(path, "re");
	int e;

	if (!f) {
		e = -errno;
		snprintf(why, whylen, "cannot read it: %s", strerror(-e));
		return e;
	}
	doc = json_loadf(f, 0, &err);
	fclose(f);
	if (!doc) {
		snprintf(why, whylen, "not JSON: line %d, column %d: %s", err.line, err.column,
			 err.text);
		return -EINVAL;
	}
	if (is_summary(doc)) {
		*ret_kind = BENCH_DOC_SUMMARY;
	} else if (json_is_object(json_object_get(doc, "bench"))) {
		*ret_kind = BENCH_DOC_RESULT;
	} else {
		if (json_object_get(doc, "verdict"))
			snprintf(why, whylen,
				 "a result document without a bench section (from `oomlab "
				 "run`, or a run that did not get to measure)");
		else
			snprintf(why, whylen,
				 "not a bench document (neither a result with a \"bench\" "
				 "section nor a bench summary)");
		json_decref(doc);
		return -EINVAL;
	}
	*ret = doc;
	return 0;
}

/* the non-null numbers of a JSON array */
static size_t numbers(const json_t *arr, double *out)
{
	size_t i, n = 0;
	json_t *v;

	json_array_foreach(arr, i, v) if (json_is_number(v)) out[n++] = json_number_value(v);
	return n;
}

static json_t *ci_json(const double ci[2])
{
	return json_pack("[ff]", ci[0], ci[1]);
}

/* median, ci95, n of one figure's values */
static int figure_stats(const char *name, json_t *fig)
{
	json_t *vals = json_object_get(fig, "values");
	_cleanup_free_ double *x = malloc((json_array_size(vals) + 1) * sizeof(*x));
	size_t n;
	double med, ci[2];
	int e;

	if (!x)
		return -ENOMEM;
	n = numbers(vals, x);
	if (json_object_set_new(fig, "n", json_integer((json_int_t)n)))
		return -ENOMEM;
	if (!n)
		return json_object_set_new(fig, "median", json_null()) ||
				       json_object_set_new(fig, "ci95", json_null())
			       ? -ENOMEM
			       : 0;
	if ((e = bstat_median(x, n, &med)) < 0)
		return e;
	if (json_object_set_new(fig, "median", json_real(med)))
		return -ENOMEM;
	e = bstat_median_ci(x, n, BSTAT_RESAMPLES, LEVEL, BSTAT_SEED ^ bstat_hash(name), ci);
	if (e == -EINVAL)
		return json_object_set_new(fig, "ci95", json_null()) ? -ENOMEM : 0;
	if (e < 0)
		return e;
	return json_object_set_new(fig, "ci95", ci_json(ci)) ? -ENOMEM : 0;
}

static int add_unique_str(json_t *arr, const char *s)
{
	size_t i;
	json_t *v;

	if (!s)
		return 0;
	json_array_foreach(arr, i, v) if (!strcmp(json_string_value(v), s)) return 0;
	return json_array_append_new(arr, json_string(s)) ? -ENOMEM : 0;
}

int bench_summary(json_t *const *docs, const char *const *paths, size_t n, json_t **ret, char *why,
		  size_t whylen)
{
	json_t *s = NULL, *figs = NULL, *results, *kernels, *verdicts, **each = NULL;
	char scen0[256], scen[256];
	const char *sc0 = NULL, *key;
	json_t *fig;
	int e = -ENOMEM;

	if (!n) {
		snprintf(why, whylen, "no result documents");
		return -EINVAL;
	}
	each = calloc(n, sizeof(*each));
	if (!each)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *sc = bench_doc_scenario(docs[i], scen, sizeof(scen));

		if (is_summary(docs[i]) || bench_figures(docs[i], &each[i]) == -EINVAL) {
			snprintf(why, whylen, "%s: not a result document with a bench section",
				 paths && paths[i] ? paths[i] : "document");
			e = -EINVAL;
			goto out;
		}
		if (!each[i])
			goto out;
		if (!i) {
			snprintf(scen0, sizeof(scen0), "%s", sc ? sc : "");
			sc0 = scen0;
		} else if (strcmp(sc0, sc ? sc : "")) {
			snprintf(why, whylen, "%s is scenario %s, %s is %s: different scenarios",
				 paths && paths[0] ? paths[0] : "the first", sc0,
				 paths && paths[i] ? paths[i] : "another", sc ? sc : "(none)");
			e = -EINVAL;
			goto out;
		}
	}
	figs = json_object();
	s = json_pack("{sssisssOs[]s[]s[]s{sfsssisi}}", "kind", SUMMARY_KIND, "version", 1,
		      "scenario", sc0, "profile",
		      json_object_get(docs[0], "profile") ?: json_null(), "kernels", "results",
		      "verdicts", "ci", "level", LEVEL, "method",
		      "bootstrap percentile of the median", "resamples", BSTAT_RESAMPLES,
		      "min_runs", BSTAT_MIN_CI);
	if (!figs || !s)
		goto out;
	if (json_object_set_new(s, "runs", json_integer((json_int_t)n)))
		goto out;
	results = json_object_get(s, "results");
	kernels = json_object_get(s, "kernels");
	verdicts = json_object_get(s, "verdicts");
	for (size_t i = 0; i < n; i++) {
		json_t *vd = json_object_get(docs[i], "verdict");

		if (json_array_append_new(results, paths && paths[i] ? json_string(paths[i])
								     : json_null()) ||
		    add_unique_str(kernels, json_string_value(json_object_get(docs[i], "kernel"))) <
			    0 ||
		    json_array_append(verdicts, vd ? vd : json_null()))
			goto out;
		/* the union of the runs' figure names, first seen first */
		json_object_foreach(
			each[i], key,
			fig) if (!json_object_get(figs, key) &&
				 json_object_set_new(figs, key,
						     json_pack("{s[]}", "values"))) goto out;
	}
	json_object_foreach(figs, key, fig)
	{
		json_t *vals = json_object_get(fig, "values");

		for (size_t i = 0; i < n; i++) {
			json_t *v = json_object_get(each[i], key);

			if (json_array_append(vals, v ? v : json_null()))
				goto out;
		}
		if ((e = figure_stats(key, fig)) < 0)
			goto out;
		/* "median", "ci95", "n" before the values, for people reading it */
		json_incref(vals);
		json_object_del(fig, "values");
		if (json_object_set_new(fig, "values", vals)) {
			e = -ENOMEM;
			goto out;
		}
	}
	if (json_object_set(s, "figures", figs))
		goto out;
	*ret = s;
	s = NULL;
	e = 0;
out:
	for (size_t i = 0; i < n; i++)
		json_decref(each[i]);
	free(each);
	json_decref(figs);
	json_decref(s);
	return e;
}

int bench_summary_files(const char *const *paths, size_t n, json_t **ret, char *why, size_t whylen)
{
	json_t **docs = calloc(n ? n : 1, sizeof(*docs));
	int e = 0;

	if (!docs)
		return -ENOMEM;
	for (size_t i = 0; i < n && !e; i++) {
		enum bench_doc_kind kind;
		char w[400];

		e = bench_doc_load(paths[i], &docs[i], &kind, w, sizeof(w));
		if (e < 0)
			snprintf(why, whylen, "%s: %s", paths[i], w);
		else if (kind != BENCH_DOC_RESULT) {
			snprintf(why, whylen, "%s: a summary, not a run's result document",
				 paths[i]);
			e = -EINVAL;
		}
	}
	if (!e)
		e = bench_summary(docs, paths, n, ret, why, whylen);
	for (size_t i = 0; i < n; i++)
		json_decref(docs[i]);
	free(docs);
	return e;
}

/* A document as samples: {NAME: [values]} (a result's one value each),
 * its kernels and number of runs. */
static int as_samples(const json_t *doc, json_t **ret_samples, json_t **ret_side, const char *name)
{
	json_t *samples, *side;
	const char *key;
	json_t *fig;

	if (is_summary(doc)) {
		samples = json_object();
		if (!samples)
			return -ENOMEM;
		json_object_foreach((json_t *)json_object_get(doc, "figures"), key,
				    fig) if (json_object_set(samples, key,
							     json_object_get(fig, "values") ?: fig))
		{
			json_decref(samples);
			return -ENOMEM;
		}
		side = json_pack("{sssOsO}", "name", name, "kernels",
				 json_object_get(doc, "kernels") ?: json_null(), "runs",
				 json_object_get(doc, "runs") ?: json_null());
	} else {
		json_t *figs;
		int e = bench_figures(doc, &figs);

		if (e < 0)
			return e;
		samples = json_object();
		json_object_foreach(figs, key,
				    fig) if (!samples || json_object_set_new(samples, key,
									     json_pack("[O]", fig)))
		{
			json_decref(figs);
			json_decref(samples);
			return -ENOMEM;
		}
		json_decref(figs);
		side = json_pack("{sss[O]si}", "name", name, "kernels",
				 json_object_get(doc, "kernel") ?: json_null(), "runs", 1);
	}
	if (!side) {
		json_decref(samples);
		return -ENOMEM;
	}
	*ret_samples = samples;
	*ret_side = side;
	return 0;
}

static json_t *median_json(const double *x, size_t n)
{
	double m;

	return n && bstat_median(x, n, &m) == 0 ? json_real(m) : json_null();
}

static int compare_figure(json_t *figs, const char *key, const json_t *va, const json_t *vb)
{
	size_t cap = json_array_size(va) + json_array_size(vb) + 1;
	_cleanup_free_ double *a = malloc(cap * sizeof(*a)), *b = malloc(cap * sizeof(*b));
	struct bstat_ratio r = { 0 };
	size_t na, nb;
	json_t *f;
	int e;

	if (!a || !b)
		return -ENOMEM;
	na = numbers(va, a);
	nb = numbers(vb, b);
	if (na && nb &&
	    (e = bstat_ratio(a, na, b, nb, BSTAT_RESAMPLES, LEVEL, BSTAT_SEED ^ bstat_hash(key),
			     &r)) < 0)
		return e;
	f = json_pack("{soso}", "a", median_json(a, na), "b", median_json(b, nb));
	if (!f || json_object_set_new(f, "ratio", r.defined ? json_real(r.ratio) : json_null()) ||
	    json_object_set_new(f, "ci95", r.have_ci ? ci_json(r.ci) : json_null()) ||
	    json_object_set_new(f, "significant", json_boolean(r.significant)) ||
	    json_object_set_new(figs, key, f))
		return -ENOMEM;
	return 0;
}

int bench_compare(const json_t *a, const char *a_name, const json_t *b, const char *b_name,
		  json_t **ret, char *why, size_t whylen)
{
	json_t *sa = NULL, *sb = NULL, *side_a = NULL, *side_b = NULL, *out = NULL, *figs;
	char bufa[256], bufb[256];
	const char *sca, *scb, *key;
	json_t *v;
	int e;

	for (int i = 0; i < 2; i++) {
		const json_t *d = i ? b : a;

		if (!is_summary(d) && !json_is_object(json_object_get(d, "bench"))) {
			snprintf(why, whylen,
				 "%s: not a bench document (a result with a \"bench\" section "
				 "or a bench summary)",
				 i ? b_name : a_name);
			return -EINVAL;
		}
	}
	sca = bench_doc_scenario(a, bufa, sizeof(bufa));
	scb = bench_doc_scenario(b, bufb, sizeof(bufb));
	if (!sca || !scb || strcmp(sca, scb)) {
		snprintf(why, whylen,
			 "different scenarios: %s is %s, %s is %s (profile %s vs %s); a ratio "
			 "between two scenarios says nothing about either",
			 a_name, sca ?: "(none)", b_name, scb ?: "(none)",
			 json_string_value(json_object_get(a, "profile")) ?: "?",
			 json_string_value(json_object_get(b, "profile")) ?: "?");
		return -EINVAL;
	}
	if ((e = as_samples(a, &sa, &side_a, a_name)) < 0 ||
	    (e = as_samples(b, &sb, &side_b, b_name)) < 0)
		goto out;
	e = -ENOMEM;
	figs = json_object();
	out = json_pack("{sssisssOsOso}", "kind", COMPARE_KIND, "version", 1, "scenario", sca, "a",
			side_a, "b", side_b, "figures", figs);
	if (!out)
		goto out;
	json_object_foreach(sa, key,
			    v) if ((e = compare_figure(figs, key, v, json_object_get(sb, key))) <
				   0) goto out;
	json_object_foreach(sb, key, v) if (!json_object_get(sa, key) &&
					    (e = compare_figure(figs, key, NULL, v)) < 0) goto out;
	*ret = out;
	out = NULL;
	e = 0;
out:
	json_decref(sa);
	json_decref(sb);
	json_decref(side_a);
	json_decref(side_b);
	json_decref(out);
	return e;
}

/* ---- tables --------------------------------------------------------------- */

/* a figure's unit from its name's suffix, and its value in that unit */
static const char *unit_of(const char *name, double *scale)
{
	size_t l = strlen(name);

	*scale = 1;
	if (l > 3 && !strcmp(name + l - 3, "_ns")) {
		*scale = 1e-3;
		return "us";
	}
	if (l > 3 && !strcmp(name + l - 3, "_us"))
		return "us";
	if (l > 3 && !strcmp(name + l - 3, "_ms"))
		return "ms";
	return "";
}

static bool all_zero(const json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i,
			   v) if (json_is_number(v) && json_number_value(v) != 0) return false;
	return true;
}

/* 4 significant digits, whole numbers from 1000 on: the interval and the
 * median read alike */
static void fmt_val(char *b, size_t len, double v)
{
	if (fabs(v) >= 1000 || v == floor(v))
		snprintf(b, len, "%.0f", v);
	else
		snprintf(b, len, "%.4g", v);
}

static void print_num(FILE *out, const json_t *v, double scale, int width)
{
	char b[64];

	if (json_is_number(v))
		fmt_val(b, sizeof(b), json_number_value(v) * scale);
	else
		snprintf(b, sizeof(b), "-");
	fprintf(out, " %*s", width, b);
}

static void print_ci(FILE *out, const json_t *ci, double scale)
{
	char b[80], lo[32], hi[32];

	if (json_array_size(ci) == 2) {
		fmt_val(lo, sizeof(lo), json_number_value(json_array_get(ci, 0)) * scale);
		fmt_val(hi, sizeof(hi), json_number_value(json_array_get(ci, 1)) * scale);
		snprintf(b, sizeof(b), "[%s, %s]", lo, hi);
	} else {
		snprintf(b, sizeof(b), "n/a");
	}
	fprintf(out, "  %-22s", b);
}

/* the name as shown: the unit column says what _ns, _us, _ms said */
static void print_name(FILE *out, const char *key)
{
	size_t l = strlen(key);
	double scale;

	if (*unit_of(key, &scale))
		l -= 3;
	fprintf(out, "%-42.*s", (int)l, key);
}

void bench_summary_print(const json_t *s, FILE *out)
{
	const json_t *kernels = json_object_get(s, "kernels");
	json_int_t runs = json_integer_value(json_object_get(s, "runs"));
	const char *key;
	unsigned hidden = 0;
	json_t *f;

	fprintf(out, "summary %s: %lld runs, kernel %s: median and bootstrap 95%% interval\n",
		json_string_value(json_object_get(s, "scenario")) ?: "?", (long long)runs,
		json_string_value(json_array_get(kernels, 0)) ?: "?");
	if (runs < BSTAT_MIN_CI)
		fprintf(out, "(interval not available: it needs %d or more runs)\n", BSTAT_MIN_CI);
	fprintf(out, "%-42s %-4s %10s  %-22s %s\n", "figure", "unit", "median", "95% interval",
		"n");
	json_object_foreach((json_t *)json_object_get(s, "figures"), key, f)
	{
		double scale;
		const char *unit = unit_of(key, &scale);

		if (all_zero(json_object_get(f, "values"))) {
			hidden++;
			continue;
		}
		print_name(out, key);
		fprintf(out, " %-4s", unit);
		print_num(out, json_object_get(f, "median"), scale, 10);
		print_ci(out, json_object_get(f, "ci95"), scale);
		fprintf(out, " %lld\n", (long long)json_integer_value(json_object_get(f, "n")));
	}
	if (hidden)
		fprintf(out, "(%u figures 0 or not seen in every run: in the JSON)\n", hidden);
}

void bench_compare_print(const json_t *c, FILE *out)
{
	const json_t *a = json_object_get(c, "a"), *b = json_object_get(c, "b");
	const char *key;
	unsigned hidden = 0, sig = 0;
	json_t *f;

	fprintf(out, "compare %s: A = %s (%s, %lld runs), B = %s (%s, %lld runs)\n",
		json_string_value(json_object_get(c, "scenario")) ?: "?",
		json_string_value(json_object_get(a, "name")) ?: "?",
		json_string_value(json_array_get(json_object_get(a, "kernels"), 0)) ?: "?",
		(long long)json_integer_value(json_object_get(a, "runs")),
		json_string_value(json_object_get(b, "name")) ?: "?",
		json_string_value(json_array_get(json_object_get(b, "kernels"), 0)) ?: "?",
		(long long)json_integer_value(json_object_get(b, "runs")));
	fprintf(out, "%-42s %-4s %10s %10s %8s  %-22s\n", "figure", "unit", "A", "B", "B/A",
		"95% interval");
	json_object_foreach((json_t *)json_object_get(c, "figures"), key, f)
	{
		double scale, zero = 0;
		const char *unit = unit_of(key, &scale);
		const json_t *va = json_object_get(f, "a"), *vb = json_object_get(f, "b");
		bool s = json_is_true(json_object_get(f, "significant"));

		if ((!json_is_number(va) || json_number_value(va) == zero) &&
		    (!json_is_number(vb) || json_number_value(vb) == zero)) {
			hidden++;
			continue;
		}
		print_name(out, key);
		fprintf(out, " %-4s", unit);
		print_num(out, va, scale, 10);
		print_num(out, vb, scale, 10);
		if (json_is_number(json_object_get(f, "ratio")))
			fprintf(out, " %8.4g", json_number_value(json_object_get(f, "ratio")));
		else
			fprintf(out, " %8s", "-");
		print_ci(out, json_object_get(f, "ci95"), 1);
		fputs(s ? " *\n" : "\n", out);
		sig += s;
	}
	fprintf(out, "* significant: the 95%% interval of B/A excludes 1 (%u figures)\n", sig);
	if (hidden)
		fprintf(out, "(%u figures 0 or not seen in both: in the JSON)\n", hidden);
}
