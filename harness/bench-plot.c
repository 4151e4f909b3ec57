// SPDX-License-Identifier: MIT
/*
 * bench-plot: gnuplot data, scripts and SVGs of a bench section
 * (bench-plot.h). The writers only read the JSON section and print text;
 * bench_plot() puts the files in a directory and runs gnuplot on them
 * through child.c (no shell, no popen).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "bench-plot.h"
#include "bench.h"
#include "child.h"
#include "runner.h"
#include "util.h"

#define MIB_D 1048576.0
#define GNUPLOT_TIMEOUT_NS 30000000000ULL

/* one colour per worker, the same order in every plot (colour-blind safe:
 * Okabe and Ito's palette, its pale yellow left out: unreadable on white) */
static const char *const colours[] = { "#0072B2", "#D55E00", "#009E73", "#CC79A7",
				       "#E69F00", "#56B4E9", "#555555" };

static const char *colour(size_t i)
{
	return colours[i % ARRAY_SIZE(colours)];
}

/* the histograms a CDF curve is drawn from: the phases, then the stalls */
struct cdf_series {
	const char *key;   /* "reclaim", "memcg_reclaim" */
	const char *label; /* in the legend */
	bool stall;
	const char *rgb; /* Okabe and Ito's colour-blind safe palette */
};

static const struct cdf_series cdf_series[] = {
	{ "below_limit", "faults below the limit", false, "#0072B2" },
	{ "reclaim", "faults while reclaiming", false, "#D55E00" },
	{ "swap", "faults while swapping", false, "#009E73" },
	{ "oom", "faults during the OOM", false, "#CC79A7" },
	{ "memcg_reclaim", "memcg reclaim stalls", true, "#E69F00" },
	{ "direct_reclaim", "direct reclaim stalls", true, "#56B4E9" },
	{ "throttled", "reclaim throttling", true, "#000000" },
};

static const json_t *series_hist(const json_t *bench, const struct cdf_series *s)
{
	const json_t *h =
		json_object_get(json_object_get(bench, s->stall ? "stalls" : "phases"), s->key);

	return json_integer_value(json_object_get(h, "count")) > 0 ? h : NULL;
}

/* microseconds, at least 1 ns: a log axis has no 0 */
static double us(json_int_t ns)
{
	return ns > 0 ? (double)ns / 1e3 : 1e-3;
}

int bench_plot_cdf_data(const struct bench_plot_in *in, FILE *out, unsigned *ret_nblocks)
{
	unsigned nb = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cdf_series); i++) {
		const json_t *h = series_hist(in->bench, &cdf_series[i]);
		const json_t *b, *e;
		json_int_t total, cum = 0;
		size_t k;

		if (!h)
			continue;
		total = json_integer_value(json_object_get(h, "count"));
		b = json_object_get(h, "buckets");
		fprintf(out, "%s# %s count %lld\n", nb ? "\n\n" : "", cdf_series[i].key,
			(long long)total);
		/*
		 * Each bucket [lo, hi) rises from the fraction below it to the
		 * fraction up to it: linear inside a bucket (all we know is
		 * that its samples are in it), flat across empty ones.
		 */
		json_array_foreach(b, k, e)
		{
			json_int_t lo = json_integer_value(json_array_get(e, 0));
			json_int_t hi = json_integer_value(json_array_get(e, 1));
			json_int_t n = json_integer_value(json_array_get(e, 2));

			fprintf(out, "%.4f %.6f\n", us(lo), (double)cum / (double)total);
			cum += n;
			fprintf(out, "%.4f %.6f\n", us(hi), (double)cum / (double)total);
		}
		nb++;
	}
	if (ferror(out))
		return -EIO;
	*ret_nblocks = nb;
	return 0;
}

