// SPDX-License-Identifier: MIT
/* Helpers shared by the subcommands (run, check, claims) and `oomlab run` itself. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "admission.h"
#include "badness.h"
#include "bench-plot.h"
#include "bench.h"
#include "cli.h"
#include "fileio.h"
#include "progress.h"
#include "results.h"
#include "runner.h"
#include "sysctls.h"
#include "util.h"

/* Inside an oomlab guest the kernel command line carries oomlab.guest=1:
 * an environment variable could be set on a host by mistake, the guest's
 * command line cannot. */
bool oomlab_detect_vm(void)
{
	_cleanup_free_ char *cmdline = NULL;

	if (read_file_str("/proc/cmdline", &cmdline) < 0)
		return false;
	return strstr(cmdline, "oomlab.guest=1") != NULL;
}

int load_profiles(int n, char **paths, struct profile **ret)
{
	int bad = 0;

	for (int i = 0; i < n; i++) {
		struct profile_error err = { 0 };
		char buf[700];
		int r = profile_parse_file(paths[i], &ret[i], &err);

		if (r == 0 && (r = profile_validate(ret[i], &err)) < 0)
			profile_free(ret[i]);
		if (r < 0) {
			if (r == -EINVAL)
				fprintf(stderr, "%s\n", profile_error_str(&err, buf, sizeof(buf)));
			else
				fprintf(stderr, "%s: %s\n", paths[i], strerror(-r));
			ret[i] = NULL;
			bad++;
			continue;
		}
		/* legal but useless (a child group's limit above its parent's) */
		for (unsigned k = 0; k < ret[i]->nwarnings; k++)
			fprintf(stderr, "%s (warning)\n", ret[i]->warnings[k]);
	}
	return bad ? -EINVAL : 0;
}

int aggregate_exit(const enum outcome *o, unsigned n)
{
	bool fail = false, pass = false;

	for (unsigned i = 0; i < n; i++) {
		if (o[i] == OUTCOME_BROK)
			return 2;
		fail |= o[i] == OUTCOME_FAIL;
		pass |= o[i] == OUTCOME_PASS;
	}
	if (fail)
		return 1;
	return pass || n == 0 ? 0 : 77;
}

