/* SPDX-License-Identifier: MIT */
/*
 * preflight: what this machine can run, decided before anything starts, so
 * a SKIP or a refused profile leaves nothing behind.
 *
 * The needs table (LTP's .needs_root, .needs_cgroup_ctrls): each need says
 * when a profile has it, whether this machine meets it, and the SKIP
 * reason when not. The checks are pure over a struct need_env that
 * needs_probe() fills from the machine, so tests build environments by
 * hand. The run's preflight and `oomlab claims --vm` (runner_vm_only)
 * walk the same table.
 */
#ifndef OOMLAB_PREFLIGHT_H
#define OOMLAB_PREFLIGHT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "hostmem.h"
#include "profile.h"
#include "rlimits.h"

/* What the machine offers, as the checks see it. */
struct need_env {
	bool in_vm; /* inside an oomlab guest: global OOM allowed */
	uid_t euid;
	bool can_lower_adj; /* CAP_SYS_RESOURCE: a negative oom_score_adj works */
	bool cg_probed;	    /* the two below were read */
	int cg_err;	    /* cg_detect(): 0 or -errno */
	enum cg_version cg_version;
	bool mem_probed;	    /* the figures below were read */
	int mem_err;		    /* 0 or -errno reading them */
	uint64_t mem_total;	    /* MemTotal */
	uint64_t mem_available;	    /* MemAvailable */
	struct hostmem_bound bound; /* tightest memcg from ours upwards */
	bool rl_probed;		    /* rl was read (rlimits.h) */
	struct rlimit_env rl;	    /* our limits and CAP_SYS_RESOURCE */
};

struct need {
	const char *name; /* for messages and tests */
	bool vm_remedy;	  /* a guest gives it: claims --vm runs the profile in a VM */
	bool (*applies)(const struct profile *p);
	bool (*met)(const struct profile *p, const struct need_env *env);
	/* The SKIP reason, into buf. */
	void (*why)(const struct profile *p, const struct need_env *env, char *buf, size_t len);
};

extern const struct need needs[];
extern const unsigned nneeds;

/*
 * The first need of p that env does not meet (only vm_remedy ones when
 * vm_remedy_only), with its reason in buf; NULL when all are met.
 */
const struct need *needs_unmet(const struct profile *p, const struct need_env *env,
			       bool vm_remedy_only, char *buf, size_t len);

/* Fill *ret from this machine: cgroups and memory only when p needs them. */
void needs_probe(const struct profile *p, bool in_vm, struct need_env *ret);

/*
 * The room a host run may confine: the smaller of MemAvailable and the
 * tightest memcg's limit - usage, less hostmem_margin() of it; a summary
 * of the figures into buf.
 */
uint64_t needs_host_room(const struct need_env *env, char *buf, size_t len);

struct run_ctx;
/* The stage: SKIP or BROK with the reason, or nothing. */
void preflight(struct run_ctx *c);

#endif