/* "1.4 µs", "26 ms": a latency for a legend */
static const char *fmt_ns(json_int_t ns, char buf[static 24])
{
	double v = (double)ns;

	if (v < 1e3)
		snprintf(buf, 24, "%.0f ns", v);
	else if (v < 1e6)
		snprintf(buf, 24, "%.*f µs", v < 1e4 ? 1 : 0, v / 1e3);
	else if (v < 1e9)
		snprintf(buf, 24, "%.*f ms", v < 1e7 ? 1 : 0, v / 1e6);
	else
		snprintf(buf, 24, "%.1f s", v / 1e9);
	return buf;
}

/* gnuplot's single-quoted strings take everything but a quote */
static void put_quoted(FILE *out, const char *s)
{
	fputc('\'', out);
	for (; s && *s; s++)
		fputs(*s == '\'' ? "''" : (char[]){ *s, 0 }, out);
	fputc('\'', out);
}

static void put_terminal(FILE *out, const char *svg, int w, int h)
{
	/* noenhanced: worker names with _ or ^ are names, not sub/superscripts */
	fprintf(out,
		"set encoding utf8\n"
		"set terminal svg size %d,%d dynamic noenhanced font 'sans,13' background "
		"rgb 'white'\n"
		"set output ",
		w, h);
	put_quoted(out, svg);
	fputc('\n', out);
}

/* The decades every curve fits in, and the smallest tail fraction
 * (1/count of the largest histogram), for the axes both panels share. */
static void cdf_ranges(const json_t *bench, double *xlo, double *xhi, double *ylo)
{
	double lo = 1e30, hi = 0;
	json_int_t most = 1;

	for (size_t i = 0; i < ARRAY_SIZE(cdf_series); i++) {
		const json_t *h = series_hist(bench, &cdf_series[i]);
		const json_t *b = json_object_get(h, "buckets");
		size_t n = json_array_size(b);
		json_int_t c = json_integer_value(json_object_get(h, "count"));

		if (!h || !n)
			continue;
		/* a throttle of 0 us is in the first bucket, at 0: not on a log axis */
		for (size_t k = 0; k < n; k++) {
			json_int_t l = json_integer_value(json_array_get(json_array_get(b, k), 0));

			if (l > 0) {
				lo = fmin(lo, us(l));
				break;
			}
		}
		hi = fmax(hi, us(json_integer_value(json_array_get(json_array_get(b, n - 1), 1))));
		most = c > most ? c : most;
	}
	if (hi <= 0) {
		lo = 0.1;
		hi = 1e6;
	}
	/* the histogram's design range begins at 100 ns */
	*xlo = pow(10, floor(log10(fmax(lo, 0.1))));
	*xhi = pow(10, ceil(log10(hi)));
	if (*xhi <= *xlo)
		*xhi = *xlo * 10;
	*ylo = pow(10, floor(log10(1.0 / (double)most)));
}

static void put_xtics(FILE *out, bool labels)
{
	static const char *const lab[] = { "1 ns", "10 ns", "100 ns", "1 µs", "10 µs", "100 µs",
					   "1 ms", "10 ms", "100 ms", "1 s",  "10 s" };
	double v = 1e-3;

	fputs("set xtics (", out);
	for (size_t i = 0; i < ARRAY_SIZE(lab); i++, v *= 10)
		fprintf(out, "%s'%s' %g", i ? ", " : "", labels ? lab[i] : "", v);
	fputs(")\n", out);
}

