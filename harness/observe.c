// SPDX-License-Identifier: MIT
/*
 * observe, the pure part: which of the kills the kernel logged are the
 * run's, in which order, and whether an OOM happened outside the run's
 * memcg domain. No syscalls: tests/unit/test-observe.c feeds it captures.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "observe.h"
#include "svc-stage.h"
#include "pattern.h"
#include "util.h"

void observe_pid_owner(const struct run *r, pid_t pid, int *ret_inst, int *ret_child_of)
{
	*ret_inst = *ret_child_of = -1;
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct instance *in = &r->inst[i];

		if (in->pid == pid) {
			*ret_inst = (int)i;
			return;
		}
		for (unsigned j = 0; j < in->nchild; j++)
			if (in->child_pids[j] == pid)
				*ret_child_of = (int)i;
	}
}

bool observe_cgroup_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

/*
 * /dev/kmsg is the whole machine's log: other memcgs OOM too. A kill is
 * ours if the kernel says it happened in our memcg (>= 4.19 constraint
 * line), or, without that line (older kernels), if the PID is one we
 * started. A global OOM (VM, no memcg) keeps every kill: the whole guest
 * is ours.
 *
 * A confined run whose memcg limit holds only ever causes OOMs whose
 * domain (oom_memcg) is the run's memcg. Anything else while it runs is
 * the machine, or a memcg above ours, running out: a global OOM
 * (constraint=CONSTRAINT_NONE, ",global_oom"), an OOM of an ancestor's
 * limit, or a kill of one of our tasks outside our domain. The run then
 * proves nothing about the memcg OOM killer and must not pass (issue 7:
 * a 1T limit let the pressure grow into a global OOM that "passed").
 */
enum attrib_kind observe_kill_is_ours(struct attrib *a, const struct run *r,
				      const struct oom_event *ev,
				      const struct oom_event *constraint)
{
	int inst, child_of;
	bool by_pid;

	if (!a->confined)
		return ATTRIB_KILL;
	observe_pid_owner(r, ev->pid, &inst, &child_of);
	by_pid = (a->helper_pid > 0 && ev->pid == a->helper_pid) || inst >= 0 || child_of >= 0;
	if (!constraint)
		return by_pid ? ATTRIB_KILL : ATTRIB_FOREIGN;
	if (constraint->constraint == OOM_CONSTRAINT_NONE) {
		snprintf(a->escaped, sizeof(a->escaped),
			 "the machine ran out of memory, not the memcg: a global OOM "
			 "(constraint=CONSTRAINT_NONE) killed PID %d (%s)%s",
			 (int)ev->pid, ev->comm, by_pid ? ", one of the run's tasks" : "");
		return ATTRIB_ESCAPED;
	}
	if (constraint->oom_memcg[0] && strcmp(constraint->oom_memcg, r->cgroup) &&
	    observe_cgroup_under(r->cgroup, constraint->oom_memcg)) {
		snprintf(a->escaped, sizeof(a->escaped),
			 "the machine ran out of memory, not the memcg: the limit of %.200s, "
			 "above the run's memcg, was hit and PID %d (%s) killed",
			 constraint->oom_memcg, (int)ev->pid, ev->comm);
		return ATTRIB_ESCAPED;
	}
	if (by_pid && ((constraint->task_memcg[0] &&
			!observe_cgroup_under(constraint->task_memcg, r->cgroup)) ||
		       !constraint->oom_memcg[0] ||
		       !observe_cgroup_under(constraint->oom_memcg, r->cgroup))) {
		snprintf(a->escaped, sizeof(a->escaped),
			 "the machine ran out of memory, not the memcg: the run's PID %d (%s) "
			 "was killed by an OOM of %.120s (task_memcg=%.120s), outside %.120s",
			 (int)ev->pid, ev->comm,
			 constraint->oom_memcg[0] ? constraint->oom_memcg : "no memcg",
			 constraint->task_memcg, r->cgroup);
		return ATTRIB_ESCAPED;
	}
	if (constraint->task_memcg[0])
		return observe_cgroup_under(constraint->task_memcg, r->cgroup) ? ATTRIB_KILL
									       : ATTRIB_FOREIGN;
	return by_pid ? ATTRIB_KILL : ATTRIB_FOREIGN;
}

