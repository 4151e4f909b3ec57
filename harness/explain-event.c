// SPDX-License-Identifier: MIT
/*
 * The assembler: one OOM's kernel lines -> one event per killed task.
 *
 * What one OOM prints, by era (mm/oom_kill.c, mm/memcontrol.c):
 *   dump_header(): "X invoked oom-killer: gfp_mask=.., order=N,
 *     oom_score_adj=N", dump_stack() ("CPU: N PID: N Comm: X ... REL"),
 *     then the memcg's "memory: usage ..kB, limit ..kB" (a memcg OOM; before
 *     4.19 preceded by "Task in /X killed as a result of limit of /Y") or
 *     show_mem() ("N pages RAM", "Total swap = NkB"), the task table
 *     (vm.oom_dump_tasks) and, >= 4.19, the "oom-kill:constraint=..." line;
 *   2.6.36 - 4.18: "... Kill process N (X) score S or sacrifice child",
 *     then "Killed process M (Y) ..." where M may be a child of N;
 *   the kill: "[Memory cgroup out of ]Out of memory: Killed process ...";
 *   >= 4.19 with memory.oom.group: "Tasks in /G are going to be killed due
 *     to memory.oom.group set" and a kill line per member (the victim may
 *     be logged twice);
 *   later, from the reaper thread (>= 4.6): "oom_reaper: reaped process
 *     N (X), now anon-rss:..", possibly after the next OOM's first lines.
 * dump_header() is rate-limited (oom_rs: 10 per 5 s), so a kill may come
 * with no header at all: it is an OOM of its own.
 */
#include <string.h>

#include "explain.h"
#include "util.h"

/* Rows kept per table: a global OOM lists every process. */
#define TABLE_MAX 32768
/* Events held back for late reaper lines before they are emitted. */
#define PEND_MAX 32
#define EARLIER_MAX 64

struct ctx {
	unsigned refs;
	unsigned oom;
	struct oom_trigger trigger;
	bool has_constraint;
	struct oom_event constraint;
	bool has_limit_line;
	char limit_task_memcg[256];
	char limit_oom_memcg[256];
	bool memcg_oom;
	long usage_kb, limit_kb;
	long pages_ram, pages_reserved, swap_total_kb;
	struct oom_task *tasks;
	unsigned ntasks, cap;
	bool truncated;
	bool have_header;
	bool constraint_only; /* the event is the oom-kill: line's */
	struct oom_line_meta constraint_meta;
	char era_hint[8];
	bool has_selected;
	struct oom_event selected;
	bool shape_old;
	bool shape_4_19;
	bool group;
	char group_memcg[256];
	unsigned nkills;
	pid_t first_kill;
	pid_t earlier[EARLIER_MAX]; /* victims of earlier OOMs */
	unsigned nearlier;
};

struct pend {
	struct oom_report rep;
	struct ctx *ctx;
};

struct oom_assembler {
	enum oom_era era;
	oom_report_fn fn;
	void *arg;
	struct oom_parser parser;
	struct ctx *cur;
	struct pend pend[PEND_MAX];
	unsigned npend;
	pid_t victims[EARLIER_MAX]; /* ring of killed pids */
	unsigned nvictims;
	unsigned noom;
	unsigned killless;
};

static void ctx_put(struct ctx *c)
{
	if (!c || --c->refs)
		return;
	free(c->tasks);
	free(c);
}

static void add_kill(struct oom_assembler *a, const struct oom_event *ev,
		     const struct oom_line_meta *m);

static void cur_close(struct oom_assembler *a)
{
	if (!a->cur)
		return;
	/*
	 * An OOM whose oom-kill: line (>= 4.19, printed just before the kill)
	 * names the victim but whose kill line is not in the log (cut by a
	 * grep, a console loglevel): the kernel's own record of its choice
	 * is the event, its kill-line fields null.
	 */
	if (!a->cur->nkills && a->cur->has_constraint && a->cur->constraint.pid >= 0) {
		struct oom_event ev = a->cur->constraint;

		ev.type = OOM_EV_KILLED;
		a->cur->constraint_only = true;
		add_kill(a, &ev, &a->cur->constraint_meta);
	}
	if (!a->cur->nkills)
		a->killless++;
	ctx_put(a->cur);
	a->cur = NULL;
}

static struct ctx *ctx_new(struct oom_assembler *a)
{
	struct ctx *c;
	unsigned n;

	cur_close(a);
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->refs = 1;
	c->oom = ++a->noom;
	c->trigger.pid = -1;
	c->usage_kb = c->limit_kb = -1;
	c->pages_ram = c->pages_reserved = c->swap_total_kb = -1;
	c->first_kill = -1;
	n = a->nvictims < EARLIER_MAX ? a->nvictims : EARLIER_MAX;
	for (unsigned i = 0; i < n; i++)
		c->earlier[i] = a->victims[i];
	c->nearlier = n;
	a->cur = c;
	return c;
}

