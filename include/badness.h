/* SPDX-License-Identifier: MIT */
/*
 * The OOM killer's badness heuristic, one model per kernel era
 * (mm/oom_kill.c; DESIGN.md "Badness"). Pure functions: no /proc access.
 *
 * Every model answers the same question: given the tasks the kernel would
 * consider and the totalpages of the OOM (RAM+swap for a global OOM, the
 * memcg's limit for a memcg OOM), what score does each get and who dies
 * first. Scores are comparable within one era only.
 */
#ifndef OOMLAB_BADNESS_H
#define OOMLAB_BADNESS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum oom_era {
	OOM_ERA_AUTO = 0,
	OOM_ERA_2_6_35, /* <= 2.6.35: total_vm, children, cpu/run time, nice, caps, oom_adj */
	OOM_ERA_2_6_36, /* 2.6.36 - 3.7: normalized 0..1000, root -30, clamp */
	OOM_ERA_3_8,	/* 3.8 - 4.16: pages, 3% CAP_SYS_ADMIN discount */
	OOM_ERA_4_17,	/* >= 4.17: rss + swap + pgtables, + adj*totalpages/1000 */
};

struct task_mem {
	pid_t pid;
	char name[16];
	/* memory, in pages (pgtables in bytes as the kernel keeps them) */
	uint64_t rss_pages; /* anon + file + shmem */
	uint64_t swap_pages;
	uint64_t pgtables_bytes;
	uint64_t total_vm_pages;
	/* children's total_vm (only 2.6.35 adds half of each) */
	unsigned nchildren;
	uint64_t children_vm_pages[16];
	/* policy inputs */
	int oom_score_adj; /* -1000..1000 */
	bool has_oom_adj;  /* legacy oom_adj set explicitly (-17..15) */
	int oom_adj;
	int nice;
	uid_t uid;
	bool cap_sys_admin;
	bool cap_sys_resource; /* <= 2.6.35: /4 like CAP_SYS_ADMIN */
	bool cap_sys_rawio;
	double cpu_time_s; /* utime+stime */
	double run_time_s; /* since start */
	bool is_init;	   /* PID 1: never */
	bool in_vfork;	   /* never */
	bool mm_oom_skip;  /* MMF_OOM_SKIP: never */
	bool disjoint_cpuset;
	bool is_leader; /* thread-group leader: set it for every process
				 * (fork()ed workers are); 3.6-4.x keep a
				 * leader on a tie */
};

struct badness {
	bool unkillable; /* adj -1000 / oom_adj -17 / init / skip */
	double points;	 /* the era's score (higher dies first); 0 when
				 * unkillable. Units: pages (3.8+), per mille
				 * of totalpages (2.6.36-3.7), total_vm-based
				 * pages after divisors (<= 2.6.35) */
	const char *why; /* static text: main term of the score */
};

#define OOM_ERA_COUNT 5 /* enum oom_era values, OOM_ERA_AUTO included */

/* How the era's selection loop breaks a tie (see oom_rank). */
enum oom_tie {
	OOM_TIE_FIRST,	      /* only strictly higher points replace */
	OOM_TIE_FIRST_LEADER, /* equal points do not replace a group leader */
	OOM_TIE_LATER,	      /* equal points replace: the later task wins */
};

/* What the era's points count, and so how two scores compare. */
enum oom_unit {
	OOM_UNIT_PAGES,	    /* pages, as totalpages: margin in % of it */
	OOM_UNIT_PERMILLE,  /* per mille of totalpages: margin = diff / 10 */
	OOM_UNIT_VM_SCALED, /* total_vm pages after divisors: no unit to
				 * compare against (shown as % of totalpages
				 * in notes, raw in the summary) */
};

/*
 * One line per era: everything the modules know about an era (badness,
 * verdict, results, profile, claims) is read from here. Oldest first, the
 * order of the claims table's columns.
 */
struct oom_era_info {
	enum oom_era era;
	const char *name;  /* "4.17": --model, predict.<name>, JSON */
	unsigned first[3]; /* first kernel of the era (0.0.0 = any older) */
	const char *range; /* ">=4.17": the run summary */
	const char *label; /* ">= 4.17": the claims markdown column */
	struct badness (*badness)(const struct task_mem *t, uint64_t totalpages);
	enum oom_tie tie;
	enum oom_unit unit;
};

/* What a tie rule means, in words, for explanations. */
const char *oom_tie_rule(enum oom_tie tie);

extern const struct oom_era_info oom_eras[];
extern const unsigned oom_era_count; /* entries of oom_eras (no auto) */
/* The era's line; OOM_ERA_AUTO (and anything unknown) is the current era. */
const struct oom_era_info *oom_era_info(enum oom_era era);

/*
 * Margin between two scores a and b of era, in % of totalpages: pages and
 * total_vm-scaled scores against totalpages, per-mille scores / 10. NAN
 * when totalpages is 0 for the eras that divide by it.
 */
double oom_margin_pct(enum oom_era era, double a, double b, uint64_t totalpages);

/* "6.18.44-fc-v595" -> OOM_ERA_4_17; OOM_ERA_AUTO if it is no version. */
enum oom_era oom_era_from_release(const char *release);
/*
 * "auto", an era name ("4.17", "3.8", "2.6.36", "2.6.35") or any kernel
 * version ("3.10" -> OOM_ERA_3_8, "2.6.32" -> OOM_ERA_2_6_35). 0 or -EINVAL.
 */
int oom_era_parse(const char *s, enum oom_era *ret);
const char *oom_era_name(enum oom_era era); /* "4.17", ..., "auto" */

/* Badness of one task under era; totalpages as the kernel would use it. */
struct badness oom_badness(enum oom_era era, const struct task_mem *t, uint64_t totalpages);

/*
 * Rank n tasks: ret_order[i] = index of the i-th victim (highest first),
 * unkillable tasks last (in index order). The ranking replays the era's
 * selection loop over the tasks left after each kill, so ties go as in the
 * kernel, with the index order standing for the kernel's scan order (the
 * task list for a global OOM, cgroup membership order for a memcg OOM):
 *   >= 4.17:     an equal score replaces the chosen one: the LATER task wins
 *                (oom_evaluate_task: "points < chosen_points" skips);
 *   2.6.36-4.16: an equal score does not replace a thread-group leader:
 *                among processes the FIRST task wins;
 *   <= 2.6.35:   only a strictly higher score replaces: the FIRST wins.
 * ret_points[i] (may be NULL) receives the badness of task i.
 * Only the first OOM_RANK_MAX tasks are ranked; any beyond come last, in
 * index order, without points.
 */
#define OOM_RANK_MAX 1024
void oom_rank(enum oom_era era, const struct task_mem *tasks, unsigned n, uint64_t totalpages,
	      unsigned *ret_order, struct badness *ret_points);

/*
 * What /proc/PID/oom_score shows on >= 5.9 for points over totalpages:
 * (1000 + points*1000/totalpages) * 2/3, 0..2000, in the kernel's integer
 * arithmetic. totalpages here is always the machine's (RAM + swap), never a
 * memcg's. An unkillable task shows 0: callers check badness.unkillable.
 */
long oom_score_proc(double points, uint64_t totalpages);

#endif
