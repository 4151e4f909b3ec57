/* SPDX-License-Identifier: MIT */
/*
 * Statistics over bench runs (issue 9): `oomlab bench --repeat N` and
 * `--compare A.json B.json`, and anything else that has result documents
 * with a "bench" section (a guest's, through `oomlab vm bench`).
 *
 * A run's figures are the numbers of its bench section under flat names
 * (bench_figures):
 *   phases.PHASE.{count,p50_ns,p90_ns,p99_ns,p999_ns,max_ns}
 *   stalls.KIND.{count,p50_ns,...,max_ns}  (KIND memcg_reclaim,
 *                                           direct_reclaim, throttled)
 *   stalls.{unpaired_begin,unpaired_end,lost}
 *   psi.some_us, psi.full_us
 *   stat_delta.memcg.KEY, stat_delta.system.KEY
 *   kill_chain.VICTIM.STEP_ms   (VICTIM the instance name, "#2", "#3" after
 *                                it for a second kill of the same name)
 * A histogram's percentiles are null when its count is 0 (there is no
 * latency to speak of); a kill chain step not seen is null.
 *
 * A summary document (bench_summary):
 *   {"kind": "oomlab-bench-summary", "version": 1,
 *    "scenario": ID, "profile": PATH, "kernels": [..], "runs": N,
 *    "results": [PATH, ...], "verdicts": [..],
 *    "ci": {"level": 0.95, "method": "bootstrap percentile of the median",
 *           "resamples": R, "min_runs": 3},
 *    "figures": {NAME: {"median": X|null, "ci95": [LO, HI]|null, "n": K,
 *                       "values": [X|null, ...]}}}    values in run order
 * The scenario ID is the profile's file name without ".ini": a guest's
 * document names the same profile by another path.
 *
 * A comparison (bench_compare), of two result documents or summaries of
 * one scenario:
 *   {"kind": "oomlab-bench-compare", "version": 1, "scenario": ID,
 *    "a": {"name", "kernels", "runs"}, "b": {...},
 *    "figures": {NAME: {"a": MEDIAN|null, "b": MEDIAN|null,
 *                       "ratio": B/A|null, "ci95": [LO, HI]|null,
 *                       "significant": bool}}}
 *
 * Intervals are deterministic: each figure's resampling is seeded from
 * BSTAT_SEED and the figure's name, so the same documents give the same
 * numbers, whatever other figures there are.
 *
 * Nothing here prints but the *_print functions; errors are -errno with a
 * sentence in why (for the caller to log with the file names).
 */
#ifndef OOMLAB_BENCH_STATS_H
#define OOMLAB_BENCH_STATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BSTAT_RESAMPLES 2000
#define BSTAT_MIN_CI 3 /* fewer runs: "interval not available" */
#define BSTAT_SEED 0x6f6f6d6c61622039ULL

/* ---- pure statistics ---- */

/* splitmix64: small, fast, and the same sequence everywhere */
struct bstat_rng {
	uint64_t s;
};
uint64_t bstat_next(struct bstat_rng *g);
/* uniform in [0, n), n > 0 (rejection: no modulo bias) */
size_t bstat_below(struct bstat_rng *g, size_t n);
/* FNV-1a of a name, for per-figure seeds */
uint64_t bstat_hash(const char *s);

/* Median of x[0..n) (the mean of the middle two for even n). -EINVAL for
 * n == 0. x is not modified. */
int bstat_median(const double *x, size_t n, double *ret);
/* Quantile p in [0, 1] of sorted s[0..n), linear between order statistics
 * (Hyndman & Fan type 7, R's and numpy's default). n > 0. */
double bstat_quantile_sorted(const double *s, size_t n, double p);
/* Percentile bootstrap interval of the median: `resamples` resamples of
 * x with replacement, the (1-level)/2 and (1+level)/2 quantiles of their
 * medians. -EINVAL for n < BSTAT_MIN_CI, -ENOMEM. */
int bstat_median_ci(const double *x, size_t n, unsigned resamples, double level, uint64_t seed,
		    double ret_ci[2]);

struct bstat_ratio {
	bool defined;	  /* median(a) != 0 */
	double ratio;	  /* median(b) / median(a) */
	bool have_ci;	  /* both samples >= BSTAT_MIN_CI and every resampled median(a) != 0 */
	double ci[2];	  /* of median(b*) / median(a*), a and b resampled independently */
	bool significant; /* have_ci and the interval excludes 1 */
};
/* -EINVAL when a or b is empty, -ENOMEM. */
int bstat_ratio(const double *a, size_t na, const double *b, size_t nb, unsigned resamples,
		double level, uint64_t seed, struct bstat_ratio *ret);

/* ---- result documents ---- */

enum bench_doc_kind {
	BENCH_DOC_RESULT,  /* a run's document with a "bench" section */
	BENCH_DOC_SUMMARY, /* bench_summary's */
};

/* Read and classify path. -errno: unreadable (-ENOENT...), not JSON
 * (-EINVAL, why says where), JSON but neither kind (-EINVAL). */
int bench_doc_load(const char *path, json_t **ret, enum bench_doc_kind *ret_kind, char *why,
		   size_t whylen);
/* The scenario ID of a result document or a summary; NULL if none. */
const char *bench_doc_scenario(const json_t *doc, char *buf, size_t len);
/* A result document's figures: {NAME: number|null}, in document order.
 * -EINVAL without a bench section. */
int bench_figures(const json_t *doc, json_t **ret);

/* The summary of n result documents of one scenario (paths[i] is the file
 * docs[i] came from, for "results"; may be NULL). -EINVAL with why for no
 * documents, a document without a bench section, different scenarios. */
int bench_summary(json_t *const *docs, const char *const *paths, size_t n, json_t **ret, char *why,
		  size_t whylen);
/* The same from files (bench_doc_load each; summaries are refused). */
int bench_summary_files(const char *const *paths, size_t n, json_t **ret, char *why, size_t whylen);
/* A and B, each a result document or a summary; a_name and b_name (the
 * file names) go into the output and into why. -EINVAL with why for
 * different scenarios or a document of neither kind. */
int bench_compare(const json_t *a, const char *a_name, const json_t *b, const char *b_name,
		  json_t **ret, char *why, size_t whylen);

/* The tables `oomlab bench` prints: figures that are not zero or null in
 * every run, ns as us, counts as they are. */
void bench_summary_print(const json_t *summary, FILE *out);
void bench_compare_print(const json_t *cmp, FILE *out);

#endif
