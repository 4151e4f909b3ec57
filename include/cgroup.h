/* SPDX-License-Identifier: MIT */
/*
 * The run's memory cgroup: created, limited, joined and removed through
 * libcgroup, one code path for cgroup v1 and v2, detected at run time
 * (including hybrid layouts where memory is a v1 controller and the unified
 * hierarchy has no controllers, as on the development machine).
 *
 * Everything that finds, creates or removes cgroups takes a root ("/"
 * normally, NULL means "/"): detection reads ROOT/proc/self/{mounts,cgroup}
 * and the cgroupfs under ROOT. Readers of counters take a directory path.
 * So unit tests run detection, create, remove and stale cleanup on copies
 * of the fake cgroupfs trees under tests/fixtures/cgroup/.
 *
 * Files: cgroup.c (create, limit, attach, counters, remove, knob table),
 * cg-detect.c (where the memory controller is, where run cgroups go),
 * cg-stale.c (cgroups a SIGKILLed harness left), cg-lcg.c (the libcgroup
 * adapter: every call into libcgroup and its workarounds).
 */
#ifndef OOMLAB_CGROUP_H
#define OOMLAB_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum cg_version {
	CG_NONE = 0,
	CG_V1 = 1,
	CG_V2 = 2,
};

struct cg_counters {
	enum cg_version version;
	uint64_t usage;		 /* v1 memory.usage_in_bytes, v2 memory.current */
	uint64_t limit;		 /* v1 limit_in_bytes, v2 memory.max (UINT64_MAX = max) */
	uint64_t oom;		 /* v2 memory.events oom; v1: (not kept) 0 */
	uint64_t oom_kill;	 /* v2 memory.events oom_kill, v1 memory.oom_control oom_kill */
	uint64_t oom_group_kill; /* v2 only */
	uint64_t failcnt;	 /* v1 memory.failcnt; v2 memory.events max */
	bool under_oom;		 /* v1 memory.oom_control under_oom */
};

struct oomlab_cg;

/*
 * The memory controller's knobs by their v2 names, mapped to v1 in one
 * table (as LTP's memory_ctrl_files[]); a knob the version lacks has no
 * file there: cg_knob_file() returns NULL and cg_set() -EOPNOTSUPP.
 */
enum cg_knob {
	CG_KNOB_MAX,		  /* memory.max | memory.limit_in_bytes */
	CG_KNOB_CURRENT,	  /* memory.current | memory.usage_in_bytes */
	CG_KNOB_SWAP_MAX,	  /* memory.swap.max | memory.memsw.limit_in_bytes (limit + swap) */
	CG_KNOB_OOM_GROUP,	  /* memory.oom.group (v2 only, 4.19+) */
	CG_KNOB_HIGH,		  /* memory.high (v2 only) */
	CG_KNOB_LOW,		  /* memory.low (v2 only) */
	CG_KNOB_MIN,		  /* memory.min (v2 only) */
	CG_KNOB_OOM_EVENTS,	  /* where "oom_kill N" is: memory.events | memory.oom_control */
	CG_KNOB_FAILCNT,	  /* v1 only: memory.failcnt (v2 counts "max" in memory.events) */
	CG_KNOB_OOM_KILL_DISABLE, /* v1 only: memory.oom_control (write 0/1) */
	CG_KNOB_COUNT,
};

/* A knob's file in that version, or NULL when the version has none. */
const char *cg_knob_file(enum cg_knob k, enum cg_version v);
/*
 * The text written for value v (UINT64_MAX: no limit, "max" on v2, "-1" on
 * v1). v1 memsw holds memory+swap: CG_KNOB_SWAP_MAX's text there is
 * limit + v (limit: the memory limit the same write goes with).
 * -EOPNOTSUPP: the knob does not exist in that version; -EOVERFLOW.
 */
int cg_knob_value(enum cg_knob k, enum cg_version ver, uint64_t v, uint64_t limit,
		  char buf[static 32]);

/*
 * Where the memory controller is mounted and where this process sits in it
 * (from /proc/self/cgroup and /proc/self/mounts under root, normally "/").
 * ret_dir: absolute directory of our own memcg, e.g.
 * "/sys/fs/cgroup/memory/process_api/ca15..." (v1).
 */
