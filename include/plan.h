/* SPDX-License-Identifier: MIT */
/*
 * plan: the instances of a profile's workers (NAME.1 .. NAME.N for
 * count = N) and how many kills the run waits for. Pure: no syscalls.
 */
#ifndef OOMLAB_PLAN_H
#define OOMLAB_PLAN_H

#include "profile.h"
#include "run.h"

/*
 * Fills r->inst[] / r->ninst from p (r->ninst must be 0) and
 * *ret_kills_wanted: the workers expected to be killed, at least 1 (a
 * profile with no kill expectation still waits for one kill). -E2BIG when
 * there are more than RUN_MAX_INSTANCES instances; *ret_kills_wanted is
 * then untouched.
 */
int plan_build(const struct profile *p, struct run *r, unsigned *ret_kills_wanted);

#endif
