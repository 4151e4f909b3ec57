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

enum attrib_kind {
	ATTRIB_NONE,	/* not an OOM record, or one that changes nothing */
	ATTRIB_MARKER,	/* this run's trigger marker */
	ATTRIB_KILL,	/* a kill of ours, now r->kills[r->nkills - 1] */
	ATTRIB_DUP,	/* ours, already recorded (oom.group logs a task twice) */
	ATTRIB_FOREIGN, /* another memcg's kill: the log is machine-wide */
	ATTRIB_ESCAPED, /* an OOM outside the run's memcg domain: a->escaped */
	ATTRIB_PANIC,	/* "Kernel panic - not syncing: Out of memory" */
};

struct oom_assembler;
struct oom_report;
struct attrib_lines;
struct attrib;

/* A kill attributed (ATTRIB_KILL, ATTRIB_DUP, ATTRIB_FOREIGN, ATTRIB_ESCAPED). */
typedef void (*attrib_kill_fn)(struct attrib *a, struct run *r, enum attrib_kind kind, void *arg);

/* Attribution state across the records of one run. Zero it, then set
 * token, confined and helper_pid (and on_kill); attrib_free() at the end. */
struct attrib {
	char token[48];	  /* this run's marker token ("run-PID-N") */
	bool confined;	  /* the run has a memcg (r->cgroup): only its kills count */
	pid_t helper_pid; /* the harness's own process in the memcg (pressure), 0 */
	bool have_marker; /* the "TOKEN trigger" marker was seen */
	uint64_t marker_usec;
	bool have_pending; /* the kill being recorded has a constraint: pending */
	struct oom_event pending;
	char pending_line[512];
	char escaped[1024];   /* ATTRIB_ESCAPED: why, for the BROK reason */
	pid_t sacrificed_for; /* the kill being recorded: the parent it died for */
	/* One OOM's lines -> one report per killed task (explain-event.c):
	 * the constraint and memcg of pre-4.19 memcg kills, child sacrifices
	 * and oom.group members, which never share the oom-kill: line's pid.
	 * A report comes once its OOM is over (attrib_flush). */
	struct oom_assembler *oa;
	struct attrib_lines *lines; /* recent Killed / constraint records */
	struct run *run;	    /* the run fed, for the reports */
	attrib_kill_fn on_kill;
	void *on_kill_arg;
};

/*
 * Feed one kmsg record. Says what the record itself was (a marker, a
 * constraint line naming an escape, a panic); the kills it completes are
 * attributed when their OOM is over (attrib_flush), each handed to
 * a->on_kill, and update r (kills, instances' kill order, kill_ms from the
 * marker). r->panicked too. 0 records fed: nothing allocated.
 */
enum attrib_kind attrib_feed(struct attrib *a, struct run *r, const struct kmsg_record *rec);
/* Records were lost (EPIPE). */
void attrib_gap(struct attrib *a);
/* Nothing new to read: attribute every kill fed so far (the trigger
 * waits for its victim, so a drain that ends flushes). */
void attrib_flush(struct attrib *a, struct run *r);
/* The log ended: close the OOM in progress and attribute everything. */
void attrib_end(struct attrib *a, struct run *r);
void attrib_free(struct attrib *a);
/* Attribute one assembled report (its Killed record must have been fed):
 * ATTRIB_KILL (recorded), ATTRIB_DUP, ATTRIB_FOREIGN, ATTRIB_ESCAPED, or
 * ATTRIB_NONE (no Killed line was logged for it, or the table is full). */
enum attrib_kind observe_report(struct attrib *a, struct run *r, const struct oom_report *rep);

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
/* Record a kill of ours: ATTRIB_KILL, or ATTRIB_DUP / ATTRIB_NONE (table
 * full). Its constraint is a->pending when a->have_pending. */
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
/*
 * Has any child of ours exited and not been reaped (waitid WNOWAIT, one
 * syscall)? A hint before a round of observe_reap over every instance:
 * with 512 workers that round was 512 waitid calls every 2-5 ms.
 */
bool observe_any_exited(void);
void observe(struct run_ctx *c);

#endif
