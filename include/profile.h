/* SPDX-License-Identifier: MIT */
/*
 * Profiles: INI scenario files (fio-job style) -> struct profile.
 *
 *   [profile]              run-wide settings
 *   [worker NAME]          one worker (count = N makes NAME.1 .. NAME.N)
 *   [claim]                optional: what each kernel era predicts (claims)
 *
 * Parsing validates everything it can without touching the machine; every
 * error names FILE:LINE and the field. Nothing is started by the parser.
 */
#ifndef OOMLAB_PROFILE_H
#define OOMLAB_PROFILE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "badness.h"
#include "qos.h"

#define PROFILE_NAME_MAX 15 /* comm length; instance suffix included */
#define PROFILE_MAX_WORKERS 64
#define PROFILE_MAX_CAPS 16
#define PROFILE_MAX_SYSCTLS 8
#define PROFILE_MAX_GROUPS 16
#define PROFILE_GROUP_NAME_MAX 31
/* worker_spec.group, profile.trigger_group: the run's own cgroup */
#define PROFILE_GROUP_RUN (-1)

enum trigger_kind {
	TRIGGER_PRESSURE, /* a pressure process fills the memcg (default) */
	TRIGGER_LIMIT,	  /* lower the memcg limit below usage (v2) */
	TRIGGER_GLOBAL,	  /* no memcg: the whole (VM) machine runs out */
	TRIGGER_SYSRQ,	  /* echo f > /proc/sysrq-trigger (VM) */
};

enum expect_kind {
	EXPECT_ANY,	   /* no expectation */
	EXPECT_KILLED,	   /* killed, in any order */
	EXPECT_KILLED_NTH, /* the Nth victim (expect_pos) */
	EXPECT_SURVIVES,
};

enum caps_kind {
	CAPS_INHERIT, /* not given: whatever the harness has */
	CAPS_NONE,
	CAPS_ALL,
	CAPS_LIST,
};

/* What a run expects as a whole (for claims: panic, allocation failure). */
enum run_expect {
	RUN_EXPECT_KILLS,      /* the normal case: kills as per workers */
	RUN_EXPECT_PANIC,      /* vm.panic_on_oom: the kernel panics (VM) */
	RUN_EXPECT_ALLOC_FAIL, /* vm.overcommit_memory=2: malloc fails */
};

/*
 * How `oomlab claims` judges a claim's result documents ([claim] judge =,
 * harness/judge.c). Profiles name them; nothing switches on a claim id.
 */
enum claim_judge {
	CLAIM_JUDGE_EXPECTATIONS,	   /* the run's verdict on the expect lines,
					 * each era's model replayed (default) */
	CLAIM_JUDGE_MM_SHARERS_DIE,	   /* every shared-mm worker died with all
					 * its mm sharers */
	CLAIM_JUDGE_FIRST_KILL_ALLOCATING, /* the first kill line names
					 * oom_kill_allocating_task */
	CLAIM_JUDGE_KILL_LINES_LOGGED,	   /* every kill logged "Killed process"
					 * with total-vm, anon-rss, file-rss */
};

/* rlimit.NAME = VALUE of a worker (issue 8), set in the child before it
 * drops privileges; harness/rlimits.c has the table. */
enum worker_rlimit {
	WORKER_RLIMIT_MEMLOCK,
	WORKER_RLIMIT_AS,
	WORKER_RLIMIT_NOFILE,
	WORKER_RLIMIT_COUNT,
};

struct worker_rlimit_setting {
	bool set;
	uint64_t value; /* bytes or count; UINT64_MAX = unlimited */
	int line;
};

/*
 * A knob the run sets and restores (VM only): sysctl.NAME is
 * /proc/sys/NAME, sysfs.NAME is /sys/NAME, dots for slashes.
 */
struct sysctl_setting {
	char name[64]; /* e.g. "vm.panic_on_oom", "kernel.mm.lru_gen.enabled" */
	char value[32];
	bool sysfs; /* sysfs.NAME, else sysctl.NAME */
	int line;   /* in the profile, for FILE:LINE errors */
};

/*
 * [group NAME]: a memory cgroup of the run's tree (a pod, a slice). Its
 * directory is NAME under its parent's, the run's cgroup at the top.
 * Knobs not given stay as the kernel makes them (max, 0).
 */
struct group_spec {
	char name[PROFILE_GROUP_NAME_MAX + 1];
	int line;	       /* line of the [group NAME] header */
	int parent;	       /* index into profile.groups, or PROFILE_GROUP_RUN */
	int depth;	       /* 1 under the run's cgroup */
	bool has_memory_limit; /* memory.max */
	uint64_t memory_limit;
	bool has_memory_high; /* memory.high (v2) */
	uint64_t memory_high;
	bool has_memory_low; /* memory.low (v2) */
	uint64_t memory_low;
	bool has_memory_min; /* memory.min (v2) */
	uint64_t memory_min;
	bool has_swap_max; /* memory.swap.max, v1 memsw = limit + it */
	uint64_t swap_max;
	bool oom_group;	       /* memory.oom.group = 1 (v2, 4.19+) */
	bool expect_protected; /* expect = protected: keeps its pages (memory.stat) */
};

