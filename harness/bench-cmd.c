// SPDX-License-Identifier: MIT
/*
 * `oomlab bench` (issue 9, docs/bench.md):
 *   oomlab bench [RUN OPTIONS] PROFILE|DIR...          one run each, as `run` plus
 *                                                      the bench section and tables
 *   oomlab bench --repeat N [OPTIONS] PROFILE|DIR...   N runs each, then a summary
 *                                                      per scenario (bench-stats.c)
 *   oomlab bench --compare A.json B.json [--json F]    B against A, figure by figure
 * A DIR stands for its *.ini, sorted.
 */
#include <dirent.h>
#include <getopt.h>
#include <jansson.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "bench-cmd.h"
#include "bench-stats.h"
#include "bench.h"
#include "cli.h"
#include "fileio.h"
#include "results.h"
#include "runner.h"
#include "util.h"

static void usage(FILE *f)
{
	fputs("usage: oomlab bench [OPTIONS] PROFILE|DIR...\n"
	      "       oomlab bench --repeat N [OPTIONS] PROFILE|DIR...\n"
	      "       oomlab bench --compare A.json B.json [--json FILE]\n"
	      "\n"
	      "  --repeat N          N runs of each scenario (interleaved), then per scenario\n"
	      "                      each figure's median and bootstrap 95% interval (N >= 3),\n"
	      "                      written as RESULTS_DIR/SCENARIO-summary-....json\n"
	      "  --compare A B       two result documents or summaries of one scenario: per\n"
	      "                      figure B/A with its 95% interval, * where it excludes 1\n"
	      "  --json FILE         the result (one profile), the summary (--repeat, one\n"
	      "                      scenario) or the comparison, written to FILE\n"
	      "  --results-dir DIR   where results go (default: results)\n"
	      "  --plot DIR          gnuplot SVGs of each run: DIR/bench-NAME-cdf.svg (latency\n"
	      "                      CDF by phase) and -timeline.svg (usage, kills, stalls)\n"
	      "  --model ERA, --tap, --junit FILE, --no-json, -q, -v: as for oomlab run\n"
	      "                      (--tap, --junit, --no-json not with --repeat)\n"
	      "exit: as run (0 pass, 1 fail, 2 broken or bad input, 77 skip); --compare 0,\n"
	      "or 2 for unreadable documents or different scenarios\n",
	      f);
}

static int push(char ***v, size_t *n, char *s)
{
	char **nv;

	if (!s)
		return -ENOMEM;
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv) {
		free(s);
		return -ENOMEM;
	}
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

/* PROFILE or DIR (its *.ini, sorted) into *ret (strings and array the
 * caller's). A missing file stays: the parser says what is wrong with it. */
static int expand_paths(int n, char **args, char ***ret, size_t *ret_n)
{
	char **v = NULL;
	size_t nv = 0;

	for (int i = 0; i < n; i++) {
		int r = ini_paths_add(args[i], &v, &nv);

		if (r == 0) {
			log_err(0, "%s: no *.ini profiles in this directory", args[i]);
			r = -ENOENT;
		} else if (r < 0 && r != -ENOMEM) {
			log_err(r, "%s", args[i]);
		}
		if (r < 0) {
			paths_free(v, nv);
			return r;
		}
	}
	*ret = v;
	*ret_n = nv;
	return 0;
}

/* ---- --compare ---- */

static int write_doc(const char *path, const json_t *doc)
{
	_cleanup_free_ char *s = json_dumps(doc, JSON_INDENT(2));
	struct wbuf wb;
	int e;

	if (!s)
		return -ENOMEM;
	wb = (struct wbuf){ s, strlen(s) };
	e = write_atomic(path, 0644, write_fill_buf, &wb);
	return e;
}