static unsigned cdf_plot(const struct bench_plot_in *in, const char *data, bool tail, FILE *out)
{
	unsigned nb = 0, np = 0;

	for (size_t i = 0; i < ARRAY_SIZE(cdf_series); i++) {
		const json_t *h = series_hist(in->bench, &cdf_series[i]);
		char leg[200], a[24], b[24], c[24];

		if (!h)
			continue;
		snprintf(leg, sizeof(leg), "%s: %lld, p50 %s, p99 %s, max %s", cdf_series[i].label,
			 (long long)json_integer_value(json_object_get(h, "count")),
			 fmt_ns(json_integer_value(json_object_get(h, "p50_ns")), a),
			 fmt_ns(json_integer_value(json_object_get(h, "p99_ns")), b),
			 fmt_ns(json_integer_value(json_object_get(h, "max_ns")), c));
		fputs(np++ ? ", \\\n     " : "plot ", out);
		put_quoted(out, data);
		/* the tail: 1 - F, where a log axis can show it (F < 1) */
		fprintf(out, " index %u using 1:%s with lines lw %s dt %d lc rgb '%s' ", nb,
			tail ? "($2 < 1 ? 1 - $2 : NaN)" : "2", cdf_series[i].stall ? "1.5" : "2.5",
			cdf_series[i].stall ? 2 : 1, cdf_series[i].rgb);
		if (tail) {
			fputs("notitle", out);
		} else {
			fputs("title ", out);
			put_quoted(out, leg);
		}
		nb++;
	}
	if (!np)
		fputs("plot NaN notitle", out);
	fputc('\n', out);
	return np;
}

int bench_plot_cdf_script(const struct bench_plot_in *in, const char *data, const char *svg,
			  FILE *out)
{
	double xlo, xhi, ylo;
	char title[200];

	cdf_ranges(in->bench, &xlo, &xhi, &ylo);
	put_terminal(out, svg, 960, 720);
	snprintf(title, sizeof(title),
		 "%s: fault latency by phase, and the kernel's reclaim stalls",
		 in->title ? in->title : "bench");
	fputs("set multiplot title ", out);
	put_quoted(out, title);
	fprintf(out,
		"\nset lmargin at screen 0.10\n"
		"set rmargin at screen 0.96\n"
		"set logscale x 10\n"
		"set xrange [%g:%g]\n"
		"set grid xtics ytics lc rgb '#dddddd'\n"
		"# top: the CDF\n"
		"set tmargin at screen 0.92\n"
		"set bmargin at screen 0.45\n"
		"set ylabel 'fraction at or below (CDF)'\n"
		"set yrange [0:1.02]\n"
		"set ytics 0.1\n"
		"set key right center box opaque samplen 3 spacing 1.2\n",
		xlo, xhi);
	put_xtics(out, false);
	if (!cdf_plot(in, data, false, out))
		fputs("set label 'no latency samples' at graph 0.5, 0.5 center\n", out);
	fprintf(out,
		"# bottom: the tail, 1 - CDF on a log axis (p99 is 0.01, p99.9 0.001)\n"
		"unset label\n"
		"unset key\n"
		"set tmargin at screen 0.43\n"
		"set bmargin at screen 0.10\n"
		"set xlabel 'latency (log scale)'\n"
		"set ylabel 'fraction above (1 - CDF)'\n"
		"set logscale y 10\n"
		"set yrange [%g:1]\n"
		"set format y '%%g'\n"
		"set ytics autofreq\n",
		ylo);
	put_xtics(out, true);
	cdf_plot(in, data, true, out);
	fputs("unset multiplot\n", out);
	return ferror(out) ? -EIO : 0;
}

/* The timeline's marks: which events, how drawn. Stalls go below, by length. */
struct ev_style {
	enum bench_ev_kind kind;
	const char *label;
	bool stall;
	int pt; /* gnuplot point type */
	const char *rgb;
};

static const struct ev_style ev_styles[] = {
	{ BENCH_EV_MEMCG_RECLAIM, "memcg reclaim stall", true, 7, "#0072B2" },
	{ BENCH_EV_DIRECT_RECLAIM, "direct reclaim stall", true, 5, "#D55E00" },
	{ BENCH_EV_THROTTLED, "reclaim throttled", true, 9, "#009E73" },
	{ BENCH_EV_OOM_EVENT, "OOM notification seen", false, 8, "#E69F00" },
	{ BENCH_EV_MARK_VICTIM, "mark_victim (trace)", false, 6, "#CC79A7" },
	{ BENCH_EV_KMSG_KILL, "kill line (kmsg)", false, 2, "#C00000" },
	{ BENCH_EV_USAGE_DROP, "usage drop", false, 11, "#56B4E9" },
	{ BENCH_EV_PIDFD, "pidfd readable", false, 4, "#000000" },
	{ BENCH_EV_REAPED, "oom_reaper done", false, 12, "#999999" },
};

