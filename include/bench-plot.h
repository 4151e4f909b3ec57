/* SPDX-License-Identifier: MIT */
/*
 * gnuplot SVGs of a bench section (issue 9): (a) the per-phase fault
 * latency CDF on a log x axis, one curve per phase from the histogram
 * buckets (the kernel's reclaim stalls dashed beside them); (b) the
 * timeline: the memcg's usage and each worker's memory over time, the
 * limit, the kills marked, and below it each reclaim stall by its length.
 *
 * The data and script writers are pure (a bench section in, text out), so
 * the tests read them from a fixture document; bench_plot() writes them
 * into a directory and runs gnuplot there through the child API. The
 * scripts name their data by relative paths: `cd DIR && gnuplot F.gp`
 * redraws a plot.
 */
#ifndef OOMLAB_BENCH_PLOT_H
#define OOMLAB_BENCH_PLOT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define BENCH_PLOT_WHY_MAX 400

struct bench_plot_in {
	const json_t *bench; /* the document's "bench" section */
	const char *title;   /* the scenario, e.g. "anon-oom" */
	uint64_t limit;	     /* the memcg's limit, drawn as a line; 0 = none */
};

/*
 * The CDF's data: one gnuplot block (two blank lines apart) per non-empty
 * phase, then per non-empty stall histogram, each a comment naming it and
 * "x_us fraction" rows rising to 1. *ret_nblocks: how many. 0 or -errno.
 */
int bench_plot_cdf_data(const struct bench_plot_in *in, FILE *out, unsigned *ret_nblocks);
/* The CDF's script: reads data, writes svg (relative names). 0 or -errno. */
int bench_plot_cdf_script(const struct bench_plot_in *in, const char *data, const char *svg,
			  FILE *out);
/*
 * The timeline's data: samples ("t_ms usage_MiB W1_MiB W2_MiB ...", one
 * column per worker in per_worker order) and events (one block per event
 * kind that occurs: "t_ms dur_ms" rows, stalls' dur_ms > 0). *ret_nsamples
 * rows written. 0 or -errno.
 */
int bench_plot_timeline_data(const struct bench_plot_in *in, FILE *samples, FILE *events,
			     size_t *ret_nsamples);
int bench_plot_timeline_script(const struct bench_plot_in *in, const char *samples,
			       const char *events, const char *svg, FILE *out);

/* What bench_plot() wrote, relative to the directory. */
struct bench_plot_out {
	char cdf_svg[256];
	char timeline_svg[256];
};

/*
 * DIR/bench-NAME-cdf.{dat,gp,svg} and DIR/bench-NAME-timeline.{dat,
 * events.dat,gp,svg}, gnuplot run on each (30 s at most). 0 with *ret
 * filled; -errno with why ("gnuplot is not installed (Debian:
 * gnuplot-nox)", "gnuplot failed on ...: its first error line"). The data
 * and scripts stay even when gnuplot cannot run.
 */
int bench_plot(const struct bench_plot_in *in, const char *dir, const char *name,
	       struct bench_plot_out *ret, char why[static BENCH_PLOT_WHY_MAX]);

#endif