static int compare(const char *pa, const char *pb, const char *json_out)
{
	json_t *a = NULL, *b = NULL, *c = NULL;
	enum bench_doc_kind ka, kb;
	char why[700];
	int rc = 2, e;

	if ((e = bench_doc_load(pa, &a, &ka, why, sizeof(why))) < 0) {
		log_err(0, "--compare %s: %s", pa, why);
		goto out;
	}
	if ((e = bench_doc_load(pb, &b, &kb, why, sizeof(why))) < 0) {
		log_err(0, "--compare %s: %s", pb, why);
		goto out;
	}
	if ((e = bench_compare(a, pa, b, pb, &c, why, sizeof(why))) < 0) {
		if (e == -EINVAL)
			log_err(0, "--compare: %s", why);
		else
			log_err(e, "--compare %s %s", pa, pb);
		goto out;
	}
	bench_compare_print(c, stdout);
	if (json_out && (e = write_doc(json_out, c)) < 0) {
		log_err(e, "cannot write %s", json_out);
		goto out;
	}
	if (json_out)
		printf("comparison: %s\n", json_out);
	rc = 0;
out:
	json_decref(a);
	json_decref(b);
	json_decref(c);
	return rc;
}

/* ---- --repeat ---- */

static void on_signal(int sig)
{
	runner_interrupted = sig;
}

struct progress {
	bool tty;
	unsigned k, total; /* run k of total, over every scenario */
	unsigned rep, repeat;
	const char *scenario;
	uint64_t t0_ns; /* the first run's start */
	pthread_t ticker;
	bool ticking;
	atomic_bool stop;
};

static double since_s(uint64_t t0)
{
	return (double)(now_ns() - t0) / 1e9;
}

/* On a terminal one line, redrawn twice a second by a thread of its own
 * for as long as a run lasts: the run's own events stop while workers
 * hold, sleep in a start_delay or wait for a kill, and a 60 s run must
 * not look hung. Elsewhere nothing until the run's line (a log gets one
 * line a run). */
static void *tick(void *arg)
{
	struct progress *p = arg;

	for (unsigned n = 0; !atomic_load(&p->stop); n++) {
		if (n % 5 == 0) {
			printf("\r\033[Krun %u/%u (%s %u/%u)  elapsed %.1f s", p->k, p->total,
			       p->scenario, p->rep, p->repeat, since_s(p->t0_ns));
			fflush(stdout);
		}
		nanosleep(&(struct timespec){ .tv_nsec = 100 * 1000 * 1000 }, NULL);
	}
	return NULL;
}

static void ticker_start(struct progress *p)
{
	sigset_t all, old;

	if (!p->tty)
		return;
	atomic_store(&p->stop, false);
	/* signals go to the main thread, whose handler stops the run */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	p->ticking = pthread_create(&p->ticker, NULL, tick, p) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

static void ticker_stop(struct progress *p)
{
	if (!p->ticking)
		return;
	atomic_store(&p->stop, true);
	pthread_join(p->ticker, NULL);
	p->ticking = false;
}

/* RESULTS_DIR/SCENARIO-summary-KERNEL-UTC-PID.json, never over another */
static int write_summary(const json_t *s, const char *dir, const char *json_out, char **ret_path)
{
	_cleanup_free_ char *text = json_dumps(s, JSON_INDENT(2)), *stem = NULL;
	const char *scen = json_string_value(json_object_get(s, "scenario"));
	struct utsname u;
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	struct wbuf wb;
	int e;

	if (!text)
		return -ENOMEM;
	wb = (struct wbuf){ text, strlen(text) };
	if (json_out) {
		if ((e = write_atomic(json_out, 0644, write_fill_buf, &wb)) < 0)
			return e;
		*ret_path = strdup(json_out);
		return *ret_path ? 0 : -ENOMEM;
	}
	if (uname(&u) < 0)
		snprintf(u.release, sizeof(u.release), "unknown");
	if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm))
		return -EINVAL;
	if (asprintf(&stem, "%s-summary-%s-%s-%d", scen ? scen : "bench", u.release, stamp,
		     (int)getpid()) < 0)
		return -ENOMEM;
	for (char *c = stem; *c; c++)
		if (*c == '/' || *c == ' ')
			*c = '_';
	if ((e = mkdir_p(dir, 0755)) < 0)
		return e;
	return write_atomic_unique(dir, stem, ".json", 0644, write_fill_buf, &wb, ret_path);
}

struct scen_runs {
	char **paths; /* result documents with a bench section */
	size_t n;
	bool skipped; /* its first run SKIPped: not run again */
};

