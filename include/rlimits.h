/* SPDX-License-Identifier: MIT */
/*
 * Per-worker resource limits (rlimit.memlock, rlimit.as, rlimit.nofile):
 * the table of what each key means, the value parser, the child's
 * setrlimit() before it drops privileges, and the mlock check `oomlab
 * check` and the ramp's failure message share.
 */
#ifndef OOMLAB_RLIMITS_H
#define OOMLAB_RLIMITS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "profile.h"

/* "memlock" (after "rlimit.") -> WORKER_RLIMIT_MEMLOCK; -ENOENT. */
int rlimit_lookup(const char *name, enum worker_rlimit *ret);
const char *rlimit_key(enum worker_rlimit k); /* "rlimit.memlock" */
int rlimit_resource(enum worker_rlimit k);    /* RLIMIT_MEMLOCK */
/*
 * "64M", "unlimited" (memlock, as: sizes; nofile: a count) into *ret
 * (UINT64_MAX = unlimited). -EINVAL with why filled.
 */
int rlimit_parse(enum worker_rlimit k, const char *v, uint64_t *ret, char *why, size_t len);
/* "64 MiB", "unlimited", "1024" */
const char *rlimit_format(enum worker_rlimit k, uint64_t v, char *buf, size_t len);

/*
 * In the child, before it changes uid or capabilities: soft = hard =
 * value for every limit set. Raising a hard limit needs CAP_SYS_RESOURCE
 * (kernel/sys.c do_prlimit). 0, or -errno with *ret_which the limit
 * that failed.
 */
int rlimits_apply(const struct worker_spec *w, enum worker_rlimit *ret_which);

/* The harness's own limits and capabilities (a child inherits them). */
struct rlimit_env {
	uint64_t soft[WORKER_RLIMIT_COUNT], hard[WORKER_RLIMIT_COUNT]; /* UINT64_MAX = unlimited */
	bool cap_ipc_lock;     /* in the harness's effective set */
	bool cap_sys_resource; /* may raise a hard limit */
};
int rlimit_env_read(struct rlimit_env *ret);

/*
 * Whether worker w (pattern mlock) can lock its size: mlock() past
 * RLIMIT_MEMLOCK fails without CAP_IPC_LOCK (mm/mlock.c can_do_mlock,
 * mm/mmap.c mlock_future_ok), and a worker keeps CAP_IPC_LOCK only if it
 * runs as root with its capabilities (user = a non-root uid, or caps
 * without ipc_lock, drops it). Pure. Returns true if it cannot, with a
 * sentence for `oomlab check` and the ramp's BROK in why.
 */
bool rlimit_mlock_short(const struct worker_spec *w, const struct rlimit_env *env, char *why,
			size_t len);
/* A limit the child cannot set here (raising the hard limit without
 * CAP_SYS_RESOURCE): true with the reason, for a SKIP before the run. */
bool rlimit_unsettable(const struct worker_spec *w, const struct rlimit_env *env, char *why,
		       size_t len);

#endif
