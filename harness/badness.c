// SPDX-License-Identifier: MIT
/*
 * The OOM killer's badness heuristic, one model per kernel era, written
 * after mm/oom_kill.c of each era and kept in the kernel's integer
 * arithmetic (truncating divisions, in the same order), so that the model
 * gives the very number the kernel computed, not an approximation of it.
 *
 * Where an era's code changed inside the era, the model follows the last
 * version of the era and the comment says what came before.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "badness.h"
#include "util.h"

/* x86-64 and the usual arm64 kernels count 4 KiB pages */
#define OOM_PAGE_SIZE 4096
#define OOM_SCORE_ADJ_MIN (-1000)
#define OOM_SCORE_ADJ_MAX 1000
#define OOM_DISABLE (-17)
#define OOM_ADJUST_MAX 15

/*
 * <= 2.6.35 turns cputime into jiffies and shifts by SHIFT_HZ + 3. HZ=250
 * (SHIFT_HZ 8) and HZ=1000 (SHIFT_HZ 10) give the same seconds*HZ/2^SHIFT
 * ratio (0.977), so "seconds / 8.2" holds for the distro kernels of the time.
 */
#define OLD_HZ 250
#define OLD_SHIFT_HZ 8

static int64_t ptes_pages(const struct task_mem *t)
{
	return (int64_t)(t->pgtables_bytes / OOM_PAGE_SIZE);
}

/*
 * From 2.6.36 on, a write to the legacy /proc/PID/oom_adj is stored as
 * oom_score_adj (fs/proc/base.c oom_adj_write), scaled so -17 -> -1000 and
 * 15 -> 1000; the last write wins, and a profile that gives oom_adj means it.
 */
static long score_adj_of(const struct task_mem *t)
{
	if (!t->has_oom_adj)
		return t->oom_score_adj;
	if (t->oom_adj == OOM_ADJUST_MAX)
		return OOM_SCORE_ADJ_MAX;
	return (long)t->oom_adj * OOM_SCORE_ADJ_MAX / -OOM_DISABLE;
}

/*
 * <= 2.6.35 has only oom_adj. A task given only oom_score_adj is read the
 * way 2.6.36's oom_score_adj_write mirrored it into oom_adj, so that
 * "-1000 = never" holds in every era.
 */
static int oom_adj_of(const struct task_mem *t)
{
	if (t->has_oom_adj)
		return t->oom_adj;
	if (t->oom_score_adj == OOM_SCORE_ADJ_MIN)
		return OOM_DISABLE;
	return t->oom_score_adj * OOM_ADJUST_MAX / OOM_SCORE_ADJ_MAX;
}

static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

static struct badness never(const char *why)
{
	return (struct badness){ .unkillable = true, .points = 0, .why = why };
}

/* Who is never chosen, the same from 3.8 on: init, adj -1000, a task
 * already reaped (MMF_OOM_SKIP), one in vfork. NULL if killable. */
static const char *never_since_3_8(const struct task_mem *t)
{
	if (t->is_init)
		return "init is never chosen";
	if (score_adj_of(t) == OOM_SCORE_ADJ_MIN)
		return "oom_score_adj -1000";
	if (t->mm_oom_skip)
		return "MMF_OOM_SKIP (already reaped)";
	if (t->in_vfork)
		return "in vfork";
	return NULL;
}

/*
 * >= 4.17 (d46078b28889 dropped the CAP_SYS_ADMIN bonus). Since 5.9 the
 * score is a signed long and LONG_MIN marks "never"; 4.17-5.8 returned
 * max(points, 1) as unsigned, which only matters for negative adj (all
 * such tasks then tie at 1). This models 5.9+.
 */
static struct badness badness_4_17(const struct task_mem *t, uint64_t totalpages)
{
	int64_t points, adj = score_adj_of(t);
	const char *why_never = never_since_3_8(t);

	if (why_never)
		return never(why_never);
	points = (int64_t)(t->rss_pages + t->swap_pages) + ptes_pages(t);
	adj *= (int64_t)(totalpages / 1000);
	points += adj;
	return (struct badness){
		.points = (double)points,
		.why = adj > points - adj ? "oom_score_adj * totalpages/1000"
					  : "rss + swap + page tables",
	};
}

/*
 * 3.8 (a7f638f999ff: scores in pages) - 4.16. Root's bonus: 3.8-3.13 did
 * "adj -= 30" (3% of totalpages); 778c14affaf9 (3.14) made it 3% of the
 * task's own usage, which this models.
 */
