// SPDX-License-Identifier: MIT
/*
 * observe, the pure part: which of the kills the kernel logged are the
 * run's, in which order, and whether an OOM happened outside the run's
 * memcg domain. No syscalls: tests/unit/test-observe.c feeds it captures.
 */
#include <stdio.h>
#include <string.h>

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
	if (a->have_pending && a->pending.pid == ev->pid) {
		k->constraint = a->pending;
		k->has_constraint = true;
		snprintf(k->constraint_line, sizeof(k->constraint_line), "%s", a->pending_line);
	}
	a->have_pending = false;
	observe_pid_owner(r, ev->pid, &k->instance, &k->child_of);
	/* A shared-mm worker dies with whichever of its mm sharers the kernel
	 * picked (all processes on the mm are SIGKILLed): that is its kill. */
	if (k->instance < 0 && k->child_of >= 0) {
		const struct worker_spec *s = r->inst[k->child_of].spec;

		if (pattern_has_flag(s->pattern, PATTERN_F_SHARED_MM) || r->inst[k->child_of].svc)
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

enum attrib_kind attrib_feed(struct attrib *a, struct run *r, const struct kmsg_record *rec)
{
	enum attrib_kind kind;
	struct oom_event ev;
	char msg[1024];

	snprintf(msg, sizeof(msg), "%.*s", (int)rec->msg_len, rec->msg);
	if (oom_parse_line(msg, &ev) <= 0)
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
		a->pending = ev;
		a->have_pending = true;
		snprintf(a->pending_line, sizeof(a->pending_line), "%.*s",
			 (int)sizeof(a->pending_line) - 1, msg);
		/* The constraint line names the domain and the victim already:
		 * an escape is known even if its "Killed" line is lost. */
		return observe_kill_is_ours(a, r, &ev, &ev) == ATTRIB_ESCAPED ? ATTRIB_ESCAPED
									      : ATTRIB_NONE;
	case OOM_EV_KILLED:
		kind = observe_kill_is_ours(
		    a, r, &ev, a->have_pending && a->pending.pid == ev.pid ? &a->pending : NULL);
		if (kind == ATTRIB_KILL)
			return observe_kill_record_add(a, r, rec, &ev);
		return kind;
	case OOM_EV_PANIC:
		r->panicked = true;
		return ATTRIB_PANIC;
	default:
		return ATTRIB_NONE;
	}
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

	/* a service whose tree lost a process is a victim, alive or not */
	for (unsigned i = 0; i < r->ninst; i++)
		n += r->inst[i].svc && r->inst[i].killed && !r->inst[i].died;

	for (unsigned i = 0; i < r->nkills; i++)
		if (r->kills[i].instance < 0 && r->kills[i].child_of >= 0)
			n++;
	return n;
}