static bool ev_is(const json_t *e, enum bench_ev_kind k)
{
	const char *s = json_string_value(json_object_get(e, "kind"));

	return s && !strcmp(s, bench_ev_name(k));
}

static size_t ev_count(const json_t *bench, enum bench_ev_kind k)
{
	const json_t *evs = json_object_get(bench, "events"), *e;
	size_t i, n = 0;

	json_array_foreach(evs, i, e) n += ev_is(e, k);
	return n;
}

/* The workers, in the order of the first sample's rss_bytes. */
static const json_t *first_rss(const json_t *bench)
{
	return json_object_get(json_array_get(json_object_get(bench, "timeline"), 0), "rss_bytes");
}

int bench_plot_timeline_data(const struct bench_plot_in *in, FILE *samples, FILE *events,
			     size_t *ret_nsamples)
{
	const json_t *tl = json_object_get(in->bench, "timeline");
	const json_t *evs = json_object_get(in->bench, "events");
	const json_t *names = first_rss(in->bench), *s, *e, *v;
	const char *name;
	size_t i, j, n = 0, nb = 0;

	fputs("# t_ms usage_MiB", samples);
	json_object_foreach((json_t *)names, name, v) fprintf(samples, " %s_MiB", name);
	fputc('\n', samples);
	json_array_foreach(tl, i, s)
	{
		const json_t *rss = json_object_get(s, "rss_bytes");

		fprintf(samples, "%.3f %.3f", json_number_value(json_object_get(s, "t_ms")),
			(double)json_integer_value(json_object_get(s, "usage_bytes")) / MIB_D);
		json_object_foreach((json_t *)names, name, v)
		{
			const json_t *w = json_object_get(rss, name);

			/* a worker missing from a sample is unknown there, not 0 */
			if (w)
				fprintf(samples, " %.3f", (double)json_integer_value(w) / MIB_D);
			else
				fputs(" NaN", samples);
		}
		fputc('\n', samples);
		n++;
	}
	for (i = 0; i < ARRAY_SIZE(ev_styles); i++) {
		if (!ev_count(in->bench, ev_styles[i].kind))
			continue;
		fprintf(events, "%s# %s\n", nb++ ? "\n\n" : "", bench_ev_name(ev_styles[i].kind));
		json_array_foreach(evs, j, e)
		{
			const json_t *d = json_object_get(e, "dur_ms");

			if (ev_is(e, ev_styles[i].kind))
				fprintf(events, "%.3f %.3f\n",
					json_number_value(json_object_get(e, "t_ms")),
					json_is_number(d) ? json_number_value(d) : 0.0);
		}
	}
	if (ferror(samples) || ferror(events))
		return -EIO;
	*ret_nsamples = n;
	return 0;
}

/* The x range: every sample and event, with a little room on both sides. */
static void time_range(const json_t *bench, double *lo, double *hi)
{
	const json_t *a[2] = { json_object_get(bench, "timeline"),
			       json_object_get(bench, "events") };
	bool any = false;

	*lo = 0;
	*hi = 1;
	for (size_t k = 0; k < 2; k++) {
		const json_t *e;
		size_t i;

		json_array_foreach(a[k], i, e)
		{
			double t = json_number_value(json_object_get(e, "t_ms"));

			if (!any || t < *lo)
				*lo = t;
			if (!any || t > *hi)
				*hi = t;
			any = true;
		}
	}
	if (*hi <= *lo)
		*hi = *lo + 1;
	*lo -= (*hi - *lo) * 0.02;
	*hi += (*hi - *lo) * 0.02;
}