static struct badness badness_3_8(const struct task_mem *t, uint64_t totalpages)
{
	int64_t points, adj = score_adj_of(t);
	const char *why_never = never_since_3_8(t);

	if (why_never)
		return never(why_never);
	points = (int64_t)(t->rss_pages + t->swap_pages) + ptes_pages(t);
	if (t->cap_sys_admin)
		points -= points * 3 / 100;
	adj *= (int64_t)(totalpages / 1000);
	points += adj;
	/* "Never return 0 for an eligible task": 0 means unkillable here */
	if (points <= 0)
		points = 1;
	return (struct badness){
		.points = (double)points,
		.why = t->cap_sys_admin ? "rss + swap + ptes, -3% CAP_SYS_ADMIN, + adj"
					: "rss + swap + ptes, + adj * totalpages/1000",
	};
}

/* 2.6.36 (a63d83f427fb, the rewrite) - 3.7: per mille of totalpages */
static struct badness badness_2_6_36(const struct task_mem *t, uint64_t totalpages)
{
	int64_t points;

	if (t->is_init)
		return never("init is never chosen");
	if (score_adj_of(t) == OOM_SCORE_ADJ_MIN)
		return never("oom_score_adj -1000");
	/* a memcg limit of 0 bytes: the kernel avoids the division by 0 */
	if (!totalpages)
		totalpages = 1;
	points = (int64_t)(t->rss_pages + t->swap_pages) + ptes_pages(t);
	points *= 1000;
	points /= (int64_t)totalpages;
	/* "Root processes get 3% bonus": 30 of 1000 */
	if (t->cap_sys_admin)
		points -= 30;
	points += score_adj_of(t);
	if (points <= 0)
		points = 1;
	else if (points > 1000)
		points = 1000;
	return (struct badness){
		.points = (double)points,
		.why = t->cap_sys_admin ? "(rss+ptes+swap)*1000/totalpages - 30 root + adj"
					: "(rss+ptes+swap)*1000/totalpages + adj",
	};
}

/*
 * <= 2.6.35 badness(). The 2.6.2x-2.6.35 source checks capabilities only
 * (CAP_SYS_ADMIN or CAP_SYS_RESOURCE); uid 0 stopped counting by itself
 * with the move to has_capability_noaudit(). PF_OOM_ORIGIN (swapoff) is
 * not modelled.
 */
static struct badness badness_2_6_35(const struct task_mem *t, uint64_t totalpages)
{
	uint64_t points, cpu_time, run_time;
	int oom_adj = oom_adj_of(t);

	if (t->is_init)
		return never("init is never chosen");
	if (oom_adj == OOM_DISABLE)
		return never("oom_adj -17 (OOM_DISABLE)");
	points = t->total_vm_pages;
	/* half of each child's total_vm, children with their own mm only */
	for (unsigned i = 0; i < t->nchildren && i < ARRAY_SIZE(t->children_vm_pages); i++)
		if (t->children_vm_pages[i])
			points += t->children_vm_pages[i] / 2 + 1;
	cpu_time = (uint64_t)(t->cpu_time_s * OLD_HZ) >> (OLD_SHIFT_HZ + 3);
	run_time = (uint64_t)t->run_time_s >> 10;
	if (cpu_time)
		points /= int_sqrt(cpu_time);
	if (run_time)
		points /= int_sqrt(int_sqrt(run_time));
	if (t->nice > 0)
		points *= 2;
	if (t->cap_sys_admin || t->cap_sys_resource)
		points /= 4;
	if (t->cap_sys_rawio)
		points /= 4;
	if (t->disjoint_cpuset)
		points /= 8;
	if (oom_adj > 0) {
		if (!points)
			points = 1;
		points <<= oom_adj;
	} else if (oom_adj < 0) {
		points >>= -oom_adj;
	}
	return (struct badness){
		.points = (double)points,
		.why = t->nchildren ? "total_vm + half the children's, / time, nice, caps, oom_adj"
				    : "total_vm / time, nice, caps, oom_adj",
	};
}

/* What each tie rule means, for explanations (see select_one). */
static const char *const tie_rules[] = {
	[OOM_TIE_FIRST] = "on a tie the kernel keeps the FIRST task in its scan order "
			  "(only strictly higher points replace)",
	[OOM_TIE_FIRST_LEADER] = "on a tie the kernel keeps the FIRST process in its scan "
				 "order (a thread-group leader is not replaced by equal points)",
	[OOM_TIE_LATER] = "on a tie the kernel keeps the LATER task in its scan order "
			  "(oom_evaluate_task replaces on equal points)",
};

