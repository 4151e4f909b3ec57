/* SPDX-License-Identifier: MIT */
/*
 * The context the stages of one run share (harness/runner.c orders them).
 * Each stage takes it and either advances or sets a BROK/SKIP outcome with
 * its reason (run_set_outcome); runner.c stops at the first one and runs
 * the single cleanup path (teardown).
 */
#ifndef OOMLAB_RUN_CTX_H
#define OOMLAB_RUN_CTX_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "kmsg.h"
#include "observe.h"
#include "profile.h"
#include "run.h"
#include "runner.h"
#include "scoreboard.h"
#include "sysctls.h"

struct trigger;
struct bench_run;

struct run_ctx {
	struct run *r;
	const struct profile *p;
	const struct run_opts *o;
	struct oomlab_cg *cg; /* NULL: global trigger (VM), no memcg */
	int sb_fd;
	void *sb;
	unsigned nslots;
	struct kmsg_reader *km;
	char *wpath; /* oomlab-worker */
	uint64_t t_start_ns;
	uint64_t deadline_ns; /* t_start + timeout */
	unsigned kills_wanted;
	struct attrib att; /* kill attribution (observe.c, pure) */
	struct sysctl_saved sysctls[PROFILE_MAX_SYSCTLS];
	uint64_t limit_now; /* the memcg's limit now (limit trigger) */
	uint64_t page_size; /* sysconf(_SC_PAGESIZE) */
	/* the trigger in use (trigger.c): the profile's, or the one it fell
	 * back to (limit on v1 -> pressure) */
	const struct trigger *trig;
	pid_t pressure_pid; /* pressure process, 0 = none */
	int pressure_pidfd;
	unsigned pressure_slot;
	uint32_t go_gen;
	uint64_t last_go_ns;
	uint64_t paused_ns;   /* when the pressure process was seen paused, 0 */
	unsigned stepped_for; /* limit/sysrq: victims already stepped for */
	char *workdir;	      /* [profile] workdir = auto (svc.c), NULL */
	char *profiledir;     /* the profile file's directory, for {profiledir} */
	/* the profile's [group]s below cg (groups-run.c), by group index */
	struct oomlab_cg *gcg[PROFILE_MAX_GROUPS];
	/* v2 with groups: the pressure process's own leaf under the trigger
	 * group (no internal processes); NULL: it joins the trigger group */
	struct oomlab_cg *pressure_cg;
	/* a worker's own leaf (its memory_limit; on v2 every worker once the
	 * tree has children), by instance; NULL: it joins its group */
	struct oomlab_cg *leaf[RUN_MAX_INSTANCES];
	/* the latency phase and, for `oomlab bench`, its probes (bench-run.c) */
	struct bench_run *bench;
};

static inline struct sb_slot *run_slot(struct run_ctx *c, unsigned k)
{
	return sb_slot(c->sb, k);
}

/* Stop the run with o (BROK or SKIP) and a reason; the first one stays. */
void run_set_outcome(struct run *r, enum outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
bool run_stopped(const struct run *r);

#endif
