// SPDX-License-Identifier: MIT
/*
 * oomlab: command line. Every profile is parsed and validated before any
 * is run, so bad input starts nothing.
 */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <string.h>

#include "badness.h"
#include "claims.h"
#include "cli.h"
#include "profile.h"
#include "results.h"
#include "runner.h"
#include "util.h"
#include "vm.h"

static void usage(FILE *f)
{
	fputs("usage: oomlab run [OPTIONS] PROFILE...    run profiles (real OOMs in a memcg)\n"
	      "       oomlab check PROFILE...          validate profiles, run nothing\n"
	      "       oomlab claims [OPTIONS] [DIR]    run the claims suite (profiles/claims)\n"
	      "       oomlab vm run|kernels ...        run profiles inside a QEMU guest\n"
	      "\n"
	      "run options:\n"
	      "  --results-dir DIR   where JSON results go (default: results)\n"
	      "  --json FILE         write the (single) result to FILE\n"
	      "  --model ERA         badness model: auto (default), 4.17, 3.8, 2.6.36,\n"
	      "                      2.6.35 or any kernel version, e.g. 3.10\n"
	      "  --tap               TAP on stdout instead of the table\n"
	      "  --junit FILE        also write JUnit XML\n"
	      "  --no-json           do not write JSON results\n"
	      "  -q, --quiet         no table\n"
	      "  -v, --verbose       debug log, worker output\n"
	      "exit: 0 pass, 1 fail, 2 broken (or bad input), 77 skip\n",
	      f);
}

static void on_signal(int sig)
{
	runner_interrupted = sig;
}


/* The live part of the display: ramp progress (redrawn in place on a
 * terminal), the trigger, each kill as the kernel logs it. */
static void show_event(const struct run *r, enum run_event ev, unsigned idx,
		       const uint64_t *touched, void *arg)
{
	bool tty = *(bool *)arg;
	char b1[16], b2[16];

	switch (ev) {
	case RUN_EV_RAMP:
	case RUN_EV_RAMPED:
		if (ev == RUN_EV_RAMP && !tty)
			return;
		fputs(tty ? "\r\033[K" : "", stdout);
		printf("ramp ");
		for (unsigned i = 0; i < r->ninst; i++)
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

		printf("kill    %s (pid %d)%s", in ? in->name : k->killed.comm,
		       (int)k->killed.pid, in ? "" : " (not a worker)");
		if (in && in->kill_ms > 0)
			printf(" +%.1f ms", in->kill_ms);
		printf(": %s\n", k->line);
		break;
	}
	}
	fflush(stdout);
}

static int cmd_check(int argc, char **argv)
{
	struct profile **ps;
	int r;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	ps = calloc((size_t)argc, sizeof(*ps));
	if (!ps)
		return 2;
	r = load_profiles(argc - 1, argv + 1, ps);
	for (int i = 0; i < argc - 1; i++) {
		if (ps[i])
			printf("%s: ok (%u workers)\n", argv[i + 1], ps[i]->nworkers);
		profile_free(ps[i]);
	}
	free(ps);
	return r < 0 ? 2 : 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "results-dir", required_argument, NULL, 'd' },
		{ "json", required_argument, NULL, 'j' },
		{ "model", required_argument, NULL, 'm' },
		{ "tap", no_argument, NULL, 't' },
		{ "junit", required_argument, NULL, 'u' },
		{ "no-json", no_argument, NULL, 'n' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *results_dir = "results", *json = NULL, *junit = NULL;
	struct run_opts ro = { .era = OOM_ERA_AUTO };
	bool tap = false, quiet = false, nojson = false, tty = false;
	struct profile **ps = NULL;
	struct run **runs = NULL;
	enum outcome *outs = NULL;
	int c, np, rc = 2;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		switch (c) {
		case 'd': results_dir = optarg; break;
		case 'j': json = optarg; break;
		case 'm':
			if (oom_era_parse(optarg, &ro.era) < 0) {
				log_err(0, "--model %s: not an era (auto, 4.17, 3.8, 2.6.36, "
					"2.6.35 or a kernel version)", optarg);
				return 2;
			}
			break;
		case 't': tap = true; break;
		case 'u': junit = optarg; break;
		case 'n': nojson = true; break;
		case 'q': quiet = true; break;
		case 'v': log_verbose = 1; ro.verbose = true; break;
		case 'h': usage(stdout); return 0;
		default: usage(stderr); return 2;
		}
	}
	np = argc - optind;
	if (np < 1) {
		usage(stderr);
		return 2;
	}
	if (json && np > 1) {
		log_err(0, "--json FILE takes one profile; use --results-dir for several");
		return 2;
	}
	ps = calloc((size_t)np, sizeof(*ps));
	runs = calloc((size_t)np, sizeof(*runs));
	outs = calloc((size_t)np, sizeof(*outs));
	if (!ps || !runs || !outs)
		goto out;
	if (load_profiles(np, argv + optind, ps) < 0)
		goto out;	/* bad input: nothing was started */

	ro.in_vm = oomlab_detect_vm();
	if (!quiet && !tap) {
		tty = isatty(STDOUT_FILENO);
		ro.on_event = show_event;
		ro.arg = &tty;
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
			log_err(0, "%s: interrupted; workers killed, cgroup removed, no "
				"result written", ps[i]->path);
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
		if (!quiet && !tap) {
			results_print_table(r, stdout);
			if (written)
				printf("result: %s\n\n", written);
		}
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

int main(int argc, char **argv)
{
	/*
	 * jansson seeds its hash function from /dev/urandom on first use;
	 * since 5.18 that read waits for the crng when it is not ready yet,
	 * which in a fresh TCG guest takes ~1 s (the jitter entropy dance).
	 * Our documents are our own: no hash flooding to fear, any seed does.
	 */
	json_object_seed((size_t)now_ns() ^ (size_t)getpid());

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "check"))
		return cmd_check(argc - 1, argv + 1);
	if (!strcmp(argv[1], "claims"))
		return claims_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "vm"))
		return vm_main(argc - 1, argv + 1);
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	log_err(0, "unknown command '%s'", argv[1]);
	usage(stderr);
	return 2;
}
