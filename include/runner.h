/* SPDX-License-Identifier: MIT */
/*
 * One run of one profile, stage by stage: preflight -> plan -> sysctls ->
 * cgroup -> ramp (spawn) -> snapshot -> trigger -> observe -> teardown ->
 * verdict, each a file of its own (run-ctx.h lists them). Every exit path
 * kills what it started (by PID) and removes the run's cgroup.
 */
#ifndef OOMLAB_RUNNER_H
#define OOMLAB_RUNNER_H

#include <signal.h>
#include <stdbool.h>

#include "badness.h"
#include "profile.h"
#include "run.h"

enum run_event {
	RUN_EV_RAMP,   /* touched[i]: bytes each instance holds now */
	RUN_EV_RAMPED, /* every worker holds its size */
	RUN_EV_TRIGGER,
	RUN_EV_KILL, /* idx: index into r->kills */
};

struct progress;

struct run_opts {
	enum oom_era era; /* OOM_ERA_AUTO = from uname */
	bool in_vm;	  /* inside an oomlab guest: global OOM allowed */
	bool verbose;
	bool bench; /* oomlab bench: trace, PSI, counters, kill chain into r->bench */
	/* Progress for a live display; the library itself prints nothing.
	 * RUN_EV_RAMP comes about every 100 ms while workers ramp. */
	void (*on_event)(const struct run *r, enum run_event ev, unsigned idx,
			 const uint64_t *touched, void *arg);
	void *arg;
	/* a status line on a terminal during ramp and observe (progress.h);
	 * NULL: none */
	struct progress *progress;
};

/* Set by the signal handlers of main: the run stops, cleans up, BROK. */
extern volatile sig_atomic_t runner_interrupted;

/*
 * Why the profile can run only inside a VM (global OOM, sysctls, a panic,
 * swap, needs = vm, a negative adj this host would refuse), into buf; NULL
 * if the host can run it: a walk over the vm_remedy entries of the needs
 * table (preflight.h), the one list both the run's preflight and
 * `oomlab claims --vm` go by.
 */
const char *runner_vm_only(const struct profile *p, char *buf, size_t len);

/* Fills *r (caller zeroes it); r->outcome says how it ended. Returns 0, or
 * -errno only when not even a result could be formed. */
int run_profile(const struct profile *p, const struct run_opts *o, struct run *r);

#endif
