// SPDX-License-Identifier: MIT
/*
 * observe, the stage: /dev/kmsg into the pure attribution (observe.c),
 * deaths by pidfd + waitid, the trigger's next step, until the expected
 * victims are dead, the trigger is spent, a BROK, or the timeout.
 */
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <sys/resource.h>
#include <string.h>
#include <sys/wait.h>

#include "bench-run.h"
#include "observe.h"
#include "procfs.h"
#include "groups.h"
#include "run-ctx.h"
#include "svc-stage.h"
#include "trigger.h"
#include "util.h"

#define SETTLE_MS 150 /* after the last expected kill: late records */

static void on_kill(struct attrib *a, struct run *r, enum attrib_kind kind, void *arg)
{
	struct run_ctx *c = arg;

	if (kind == ATTRIB_KILL && c->o->on_event)
		c->o->on_event(r, RUN_EV_KILL, r->nkills - 1, NULL, c->o->arg);
	else if (kind == ATTRIB_ESCAPED)
		run_set_outcome(r, OUTCOME_BROK, "%s", a->escaped);
}

void observe_kmsg_drain(struct run_ctx *c)
{
	struct kmsg_record rec;
	int e;

	if (!c->km)
		return;
	c->att.on_kill = on_kill;
	c->att.on_kill_arg = c;
	while ((e = kmsg_next(c->km, &rec)) != -EAGAIN) {
		if (e == -EPIPE) {
			attrib_gap(&c->att);
			continue;
		}
		if (e < 0)
			break;
		if (attrib_feed(&c->att, c->r, &rec) == ATTRIB_ESCAPED)
			run_set_outcome(c->r, OUTCOME_BROK, "%s", c->att.escaped);
	}
	/* Nothing new: the kills read so far are attributed now, not when the
	 * next OOM begins, since the trigger waits to see its victim. */
	attrib_flush(&c->att, c->r);
	c->r->kmsg_lost = kmsg_lost(c->km);
}

bool observe_reap(struct run_ctx *c, struct instance *in)
{
	siginfo_t si = { 0 };

	if (in->died || in->pidfd < 0)
		return in->died;
	if (waitid(P_PIDFD, (id_t)in->pidfd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return false;
	in->died = true;
	in->reaped_ns = now_ns();
	in->exit_code = si.si_code;
	in->exit_status = si.si_status;
	if (!in->kill_ms && c->r->t_trigger_ns)
		in->kill_ms = (double)(now_ns() - c->r->t_trigger_ns) / 1e6;
	close(in->pidfd);
	in->pidfd = -1;
	return true;
}

bool observe_any_exited(void)
{
	siginfo_t si = { 0 };

	/* an error (ECHILD: no children at all) says nothing to reap */
	return waitid(P_ALL, 0, &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid != 0;
}

/* Which of the workers' children died with them (claims 8 and 9): gone
 * from /proc, or a zombie waiting for its reaper. */
static void children_dead(struct run *r)
{
	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];

		in->child_dead = 0;
		for (unsigned j = 0; j < in->nchild; j++) {
			struct proc_stat st;
			int e = proc_stat_read("/proc", in->child_pids[j], &st);

			if (e == -EINVAL)
				continue; /* there, but not readable as a stat line */
			if (e < 0 || st.state == 'Z' || st.state == 'X')
				in->child_dead++;
		}
	}
}

/*
 * The kill is seen when observe's poll wakes on the victim's pidfd; on a
 * busy machine that wake-up waits for a CPU behind the workers and
 * everything else (measured here, 2 CPUs under load: 1-5 ms from the
 * victim's last switch to the harness's waitid at nice 0). Observing, the
 * harness runs 10 nice levels above where it was (CAP_SYS_NICE; without
 * it, as it was): it sleeps in poll nearly all the time, so the CPU it
 * takes from the workers is its few microseconds per wake-up. Nothing is
 * spawned while observing, so no worker inherits it; restored after.
 */
#define OBSERVE_NICE_BOOST 10

static int observe_boost(void)
{
	int old;

	errno = 0;
	old = getpriority(PRIO_PROCESS, 0);
	if (old == -1 && errno)
		return INT_MIN;
	if (setpriority(PRIO_PROCESS, 0,
			old - OBSERVE_NICE_BOOST < -20 ? -20 : old - OBSERVE_NICE_BOOST) < 0)
		return INT_MIN;
	return old;
}

static void observe_unboost(int old)
{
	if (old != INT_MIN)
		(void)setpriority(PRIO_PROCESS, 0, old);
}

/*
 * The settle can end early when nothing can make another kill: the
 * pressure process is stopped and reaped (its allocations, and any OOM
 * kill they made, ended with it: the kernel logs a kill in the allocating
 * task's context, before that task can exit), every victim the kernel
 * logged is dead and reaped, and every other worker holds still (no
 * cycles to come, no children that may still be dying, no service). The
 * full SETTLE_MS is kept for bench (the kill chain's late instants) and
 * for the other triggers. In a TCG guest the wait was 8% of a boot.
 */
#define SETTLE_QUIET_MS 20

static bool settled(struct run_ctx *c, uint64_t settle_until)
{
	const struct run *r = c->r;

	if (c->o->bench || r->panicked || c->pressure_pid > 0 || c->pressure_pidfd >= 0 ||
	    !c->trig || (strcmp(c->trig->name, "pressure") && strcmp(c->trig->name, "global")))
		return false;
	if (now_ns() + (SETTLE_MS - SETTLE_QUIET_MS) * 1000000ULL < settle_until)
		return false;
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct instance *in = &r->inst[i];

		if (in->died)
			continue;
		if (in->killed || in->svc || in->nchild || !in->spec || in->spec->cycles ||
		    __atomic_load_n(&run_slot(c, in->slot)->phase, __ATOMIC_ACQUIRE) !=
			    SB_PHASE_HOLDING)
			return false;
	}
	return true;
}

