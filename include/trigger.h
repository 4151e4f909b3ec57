/* SPDX-License-Identifier: MIT */
/*
 * trigger: what drives the kernel into the OOM once the workers hold their
 * sizes. One descriptor per trigger (harness/trigger-*.c), one table
 * (harness/trigger.c): the profile parser, the needs table and the runner
 * read it. Adding a trigger is one file and one line in triggers[].
 *
 * enum trigger_kind (profile.h) names the indexes of the first four
 * entries; a profile's trigger is an index into triggers[].
 */
#ifndef OOMLAB_TRIGGER_H
#define OOMLAB_TRIGGER_H

#include <stdbool.h>

#include "profile.h"

struct run_ctx;

struct trigger {
	const char *name; /* as in the profile: trigger = NAME */
	const char *help;
	bool needs_vm;	  /* a global OOM: only inside a VM guest */
	bool needs_memcg; /* runs in the run's memory cgroup (memory_limit) */
	bool steps_limit; /* lowers the limit of the memcg it runs on (its
			   * trigger_group's must exist, and is the OOM's) */
	/* Start the OOM; BROK (run_set_outcome) with the cause and -errno on
	 * failure. May switch c->trig to a fallback (limit on v1). */
	int (*start)(struct run_ctx *c);
	/*
	 * Called each round of observe while kills are still wanted, with the
	 * victims so far: ask for the next kill when it is due. 0 = go on,
	 * 1 = spent (nothing more will come: settle), -errno = the harness
	 * failed (the caller makes it BROK; the reason is set here).
	 */
	int (*next)(struct run_ctx *c, unsigned victims);
	/* Stop; idempotent (observe calls it at the last kill, teardown again). */
	void (*stop)(struct run_ctx *c);
};

extern const struct trigger *const triggers[];
extern const unsigned ntriggers;

/* By profile name, or NULL; *ret_index its index in triggers[]. */
const struct trigger *trigger_find(const char *name, unsigned *ret_index);
/* The profile's trigger (its index), never NULL (pressure if out of range). */
const struct trigger *trigger_of(const struct profile *p);

/* The stage: marker, start (trigger.c). */
void trigger(struct run_ctx *c);
/* After a kill: the trigger's next; a failure is BROK. Returns next's value. */
int trigger_next(struct run_ctx *c, unsigned victims);
void trigger_stop(struct run_ctx *c);

/* Shared by the triggers that run a pressure process (trigger-pressure.c). */
/* counter: the one file to watch (/proc/vmstat), NULL for the OOM domain's
 * memcgs (groups_pressure_counters) */
int trigger_pressure_spawn(struct run_ctx *c, const char *counter);
int trigger_pressure_next(struct run_ctx *c, unsigned victims);
void trigger_pressure_stop(struct run_ctx *c);
extern const struct trigger trigger_pressure;

#endif
