/* SPDX-License-Identifier: MIT */
/*
 * sysctls (VM only: the needs table refuses them on the host): set the
 * profile's, remember what was there, put it back at teardown.
 */
#ifndef OOMLAB_SYSCTLS_H
#define OOMLAB_SYSCTLS_H

#include <stdbool.h>

struct sysctl_saved {
	char path[128];
	char old[64];
	bool set;
};

struct run_ctx;

/* SKIP with the cause when a sysctl cannot be read or set. */
void sysctls_apply(struct run_ctx *c);
/* Put back every value sysctls_apply() changed; warns on failure. */
void sysctls_restore(struct run_ctx *c);

#endif