static double max_mib(const json_t *bench, uint64_t limit)
{
	const json_t *tl = json_object_get(bench, "timeline"), *s, *v;
	double m = (double)limit / MIB_D;
	const char *k;
	size_t i;

	json_array_foreach(tl, i, s)
	{
		double u = (double)json_integer_value(json_object_get(s, "usage_bytes")) / MIB_D;

		m = u > m ? u : m;
		json_object_foreach(json_object_get(s, "rss_bytes"), k, v)
		{
			double w = (double)json_integer_value(v) / MIB_D;

			m = w > m ? w : m;
		}
	}
	return m > 0 ? m : 1;
}

/* The first victim's kill chain, from its first sign to its death (the
 * oom_reaper's late "reaped" left out): the zoomed panel's x range. */
static bool first_kill_range(const json_t *bench, double *lo, double *hi)
{
	const json_t *evs = json_object_get(bench, "events"), *e;
	const char *victim = NULL;
	bool any = false;
	size_t i;

	json_array_foreach(evs, i, e) if (ev_is(e, BENCH_EV_KMSG_KILL))
	{
		victim = json_string_value(json_object_get(e, "task"));
		break;
	}
	if (!victim)
		return false;
	json_array_foreach(evs, i, e)
	{
		const char *task = json_string_value(json_object_get(e, "task"));
		double t = json_number_value(json_object_get(e, "t_ms"));
		bool mine = task && !strcmp(task, victim) &&
			    (ev_is(e, BENCH_EV_MARK_VICTIM) || ev_is(e, BENCH_EV_KMSG_KILL) ||
			     ev_is(e, BENCH_EV_USAGE_DROP) || ev_is(e, BENCH_EV_PIDFD));

		/* the notification names no task: the first one counts */
		if (!mine && !(ev_is(e, BENCH_EV_OOM_EVENT) && !any))
			continue;
		if (!any || t < *lo)
			*lo = t;
		if (!any || t > *hi)
			*hi = t;
		any = true;
	}
	return any;
}

/*
 * The trigger (the axis' 0) and each kill as vertical lines, labelled
 * where labels is set, for the panel about to be drawn: only those inside
 * [lo, hi], as gnuplot draws a label (and an arrow) placed outside its
 * panel's range onto the panel beside it.
 */
static void put_marks(const json_t *bench, double lo, double hi, bool labels, FILE *out)
{
	const json_t *e;
	size_t i;

	fputs("unset arrow\nunset label\n", out);
	if (lo <= 0 && 0 <= hi) {
		fputs("set arrow from 0, graph 0 to 0, graph 1 nohead lc rgb '#888888' dt 4\n",
		      out);
		if (labels)
			fputs("set label 'trigger' at 0, graph 0.97 right offset -0.3,0 tc rgb "
			      "'#666666'\n",
			      out);
	}
	json_array_foreach(json_object_get(bench, "events"), i, e)
	{
		double t = json_number_value(json_object_get(e, "t_ms"));
		const char *task = json_string_value(json_object_get(e, "task"));
		char lab[64];

		if (!ev_is(e, BENCH_EV_KMSG_KILL) || t < lo || t > hi)
			continue;
		fprintf(out,
			"set arrow from %.3f, graph 0 to %.3f, graph 1 nohead lc rgb '#C00000' "
			"dt 3 lw 1\n",
			t, t);
		if (!labels)
			continue;
		snprintf(lab, sizeof(lab), "kill %s", task ? task : "?");
		fputs("set label ", out);
		put_quoted(out, lab);
		fprintf(out, " at %.3f, graph 1 center offset 0,0.7 tc rgb '#C00000'\n", t);
	}
}

