// SPDX-License-Identifier: MIT
/*
 * The model check: a report's task table re-ranked under its era's badness
 * (badness.h), and whether the kernel's pick is the model's.
 *
 * Inputs come from the report only. The rows give rss, pgtables and
 * swapents in pages (dump_tasks()); totalpages is the memcg's limit for a
 * memcg OOM (mem_cgroup_get_max(), no swap term: the report does not say
 * how much swap the machine has) or RAM - reserved + swap from show_mem()
 * for a global one; both assume 4 KiB pages, as the rows' kB fields do.
 * CAP_SYS_ADMIN (the 3% / 30-point discount of 2.6.36 - 4.16) is not in
 * the report: uid 0 stands for it.
 */
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "explain.h"
#include "util.h"

#define PAGE_KB 4

static enum oom_era era_of(const struct oom_model_in *in, const char **ret_from)
{
	enum oom_era e;

	if (in->force != OOM_ERA_AUTO) {
		*ret_from = "option";
		return in->force;
	}
	if (in->release && in->release[0]) {
		e = oom_era_from_release(in->release);
		if (e != OOM_ERA_AUTO) {
			*ret_from = "version";
			return e;
		}
	}
	*ret_from = "log";
	/* the oom-kill: line is 4.19+; "... and children." <= 2.6.35 */
	if (in->shape_4_19)
		return OOM_ERA_4_17;
	if (in->shape_old)
		return OOM_ERA_2_6_35;
	if (in->era_hint && in->era_hint[0] && oom_era_parse(in->era_hint, &e) == 0) {
		/* pgtables_bytes rows began in 4.15, the 4.17 rule in 4.17:
		 * the newer is the likelier */
		if (!strcmp(in->era_hint, "4.15"))
			return OOM_ERA_4_17;
		return e;
	}
	*ret_from = "default";
	return OOM_ERA_4_17;
}

/*
 * A log can say anything: numbers beyond what a kernel prints (2^40
 * pages is 4 PiB; oom_score_adj is -1000..1000) are clamped so that the
 * models' int64 arithmetic cannot overflow.
 */
#define PAGES_MAX (1ULL << 40)

static uint64_t clamp_pages(long v, uint64_t max)
{
	if (v <= 0)
		return 0;
	return (uint64_t)v > max ? max : (uint64_t)v;
}

static bool totalpages_of(const struct oom_model_in *in, uint64_t *ret)
{
	if (in->memcg_oom) {
		if (in->limit_kb < 0)
			return false;
		*ret = clamp_pages(in->limit_kb / PAGE_KB, PAGES_MAX * 4096);
		return true;
	}
	if (in->pages_ram <= 0)
		return false;
	{
		uint64_t ram = clamp_pages(in->pages_ram, PAGES_MAX * 4096);
		uint64_t rsv = clamp_pages(in->pages_reserved, ram);

		*ret = ram - rsv + clamp_pages(in->swap_total_kb / PAGE_KB, PAGES_MAX * 4096);
	}
	return true;
}

static void to_task_mem(const struct oom_task *t, enum oom_era era, struct task_mem *m)
{
	long adj = t->has_adj ? t->adj : 0;

	memset(m, 0, sizeof(*m));
	m->pid = t->pid;
	memcpy(m->name, t->comm, sizeof(m->name) - 1);
	m->name[sizeof(m->name) - 1] = '\0';
	m->rss_pages = clamp_pages(t->rss, PAGES_MAX);
	m->swap_pages = clamp_pages(t->swapents, PAGES_MAX);
	m->pgtables_bytes = clamp_pages(t->pgtables_bytes, PAGES_MAX * 4096);
	m->total_vm_pages = clamp_pages(t->total_vm, PAGES_MAX);
	m->oom_score_adj = adj < -1000 ? -1000 : adj > 1000 ? 1000 : (int)adj;
	m->uid = t->uid >= 0 ? (uid_t)t->uid : 0;
	m->cap_sys_admin = t->uid == 0 && era != OOM_ERA_4_17;
	m->is_leader = t->tgid < 0 || t->tgid == t->pid;
}

static pid_t tgid_of(const struct oom_model_in *in, pid_t pid)
{
	for (unsigned i = 0; i < in->ntasks; i++)
		if (in->tasks[i].pid == pid)
			return in->tasks[i].tgid >= 0 ? in->tasks[i].tgid : pid;
	return pid;
}

