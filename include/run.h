/* SPDX-License-Identifier: MIT */
/*
 * The state of one run: what was planned (instances of the profile's
 * workers), what was measured at the trigger, and what the kernel did.
 * Filled stage by stage by harness/runner.c and its stage files; read by
 * verdict and results.
 */
#ifndef OOMLAB_RUN_H
#define OOMLAB_RUN_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "badness.h"
#include "cgroup.h"
#include "kmsg.h"
#include "profile.h"

#define RUN_MAX_INSTANCES 1024 /* profile.c MAX_INSTANCES; count <= 512 */
#define RUN_MAX_KILLS 256
#define RUN_MAX_NOTES 64

enum outcome {
	OUTCOME_PASS = 0,
	OUTCOME_FAIL = 1,
	OUTCOME_BROK = 2,
	OUTCOME_SKIP = 77,
};

struct instance {
	char name[16]; /* comm: "hog" or "hog.2" */
	const struct worker_spec *spec;
	unsigned slot; /* scoreboard slot */
	pid_t pid;
	int pidfd;
	/* snapshot at the trigger */
	uint64_t rss_bytes;	 /* VmRSS */
	uint64_t swap_bytes;	 /* VmSwap */
	uint64_t pgtables_bytes; /* VmPTE */
	uint64_t total_vm_bytes; /* VmSize */
	long proc_oom_score;	 /* /proc/PID/oom_score */
	int oom_score_adj;	 /* read back */
	struct task_mem task;	 /* model input */
	struct badness predicted;
	unsigned predicted_rank; /* 1-based; 0 = not expected to be chosen */
	/* outcome */
	bool killed;	     /* died by SIGKILL with a kernel kill record */
	bool died;	     /* died, for any reason */
	int exit_status;     /* waitid si_status */
	int exit_code;	     /* CLD_KILLED / CLD_EXITED ... */
	unsigned kill_order; /* 1-based, 0 = survived */
	double kill_ms;	     /* since trigger */
	int kmsg_kill_idx;   /* index into run->kills, -1 */
	uint64_t reaped_ns;  /* pidfd readable: waitid saw it die (now_ns()) */
	unsigned nchild;     /* fork-tree / shared-mm children at the snapshot */
	pid_t child_pids[16];
	unsigned child_dead;  /* of those, dead when observing ended */
	bool skip_ramp_wait;  /* command worker without size */
	struct svc_inst *svc; /* a command worker's leaf, output (svc.h); NULL */
	struct ptree *tree;   /* its processes, each a candidate (ptree.h); NULL */
	bool outside_domain;  /* its group is not in the OOM domain: no candidate */
	bool group_kill;      /* memory.oom.group: dies with the victim */
	/* when observe entered the poll that saw it die (bench's kill chain), 0 */
	uint64_t reaped_poll_ns;
};

/* A kill as the kernel recorded it (kmsg), matched to an instance. */
struct kill_record {
	struct oom_event killed;     /* the "Killed process" line */
	struct oom_event constraint; /* the "oom-kill:" line, if seen */
	bool has_constraint;
	uint64_t seq;
	uint64_t usec;
	int instance;	/* -1: not one of ours (pressure, other) */
	int child_of;	/* instance whose child was killed, -1 */
	char line[512]; /* raw text of the Killed line */
	char constraint_line[512];
};

/* Stage boundaries of a run (now_ns(), CLOCK_MONOTONIC, which in a guest
 * is time since boot): where the time goes, for OOMLAB_TIMINGS. Each mark
 * is when that stage ended; 0 if it never ran. */
enum run_stage {
	RUN_T_START,	/* run_profile entered */
	RUN_T_SETUP,	/* preflight, sysctls, memcg, groups, scoreboard, kmsg */
	RUN_T_SPAWN,	/* workers started */
	RUN_T_RAMP,	/* workers hold their memory */
	RUN_T_SNAPSHOT, /* ranks read */
	RUN_T_TRIGGER,	/* trigger started */
	RUN_T_OBSERVE,	/* kills seen, settled */
	RUN_T_TEARDOWN, /* workers reaped, memcg removed */
	RUN_T_N,
};

struct run {
	const struct profile *profile;
	uint64_t t_stage_ns[RUN_T_N];
	char kernel[128]; /* uname -r */
	enum oom_era era; /* model used */
	bool era_forced;  /* --model given */
	enum cg_version cg_version;
	char cgroup[512];    /* relpath as the kernel logs it */
	uint64_t totalpages; /* used by the model */
	uint64_t t_trigger_ns;
	uint64_t t_end_ns;
	double ramp_ms;
	double spawn_ms;    /* ramp_spawn_all: every worker started */
	double snapshot_ms; /* the snapshot and the model's ranking */
	double ranked_ms;   /* from the workers' leaves to the ranking done */
	double wall_ms;
	const char *trigger_used; /* e.g. "pressure" (v1 fallback noted) */
	bool in_vm;		  /* ran inside an oomlab VM guest */
	unsigned ninst;
	struct instance inst[RUN_MAX_INSTANCES];
	unsigned nkills;
	struct kill_record kills[RUN_MAX_KILLS];
	uint64_t kmsg_lost; /* records lost (EPIPE) */
	struct cg_counters counters_before;
	struct cg_counters counters_after;
	bool panicked;	   /* VM: kernel panic seen */
	bool alloc_failed; /* some worker reported ALLOC_FAILED */
	/* the OOM domain (groups.h) when the profile has [group]s */
	bool has_domain;
	int domain_group;	  /* PROFILE_GROUP_RUN or a group index */
	uint64_t domain_limit;	  /* bytes */
	uint64_t domain_headroom; /* bytes left under it at the snapshot */
	/* each [group]'s memory at the snapshot and when observing ended */
	struct group_mem {
		bool have;
		uint64_t anon, file, swap; /* bytes (memory.stat, swap.current) */
	} group_before[PROFILE_MAX_GROUPS], group_after[PROFILE_MAX_GROUPS];
	bool has_oom_group_kill; /* the victim takes a whole memcg with it */
	int oom_group_kill;	 /* that memcg's group */
	/* verdict */
	enum outcome outcome;
	char reason[512]; /* one line: why SKIP/BROK/FAIL */
	/* `oomlab bench`: the document's "bench" section (bench.h), else NULL */
	struct json_t *bench;
	unsigned nnotes;
	char *notes[RUN_MAX_NOTES]; /* explanations, cross-check findings */
};

void run_note(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void run_free_notes(struct run *r);
const char *outcome_name(enum outcome o);		/* "pass", "fail", "broken", "skip" */
const char *outcome_word(enum outcome o);		/* "PASS", "FAIL", "BROK", "SKIP" */
const char *outcome_junit(enum outcome o);		/* "failure", "error", "skipped", NULL */
int outcome_parse(const char *name, enum outcome *ret); /* outcome_name's inverse */
/* One line, "timings: start S s; setup MS spawn MS ... results MS ms": the
 * stage marks as durations (kills: trigger to the last victim reaped;
 * settle: from then to the end of observing); t_results_ns: when the
 * result was written (0: not). -ENODATA if the run never started. */
int run_timings_str(const struct run *r, uint64_t t_results_ns, char *buf, size_t len);

#endif