/* One panel's memory curves and kill-chain rows; keyed or not. */
static void memory_plot(const struct bench_plot_in *in, const char *samples, const char *events,
			const unsigned *block, double top, bool key, FILE *out)
{
	const json_t *names = first_rss(in->bench), *v;
	const char *name;
	unsigned row = 0;
	size_t i, col = 3;

	fputs("plot ", out);
	put_quoted(out, samples);
	fprintf(out, " using 1:2 with lines lw 2.5 lc rgb '#000000' %s",
		key ? "title 'memcg usage'" : "notitle");
	json_object_foreach((json_t *)names, name, v)
	{
		/* past 8 workers a legend says nothing: grey, unnamed */
		bool named = key && col - 3 < 8;

		fprintf(out, ", \\\n     '' using 1:%zu with lines lw %s lc rgb '%s' ", col,
			col - 3 < 8 ? "1.8" : "0.8", col - 3 < 8 ? colour(col - 3) : "#bbbbbb");
		if (named) {
			fputs("title ", out);
			put_quoted(out, name);
		} else {
			fputs("notitle", out);
		}
		col++;
	}
	if (in->limit) {
		char leg[64], b[16];

		snprintf(leg, sizeof(leg), "limit %s", format_size(in->limit, b));
		fprintf(out, ", \\\n     %.3f with lines dt 2 lw 1.5 lc rgb '#C00000' ",
			(double)in->limit / MIB_D);
		if (key) {
			fputs("title ", out);
			put_quoted(out, leg);
		} else {
			fputs("notitle", out);
		}
	}
	/* the kill chain's instants, one row each above the curves */
	for (i = 0; i < ARRAY_SIZE(ev_styles); i++) {
		if (ev_styles[i].stall || block[i] == UINT32_MAX)
			continue;
		fputs(", \\\n     ", out);
		put_quoted(out, events);
		fprintf(out, " index %u using 1:(%.3f) with points pt %d ps 1.3 lc rgb '%s' ",
			block[i], top * (1.05 + 0.045 * row++), ev_styles[i].pt, ev_styles[i].rgb);
		if (key)
			fprintf(out, "title '%s'", ev_styles[i].label);
		else
			fputs("notitle", out);
	}
	fputc('\n', out);
}