void observe(struct run_ctx *c)
{
	struct run *r = c->r;
	unsigned seen_deaths = 0;
	uint64_t settle_until = 0;
	int nice0 = observe_boost();

	for (;;) {
		struct pollfd pfd[RUN_MAX_INSTANCES + 3];
		unsigned who[RUN_MAX_INSTANCES], n = 0, nw, d;
		uint64_t t_poll;
		short ev = 0;
		int ofd = bench_run_fd(c, &ev);

		for (unsigned i = 0; i < r->ninst; i++)
			if (r->inst[i].pidfd >= 0) {
				who[n] = i;
				pfd[n++] =
					(struct pollfd){ .fd = r->inst[i].pidfd, .events = POLLIN };
			}
		nw = n;
		if (c->pressure_pidfd >= 0)
			pfd[n++] = (struct pollfd){ .fd = c->pressure_pidfd, .events = POLLIN };
		if (c->km)
			pfd[n++] = (struct pollfd){ .fd = kmsg_fd(c->km), .events = POLLIN };
		if (ofd >= 0) /* the OOM notification's time: bench's kill chain */
			pfd[n++] = (struct pollfd){ .fd = ofd, .events = ev };
		t_poll = now_ns();
		poll(pfd, n, bench_run_wait_ms(c, 5));
		/*
		 * A readable pidfd first: its waitid time is the kill chain's
		 * pidfd_ms ("the kill is seen"), so it is taken as poll returns,
		 * not after the kmsg drain and the counters (an OOM report is
		 * some 50 kmsg records to parse).
		 */
		for (unsigned k = 0; k < nw; k++)
			if (pfd[k].revents & (POLLIN | POLLHUP | POLLERR) &&
			    observe_reap(c, &r->inst[who[k]]))
				r->inst[who[k]].reaped_poll_ns = t_poll;

		observe_kmsg_drain(c);
		if (run_stopped(r))
			break; /* the machine, not the memcg, ran out */
		bench_run_poll(c);
		if (observe_any_exited())
			for (unsigned i = 0; i < r->ninst; i++)
				observe_reap(c, &r->inst[i]);
		if (r->panicked && !settle_until)
			settle_until = now_ns() + SETTLE_MS * 1000000ULL;

		d = observe_victims(r);
		if (d > seen_deaths) {
			seen_deaths = d;
			if (d >= c->kills_wanted || observe_deaths(r) == r->ninst) {
				trigger_stop(c);
				bench_run_oom_over(c);
				if (!settle_until)
					settle_until = now_ns() + SETTLE_MS * 1000000ULL;
			}
		}
		if (!settle_until) {
			int e = trigger_next(c, d);

			if (e < 0)
				break; /* BROK, the trigger said why */
			if (e > 0)
				settle_until = now_ns() + SETTLE_MS * 1000000ULL;
		}
		if (settle_until && (now_ns() >= settle_until || settled(c, settle_until)))
			break;
		if (runner_interrupted) {
			run_set_outcome(r, OUTCOME_BROK, "interrupted by signal %d",
					(int)runner_interrupted);
			break;
		}
		if (now_ns() > c->deadline_ns) {
			run_note(r,
				 "timeout: %u of the %u expected kills happened within %" PRIu64
				 " ms",
				 d, c->kills_wanted, c->p->timeout_ms);
			break;
		}
	}
	observe_unboost(nice0);
	observe_kmsg_drain(c);
	if (c->km)
		attrib_end(&c->att, r);
	if (c->cg) {
		int e = groups_read_counters(c, &r->counters_after);

		svc_add_leaf_counters(r, &r->counters_after);
		groups_read_mem(c, r->group_after);

		if (e < 0)
			run_set_outcome(r, OUTCOME_BROK,
					"cannot read the memcg counters of %s "
					"after the trigger: %s",
					cg_path(c->cg), strerror(-e));
	}
	children_dead(r);
}
