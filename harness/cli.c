// SPDX-License-Identifier: MIT
/* Helpers shared by the subcommands (run, check, claims). */
#include <signal.h>
#include <string.h>

#include "cli.h"
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
		}
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