const char *oom_tie_rule(enum oom_tie tie)
{
	return (size_t)tie < ARRAY_SIZE(tie_rules) ? tie_rules[tie] : "";
}

/*
 * The eras, oldest first. `first` is the release that brought the era's
 * heuristic in; an era lasts until the next one's first release.
 */
const struct oom_era_info oom_eras[] = {
	{
		.era = OOM_ERA_2_6_35,
		.name = "2.6.35",
		.first = { 0, 0, 0 },
		.range = "<=2.6.35",
		.label = "2.6.35",
		.badness = badness_2_6_35,
		/* "points > *ppoints || !chosen" */
		.tie = OOM_TIE_FIRST,
		.unit = OOM_UNIT_VM_SCALED,
	},
	{
		.era = OOM_ERA_2_6_36,
		.name = "2.6.36",
		.first = { 2, 6, 36 },
		.range = "2.6.36-3.7",
		.label = "2.6.36-3.7",
		.badness = badness_2_6_36,
		/* 3.6+: "Prefer thread group leaders for display purposes";
		 * 2.6.36-3.5 took strictly greater only, the same for processes */
		.tie = OOM_TIE_FIRST_LEADER,
		.unit = OOM_UNIT_PERMILLE,
	},
	{
		.era = OOM_ERA_3_8,
		.name = "3.8",
		.first = { 3, 8, 0 },
		.range = "3.8-4.16",
		.label = "3.8-4.16",
		.badness = badness_3_8,
		.tie = OOM_TIE_FIRST_LEADER,
		.unit = OOM_UNIT_PAGES,
	},
	{
		.era = OOM_ERA_4_17,
		.name = "4.17",
		.first = { 4, 17, 0 },
		.range = ">=4.17",
		.label = ">= 4.17",
		.badness = badness_4_17,
		/* oom_evaluate_task: an equal score replaces */
		.tie = OOM_TIE_LATER,
		.unit = OOM_UNIT_PAGES,
	},
};

const unsigned oom_era_count = ARRAY_SIZE(oom_eras);

const struct oom_era_info *oom_era_info(enum oom_era era)
{
	for (unsigned i = 0; i < oom_era_count; i++)
		if (oom_eras[i].era == era)
			return &oom_eras[i];
	/* auto: the model of the kernels that run today */
	return &oom_eras[oom_era_count - 1];
}

struct badness oom_badness(enum oom_era era, const struct task_mem *t, uint64_t totalpages)
{
	return oom_era_info(era)->badness(t, totalpages);
}

double oom_margin_pct(enum oom_era era, double a, double b, uint64_t totalpages)
{
	/* 2.6.36-3.7 scores are already per mille of totalpages */
	if (oom_era_info(era)->unit == OOM_UNIT_PERMILLE)
		return (a - b) / 10.0;
	if (!totalpages)
		return NAN;
	return (a - b) * 100.0 / (double)totalpages;
}

/*
 * One pass of the era's selection loop over the tasks still alive; returns
 * the index chosen or -1. See badness.h for the tie rules and their source.
 */
/*
 * The kernel picks one victim per OOM: the task with the most points, an
 * equal score replacing the chosen one by the era's tie rule
 * (oom_evaluate_task). Kill after kill, that selection loop orders the
 * tasks as one sort does, and the sort is O(n log n) where the loop was
 * O(n^2) (512 workers: the many-workers benchmark). Within equal points:
 *   FIRST:        the first task stays chosen: index order;
 *   LATER:        each later one replaces it: reverse index order;
 *   FIRST_LEADER: a later one replaces a chosen non-leader only, so the
 *                 first leader wins, then the next leader, ...; with no
 *                 leader left the last one: leaders in index order, then
 *                 the others in reverse index order.
 * Unkillable tasks are never chosen: they come last, in index order.
 */
struct rank_ctx {
	enum oom_tie tie;
	const struct task_mem *tasks;
	const struct badness *b;
};