void cli_install_signals(void (*handler)(int))
{
	struct sigaction sa = { .sa_handler = handler };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

int cli_check_output(const char *opt, const char *path, bool is_dir, bool may_create)
{
	int r = is_dir ? check_output_dir(path, may_create) : check_output_file(path, may_create);

	if (r == 0)
		return 0;
	if (r == -EINVAL)
		log_err(0,
			"%s %s: not a regular file (results are written by renaming "
			"a new file over it)",
			opt, path);
	else
		log_err(r, "%s %s: cannot write %s there", opt, path,
			is_dir ? "results" : "a file");
	return r;
}

int cli_run_opt(int c, const char *arg, struct cli_run_opts *o)
{
	switch (c) {
	case 'd':
		o->results_dir = arg;
		return 1;
	case 'j':
		o->json = arg;
		return 1;
	case 'm':
		if (oom_era_parse(arg, &o->run.era) < 0) {
			log_err(0,
				"--model %s: not an era (auto, 4.17, 3.8, 2.6.36, "
				"2.6.35 or a kernel version)",
				arg);
			return -1;
		}
		return 1;
	case 't':
		o->tap = true;
		return 1;
	case 'u':
		o->junit = arg;
		return 1;
	case 'n':
		o->no_json = true;
		return 1;
	case 'q':
		o->quiet = true;
		return 1;
	case 'v':
		log_verbose = 1;
		o->run.verbose = true;
		return 1;
	}
	return 0;
}

int cli_run_check_outputs(const struct cli_run_opts *o, int np)
{
	if (o->json && np > 1) {
		log_err(0, "--json FILE takes one profile; use --results-dir for several");
		return -1;
	}
	if (!o->no_json &&
	    (o->json ? cli_check_output("--json", o->json, false, true)
		     : cli_check_output("--results-dir", o->results_dir, true, true)) < 0)
		return -1;
	if (o->junit && cli_check_output("--junit", o->junit, false, false) < 0)
		return -1;
	return 0;
}

/* ---- oomlab run ---- */

static void on_signal(int sig)
{
	runner_interrupted = sig;
}

#define RAMP_LIST_MAX 16 /* workers named one by one on the ramp line */

struct show {
	bool tty;
	struct progress progress; /* the status line on stderr, if a terminal */
};

/* The live part of the display: ramp progress (redrawn in place on a
 * terminal), the trigger, each kill as the kernel logs it. */
static void show_event(const struct run *r, enum run_event ev, unsigned idx,
		       const uint64_t *touched, void *arg)
{
	struct show *sh = arg;
	bool tty = sh->tty;
	char b1[16], b2[16];

	/* stdout's lines go where the status line is drawn: erase it first
	 * (it comes back at the next round); its ramp line is that status */
	if (ev == RUN_EV_RAMP && sh->progress.on)
		return;
	progress_clear(&sh->progress);
	switch (ev) {
	case RUN_EV_RAMP:
	case RUN_EV_RAMPED:
		if (ev == RUN_EV_RAMP && !tty)
			return;
		fputs(tty ? "\r\033[K" : "", stdout);
		printf("ramp ");
		if (r->ninst > RAMP_LIST_MAX) {
			/* count = 512: one line of totals, not 512 entries */
			uint64_t t = 0, want = 0;

			for (unsigned i = 0; i < r->ninst; i++) {
				t += touched[i];
				want += r->inst[i].spec->size;
			}
			printf(" %u workers %s/%s", r->ninst, format_size(t, b1),
			       format_size(want, b2));
		}
		for (unsigned i = 0; r->ninst <= RAMP_LIST_MAX && i < r->ninst; i++)
			printf(" %s %s/%s", r->inst[i].name, format_size(touched[i], b1),
			       format_size(r->inst[i].spec->size, b2));
		if (ev == RUN_EV_RAMPED)
			printf("  (%.0f ms)\n", r->ramp_ms);
		break;
	case RUN_EV_TRIGGER:
		printf("trigger %s\n", r->trigger_used);
		break;
	case RUN_EV_KILL: {
		const struct kill_record *k = &r->kills[idx];
		const struct instance *in = k->instance >= 0 ? &r->inst[k->instance] : NULL;

		printf("kill    %s (pid %d)%s", in ? in->name : k->killed.comm, (int)k->killed.pid,
		       in ? "" : " (not a worker)");
		if (in && in->kill_ms > 0)
			printf(" +%.1f ms", in->kill_ms);
		printf(": %s\n", k->line);
		break;
	}
	}
	fflush(stdout);
}

int cli_check_knobs(struct profile *const *ps, int np, bool in_vm)
{
	int bad = 0;

	for (int i = 0; i < np; i++) {
		struct profile_error err = { 0 };
		char buf[700];

		if ((in_vm ? knobs_check_guest(ps[i], NULL, true, &err)
			   : knobs_check_host(ps[i], &err)) < 0) {
			fprintf(stderr, "%s\n", profile_error_str(&err, buf, sizeof(buf)));
			bad++;
		}
	}
	return bad ? -EINVAL : 0;
}

/* --plot DIR: the SVGs of the bench section; without gnuplot the document
 * stays as it is and this says why the plots are missing. */
static void plot_run(const struct run *r, const char *dir, bool quiet)
{
	struct bench_plot_in in = { .bench = r->bench };
	struct bench_plot_out out;
	char name[128], why[BENCH_PLOT_WHY_MAX];
	int e;

	if (!r->bench) {
		log_warn("plot: %s has no bench section (%s): no plots", r->profile->path,
			 outcome_word(r->outcome));
		return;
	}
	e = mkdir_p(dir, 0755);
	if (e < 0) {
		log_warn("plot: missing: cannot create %s: %s", dir, strerror(-e));
		return;
	}
	/* the plots' files are named by the scenario: the profile's stem */
	ini_stem(r->profile->path, name, sizeof(name));
	in.title = name;
	in.limit = r->profile->has_memory_limit ? r->profile->memory_limit : 0;
	if (bench_plot(&in, dir, name, &out, why) < 0) {
		log_warn("plot: missing: %s", why);
		return;
	}
	if (!quiet)
		printf("plot: %s/%s %s/%s\n", dir, out.cdf_svg, dir, out.timeline_svg);
}

int cli_run(const struct cli_run_opts *o, int np, char **paths)
{
	const char *results_dir = o->results_dir ? o->results_dir : "results";
	const char *json = o->json, *junit = o->junit;
	bool tap = o->tap, quiet = o->quiet, nojson = o->no_json;
	struct show sh = { .tty = false };
	struct run_opts ro = o->run;
	struct profile **ps = NULL;
	struct run **runs = NULL;
	enum outcome *outs = NULL;
	int rc = 2;

	ps = calloc((size_t)np, sizeof(*ps));
	runs = calloc((size_t)np, sizeof(*runs));
	outs = calloc((size_t)np, sizeof(*outs));
	if (!ps || !runs || !outs)
		goto out;
	if (load_profiles(np, paths, ps) < 0)
		goto out; /* bad input: nothing was started */

	ro.in_vm = oomlab_detect_vm();
	if (cli_check_knobs(ps, np, ro.in_vm) < 0)
		goto out; /* bad input too */
	progress_init(&sh.progress, -1);
	if (!quiet && !tap) {
		sh.tty = isatty(STDOUT_FILENO);
		progress_init(&sh.progress, STDERR_FILENO);
		ro.on_event = show_event;
		ro.arg = &sh;
		if (sh.progress.on)
			ro.progress = &sh.progress;
	}
	cli_install_signals(on_signal);
	for (int i = 0; i < np; i++) {
		struct run *r = calloc(1, sizeof(*r));
		_cleanup_free_ char *written = NULL;

		if (!r)
			goto out;
		runs[i] = r;
		if (!quiet && !tap)
			printf("== %s: %s\n", ps[i]->path,
			       ps[i]->description ? ps[i]->description : "");
		fflush(stdout);
		run_profile(ps[i], &ro, r);
		outs[i] = r->outcome;
		if (runner_interrupted) {
			/* An interrupted run is no result: nothing is written. */
			log_err(0,
				"%s: interrupted; workers killed, cgroup removed, no "
				"result written",
				ps[i]->path);
			outs[i] = OUTCOME_BROK;
			np = i + 1;
			break;
		}
		if (!nojson) {
			int e = results_write_json(r, results_dir, json, &written);

			if (e < 0) {
				log_err(e, "cannot write the result of %s", ps[i]->path);
				outs[i] = OUTCOME_BROK;
			}
		}
		/* OOMLAB_TIMINGS=1: where the run's time went, on stderr (the
		 * guest's init sets it when the host asked: vm run --timings) */
		if (getenv("OOMLAB_TIMINGS")) {
			char tl[400];

			if (run_timings_str(r, now_ns(), tl, sizeof(tl)) == 0)
				log_info("%s", tl);
		}
		if (!quiet && !tap) {
			results_print_table(r, stdout);
			if (r->bench)
				bench_print_table(r->bench, stdout);
		}
		fflush(stdout);
		if (o->plot_dir)
			plot_run(r, o->plot_dir, quiet || tap);
		if (!quiet && !tap && written)
			printf("result: %s\n\n", written);
		fflush(stdout);
	}
	if (tap)
		results_print_tap(runs, (unsigned)np, stdout);
	if (junit && results_write_junit(runs, (unsigned)np, junit) < 0) {
		log_err(0, "cannot write %s", junit);
		outs[0] = OUTCOME_BROK;
	}
	rc = aggregate_exit(outs, (unsigned)np);
out:
	for (int i = 0; i < np && ps; i++) {
		if (runs && runs[i]) {
			run_free_notes(runs[i]);
			free(runs[i]);
		}
		profile_free(ps[i]);
	}
	free(ps);
	free(runs);
	free(outs);
	return rc;
}

static void say_waiting(const struct admission_view *v, void *arg)
{
	char need[16], avail[16], res[16];

	log_info("admission: waiting for %s of free memory: %s available, %s reserved by "
		 "%u running job%s of this suite",
		 format_size(v->need, need), format_size(v->available, avail),
		 format_size(v->reserved, res), v->jobs, v->jobs == 1 ? "" : "s");
	*(bool *)arg = true;
}

int cli_wait_memfree(const char *size)
{
	const char *ledger = getenv(ADMISSION_ENV);
	uint64_t need, waited = 0;
	bool waits = false;
	int how = 1;
	char b[16];
	int e;

	if (parse_size(size, &need) < 0) {
		log_err(0, "--wait-memfree %s: a size (e.g. 288M)", size);
		return -EINVAL;
	}
	e = admission_wait("/proc", ledger && *ledger ? ledger : NULL, need, 500, NULL, say_waiting,
			   &waits, &how, &waited);
	if (e < 0) {
		log_err(e, "--wait-memfree %s: cannot ask for admission%s%s", size,
			ledger ? " in " : "", ledger ? ledger : "");
		return e;
	}
	if (how == 2)
		log_warn("admission: %s is more than is free, and no other job of this suite "
			 "runs: starting anyway (the run's preflight decides)",
			 format_size(need, b));
	else if (waits)
		log_info("admission: %s admitted after %.1f s", format_size(need, b),
			 (double)waited / 1000.0);
	return 0;
}
