/* SPDX-License-Identifier: MIT */
/*
 * Services as workers (issue 8): what the run keeps per command worker
 * besides its instance, and the steps the stages call.
 *
 *  - each command worker lives in a leaf memcg of its own, "w-NAME" under
 *    worker_parent_cgroup(), so its tree's memory is the leaf's usage and
 *    its processes are the leaf's cgroup.procs;
 *  - [profile] workdir = auto: a directory the run creates (mode 01777:
 *    services run as their own users) and removes with everything in it;
 *    "{workdir}" in command, setup, teardown and ready_cmd names it, and
 *    "{profiledir}" the profile file's directory;
 *  - setup = CMD before the worker starts, teardown = CMD before it is
 *    stopped, both as the worker's user, through the child API;
 *  - stop: SIGTERM to every process of the leaf, a grace period, then
 *    SIGKILL of whatever is left (cg_destroy), so no process of any tree
 *    survives the run.
 */
#ifndef OOMLAB_SVC_H
#define OOMLAB_SVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cgroup.h"
#include "profile.h"
#include "ptree.h"

#define SVC_STOP_GRACE_MS 2000 /* SIGTERM -> SIGKILL at teardown */
#define SVC_WORKDIR_PREFIX "/tmp/oomlab-work-"

struct svc_inst {
	struct oomlab_cg *leaf;
	int out_fd;	   /* memfd with the service's stdout+stderr, -1 */
	char **argv;	   /* command with {workdir} expanded */
	char **ready_argv; /* ready_cmd with {workdir} expanded */
	bool ready;	   /* the explicit readiness checks held */
	void *rdy;	   /* struct ready (ready.h) */
};

/* Whether a worker runs as a service (a command: leaf, output, tree). */
bool svc_wanted(const struct worker_spec *s);

/* mkdtemp under /tmp, mode 01777, into *ret (free it). */
int svc_workdir_create(char **ret);
/* Remove dir and everything in it (only a SVC_WORKDIR_PREFIX directory;
 * never follows symlinks). 0 also when already gone. */
int svc_workdir_remove(const char *dir);
/* argv with every "{workdir}" and "{profiledir}" (the profile file's
 * directory, for a config file shipped beside it) replaced; a NULL value
 * leaves its key as written. NULL on ENOMEM. Free with svc_argv_free. */
char **svc_expand(char *const *argv, const char *workdir, const char *profiledir);
void svc_argv_free(char **argv);
static inline void svc_argv_freep(char ***p)
{
	svc_argv_free(*p);
}

/* The leaf "w-NAME" ('.' of an instance name kept) under parent. */
/* limit: the worker's memory_limit (its leaf's memory.max), 0 = none */
int svc_leaf_create(struct oomlab_cg *parent, const char *inst_name, uint64_t limit,
		    struct oomlab_cg **ret);
/* The leaf's usage (v1 memory.usage_in_bytes, v2 memory.current); 0 on error. */
uint64_t svc_leaf_usage(const struct oomlab_cg *leaf);
/* cgroup.procs of the leaf, at most max; returns how many. */
unsigned svc_leaf_pids(const struct oomlab_cg *leaf, pid_t *ret, unsigned max);
/* SIGTERM every process of the leaf, wait up to grace_ms for it to
 * empty, then cg_destroy (SIGKILL, rmdir). Returns how many were still
 * there after the grace (they ignored SIGTERM). */
unsigned svc_leaf_stop(struct oomlab_cg **leaf, uint64_t grace_ms);

/* A memfd for the service's output. */
int svc_output_fd(const char *name);

#endif