static int repeat_runs(const struct cli_run_opts *o, unsigned repeat, size_t np, char **paths)
{
	const char *dir = o->results_dir ? o->results_dir : "results";
	struct profile **ps = calloc(np, sizeof(*ps));
	struct scen_runs *sr = calloc(np, sizeof(*sr));
	enum outcome *outs = calloc(np * repeat, sizeof(*outs));
	struct run_opts ro = o->run;
	struct progress pg = { .tty = isatty(STDOUT_FILENO),
			       .total = (unsigned)np * repeat,
			       .repeat = repeat,
			       .t0_ns = now_ns() };
	unsigned nout = 0;
	int rc = 2;

	if (!ps || !sr || !outs)
		goto out;
	if (load_profiles((int)np, paths, ps) < 0)
		goto out; /* bad input: nothing was started */
	ro.in_vm = oomlab_detect_vm();
	if (cli_check_knobs(ps, (int)np, ro.in_vm) < 0)
		goto out; /* bad input too: a knob on the host, or one the guest lacks */
	cli_install_signals(on_signal);
	/* Interleaved (A1 B1 A2 B2 ...), not A1 A2 ... B1 B2: the load of the
	 * other sessions on this machine drifts over minutes, and interleaving
	 * spreads that drift over every scenario instead of biasing one. */
	for (unsigned rep = 0; rep < repeat; rep++)
		for (size_t i = 0; i < np; i++) {
			_cleanup_free_ char *written = NULL;
			struct run *r;
			char scen[256];
			uint64_t t = now_ns();
			int e;

			if (sr[i].skipped)
				continue;
			r = calloc(1, sizeof(*r));
			if (!r)
				goto out;
			pg.k = nout + 1;
			pg.rep = rep + 1;
			pg.scenario = ini_stem(ps[i]->path, scen, sizeof(scen));
			ticker_start(&pg);
			run_profile(ps[i], &ro, r);
			ticker_stop(&pg);
			outs[nout++] = r->outcome;
			if (runner_interrupted) {
				if (pg.tty)
					putchar('\n'); /* off the progress line */
				log_err(0,
					"%s: interrupted; workers killed, cgroup removed, no "
					"result or summary written",
					ps[i]->path);
				run_free_notes(r);
				free(r);
				rc = 2;
				goto out;
			}
			e = results_write_json(r, dir, NULL, &written);
			if (e < 0) {
				log_err(e, "cannot write the result of %s", ps[i]->path);
				outs[nout - 1] = OUTCOME_BROK;
			}
			printf("%srun %u/%u %s %u/%u: %s %.1f s (elapsed %.1f s)%s%s%s\n",
			       pg.tty ? "\r\033[K" : "", pg.k, pg.total, scen, rep + 1, repeat,
			       outcome_word(r->outcome), since_s(t), since_s(pg.t0_ns),
			       written ? " result: " : "", written ? written : "",
			       r->bench ? "" : " (no bench section)");
			if (o->run.verbose) {
				results_print_table(r, stdout);
				if (r->bench)
					bench_print_table(r->bench, stdout);
			}
			fflush(stdout);
			/* A SKIP is the preflight's, from what this machine
			 * lacks (a VM, cgroup v2): every repeat would SKIP
			 * alike, so the scenario is not run again. */
			if (r->outcome == OUTCOME_SKIP && !sr[i].n) {
				printf("    %s: not run again\n", r->reason);
				sr[i].skipped = true;
				pg.total -= repeat - rep - 1;
			}
			/* a run stopped before it measured (SKIP, an early BROK)
			 * has no figures to summarize */
			if (written && r->bench &&
			    push(&sr[i].paths, &sr[i].n, TAKE_PTR(written)) < 0)
				outs[nout - 1] = OUTCOME_BROK;
			run_free_notes(r);
			free(r);
		}
	rc = aggregate_exit(outs, nout);
	for (size_t i = 0; i < np; i++) {
		_cleanup_free_ char *spath = NULL;
		json_t *s = NULL;
		char why[700];
		int e;

		if (sr[i].skipped) {
			printf("\n%s: SKIP: no summary\n", ps[i]->path);
			continue;
		}
		if (!sr[i].n) {
			log_err(0, "%s: no run has a bench section: no summary", ps[i]->path);
			rc = 2;
			continue;
		}
		e = bench_summary_files((const char *const *)sr[i].paths, sr[i].n, &s, why,
					sizeof(why));
		if (e < 0) {
			if (e == -EINVAL)
				log_err(0, "%s: no summary: %s", ps[i]->path, why);
			else
				log_err(e, "%s: no summary", ps[i]->path);
			rc = 2;
			continue;
		}
		if (!o->quiet) {
			putchar('\n');
			bench_summary_print(s, stdout);
		}
		e = write_summary(s, dir, o->json, &spath);
		json_decref(s);
		if (e < 0) {
			log_err(e, "%s: cannot write the summary", ps[i]->path);
			rc = 2;
			continue;
		}
		printf("summary: %s\n", spath);
	}
out:
	for (size_t i = 0; i < np; i++) {
		if (ps)
			profile_free(ps[i]);
		for (size_t k = 0; sr && k < sr[i].n; k++)
			free(sr[i].paths[k]);
		if (sr)
			free(sr[i].paths);
	}
	free(ps);
	free(sr);
	free(outs);
	return rc;
}