static int rank_cmp(const void *pa, const void *pb, void *arg)
{
	const struct rank_ctx *x = arg;
	unsigned a = *(const unsigned *)pa, b = *(const unsigned *)pb;
	bool ua = x->b[a].unkillable, ub = x->b[b].unkillable;
	double p = x->b[a].points, q = x->b[b].points;
	bool la, lb;

	if (ua != ub)
		return ua ? 1 : -1;
	if (ua)
		return a < b ? -1 : a > b;
	if (p != q)
		return p > q ? -1 : 1;
	switch (x->tie) {
	case OOM_TIE_FIRST:
		break;
	case OOM_TIE_LATER:
		return a > b ? -1 : a < b;
	case OOM_TIE_FIRST_LEADER:
		la = x->tasks[a].is_leader;
		lb = x->tasks[b].is_leader;
		if (la != lb)
			return la ? -1 : 1;
		if (!la)
			return a > b ? -1 : a < b;
		break;
	}
	return a < b ? -1 : a > b;
}

void oom_rank(enum oom_era era, const struct task_mem *tasks, unsigned n, uint64_t totalpages,
	      unsigned *ret_order, struct badness *ret_points)
{
	struct badness b[OOM_RANK_MAX];
	const struct oom_era_info *ei = oom_era_info(era);
	struct rank_ctx x = { .tie = ei->tie, .tasks = tasks, .b = b };
	unsigned all = n;

	era = ei->era;
	if (n > OOM_RANK_MAX)
		n = OOM_RANK_MAX;
	for (unsigned i = 0; i < n; i++) {
		b[i] = oom_badness(era, &tasks[i], totalpages);
		if (ret_points)
			ret_points[i] = b[i];
		ret_order[i] = i;
	}
	qsort_r(ret_order, n, sizeof(*ret_order), rank_cmp, &x);
	for (unsigned i = n; i < all; i++)
		ret_order[i] = i;
}

long oom_score_proc(double points, uint64_t totalpages)
{
	long badness = (long)points;

	if (!totalpages)
		return 0;
	/* proc_oom_score(): long arithmetic, truncating toward zero */
	return (1000 + badness * 1000 / (long)totalpages) * 2 / 3;
}

/* "6.18.44-fc" -> 6, 18, 44; returns how many numbers were read (0..3). */
static int parse_version(const char *s, unsigned v[3], const char **ret_end)
{
	int n = 0;

	v[0] = v[1] = v[2] = 0;
	while (n < 3 && isdigit((unsigned char)*s)) {
		unsigned long x = 0;

		while (isdigit((unsigned char)*s)) {
			x = x * 10 + (unsigned)(*s++ - '0');
			if (x > 100000)
				return 0;
		}
		v[n++] = (unsigned)x;
		if (*s != '.' || !isdigit((unsigned char)s[1]))
			break;
		s++;
	}
	*ret_end = s;
	return n;
}

/* The era of version v (n numbers read); 2.4 and older had the 2.6.35
 * heuristic's ancestor, so the oldest era has no lower bound. */
static enum oom_era era_of_version(const unsigned v[3], int n)
{
	if (n < 2)
		return OOM_ERA_AUTO;
	for (unsigned i = oom_era_count; i-- > 0;) {
		const unsigned *f = oom_eras[i].first;

		/* "2.6" names no era: it began at 2.6.36 */
		if (n == 2 && v[0] == f[0] && v[1] == f[1] && f[2])
			return OOM_ERA_AUTO;
		if (v[0] != f[0] ? v[0] > f[0] : v[1] != f[1] ? v[1] > f[1] : v[2] >= f[2])
			return oom_eras[i].era;
	}
	return OOM_ERA_AUTO;
}

enum oom_era oom_era_from_release(const char *release)
{
	unsigned v[3];
	const char *end;

	if (!release)
		return OOM_ERA_AUTO;
	return era_of_version(v, parse_version(release, v, &end));
}

int oom_era_parse(const char *s, enum oom_era *ret)
{
	unsigned v[3];
	const char *end;
	enum oom_era era;
	int n;

	if (!s)
		return -EINVAL;
	if (!strcmp(s, "auto")) {
		*ret = OOM_ERA_AUTO;
		return 0;
	}
	n = parse_version(s, v, &end);
	/* a kernel release may go on with "-13-cloud-amd64" or "+" */
	if (*end && *end != '-' && *end != '+' && *end != '_')
		return -EINVAL;
	era = era_of_version(v, n);
	if (era == OOM_ERA_AUTO)
		return -EINVAL;
	*ret = era;
	return 0;
}

const char *oom_era_name(enum oom_era era)
{
	for (unsigned i = 0; i < oom_era_count; i++)
		if (oom_eras[i].era == era)
			return oom_eras[i].name;
	return "auto";
}