enum attrib_kind observe_kill_record_add(struct attrib *a, struct run *r,
					 const struct kmsg_record *rec, const struct oom_event *ev)
{
	struct kill_record *k;

	if (r->nkills >= RUN_MAX_KILLS)
		return ATTRIB_NONE;
	k = &r->kills[r->nkills];
	memset(k, 0, sizeof(*k));
	k->killed = *ev;
	k->seq = rec->seq;
	k->usec = rec->usec;
	snprintf(k->line, sizeof(k->line), "%.*s", (int)rec->msg_len, rec->msg);
	if (a->have_pending) {
		k->constraint = a->pending;
		k->has_constraint = true;
		snprintf(k->constraint_line, sizeof(k->constraint_line), "%s", a->pending_line);
	}
	a->have_pending = false;
	observe_pid_owner(r, ev->pid, &k->instance, &k->child_of);
	/* 2.6.36 - 5.2 "Kill process P ... or sacrifice child": a child the
	 * snapshot did not list, killed for P, is P's (or P's parent's) */
	if (k->instance < 0 && k->child_of < 0 && a->sacrificed_for > 0) {
		int inst, child_of;

		observe_pid_owner(r, a->sacrificed_for, &inst, &child_of);
		k->child_of = inst >= 0 ? inst : child_of;
	}
	/* A shared-mm worker dies with whichever of its mm sharers the kernel
	 * picked (all processes on the mm are SIGKILLed): that is its kill.
	 * A worker read as a tree at the snapshot (a service, a fork-tree)
	 * is its tree: the kill of any of its processes is its kill. */
	if (k->instance < 0 && k->child_of >= 0) {
		const struct instance *o = &r->inst[k->child_of];

		if ((o->spec && pattern_has_flag(o->spec->pattern, PATTERN_F_SHARED_MM)) ||
		    o->svc || o->tree)
			k->instance = k->child_of;
	}
	/* A service is its leaf's tree: any of its processes, forked after
	 * the snapshot too, is the worker (the kernel names the leaf). */
	if (k->instance < 0 && k->has_constraint)
		k->instance = svc_owner_by_memcg(r, k->constraint.task_memcg);
	/* With memory.oom.group the kernel can log one task twice: only the
	 * first record of a PID counts. */
	for (unsigned i = 0; i < r->nkills; i++)
		if (r->kills[i].killed.pid == ev->pid)
			return ATTRIB_DUP;
	/* kill_order is a worker's first kill: a tree (a service, a
	 * shared mm) can lose several processes, counted once */
	if (k->instance >= 0 && !r->inst[k->instance].killed) {
		struct instance *in = &r->inst[k->instance];
		unsigned order = 0;

		for (unsigned i = 0; i < r->ninst; i++)
			order += r->inst[i].killed;
		in->kill_order = order + 1;
		in->killed = true;
		in->kmsg_kill_idx = (int)r->nkills;
		if (a->have_marker)
			in->kill_ms = (double)(rec->usec - a->marker_usec) / 1000.0;
	}
	r->nkills++;
	return ATTRIB_KILL;
}

/*
 * The records the reports are matched back to: a report says which task
 * died and in which memcg, the record gives the kill's seq, time and text
 * (the assembler holds up to 32 kills back, a ring of 64 covers them).
 */
#define ATTRIB_LINES 64

struct attrib_line {
	uint64_t seq, usec;
	pid_t pid;
	bool constraint; /* an oom-kill: or "Task in ... limit of" line */
	bool used;
	char text[512];
};

struct attrib_lines {
	unsigned n; /* records stored so far; slot n % ATTRIB_LINES next */
	struct attrib_line l[ATTRIB_LINES];
};

static void lines_add(struct attrib_lines *L, const struct kmsg_record *rec, pid_t pid,
		      bool constraint)
{
	struct attrib_line *l = &L->l[L->n++ % ATTRIB_LINES];

	l->seq = rec->seq;
	l->usec = rec->usec;
	l->pid = pid;
	l->constraint = constraint;
	l->used = false;
	snprintf(l->text, sizeof(l->text), "%.*s", (int)rec->msg_len, rec->msg);
}