int bench_main(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_RUN_OPTIONS,
		{ "repeat", required_argument, NULL, 'r' },
		{ "compare", no_argument, NULL, 'c' },
		{ "plot", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cli_run_opts o = { .results_dir = "results",
				  .run = { .era = OOM_ERA_AUTO, .bench = true } };
	unsigned repeat = 0;
	bool do_compare = false;
	char **paths = NULL;
	size_t np = 0;
	int c, rc;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		int r = cli_run_opt(c, optarg, &o);

		if (r < 0)
			return 2;
		if (r)
			continue;
		switch (c) {
		case 'r': {
			char *end;
			unsigned long n;

			errno = 0;
			n = strtoul(optarg, &end, 10);
			if (errno || *end || end == optarg || !n || n > 1000 || *optarg == '-') {
				log_err(0, "--repeat %s: a number of runs, 1 to 1000", optarg);
				return 2;
			}
			repeat = (unsigned)n;
			break;
		}
		case 'c':
			do_compare = true;
			break;
		case 'p':
			o.plot_dir = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	/* a run's plots (bench-plot.c); the summary of N runs has none yet */
	if (o.plot_dir && (repeat || do_compare)) {
		log_err(0, "--plot draws the plots of single runs: not with --repeat or --compare");
		return 2;
	}
	if (do_compare) {
		if (argc - optind != 2 || repeat) {
			log_err(0, "--compare takes two documents, A.json B.json, and no --repeat");
			return 2;
		}
		if (o.json && cli_check_output("--json", o.json, false, true) < 0)
			return 2;
		return compare(argv[optind], argv[optind + 1], o.json);
	}
	if (argc - optind < 1) {
		usage(stderr);
		return 2;
	}
	if (expand_paths(argc - optind, argv + optind, &paths, &np) < 0)
		return 2;
	rc = 2;
	if (!repeat) {
		/* one run each: exactly `oomlab run`'s path, with the section */
		if (cli_run_check_outputs(&o, (int)np) < 0)
			goto out;
		if (o.plot_dir && cli_check_output("--plot", o.plot_dir, true, true) < 0)
			goto out;
		rc = cli_run(&o, (int)np, paths);
		goto out;
	}
	if (o.tap || o.junit || o.no_json) {
		log_err(0, "--repeat writes every run's result and a summary: not with --tap, "
			   "--junit or --no-json");
		goto out;
	}
	if (o.json && np > 1) {
		log_err(0, "--json FILE names one summary: --repeat with one profile only");
		goto out;
	}
	if (cli_check_output("--results-dir", o.results_dir, true, true) < 0 ||
	    (o.json && cli_check_output("--json", o.json, false, true) < 0))
		goto out;
	rc = repeat_runs(&o, repeat, np, paths);
out:
	for (size_t i = 0; i < np; i++)
		free(paths[i]);
	free(paths);
	return rc;
}
