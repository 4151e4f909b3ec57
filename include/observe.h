/* SPDX-License-Identifier: MIT */
/*
 * observe: who died, and which kills the kernel logged were the run's.
 *
 * harness/observe.c is pure (no syscalls): it takes kmsg records and the
 * run's instances and attributes kills, so tests/unit/test-observe.c feeds
 * it the real captures in tests/fixtures/kmsg/. harness/observe-run.c is
 * the stage itself: it reads /dev/kmsg, reaps by pidfd (waitid), asks the
 * trigger for the next kill, and stops at the expected victims, a BROK or
 * the timeout.
 */
#ifndef OOMLAB_OBSERVE_H
#define OOMLAB_OBSERVE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "kmsg.h"
#include "run.h"

/* Attribution state across the records of one run. Zero it, then set
 * token, confined and helper_pid. */
struct attrib {
	char token[48];	  /* this run's marker token ("run-PID-N") */
	bool confined;	  /* the run has a memcg (r->cgroup): only its kills count */
	pid_t helper_pid; /* the harness's own process in the memcg (pressure), 0 */
	bool have_marker; /* the "TOKEN trigger" marker was seen */
	uint64_t marker_usec;
	bool have_pending; /* an "oom-kill:" line waits for its "Killed" line */
	struct oom_event pending;
	char pending_line[512];
	char escaped[1024]; /* ATTRIB_ESCAPED: why, for the BROK reason */
};

enum attrib_kind {
	ATTRIB_NONE,	/* not an OOM record, or one that changes nothing */
	ATTRIB_MARKER,	/* this run's trigger marker */
	ATTRIB_KILL,	/* a kill of ours, now r->kills[r->nkills - 1] */
	ATTRIB_DUP,	/* ours, already recorded (oom.group logs a task twice) */
	ATTRIB_FOREIGN, /* another memcg's kill: the log is machine-wide */
	ATTRIB_ESCAPED, /* an OOM outside the run's memcg domain: a->escaped */
	ATTRIB_PANIC,	/* "Kernel panic - not syncing: Out of memory" */
};

/*
 * Feed one kmsg record. Updates a and r (kills, instances' kill order,
 * kill_ms from the marker, r->panicked) and says what it was.
 */
enum attrib_kind attrib_feed(struct attrib *a, struct run *r, const struct kmsg_record *rec);

/* Which worker a PID is: the worker itself (*ret_inst), or one of the
 * children it had at the snapshot (*ret_child_of); -1 for neither. */
void observe_pid_owner(const struct run *r, pid_t pid, int *ret_inst, int *ret_child_of);
/* Is path the cgroup dir or below it ("/a/b" is under "/a", "/ab" is not)? */
bool observe_cgroup_under(const char *path, const char *dir);
/*
 * Whether a kill (its "Killed" line ev, and the "oom-kill:" line that came
 * before it, or NULL) belongs to this run; ATTRIB_KILL, ATTRIB_FOREIGN or
 * ATTRIB_ESCAPED (why into a->escaped).
 */
enum attrib_kind observe_kill_is_ours(struct attrib *a, const struct run *r,
				      const struct oom_event *ev,
				      const struct oom_event *constraint);
/* Record a kill of ours: ATTRIB_KILL, or ATTRIB_DUP / ATTRIB_NONE (table full). */
enum attrib_kind observe_kill_record_add(struct attrib *a, struct run *r,
					 const struct kmsg_record *rec, const struct oom_event *ev);
/* Dead workers. */
unsigned observe_deaths(const struct run *r);
/* Victims so far: dead workers, plus logged kills of their children (a
 * fork-tree child sacrificed for its parent counts as a victim). */
unsigned observe_victims(const struct run *r);

struct run_ctx;

/* The stage (observe-run.c). */
void observe_kmsg_drain(struct run_ctx *c);
/* waitid(WNOHANG) on the instance's pidfd: true once it has died. */
bool observe_reap(struct run_ctx *c, struct instance *in);
void observe(struct run_ctx *c);

#endif
