/* SPDX-License-Identifier: MIT */
/* Shared by the subcommands in harness/main.c and harness/claims.c. */
#ifndef OOMLAB_CLI_H
#define OOMLAB_CLI_H

#include "profile.h"
#include "run.h"

/* Parse every path; print "FILE:LINE: field: msg" for each bad one. */
int load_profiles(int n, char **paths, struct profile **ret);
/* broken > fail > pass; all skip -> 77. */
int aggregate_exit(const enum outcome *o, unsigned n);

/* Inside an oomlab VM guest (kernel command line oomlab.guest=1)? */
bool oomlab_detect_vm(void);

/* SIGINT, SIGTERM, SIGHUP -> handler (which sets a stop flag); SIGPIPE
 * ignored. */
void cli_install_signals(void (*handler)(int));

#endif