enum attrib_kind observe_report(struct attrib *a, struct run *r, const struct oom_report *rep)
{
	struct attrib_lines *L = a->lines;
	struct oom_event ev, cons = { 0 };
	const struct oom_event *pc = NULL;
	struct attrib_line *kl = NULL, *cl = NULL;
	struct kmsg_record rec = { 0 };
	enum attrib_kind kind;
	unsigned start, ki = 0;

	if (!L)
		return ATTRIB_NONE;
	start = L->n > ATTRIB_LINES ? L->n - ATTRIB_LINES : 0;
	/* its Killed record: the oldest of that PID not yet taken (oom.group
	 * can log the victim twice: the copies go with it) */
	for (unsigned i = start; i < L->n; i++) {
		struct attrib_line *l = &L->l[i % ATTRIB_LINES];

		if (l->constraint || l->used || l->pid != rep->pid)
			continue;
		if (!kl) {
			kl = l;
			ki = i;
		}
		l->used = true;
	}
	/* an oom-kill: line whose Killed line never came: as before, no kill */
	if (!kl || oom_parse_line(kl->text, &ev) <= 0 || ev.type != OOM_EV_KILLED)
		return ATTRIB_NONE;
	/* the OOM's constraint line: the last one before the kill (OOMs are
	 * serialised by oom_lock, so another OOM's lines do not interleave) */
	if (rep->has_constraint || rep->has_oom_memcg)
		for (unsigned i = ki; i-- > start;)
			if (L->l[i % ATTRIB_LINES].constraint) {
				cl = &L->l[i % ATTRIB_LINES];
				break;
			}
	if (cl && oom_parse_line(cl->text, &cons) > 0 && cons.type == OOM_EV_CONSTRAINT &&
	    cons.pid == ev.pid) {
		pc = &cons; /* the victim's own oom-kill: line, as logged */
	} else if (rep->has_constraint || rep->has_oom_memcg || rep->has_memcg) {
		/* A child sacrificed, an oom.group member (its memcg: the
		 * group's), or < 4.19 "Task in /X killed as a result of limit
		 * of /Y": what the OOM as a whole says of this task. */
		memset(&cons, 0, sizeof(cons));
		cons.type = OOM_EV_CONSTRAINT;
		cons.pid = ev.pid;
		snprintf(cons.comm, sizeof(cons.comm), "%s", ev.comm);
		cons.memcg = rep->memcg_oom;
		cons.constraint = rep->has_constraint ? rep->constraint : OOM_CONSTRAINT_UNKNOWN;
		if (rep->has_oom_memcg)
			snprintf(cons.oom_memcg, sizeof(cons.oom_memcg), "%s", rep->oom_memcg);
		if (rep->has_memcg)
			snprintf(cons.task_memcg, sizeof(cons.task_memcg), "%s", rep->memcg);
		pc = &cons;
	}
	a->sacrificed_for = 0;
	kind = observe_kill_is_ours(a, r, &ev, pc);
	if (kind == ATTRIB_FOREIGN && rep->has_selected && rep->selected_pid > 0 &&
	    rep->selected_pid != ev.pid) {
		/* killed for the task the kernel chose: ours if that one is */
		struct oom_event sel = ev;

		sel.pid = rep->selected_pid;
		snprintf(sel.comm, sizeof(sel.comm), "%s", rep->selected_comm);
		kind = observe_kill_is_ours(a, r, &sel, pc);
		if (kind == ATTRIB_KILL)
			a->sacrificed_for = rep->selected_pid;
	}
	if (kind != ATTRIB_KILL)
		return kind;
	a->have_pending = pc != NULL;
	if (pc) {
		a->pending = *pc;
		snprintf(a->pending_line, sizeof(a->pending_line), "%s", cl ? cl->text : "");
	}
	rec.seq = kl->seq;
	rec.usec = kl->usec;
	rec.msg = kl->text;
	rec.msg_len = strlen(kl->text);
	kind = observe_kill_record_add(a, r, &rec, &ev);
	a->sacrificed_for = 0;
	return kind;
}

