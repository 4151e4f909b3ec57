// SPDX-License-Identifier: MIT
/*
 * oomlab: command line. One table of subcommands (git.c's commands[]):
 * adding one is a function and a line. Each cmd_* parses its options and
 * calls one module. Every profile is parsed and validated, and every
 * output path checked, before any is run, so bad input starts nothing.
 */
#include <getopt.h>
#include <jansson.h>
#include <signal.h>
#include <string.h>

#include "badness.h"
#include "bench-cmd.h"
#include "claims.h"
#include "cli.h"
#include "explain.h"
#include "profile.h"
#include "results.h"
#include "rlimits.h"
#include "runner.h"
#include "suite.h"
#include "sysctls.h"
#include "util.h"
#include "vm.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv); /* argv[0] is the command's name */
	const char *args;		  /* synopsis after the name */
	const char *help;		  /* one line */
	bool needs_root;		  /* memory cgroups, /dev/kmsg: said in the usage */
};

static const struct command commands[];
static const size_t ncommands;

static void usage(FILE *f)
{
	for (size_t i = 0; i < ncommands; i++) {
		char syn[64];

		if (!commands[i].help)
			continue;
		snprintf(syn, sizeof(syn), "oomlab %s %s", commands[i].name, commands[i].args);
		fprintf(f, "%s%-32s %s%s\n", i ? "       " : "usage: ", syn, commands[i].help,
			commands[i].needs_root ? " (root)" : "");
	}
	fputs("\n"
	      "run options:\n"
	      "  --results-dir DIR   where JSON results go (default: results)\n"
	      "  --json FILE         write the (single) result to FILE\n"
	      "  --model ERA         badness model: auto (default), 4.17, 3.8, 2.6.36,\n"
	      "                      2.6.35 or any kernel version, e.g. 3.10\n"
	      "  --tap               TAP on stdout instead of the table\n"
	      "  --junit FILE        also write JUnit XML\n"
	      "  --no-json           do not write JSON results\n"
	      "  --wait-memfree SIZE first wait until SIZE of memory is free (a suite's\n"
	      "                      jobs: each waits for its own need, saying so)\n"
	      "  -q, --quiet         no table\n"
	      "  -v, --verbose       debug log, worker output\n"
	      "exit: 0 pass, 1 fail, 2 broken (or bad input), 77 skip\n",
	      f);
}

static int cmd_check(int argc, char **argv)
{
	struct profile **ps;
	struct rlimit_env env;
	bool have_env;
	int r;

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	ps = calloc((size_t)argc, sizeof(*ps));
	if (!ps)
		return 2;
	r = load_profiles(argc - 1, argv + 1, ps);
	have_env = rlimit_env_read(&env) == 0;
	for (int i = 0; i < argc - 1; i++) {
		if (ps[i])
			printf("%s: ok (%u workers)\n", argv[i + 1], ps[i]->nworkers);
		/* legal, but the run would fail or SKIP: say so in advance */
		for (unsigned w = 0; ps[i] && have_env && w < ps[i]->nworkers; w++) {
			char why[512];

			if (rlimit_mlock_short(&ps[i]->workers[w], &env, why, sizeof(why)))
				printf("%s:%d: warning: %s\n", argv[i + 1], ps[i]->workers[w].line,
				       why);
			if (rlimit_unsettable(&ps[i]->workers[w], &env, why, sizeof(why)))
				printf("%s:%d: warning: %s: the run SKIPs here\n", argv[i + 1],
				       ps[i]->workers[w].line, why);
		}
		{
			/* legal in a guest (vm run/bench), refused by run on the host */
			struct profile_error ke = { 0 };
			char kb[700];

			if (ps[i] && !oomlab_detect_vm() && knobs_check_host(ps[i], &ke) < 0)
				printf("%s (warning: oomlab run/bench refuse it here)\n",
				       profile_error_str(&ke, kb, sizeof(kb)));
		}
		profile_free(ps[i]);
	}
	free(ps);
	return r < 0 ? 2 : 0;
}

static int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		CLI_RUN_OPTIONS,
		{ "wait-memfree", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cli_run_opts o = { .results_dir = "results", .run = { .era = OOM_ERA_AUTO } };
	const char *wait_memfree = NULL;
	int c, np;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qvh", opts, NULL)) != -1) {
		int r = cli_run_opt(c, optarg, &o);

		if (r < 0)
			return 2;
		if (r)
			continue;
		switch (c) {
		case 'w':
			wait_memfree = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	np = argc - optind;
	if (np < 1) {
		usage(stderr);
		return 2;
	}
	if (cli_run_check_outputs(&o, np) < 0)
		return 2;
	/* a suite's job: its own memory need, before anything starts */
	if (wait_memfree && cli_wait_memfree(wait_memfree) < 0)
		return 2;
	return cli_run(&o, np, argv + optind);
}

static int cmd_help(int argc, char **argv)
{
	usage(stdout);
	return 0;
}

static const struct command commands[] = {
	{ "run", cmd_run, "[OPTIONS] PROFILE...", "run profiles (real OOMs in a memcg)", true },
	{ "bench", bench_main, "[OPTIONS] PROFILE|DIR...",
	  "a run with per-phase fault latency, stalls, PSI; --repeat, --compare", true },
	{ "check", cmd_check, "PROFILE...", "validate profiles, run nothing", false },
	{ "claims", claims_main, "[OPTIONS] [DIR]", "run the claims suite (profiles/claims)",
	  true },
	{ "vm", vm_main, "run|kernels ...", "run profiles inside a QEMU guest", false },
	{ "suite", suite_main, "[OPTIONS] PROFILE|DIR...",
	  "many runs on GNU parallel (jobs, hosts, kernels)", true },
	{ "explain", explain_main, "[OPTS] [FILE...]", "explain captured OOM reports", false },
	{ "help", cmd_help, "", NULL, false },
	{ "--help", cmd_help, "", NULL, false },
	{ "-h", cmd_help, "", NULL, false },
};
static const size_t ncommands = ARRAY_SIZE(commands);

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
	for (size_t i = 0; i < ncommands; i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	log_err(0, "unknown command '%s'", argv[1]);
	usage(stderr);
	return 2;
}
