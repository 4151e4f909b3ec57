/* SPDX-License-Identifier: MIT */
/*
 * The service steps of the run's stages (svc.h says what a service worker
 * is): prepare after the run's cgroup exists, setup and readiness around
 * each spawn, the leaf's usage in the ramp, the trees at the snapshot,
 * their fates after observing, and the stop at teardown.
 */
#ifndef OOMLAB_SVC_STAGE_H
#define OOMLAB_SVC_STAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "run.h"
#include "worker-spawn.h"

struct run_ctx;

/* Where a worker's leaf goes: worker_parent_cgroup() in groups.h, its
 * [group]'s cgroup (the run's at the top). */

/* After the run's cgroup: workdir, and each service's leaf and output
 * (on v2 with services, a leaf for every other worker and the pressure
 * process too: no process may stay in the run's cgroup). */
void svc_prepare(struct run_ctx *c);
/* Before in is spawned: its setup command; fills req's cgroup, argv and
 * output for a service. 0, or the run is stopped (BROK) with the reason. */
int svc_before_spawn(struct run_ctx *c, struct instance *in, struct spawn_req *req);
/* After: wait for its explicit readiness (ready_cmd/port/log) before the
 * next worker starts (a client needs its server up); BROK with its last
 * output lines if it exits first. */
void svc_after_spawn(struct run_ctx *c, struct instance *in);
/* Ramp: explicit readiness held and the leaf holds 90% of size. */
bool svc_ramped(struct run_ctx *c, struct instance *in);
uint64_t svc_bytes(const struct instance *in);
/* The service's last output lines ("" if none), for a BROK reason. */
const char *svc_last_lines(const struct instance *in, char *buf, size_t len);
/* Why a worker ended or failed in the ramp, as a suffix for the BROK
 * reason: "; <the mlock limit>" or "; its last output:\n..."; "" if
 * nothing is known. */
const char *svc_ramp_why(const struct instance *in, char *buf, size_t len);
/* Snapshot: each service's tree, and each pattern worker's whose leaf holds
 * more than one process (fork-tree, shared-mm), into in->tree, ranked per
 * process; the instance's model input becomes its tree's first candidate.
 * Needs r->totalpages. */
void svc_snapshot(struct run_ctx *c);
/*
 * v1 counts an OOM kill only in the victim's own memcg (mm/memcontrol.c
 * memcg_memory_event: the walk up the hierarchy is for the default
 * hierarchy only), so the run's oom_kill misses its leaves' kills: add
 * them. v2's memory.events is hierarchical already.
 */
void svc_add_leaf_counters(const struct run *r, struct cg_counters *cnt);
/* Which service a kill belongs to by the kernel's task_memcg; -1. */
int svc_owner_by_memcg(const struct run *r, const char *task_memcg);
/* After observing: each tree's processes' fates (killed #N, gone, alive). */
void svc_fates(struct run_ctx *c);
/* Teardown, before the run's cgroup goes: teardown commands, SIGTERM,
 * grace, SIGKILL; leaves and the workdir removed. */
void svc_teardown(struct run_ctx *c);
/* Last: remove the workdir with everything in it. */
void svc_workdir_done(struct run_ctx *c);

#endif