static void on_report(const struct oom_report *rep, void *arg)
{
	struct attrib *a = arg;
	enum attrib_kind kind;

	if (!a->run)
		return; /* attrib_free */
	kind = observe_report(a, a->run, rep);
	if (kind != ATTRIB_NONE && a->on_kill)
		a->on_kill(a, a->run, kind, a->on_kill_arg);
}

static int attrib_init(struct attrib *a, const struct run *r)
{
	a->lines = calloc(1, sizeof(*a->lines));
	if (!a->lines)
		return -ENOMEM;
	/* the era only steers explain's model check, which observe ignores */
	if (oom_asm_new(r->era, on_report, a, &a->oa) < 0) {
		free(a->lines);
		a->lines = NULL;
		return -ENOMEM;
	}
	return 0;
}

enum attrib_kind attrib_feed(struct attrib *a, struct run *r, const struct kmsg_record *rec)
{
	struct oom_event ev;
	char msg[1024];
	int e;

	if (!a->oa && attrib_init(a, r) < 0)
		return ATTRIB_NONE;
	a->run = r;
	snprintf(msg, sizeof(msg), "%.*s", (int)rec->msg_len, rec->msg);
	e = oom_parse_line(msg, &ev);
	/* stored before the assembler sees the line: a full assembler hands
	 * over its oldest kill at once */
	if (e > 0 && ev.type == OOM_EV_KILLED)
		lines_add(a->lines, rec, ev.pid, false);
	else if (e > 0 && (ev.type == OOM_EV_CONSTRAINT || ev.type == OOM_EV_MEMCG_LIMIT))
		lines_add(a->lines, rec, ev.pid, true);
	oom_asm_line(a->oa, msg,
		     &(struct oom_line_meta){ .has_ktime = true,
					      .ktime = (double)rec->usec / 1e6 });
	if (e <= 0)
		return ATTRIB_NONE;
	switch (ev.type) {
	case OOM_EV_MARKER:
		if (a->token[0] && strstr(ev.marker, a->token) && strstr(ev.marker, "trigger")) {
			a->have_marker = true;
			a->marker_usec = rec->usec;
			return ATTRIB_MARKER;
		}
		return ATTRIB_NONE;
	case OOM_EV_CONSTRAINT:
		/* The constraint line names the domain and the victim already:
		 * an escape is known even if its "Killed" line is lost. */
		return observe_kill_is_ours(a, r, &ev, &ev) == ATTRIB_ESCAPED ? ATTRIB_ESCAPED
									      : ATTRIB_NONE;
	case OOM_EV_PANIC:
		r->panicked = true;
		return ATTRIB_PANIC;
	default:
		return ATTRIB_NONE;
	}
}

void attrib_gap(struct attrib *a)
{
	oom_asm_gap(a->oa);
}

void attrib_flush(struct attrib *a, struct run *r)
{
	a->run = r;
	oom_asm_flush(a->oa);
}

void attrib_end(struct attrib *a, struct run *r)
{
	a->run = r;
	oom_asm_end(a->oa);
}

void attrib_free(struct attrib *a)
{
	a->run = NULL; /* what is still held back is not attributed now */
	oom_asm_free(a->oa);
	a->oa = NULL;
	free(a->lines);
	a->lines = NULL;
}

unsigned observe_deaths(const struct run *r)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->ninst; i++)
		n += r->inst[i].died;
	return n;
}

unsigned observe_victims(const struct run *r)
{
	unsigned n = observe_deaths(r);

	/* a tree (a service, a fork-tree) that lost a process is a victim,
	 * alive or not */
	for (unsigned i = 0; i < r->ninst; i++)
		n += (r->inst[i].svc || r->inst[i].tree) && r->inst[i].killed && !r->inst[i].died;

	for (unsigned i = 0; i < r->nkills; i++)
		if (r->kills[i].instance < 0 && r->kills[i].child_of >= 0)
			n++;
	return n;
}
