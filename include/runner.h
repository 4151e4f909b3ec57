/* SPDX-License-Identifier: MIT */
/*
 * One run of one profile, stage by stage: preflight -> cgroup -> spawn ->
 * ramp -> snapshot -> trigger -> observe -> teardown -> verdict. Every exit
 * path kills what it started (by PID) and removes the run's cgroup.
 */
#ifndef OOMLAB_RUNNER_H
#define OOMLAB_RUNNER_H

#include <signal.h>
#include <stdbool.h>

#include "badness.h"
#include "profile.h"
#include "run.h"

struct run_opts {
	enum oom_era era;	/* OOM_ERA_AUTO = from uname */
	bool in_vm;		/* inside an oomlab guest: global OOM allowed */
	bool verbose;
};

/* Set by the signal handlers of main: the run stops, cleans up, BROK. */
extern volatile sig_atomic_t runner_interrupted;

/* Fills *r (caller zeroes it); r->outcome says how it ended. Returns 0, or
 * -errno only when not even a result could be formed. */
int run_profile(const struct profile *p, const struct run_opts *o, struct run *r);

#endif