/* The current OOM if it may still take header lines, else a new one. */
static struct ctx *header_ctx(struct oom_assembler *a)
{
	if (a->cur && !a->cur->nkills)
		return a->cur;
	return ctx_new(a);
}

int oom_asm_new(enum oom_era era, oom_report_fn fn, void *arg, struct oom_assembler **ret)
{
	struct oom_assembler *a;

	if (!ret || !fn)
		return -EINVAL;
	a = calloc(1, sizeof(*a));
	if (!a)
		return -ENOMEM;
	a->era = era;
	a->fn = fn;
	a->arg = arg;
	oom_parser_init(&a->parser);
	*ret = a;
	return 0;
}

static const struct oom_task *find_task(const struct ctx *c, pid_t pid)
{
	for (unsigned i = 0; i < c->ntasks; i++)
		if (c->tasks[i].pid == pid)
			return &c->tasks[i];
	return NULL;
}

/* truncating copy (comms and paths are cut to our fields' sizes) */
static void copy_s(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Fill what the OOM as a whole says, then run the model: at emission,
 * because the group line and the reaper come after the kill line. */
static void finish(struct pend *p)
{
	struct oom_report *r = &p->rep;
	const struct ctx *c = p->ctx;
	const struct oom_task *row = find_task(c, r->pid);
	struct oom_model_in in = { 0 };

	r->oom = c->oom;
	r->trigger = c->trigger;
	r->has_constraint = c->has_constraint && c->constraint.constraint != OOM_CONSTRAINT_UNKNOWN;
	if (r->has_constraint)
		r->constraint = c->constraint.constraint;
	if (c->has_constraint && c->constraint.oom_memcg[0]) {
		r->has_oom_memcg = true;
		copy_s(r->oom_memcg, sizeof(r->oom_memcg), c->constraint.oom_memcg);
	} else if (c->has_limit_line) {
		r->has_oom_memcg = true;
		copy_s(r->oom_memcg, sizeof(r->oom_memcg), c->limit_oom_memcg);
	}
	/* The task_memcg and "Task in" lines name the chosen task's memcg:
	 * they are this task's only if it is the chosen one. */
	if (c->group) {
		r->group_kill = true;
		r->has_memcg = true;
		copy_s(r->memcg, sizeof(r->memcg), c->group_memcg);
	} else if (c->has_constraint && c->constraint.task_memcg[0] &&
		   c->constraint.pid == r->pid) {
		r->has_memcg = true;
		copy_s(r->memcg, sizeof(r->memcg), c->constraint.task_memcg);
	} else if (c->has_limit_line && (!c->has_selected || c->selected.pid == r->pid)) {
		r->has_memcg = true;
		copy_s(r->memcg, sizeof(r->memcg), c->limit_task_memcg);
	}
	r->memcg_oom = r->memcg_oom || c->memcg_oom || c->has_limit_line ||
		       (c->has_selected && c->selected.memcg) ||
		       (c->has_constraint && c->constraint.constraint == OOM_CONSTRAINT_MEMCG);
	if (!r->has_uid && c->has_constraint && c->constraint.pid == r->pid &&
	    c->constraint.has_uid) {
		r->has_uid = true;
		r->uid = c->constraint.uid;
	}
	if (!r->has_uid && row && row->uid >= 0) {
		r->has_uid = true;
		r->uid = row->uid;
	}
	if (!r->has_adj && row && row->has_adj) {
		r->has_adj = true;
		r->oom_score_adj = row->adj;
	}
	/* the trigger line's adj is the allocating task's: tied to its pid by
	 * the "CPU: N PID: N Comm:" line after it */
	if (!r->has_adj && c->trigger.has_adj && c->trigger.pid == r->pid) {
		r->has_adj = true;
		r->oom_score_adj = c->trigger.adj;
	}
	r->memcg_usage_kb = c->usage_kb;
	r->memcg_limit_kb = c->limit_kb;
	if (c->has_selected) {
		r->has_selected = true;
		r->selected_pid = c->selected.pid;
		copy_s(r->selected_comm, sizeof(r->selected_comm), c->selected.comm);
		r->has_score = c->selected.has_score;
		r->score = c->selected.score;
		r->allocating_task = r->allocating_task || c->selected.allocating_task;
	}
	r->ntasks = c->ntasks;

	in.tasks = c->tasks;
	in.ntasks = c->ntasks;
	in.truncated = c->truncated;
	in.release = c->trigger.release;
	in.era_hint = c->era_hint;
	in.shape_4_19 = c->shape_4_19;
	in.shape_old = c->shape_old;
	in.memcg_oom = r->memcg_oom;
	in.limit_kb = c->limit_kb;
	in.pages_ram = c->pages_ram;
	in.pages_reserved = c->pages_reserved;
	in.swap_total_kb = c->swap_total_kb;
	in.has_constraint = r->has_constraint;
	in.constraint = r->constraint;
	in.chosen_pid = c->has_selected ? c->selected.pid : c->first_kill;
	in.killed_pid = r->pid;
	in.allocating_task = r->allocating_task;
	in.group = c->group;
	in.group_memcg = c->group_memcg;
	in.mm_sharer = r->mm_sharer;
	in.earlier = c->earlier;
	in.nearlier = c->nearlier;
	oom_model_check(&in, &r->model, r->cand, OOM_REPORT_CANDIDATES, &r->ncand);
	if (c->constraint_only) {
		size_t n = strlen(r->model.why);

		snprintf(r->model.why + n, sizeof(r->model.why) - n,
			 "%sno kill line in the log: "
			 "the victim is the oom-kill: line's",
			 n ? "; " : "");
	}
}

static void emit_first(struct oom_assembler *a)
{
	struct pend *p = &a->pend[0];

	finish(p);
	a->fn(&p->rep, a->arg);
	ctx_put(p->ctx);
	a->npend--;
	memmove(&a->pend[0], &a->pend[1], a->npend * sizeof(a->pend[0]));
}

void oom_asm_flush(struct oom_assembler *a)
{
	if (!a)
		return;
	while (a->npend)
		emit_first(a);
}

static void add_kill(struct oom_assembler *a, const struct oom_event *ev,
		     const struct oom_line_meta *m)
{
	struct ctx *c = a->cur;
	struct oom_report *r;
	struct pend *p;

	if (!c || (c->nkills && !c->group && !ev->mm_sharer))
		c = ctx_new(a);
	if (!c)
		return;
	/* oom.group: the victim may be killed (and logged) twice */
	for (unsigned i = 0; i < a->npend; i++)
		if (a->pend[i].ctx == c && a->pend[i].rep.pid == ev->pid)
			return;
	if (a->npend == PEND_MAX)
		emit_first(a);
	p = &a->pend[a->npend++];
	memset(p, 0, sizeof(*p));
	p->ctx = c;
	c->refs++;
	r = &p->rep;
	r->pid = ev->pid;
	copy_s(r->comm, sizeof(r->comm), ev->comm);
	r->has_uid = ev->has_uid;
	r->uid = ev->uid;
	r->memcg_oom = ev->memcg;
	r->anon_rss_kb = ev->anon_rss_kb;
	r->file_rss_kb = ev->file_rss_kb;
	r->shmem_rss_kb = ev->shmem_rss_kb;
	r->total_vm_kb = ev->total_vm_kb;
	r->pgtables_kb = ev->has_pgtables ? ev->pgtables_kb : -1;
	r->has_adj = ev->has_adj;
	r->oom_score_adj = ev->oom_score_adj;
	r->allocating_task = ev->allocating_task;
	r->mm_sharer = ev->mm_sharer;
	r->reaped_anon_kb = r->reaped_file_kb = r->reaped_shmem_kb = -1;
	if (m) {
		r->has_ktime = m->has_ktime;
		r->ktime = m->ktime;
		copy_s(r->wall, sizeof(r->wall), m->wall);
	}
	if (ev->has_pgtables)
		c->shape_4_19 = true;
	if (!c->nkills++)
		c->first_kill = ev->pid;
	a->victims[a->nvictims++ % EARLIER_MAX] = ev->pid;
}

static void add_row(struct ctx *c, const struct oom_event *ev)
{
	struct oom_task *t;

	if (c->ntasks == c->cap) {
		unsigned cap = c->cap ? c->cap * 2 : 64;
		struct oom_task *n;

		if (c->cap >= TABLE_MAX) {
			c->truncated = true;
			return;
		}
		n = realloc(c->tasks, cap * sizeof(*n));
		if (!n) {
			c->truncated = true;
			return;
		}
		c->tasks = n;
		c->cap = cap;
	}
	t = &c->tasks[c->ntasks++];
	t->pid = ev->pid;
	t->tgid = ev->row_tgid >= 0 ? (pid_t)ev->row_tgid : -1;
	t->uid = ev->has_uid ? ev->uid : -1;
	t->total_vm = ev->row_total_vm;
	t->rss = ev->row_rss;
	t->pgtables_bytes = ev->row_pgtables_bytes;
	t->swapents = ev->row_swapents;
	t->has_adj = ev->has_adj;
	t->adj = ev->oom_score_adj;
	copy_s(t->comm, sizeof(t->comm), ev->comm);
}

void oom_asm_line(struct oom_assembler *a, const char *msg, const struct oom_line_meta *m)
{
	struct oom_event ev;
	struct ctx *c;

	if (!a || !msg || oom_parser_line_ex(&a->parser, msg, &ev) != 1)
		return;
	switch (ev.type) {
	case OOM_EV_INVOKED:
		c = ctx_new(a);
		if (!c)
			return;
		c->trigger.present = true;
		copy_s(c->trigger.comm, sizeof(c->trigger.comm), ev.comm);
		copy_s(c->trigger.gfp_mask, sizeof(c->trigger.gfp_mask), ev.gfp_mask);
		c->trigger.has_order = ev.has_order;
		c->trigger.order = ev.order;
		c->trigger.has_adj = ev.has_adj;
		c->trigger.adj = ev.oom_score_adj;
		break;
	case OOM_EV_CPU:
		c = a->cur;
		if (c && !c->nkills && c->trigger.present && c->trigger.pid < 0) {
			c->trigger.pid = ev.pid;
			copy_s(c->trigger.release, sizeof(c->trigger.release), ev.release);
		}
		break;
	case OOM_EV_MEMCG_USAGE:
		c = a->cur;
		if (c && !c->nkills && !strcmp(ev.counter, "memory") && c->limit_kb < 0) {
			c->usage_kb = ev.usage_kb;
			c->limit_kb = ev.limit_kb;
			c->memcg_oom = true;
		}
		break;
	case OOM_EV_PAGES_RAM:
	case OOM_EV_PAGES_RESERVED:
	case OOM_EV_SWAP_TOTAL:
		c = a->cur;
		if (!c || c->nkills)
			break;
		if (ev.type == OOM_EV_PAGES_RAM && c->pages_ram < 0)
			c->pages_ram = ev.value;
		else if (ev.type == OOM_EV_PAGES_RESERVED && c->pages_reserved < 0)
			c->pages_reserved = ev.value;
		else if (ev.type == OOM_EV_SWAP_TOTAL && c->swap_total_kb < 0)
			c->swap_total_kb = ev.value;
		break;
	case OOM_EV_MEMCG_LIMIT:
		c = header_ctx(a);
		if (!c)
			return;
		c->has_limit_line = true;
		c->memcg_oom = true;
		copy_s(c->limit_task_memcg, sizeof(c->limit_task_memcg), ev.task_memcg);
		copy_s(c->limit_oom_memcg, sizeof(c->limit_oom_memcg), ev.oom_memcg);
		break;
	case OOM_EV_TASK_HEADER:
		c = header_ctx(a);
		if (!c)
			return;
		c->ntasks = 0;
		c->truncated = false;
		c->have_header = true;
		copy_s(c->era_hint, sizeof(c->era_hint), a->parser.era_hint);
		break;
	case OOM_EV_TASK_ROW:
		c = header_ctx(a);
		if (!c)
			return;
		/* dump_tasks() prints its header first: rows without one are
		 * what is left of a table whose start was cut */
		if (!c->have_header)
			c->truncated = true;
		add_row(c, &ev);
		break;
	case OOM_EV_CONSTRAINT:
		c = header_ctx(a);
		if (!c)
			return;
		c->has_constraint = true;
		c->constraint = ev;
		c->shape_4_19 = true;
		if (m)
			c->constraint_meta = *m;
		break;
	case OOM_EV_SELECTED:
		c = header_ctx(a);
		if (!c)
			return;
		c->has_selected = true;
		c->selected = ev;
		c->shape_old = strstr(msg, "and children") != NULL;
		break;
	case OOM_EV_KILLED:
		add_kill(a, &ev, m);
		break;
	case OOM_EV_GROUP:
		c = a->cur;
		if (!c)
			return;
		c->group = true;
		copy_s(c->group_memcg, sizeof(c->group_memcg), ev.oom_memcg);
		break;
	case OOM_EV_REAPED:
		for (unsigned i = a->npend; i-- > 0;) {
			struct oom_report *r = &a->pend[i].rep;

			if (r->pid == ev.pid && !r->reaped) {
				r->reaped = true;
				r->reaped_anon_kb = ev.anon_rss_kb;
				r->reaped_file_kb = ev.file_rss_kb;
				r->reaped_shmem_kb = ev.shmem_rss_kb;
				break;
			}
		}
		break;
	default:
		break;
	}
}

void oom_asm_gap(struct oom_assembler *a)
{
	if (a && a->cur && !a->cur->nkills && a->cur->ntasks)
		a->cur->truncated = true;
}

unsigned oom_asm_killless(const struct oom_assembler *a)
{
	return a ? a->killless : 0;
}

void oom_asm_end(struct oom_assembler *a)
{
	if (!a)
		return;
	cur_close(a);
	oom_asm_flush(a);
}

void oom_asm_free(struct oom_assembler *a)
{
	if (!a)
		return;
	oom_asm_end(a);
	free(a);
}