struct worker_spec {
	char name[PROFILE_NAME_MAX + 1];
	int line;      /* line of the [worker NAME] header */
	char *pattern; /* NULL when command is set */
	char **argv;   /* command = ... split shell-like; NULL-terminated */
	uint64_t size;
	int size_line;	   /* line of size = (0: not given) */
	uint64_t ramp_bps; /* 0 = as fast as possible */
	int64_t hold_ms;   /* -1 = forever */
	unsigned cycles;
	unsigned children;    /* fork-tree */
	uint64_t parent_size; /* fork-tree */
	int oom_score_adj;
	bool has_oom_adj; /* legacy /proc/PID/oom_adj given */
	int oom_adj;	  /* -17..15 */
	int nice;	  /* -20..19 */
	bool has_user;
	uid_t uid;
	gid_t gid;
	char user[32]; /* as written, for messages */
	enum caps_kind caps;
	unsigned ncaps;
	int cap_list[PROFILE_MAX_CAPS]; /* cap_value_t values */
	unsigned count;			/* >= 1 */
	enum expect_kind expect;
	unsigned expect_pos;	 /* EXPECT_KILLED_NTH: 1-based */
	uint64_t cpu_burn_ms;	 /* burn CPU before ramping (claim 7) */
	uint64_t start_delay_ms; /* start after others (claim 7: young task) */
	bool is_pressure_target; /* allocating task (claim 10) */
	/* services (issue 8): readiness, setup, limits */
	char **ready_cmd;    /* exits 0 once the service is ready; NULL */
	int ready_port;	     /* TCP connect to 127.0.0.1:N succeeds; 0 */
	char *ready_log;     /* a line of its output matches (POSIX ERE) */
	char **setup_cmd;    /* run (as the worker's user) before it starts */
	char **teardown_cmd; /* run (as the worker's user) before it is killed */
	struct worker_rlimit_setting rlimits[WORKER_RLIMIT_COUNT];
	int group;	    /* index into profile.groups, or PROFILE_GROUP_RUN */
	enum qos_class qos; /* qos = ...: oom_score_adj from kubelet's formula */
	bool has_request;
	uint64_t request; /* qos request = SIZE (burstable) */
	/* memory_limit = / limit = / MemoryMax=: the worker's own leaf's
	 * memory.max (a container's limit inside its pod's group) */
	bool has_memory_limit;
	uint64_t memory_limit;
};

struct profile {
	char *path;
	char *description;
	bool has_memory_limit;
	uint64_t memory_limit;
	int memory_limit_line;
	enum trigger_kind trigger;
	uint64_t timeout_ms; /* default 30 s */
	bool oom_group;	     /* memory.oom.group = 1 (v2) */
	bool has_swap;
	uint64_t swap;	   /* VM: zram size; host: memory.swap.max */
	bool needs_vm;	   /* needs = vm (or implied by init_hog) */
	bool workdir_auto; /* workdir = auto: a temp dir for {workdir} */
	bool has_init_hog;
	uint64_t init_hog;	 /* VM: PID 1 holds this much (whole MiB) */
	bool needs_root;	 /* needs = root */
	bool needs_cgroup2;	 /* needs = cgroup2 */
	bool needs_negative_adj; /* derived: oom_score_adj < 0 or oom_adj < 0 */
	enum run_expect run_expect;
	unsigned nsysctls;
	struct sysctl_setting sysctls[PROFILE_MAX_SYSCTLS];
	char *claim;		      /* [claim] text = ..., NULL if not a claim */
	int claim_id;		      /* [claim] id = N */
	enum claim_judge claim_judge; /* [claim] judge = NAME */
	/* [claim] predict.<era> = text, indexed by enum oom_era (badness.h) */
	char *claim_predict[OOM_ERA_COUNT];
	unsigned nworkers;
	struct worker_spec workers[PROFILE_MAX_WORKERS];
	unsigned ngroups; /* [group NAME] sections, in file order */
	struct group_spec groups[PROFILE_MAX_GROUPS];
	int trigger_group; /* [profile] trigger_group = NAME, or PROFILE_GROUP_RUN */
	bool has_node_memory;
	uint64_t node_memory; /* [profile] node_memory: kubelet's capacity */
	/* warnings the parser found (legal but useless), "FILE:LINE: field: msg" */
	unsigned nwarnings;
	char *warnings[PROFILE_MAX_GROUPS];
};

struct profile_error {
	char file[256];
	int line;	/* 0 = whole file */
	char field[64]; /* may be empty */
	char msg[256];
};

/*
 * 0, or -EINVAL with *err filled ("FILE:LINE: field: msg"), -errno on I/O.
 * Only regular files: a directory, FIFO or device is -EINVAL with the
 * reason in *err (a FIFO would block, /dev/zero never ends).
 */
int profile_parse_file(const char *path, struct profile **ret, struct profile_error *err);
/*
 * What the parser cannot judge line by line, checked before anything
 * starts: the workers' memory the kernel cannot reclaim must fit
 * memory_limit (see profile.c). 0 or -EINVAL with *err filled.
 */
int profile_validate(const struct profile *p, struct profile_error *err);
/* Same, from a string; name is used in messages. For tests. */
int profile_parse_string(const char *name, const char *text, struct profile **ret,
			 struct profile_error *err);
void profile_free(struct profile *p);
/* The group's index by name, or -1. */
int profile_group_find(const struct profile *p, const char *name);
/* Is group g (an index, or PROFILE_GROUP_RUN) anc or below it? */
bool profile_group_within(const struct profile *p, int g, int anc);
/* The group's path below the run's cgroup ("pod/c1"), "" for the run's. */
const char *profile_group_path(const struct profile *p, int g, char *buf, size_t len);
/* "FILE:LINE: field: msg" into buf. */
const char *profile_error_str(const struct profile_error *e, char *buf, size_t len);

const char *trigger_name(enum trigger_kind t);
const char *expect_name(enum expect_kind e);
/* "expectations", "mm_sharers_die", ...: the [claim] judge = spellings */
const char *claim_judge_name(enum claim_judge j);

#endif