int bench_plot_timeline_script(const struct bench_plot_in *in, const char *samples,
			       const char *events, const char *svg, FILE *out)
{
	double lo, hi, zlo = 0, zhi = 0, top = max_mib(in->bench, in->limit);
	double ytop = top * 1.32; /* room above the limit for the kill-chain marks */
	unsigned block[ARRAY_SIZE(ev_styles)], nb = 0, np = 0, nstall = 0;
	bool zoom;
	char title[200];
	size_t i;

	time_range(in->bench, &lo, &hi);
	zoom = first_kill_range(in->bench, &zlo, &zhi);
	if (zoom) {
		/* a quarter of the chain's span on each side, 1 ms at least */
		double pad = (zhi - zlo) / 4 > 1 ? (zhi - zlo) / 4 : 1;

		zlo -= pad;
		zhi += pad;
	}
	for (i = 0; i < ARRAY_SIZE(ev_styles); i++) {
		block[i] = ev_count(in->bench, ev_styles[i].kind) ? nb++ : UINT32_MAX;
		nstall += ev_styles[i].stall && block[i] != UINT32_MAX;
	}
	put_terminal(out, svg, 1000, 720);
	snprintf(title, sizeof(title), "%s: memory over time, the kill chain and reclaim stalls",
		 in->title ? in->title : "bench");
	fputs("set multiplot title ", out);
	put_quoted(out, title);
	fprintf(out,
		"\nset grid xtics ytics lc rgb '#dddddd'\n"
		"# top left: the memcg and each worker over the whole run\n"
		"set lmargin at screen 0.08\n"
		"set rmargin at screen 0.60\n"
		"set tmargin at screen 0.90\n"
		"set bmargin at screen 0.42\n"
		"set xrange [%.3f:%.3f]\n"
		"set format x ''\n"
		"set ylabel 'MiB'\n"
		"set yrange [0:%.3f]\n"
		"set key at screen 0.63, 0.31 left top Left reverse spacing 1.1 samplen 3\n",
		lo, hi, ytop);
	put_marks(in->bench, lo, hi, true, out);
	memory_plot(in, samples, events, block, top, true, out);

	fprintf(out, "# top right: the first kill, zoomed (same curves and marks)\n"
		     "unset key\n"
		     "set lmargin at screen 0.68\n"
		     "set rmargin at screen 0.97\n"
		     "set format x '%%g'\n"
		     "set xlabel 'ms (zoomed on the first kill)'\n"
		     "unset ylabel\n");
	if (zoom) {
		fprintf(out, "set xrange [%.3f:%.3f]\n", zlo, zhi);
		put_marks(in->bench, zlo, zhi, true, out);
		memory_plot(in, samples, events, block, top, false, out);
	} else {
		fputs("unset arrow\n"
		      "unset label\n"
		      "set label 'no kill' at graph 0.5, 0.5 center\n"
		      "plot NaN notitle\n",
		      out);
	}

	fprintf(out,
		"# bottom: each reclaim stall at its start, by its length\n"
		"set lmargin at screen 0.08\n"
		"set rmargin at screen 0.60\n"
		"set tmargin at screen 0.35\n"
		"set bmargin at screen 0.09\n"
		"set xrange [%.3f:%.3f]\n"
		"set xlabel 'ms from the trigger (CLOCK_MONOTONIC; negative: the ramp)'\n"
		"set ylabel 'stall (ms)'\n"
		"set logscale y 10\n"
		"set format y '%%g'\n"
		"set key at screen 0.34, 0.355 center bottom horizontal samplen 1 width 1\n",
		lo, hi);
	put_marks(in->bench, lo, hi, false, out);
	if (!nstall) {
		fputs("set yrange [0.001:1]\n"
		      "set label 'no reclaim stalls traced' at graph 0.5, 0.5 center\n"
		      "plot NaN notitle\n",
		      out);
	} else {
		fputs("set yrange [*:*]\n", out);
		np = 0;
		for (i = 0; i < ARRAY_SIZE(ev_styles); i++) {
			if (!ev_styles[i].stall || block[i] == UINT32_MAX)
				continue;
			fputs(np++ ? ", \\\n     " : "plot ", out);
			put_quoted(out, events);
			fprintf(out,
				" index %u using 1:($2 > 0 ? $2 : 0.001) with points pt %d ps 0.5 "
				"lc rgb '%s' title '%s'",
				block[i], ev_styles[i].pt, ev_styles[i].rgb, ev_styles[i].label);
		}
		fputc('\n', out);
	}
	fputs("unset multiplot\n", out);
	return ferror(out) ? -EIO : 0;
}

/* ---- files and gnuplot ---- */

static int write_with(const char *dir, const char *file, FILE **ret)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "we");
	if (!f)
		return -errno;
	*ret = f;
	return 0;
}

static int close_checked(FILE *f)
{
	int bad = ferror(f);

	if (fclose(f) != 0 || bad)
		return -EIO;
	return 0;
}

static int run_gnuplot(const char *dir, const char *script, char why[static BENCH_PLOT_WHY_MAX])
{
	char *argv[] = { "gnuplot", (char *)script, NULL };
	struct child_process cp = CHILD_PROCESS_INIT;
	int e, code;

	cp.argv = argv;
	cp.cwd = dir;
	cp.in = CHILD_IO_NULL;
	cp.out = CHILD_IO_NULL;
	cp.err = CHILD_IO_CAPTURE;
	cp.deadline_ns = now_ns() + GNUPLOT_TIMEOUT_NS;
	cp.interrupted = &runner_interrupted;
	e = child_run(&cp);
	if (e == -ENOENT) {
		snprintf(why, BENCH_PLOT_WHY_MAX, "gnuplot is not installed (Debian: gnuplot-nox)");
	} else if (e < 0) {
		snprintf(why, BENCH_PLOT_WHY_MAX, "cannot run gnuplot: %s",
			 cp.error.what[0] ? cp.error.what : strerror(-e));
	} else if (cp.timed_out) {
		snprintf(why, BENCH_PLOT_WHY_MAX, "gnuplot on %s took longer than 30 s", script);
		e = -ETIMEDOUT;
	} else if ((code = child_exit_code(&cp)) != 0) {
		/* its first complaint names the line of the script */
		const char *msg = cp.err_buf ? cp.err_buf : "";
		size_t len;

		while (*msg == '\n' || *msg == ' ')
			msg++;
		len = strcspn(msg, "\n");
		snprintf(why, BENCH_PLOT_WHY_MAX, "gnuplot failed on %s (exit %d): %.*s", script,
			 code, (int)(len > 200 ? 200 : len), msg);
		e = -EIO;
	}
	child_release(&cp);
	return e;
}

