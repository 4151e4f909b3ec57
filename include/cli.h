/* SPDX-License-Identifier: MIT */
/* Shared by the subcommands in harness/main.c and harness/claims.c; `oomlab run`. */
#ifndef OOMLAB_CLI_H
#define OOMLAB_CLI_H

#include "profile.h"
#include "run.h"
#include "runner.h"

/* Parse every path; print "FILE:LINE: field: msg" for each bad one. */
int load_profiles(int n, char **paths, struct profile **ret);
/* broken > fail > pass; all skip -> 77. */
int aggregate_exit(const enum outcome *o, unsigned n);

/* Inside an oomlab VM guest (kernel command line oomlab.guest=1)? */
bool oomlab_detect_vm(void);

/* SIGINT, SIGTERM, SIGHUP -> handler (which sets a stop flag); SIGPIPE
 * ignored. */
void cli_install_signals(void (*handler)(int));

/*
 * Before anything starts, can outputs be written there (issue 7, defect 6:
 * a bad --json path failed after the whole run)? opt names the option in
 * the message, logged here: "--json /proc/x.json: cannot write a file
 * there: ...". is_dir: path is a directory that will hold results. 0 or
 * -errno.
 */
int cli_check_output(const char *opt, const char *path, bool is_dir, bool may_create);

/* The profiles' sysctl/sysfs knobs, before a run or bench starts: refused
 * on the host (this machine is shared), and in a guest each file must
 * exist and take its value (sysctls.h). Each error printed as FILE:LINE:
 * field: what; -EINVAL if any. */
int cli_check_knobs(struct profile *const *ps, int np, bool in_vm);

/*
 * --wait-memfree SIZE (a suite's jobs: admission.h): wait until
 * MemAvailable covers SIZE and the needs of the suite's other admitted
 * jobs ($OOMLAB_ADMISSION), saying once that it waits and why, and how
 * long it waited. 0, or -errno after logging the cause.
 */
int cli_wait_memfree(const char *size);

/* `oomlab run`: what its options say. */
struct cli_run_opts {
	const char *results_dir; /* NULL: results */
	const char *json, *junit;
	bool tap, quiet, no_json;
	const char *plot_dir; /* oomlab bench --plot DIR: the SVGs (bench-plot.h), NULL */
	struct run_opts run;
};
/*
 * The options `oomlab run` and `oomlab bench` share, as entries of a
 * getopt_long table (short codes d j m t u n q v), and their parser:
 * cli_run_opt(c, optarg, o) is 1 when c was one of them (taken into *o),
 * 0 when not, -1 for a bad value (said; the command exits 2).
 */
/* clang-format off */
#define CLI_RUN_OPTIONS \
	{ "results-dir", required_argument, NULL, 'd' }, \
	{ "json", required_argument, NULL, 'j' }, \
	{ "model", required_argument, NULL, 'm' }, \
	{ "tap", no_argument, NULL, 't' }, \
	{ "junit", required_argument, NULL, 'u' }, \
	{ "no-json", no_argument, NULL, 'n' }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "verbose", no_argument, NULL, 'v' }
/* clang-format on */
int cli_run_opt(int c, const char *arg, struct cli_run_opts *o);
/* What single runs of np profiles write, checked before anything starts (a
 * run that cannot record its result is not worth an OOM): --json takes one
 * profile; --json's and --results-dir's directories are created as needed,
 * --junit's must exist. 0, or -1 (said). */
int cli_run_check_outputs(const struct cli_run_opts *o, int np);

/* Load, validate and run each profile; write results; the exit code. */
int cli_run(const struct cli_run_opts *o, int np, char **paths);

#endif