static bool in_table(const struct oom_model_in *in, pid_t pid)
{
	for (unsigned i = 0; i < in->ntasks; i++)
		if (in->tasks[i].pid == pid || in->tasks[i].tgid == pid)
			return true;
	return false;
}

/* Rank under era: index of the model's victim, or -1 (none killable). */
static int predict(unsigned n, const struct task_mem *tm, enum oom_era era, uint64_t tp,
		   unsigned *order, struct badness *pts)
{
	oom_rank(era, tm, n, tp, order, pts);
	if (!n || pts[order[0]].unkillable)
		return -1;
	return (int)order[0];
}

static void add_why(struct oom_model *m, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add_why(struct oom_model *m, const char *fmt, ...)
{
	size_t n = strlen(m->why);
	va_list ap;

	if (n && n + 2 < sizeof(m->why)) {
		memcpy(m->why + n, "; ", 3);
		n += 2;
	}
	va_start(ap, fmt);
	vsnprintf(m->why + n, sizeof(m->why) - n, fmt, ap);
	va_end(ap);
}

void oom_model_check(const struct oom_model_in *in, struct oom_model *ret_model,
		     struct oom_candidate *ret_cand, unsigned max, unsigned *ret_n)
{
	struct oom_model m = { .agrees = -1 };
	_cleanup_free_ struct task_mem *tm = NULL;
	_cleanup_free_ struct badness *pts = NULL;
	_cleanup_free_ unsigned *order = NULL;
	unsigned n = in->ntasks < OOM_RANK_MAX ? in->ntasks : OOM_RANK_MAX, nc = 0;
	pid_t chosen = in->chosen_pid;
	bool in_tab, tie = false;
	size_t why_len;
	int top;

	*ret_n = 0;
	m.era = era_of(in, &m.era_from);
	m.has_totalpages = totalpages_of(in, &m.totalpages);
	if (in->group && in->killed_pid != chosen)
		add_why(&m, "killed with its memory.oom.group %s; the kernel's pick was pid %d",
			in->group_memcg, (int)chosen);
	if (in->mm_sharer)
		add_why(&m, "killed because it shares the victim's mm");
	if (!in->group && !in->mm_sharer && chosen >= 0 && in->killed_pid != chosen)
		add_why(&m, "the kernel chose pid %d and sacrificed its child %d", (int)chosen,
			(int)in->killed_pid);
	if (!in->ntasks) {
		add_why(&m, "no task table in the report (vm.oom_dump_tasks=0, rate-limited, or "
			    "not captured)");
		*ret_model = m;
		return;
	}
	tm = calloc(n, sizeof(*tm));
	pts = calloc(n, sizeof(*pts));
	order = calloc(n, sizeof(*order));
	if (!tm || !pts || !order) {
		add_why(&m, "out of memory ranking the task table");
		*ret_model = m;
		return;
	}
	for (unsigned i = 0; i < n; i++)
		to_task_mem(&in->tasks[i], m.era, &tm[i]);
	top = predict(n, tm, m.era, m.totalpages, order, pts);
	m.ran = true;
	/* without totalpages the adj term (and 2.6.36's per mille) cannot
	 * be weighed: rank for show, predict nothing */
	if (!m.has_totalpages && oom_era_info(m.era)->unit != OOM_UNIT_VM_SCALED) {
		/* one adj for every killable task shifts all points alike
		 * (3.8+); 2.6.36 divides by totalpages */
		bool needs = oom_era_info(m.era)->unit == OOM_UNIT_PERMILLE, have = false;
		long adj0 = 0;

		for (unsigned i = 0; i < n; i++) {
			long adj = in->tasks[i].has_adj ? in->tasks[i].adj : 0;

			if (adj == -1000)
				continue;
			if (have && adj != adj0)
				needs = true;
			adj0 = adj;
			have = true;
		}
		if (needs) {
			top = -1;
			add_why(&m,
				"totalpages unknown (no memcg limit or Mem-Info in the report): "
				"the oom_score_adj term cannot be weighed");
		} else if (have && adj0) {
			add_why(&m, "totalpages unknown: the points leave out the oom_score_adj "
				    "term, the same for every task");
		}
	}
	if (top >= 0) {
		m.has_predicted = true;
		m.predicted_pid = in->tasks[top].pid;
		snprintf(m.predicted_comm, sizeof(m.predicted_comm), "%s", in->tasks[top].comm);
	}
	for (unsigned k = 0; k < n && nc < max; k++) {
		const struct oom_task *t = &in->tasks[order[k]];
		struct oom_candidate *c = &ret_cand[nc];

		memset(c, 0, sizeof(*c));
		c->rank = k + 1;
		c->pid = t->pid;
		snprintf(c->comm, sizeof(c->comm), "%s", t->comm);
		c->uid = t->uid;
		c->rss_pages = t->rss;
		c->swapents = t->swapents;
		c->pgtables_bytes = t->pgtables_bytes;
		c->has_adj = t->has_adj;
		c->adj = t->adj;
		c->unkillable = pts[order[k]].unkillable;
		c->points = pts[order[k]].points;
		c->margin_pct = -1;
		if (m.totalpages && !c->unkillable) {
			double ref =
				k == 0 ? (n > 1 && !pts[order[1]].unkillable ? pts[order[1]].points
									     : 0)
				       : pts[order[0]].points;
			double pct = k == 0 ? oom_margin_pct(m.era, c->points, ref, m.totalpages)
					    : oom_margin_pct(m.era, ref, c->points, m.totalpages);

			c->margin_pct = isfinite(pct) ? pct : -1;
		}
		nc++;
	}
	*ret_n = nc;

	if (chosen < 0 || !m.has_predicted) {
		if (!m.has_predicted && !m.why[0])
			add_why(&m, "no killable task in the table");
		*ret_model = m;
		return;
	}
	m.agrees = tgid_of(in, m.predicted_pid) == tgid_of(in, chosen);
	if (m.agrees && in->truncated)
		add_why(&m, "the task table is incomplete: the model ranked the rows given");
	why_len = strlen(m.why);
	if (in->allocating_task)
		add_why(&m, "vm.oom_kill_allocating_task=1: the kernel killed the allocating task, "
			    "not the worst one");
	if (m.agrees) {
		*ret_model = m;
		return;
	}
	in_tab = in_table(in, chosen);
	if (!in_tab) {
		/* the model ranked part of the table: it cannot say */
		m.agrees = -1;
		add_why(&m, "the task table is truncated: the kernel's pick (pid %d) is not in it",
			(int)chosen);
	} else if (in->truncated || in->ntasks > n)
		add_why(&m, "the task table is incomplete (a gap in the log): the model ranked "
			    "what is left");
	for (unsigned i = 0; i < in->nearlier; i++)
		if (in->earlier[i] == m.predicted_pid) {
			add_why(&m,
				"the model's pick (pid %d) was already a victim, still exiting: "
				"the kernel passes over a task whose memory is being freed",
				(int)m.predicted_pid);
			break;
		}
	for (unsigned i = 0; in_tab && i < n; i++)
		if (in->tasks[i].pid == chosen && pts[i].points == pts[top].points)
			tie = true;
	if (tie)
		add_why(&m, "a tie at %.0f points: the kernel's scan order decided",
			pts[top].points);
	/* the other eras, newest first (oom_eras[] is oldest first) */
	for (unsigned i = oom_era_count; in_tab && !tie && i-- > 0;) {
		enum oom_era e = oom_eras[i].era;
		int t;

		if (e == m.era)
			continue;
		for (unsigned j = 0; j < n; j++)
			to_task_mem(&in->tasks[j], e, &tm[j]);
		t = predict(n, tm, e, m.totalpages, order, pts);
		if (t >= 0 && tgid_of(in, in->tasks[t].pid) == tgid_of(in, chosen)) {
			add_why(&m, "the choice fits the %s model, not the %s one the %s says",
				oom_eras[i].name, oom_era_name(m.era),
				!strcmp(m.era_from, "version") ? "kernel version" : "log's shape");
			break;
		}
	}
	if (in->has_constraint && (in->constraint == OOM_CONSTRAINT_CPUSET ||
				   in->constraint == OOM_CONSTRAINT_MEMORY_POLICY))
		add_why(&m,
			"a %s OOM ranks by the allowed nodes' memory, which the report does "
			"not give",
			oom_constraint_name(in->constraint));
	if (oom_era_info(m.era)->unit == OOM_UNIT_VM_SCALED)
		add_why(&m, "the 2.6.35 model needs cpu and run time, nice and children, which "
			    "the report does not give");
	if (!m.has_totalpages && !strstr(m.why, "totalpages unknown"))
		add_why(&m, "totalpages unknown (no memcg limit or Mem-Info in the report)");
	if (strlen(m.why) == why_len)
		add_why(&m, "not explained by the report: the kernel's pick ranks below the "
			    "model's");
	*ret_model = m;
}