/* Write one plot's files; a failure names the file. */
static int write_plot(const struct bench_plot_in *in, const char *dir, const char *base,
		      bool timeline, char why[static BENCH_PLOT_WHY_MAX])
{
	char dat[300], evd[300], gp[300], svg[300];
	FILE *fd = NULL, *fe = NULL, *fg = NULL;
	int e;

	snprintf(dat, sizeof(dat), "%s.dat", base);
	snprintf(evd, sizeof(evd), "%s.events.dat", base);
	snprintf(gp, sizeof(gp), "%s.gp", base);
	snprintf(svg, sizeof(svg), "%s.svg", base);
	if ((e = write_with(dir, dat, &fd)) < 0 ||
	    (timeline && (e = write_with(dir, evd, &fe)) < 0) ||
	    (e = write_with(dir, gp, &fg)) < 0) {
		snprintf(why, BENCH_PLOT_WHY_MAX, "cannot write in %s: %s", dir, strerror(-e));
		goto out;
	}
	if (timeline) {
		size_t n;

		e = bench_plot_timeline_data(in, fd, fe, &n);
		if (e == 0)
			e = bench_plot_timeline_script(in, dat, evd, svg, fg);
	} else {
		unsigned n;

		e = bench_plot_cdf_data(in, fd, &n);
		if (e == 0)
			e = bench_plot_cdf_script(in, dat, svg, fg);
	}
out:
	if (fd && close_checked(fd) < 0 && e == 0)
		e = -EIO;
	if (fe && close_checked(fe) < 0 && e == 0)
		e = -EIO;
	if (fg && close_checked(fg) < 0 && e == 0)
		e = -EIO;
	if (e < 0 && !why[0])
		snprintf(why, BENCH_PLOT_WHY_MAX, "cannot write %s/%s: %s", dir, gp, strerror(-e));
	return e;
}

int bench_plot(const struct bench_plot_in *in, const char *dir, const char *name,
	       struct bench_plot_out *ret, char why[static BENCH_PLOT_WHY_MAX])
{
	struct bench_plot_out o = { 0 };
	char cdf[200], tl[200], gp[210];
	int e;

	why[0] = '\0';
	if (!json_is_object(in->bench)) {
		snprintf(why, BENCH_PLOT_WHY_MAX, "the document has no bench section");
		return -EINVAL;
	}
	snprintf(cdf, sizeof(cdf), "bench-%.180s-cdf", name);
	snprintf(tl, sizeof(tl), "bench-%.180s-timeline", name);
	/* both plots' data and scripts first: they are worth having even
	 * where gnuplot is not */
	e = write_plot(in, dir, cdf, false, why);
	if (e == 0)
		e = write_plot(in, dir, tl, true, why);
	if (e < 0)
		return e;
	snprintf(gp, sizeof(gp), "%s.gp", cdf);
	e = run_gnuplot(dir, gp, why);
	if (e == 0) {
		snprintf(gp, sizeof(gp), "%s.gp", tl);
		e = run_gnuplot(dir, gp, why);
	}
	if (e < 0)
		return e;
	snprintf(o.cdf_svg, sizeof(o.cdf_svg), "%s.svg", cdf);
	snprintf(o.timeline_svg, sizeof(o.timeline_svg), "%s.svg", tl);
	*ret = o;
	return 0;
}