int cg_detect(const char *root, enum cg_version *ret_version, char **ret_dir);

/* swap_max for cg_create(): leave the kernel's default (no swap limit). */
#define CG_SWAP_DEFAULT UINT64_MAX

/*
 * Create "<our memcg>/oomlab-<pid>-<tag>" with memory limit (0 = none;
 * oom_group when asked, v2 only: -EOPNOTSUPP on v1). Workers are attached
 * by PID later. swap_max: bytes of swap allowed (0 = none) or
 * CG_SWAP_DEFAULT; v1 sets memory.memsw.limit_in_bytes = limit + swap_max
 * (only with a limit and swap accounting), v2 memory.swap.max.
 * v2 with processes in our own cgroup (no internal processes rule): the
 * run cgroup is made our sibling instead of our child.
 */
int cg_create(const char *tag, uint64_t limit, bool oom_group, uint64_t swap_max,
	      struct oomlab_cg **ret);
/* cg_create() with the detection and the cgroupfs under root. */
int cg_create_in(const char *root, const char *tag, uint64_t limit, bool oom_group,
		 uint64_t swap_max, struct oomlab_cg **ret);
/* One knob of a child cgroup (cg_create_child). */
struct cg_setting {
	enum cg_knob knob;
	uint64_t value; /* bytes (UINT64_MAX = max), 0/1 for oom.group */
};
/*
 * Create parent/NAME (a [group] of the run's tree, a worker's leaf) with
 * the knobs in set[] (the memory limit first, whatever the order given).
 * v2: the parent's cgroup.subtree_control gets +memory first, so it must
 * hold no process yet. -EOPNOTSUPP when this version lacks a knob (v1:
 * memory.high/low/min, oom.group), and nothing is created. Removing the
 * parent removes its children (cg_remove).
 */
int cg_create_child(const struct oomlab_cg *parent, const char *name, const struct cg_setting *set,
		    unsigned n, struct oomlab_cg **ret);
enum cg_version cg_version(const struct oomlab_cg *cg);
const char *cg_path(const struct oomlab_cg *cg);    /* absolute dir */
const char *cg_relpath(const struct oomlab_cg *cg); /* as the kernel logs it: "/a/b" */
/* The file whose "oom_kill N" line counts kills (for the pressure worker). */
const char *cg_oom_counter_file(const struct oomlab_cg *cg);
int cg_attach(struct oomlab_cg *cg, pid_t pid);
/* Lower/raise the limit; v1 returns -EBUSY when below usage (no OOM kill). */
int cg_set_limit(struct oomlab_cg *cg, uint64_t limit);
/*
 * Set one knob (UINT64_MAX = "max"). -EOPNOTSUPP when the cgroup's version
 * has no such knob. For the memory limit use cg_set_limit(), which keeps
 * v1's memsw in step.
 */
int cg_set(struct oomlab_cg *cg, enum cg_knob k, uint64_t v);
int cg_read_counters(const char *dir, enum cg_version v, struct cg_counters *ret);
/* PIDs in the cgroup (cgroup.procs). */
int cg_pids(const struct oomlab_cg *cg, pid_t **ret, unsigned *ret_n);
/*
 * SIGKILL what is left inside (only PIDs listed in our cgroup), wait until
 * empty, rmdir. Safe to call twice; accepts NULL.
 */
void cg_destroy(struct oomlab_cg *cg);
/*
 * What cg_destroy() does, without freeing cg, returning 0 or -errno
 * (-EBUSY: still not empty after ~5 s). 0 also when already removed.
 */
int cg_remove(struct oomlab_cg *cg);

static inline void cg_destroyp(struct oomlab_cg **p)
{
	cg_destroy(*p);
	*p = NULL;
}
/*
 * Remove "oomlab-<pid>-*" cgroups next to ours whose <pid> is no longer an
 * oomlab process (a SIGKILLed harness). Returns how many were removed.
 */
int cg_cleanup_stale(void);
/* The same under root (ROOT/proc tells which PIDs live). */
int cg_cleanup_stale_in(const char *root);

#endif
