// SPDX-License-Identifier: MIT
/* svc-stage: services in the run's stages (see svc-stage.h). */
#include <errno.h>
#include <grp.h>
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "groups.h"
#include "observe.h"
#include "ptree.h"
#include "ready.h"
#include "rlimits.h"
#include "run-ctx.h"
#include "svc-stage.h"
#include "svc.h"
#include "util.h"

#define SETUP_OUT_LINES 5

void svc_prepare(struct run_ctx *c)
{
	struct run *r = c->r;

	if (c->p->path) {
		_cleanup_free_ char *real = realpath(c->p->path, NULL);
		char *slash = real ? strrchr(real, '/') : NULL;

		if (slash) {
			*slash = 0;
			c->profiledir = strdup(real[0] ? real : "/");
		}
	}
	if (c->p->workdir_auto) {
		int e = svc_workdir_create(&c->workdir);

		if (e < 0)
			return run_set_outcome(r, OUTCOME_BROK, "cannot create the workdir: %s",
					       strerror(-e));
	}
	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];
		struct svc_inst *s;
		struct oomlab_cg *parent = worker_parent_cgroup(c, in);
		int e;

		if (!svc_wanted(in->spec))
			continue;
		s = calloc(1, sizeof(*s));
		if (!s)
			return run_set_outcome(r, OUTCOME_BROK, "out of memory");
		s->out_fd = -1;
		in->svc = s;
		if (parent) {
			e = svc_leaf_create(parent, in->name,
					    in->spec->has_memory_limit ? in->spec->memory_limit : 0,
					    &s->leaf);
			if (e < 0)
				return run_set_outcome(r, OUTCOME_BROK,
						       "cannot create the leaf memcg of %s: %s",
						       in->name, strerror(-e));
		}
		s->out_fd = svc_output_fd(in->name);
		s->argv = svc_expand(in->spec->argv, c->workdir, c->profiledir);
		s->ready_argv = svc_expand(in->spec->ready_cmd, c->workdir, c->profiledir);
		s->rdy = calloc(1, sizeof(struct ready));
		if (s->out_fd < 0 || !s->argv || (in->spec->ready_cmd && !s->ready_argv) ||
		    !s->rdy || ready_init(s->rdy, in->spec, s->ready_argv, s->out_fd) < 0)
			return run_set_outcome(r, OUTCOME_BROK, "cannot prepare %s: %s", in->name,
					       strerror(s->out_fd < 0 ? -s->out_fd : ENOMEM));
		s->ready = !ready_explicit(in->spec);
	}
}

/* setup/teardown commands run as the worker's user: only uid and gid,
 * none of the worker's OOM controls (they are not the worker). */
static int as_user(const struct child_process *cp, void *arg)
{
	const struct worker_spec *s = arg;

	if (!s->has_user)
		return 0;
	if (setgroups(0, NULL) < 0 || setgid(s->gid) < 0 || setuid(s->uid) < 0)
		child_fail(cp, 0, errno, "cannot become user %s", s->user);
	return 0;
}

static int run_cmd(struct run_ctx *c, const struct instance *in, char *const *argv,
		   const char *what, bool bounded)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	_cleanup_(svc_argv_freep) char **x = svc_expand(argv, c->workdir, c->profiledir);
	char tail[600];
	int e, code;

	if (!x) {
		run_set_outcome(c->r, OUTCOME_BROK, "out of memory");
		return -ENOMEM;
	}
	cp.argv = x;
	cp.in = CHILD_IO_NULL;
	cp.out = CHILD_IO_CAPTURE;
	cp.err_to_out = true;
	cp.cwd = c->workdir ? c->workdir : "/";
	cp.pdeathsig = true;
	cp.pre_exec = as_user;
	cp.pre_exec_arg = (void *)in->spec;
	/* teardown runs after the deadline too: give it the grace period */
	cp.deadline_ns = bounded ? c->deadline_ns : now_ns() + SVC_STOP_GRACE_MS * 1000000ULL;
	cp.interrupted = bounded ? &runner_interrupted : NULL;
	e = child_run(&cp);
	code = child_exit_code(&cp);
	if (e == 0 && code == 0) {
		child_release(&cp);
		return 0;
	}
	ready_tail(cp.out_buf ? cp.out_buf : "", cp.out_len, SETUP_OUT_LINES, "  | ", tail,
		   sizeof(tail));
	if (e < 0 && cp.error.what[0])
		snprintf(tail, sizeof(tail), "%s%s%s", cp.error.what, cp.error.err ? ": " : "",
			 cp.error.err ? strerror(cp.error.err) : "");
	if (bounded)
		run_set_outcome(c->r, OUTCOME_BROK, "%s: %s %s %s%s%s", in->name, what, x[0],
				cp.timed_out ? "did not end within the run's timeout"
				: e < 0	     ? "could not run"
					     : "failed",
				tail[0] ? ":\n" : "", tail);
	else
		run_note(c->r, "%s: %s %s failed (exit %d)%s%s", in->name, what, x[0], code,
			 tail[0] ? ":\n" : "", tail);
	child_release(&cp);
	return e < 0 ? e : -EIO;
}

int svc_before_spawn(struct run_ctx *c, struct instance *in, struct spawn_req *req)
{
	struct svc_inst *s = in->svc;

	/* the other workers' leaves (v2, no internal processes) are
	 * groups-run.c's: ramp.c asks instance_cgroup() */
	if (!s)
		return 0;
	if (in->spec->setup_cmd && run_cmd(c, in, in->spec->setup_cmd, "setup", true) < 0)
		return -EIO;
	if (s->leaf)
		req->cg = s->leaf;
	req->argv = s->argv;
	req->out_fd = s->out_fd;
	return 0;
}

const char *svc_last_lines(const struct instance *in, char *buf, size_t len)
{
	return ready_last_lines(in->svc ? in->svc->out_fd : -1, SETUP_OUT_LINES, "  | ", buf, len);
}

const char *svc_ramp_why(const struct instance *in, char *buf, size_t len)
{
	struct rlimit_env env;
	char why[400], tail[600];

	buf[0] = 0;
	if (rlimit_env_read(&env) == 0 && rlimit_mlock_short(in->spec, &env, why, sizeof(why)))
		snprintf(buf, len, ": %s", why);
	else if (svc_last_lines(in, tail, sizeof(tail))[0])
		snprintf(buf, len, "; its last output:\n%s", tail);
	return buf;
}

static void ended_early(struct run_ctx *c, struct instance *in, const char *when)
{
	char tail[600];

	svc_last_lines(in, tail, sizeof(tail));
	run_set_outcome(c->r, OUTCOME_BROK, "%s ended %s (%s %d)%s%s", in->name, when,
			in->exit_code == CLD_EXITED ? "exit status" : "signal", in->exit_status,
			tail[0] ? "; its last output:\n" : "", tail);
}

static int poll_ready(struct run_ctx *c, struct instance *in)
{
	struct svc_inst *s = in->svc;
	int e;

	if (s->ready)
		return 1;
	e = ready_poll(s->rdy, &runner_interrupted);
	if (e < 0) {
		run_set_outcome(c->r, OUTCOME_BROK, "%s: cannot check readiness: %s", in->name,
				strerror(-e));
		return e;
	}
	s->ready = e;
	return e;
}

void svc_after_spawn(struct run_ctx *c, struct instance *in)
{
	struct run *r = c->r;

	if (!in->svc || in->svc->ready)
		return;
	for (;;) {
		if (observe_reap(c, in))
			return ended_early(c, in, "before it was ready");
		if (poll_ready(c, in) != 0)
			return;
		if (runner_interrupted)
			return run_set_outcome(r, OUTCOME_BROK,
					       "interrupted by signal %d while %s started",
					       (int)runner_interrupted, in->name);
		if (now_ns() > c->deadline_ns) {
			char tail[600];

			svc_last_lines(in, tail, sizeof(tail));
			return run_set_outcome(r, OUTCOME_BROK,
					       "%s was not ready within the timeout (%" PRIu64
					       " ms)%s%s",
					       in->name, c->p->timeout_ms,
					       tail[0] ? "; its last output:\n" : "", tail);
		}
		usleep(20000);
	}
}

uint64_t svc_bytes(const struct instance *in)
{
	return in->svc ? svc_leaf_usage(in->svc->leaf) : 0;
}

bool svc_ramped(struct run_ctx *c, struct instance *in)
{
	if (poll_ready(c, in) <= 0)
		return false;
	/* the leaf's usage is the whole tree's: parent and children alike
	 * (and its page cache, which a service's reads bring in) */
	return !in->spec->size || svc_bytes(in) >= in->spec->size / 10 * 9;
}

/* A worker's leaf: a service's own (svc_prepare), a pattern worker's
 * groups-run.c's; NULL without a memcg. */
static struct oomlab_cg *worker_leaf(struct run_ctx *c, unsigned i)
{
	const struct instance *in = &c->r->inst[i];

	if (in->svc)
		return in->svc->leaf;
	return i < RUN_MAX_INSTANCES ? c->leaf[i] : NULL;
}

void svc_snapshot(struct run_ctx *c)
{
	struct run *r = c->r;

	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];
		struct oomlab_cg *leaf = worker_leaf(c, i);
		pid_t pids[PTREE_MAX * 2];
		struct ptree *t;
		unsigned n;

		if (!leaf)
			continue;
		n = svc_leaf_pids(leaf, pids, ARRAY_SIZE(pids));
		/* a one-process pattern worker is its own task, as before */
		if (!in->svc && n < 2)
			continue;
		t = in->tree ? in->tree : calloc(1, sizeof(*t));
		if (!t)
			return run_set_outcome(r, OUTCOME_BROK, "out of memory");
		in->tree = t;
		ptree_read("/proc", pids, n, c->page_size, t);
		ptree_order(t, in->pid);
		ptree_children_vm(t);
		/* legacy oom_adj is the profile's, inherited by the whole tree
		 * at fork; only the <= 2.6.35 model reads it */
		for (unsigned j = 0; !in->svc && j < t->n; j++) {
			t->p[j].task.has_oom_adj = in->task.has_oom_adj;
			t->p[j].task.oom_adj = in->task.oom_adj;
		}
		ptree_score(t, r->era, r->totalpages);
		/* every process of the tree is a candidate of its own: the
		 * worker's rank is its first candidate's (a tree's first kill
		 * is its kill_order) */
		if (t->top >= 0) {
			const struct ptree_proc *top = &t->p[t->top];
			bool oom_adj = in->task.has_oom_adj && !in->svc;

			in->task = top->task;
			in->task.has_oom_adj = oom_adj;
			snprintf(in->task.name, sizeof(in->task.name), "%s", in->name);
			in->oom_score_adj = top->oom_score_adj;
			in->proc_oom_score = top->oom_score;
		}
		in->rss_bytes = ptree_rss(t);
		in->nchild = 0;
		for (unsigned j = 0; j < t->n && in->nchild < ARRAY_SIZE(in->child_pids); j++)
			if (t->p[j].pid != in->pid)
				in->child_pids[in->nchild++] = t->p[j].pid;
	}
}

void svc_add_leaf_counters(const struct run *r, struct cg_counters *cnt)
{
	if (r->cg_version != CG_V1)
		return;
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct svc_inst *s = r->inst[i].svc;
		struct cg_counters lc;

		if (s && s->leaf && cg_read_counters(cg_path(s->leaf), CG_V1, &lc) == 0)
			cnt->oom_kill += lc.oom_kill;
	}
}

int svc_owner_by_memcg(const struct run *r, const char *task_memcg)
{
	if (!task_memcg || !*task_memcg)
		return -1;
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct svc_inst *s = r->inst[i].svc;
		const char *leaf = s && s->leaf ? cg_relpath(s->leaf) : NULL;

		if (leaf && observe_cgroup_under(task_memcg, leaf))
			return (int)i;
	}
	return -1;
}

void svc_fates(struct run_ctx *c)
{
	struct run *r = c->r;

	for (unsigned i = 0; i < r->ninst; i++) {
		struct ptree *t = r->inst[i].tree;
		pid_t now[PTREE_MAX * 2];
		unsigned n;

		if (!t)
			continue;
		n = svc_leaf_pids(worker_leaf(c, i), now, ARRAY_SIZE(now));
		for (unsigned j = 0; j < t->n; j++) {
			struct ptree_proc *p = &t->p[j];
			bool there = false;

			for (unsigned k = 0; k < n; k++)
				there |= now[k] == p->pid;
			p->fate = there ? PTREE_ALIVE : PTREE_GONE;
			for (unsigned k = 0; k < r->nkills; k++)
				if (r->kills[k].killed.pid == p->pid) {
					p->fate = PTREE_KILLED;
					p->kill_order = k + 1;
				}
		}
	}
}

void svc_teardown(struct run_ctx *c)
{
	struct run *r = c->r;

	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];
		struct svc_inst *s = in->svc;
		unsigned stubborn;

		if (!s)
			continue;
		if (in->spec->teardown_cmd && in->pid > 0)
			run_cmd(c, in, in->spec->teardown_cmd, "teardown", false);
		stubborn = svc_leaf_stop(&s->leaf, SVC_STOP_GRACE_MS);
		if (stubborn)
			run_note(r, "%s: %u process(es) ignored SIGTERM for %d ms: SIGKILLed",
				 in->name, stubborn, SVC_STOP_GRACE_MS);
		if (s->rdy) {
			ready_done(s->rdy);
			free(s->rdy);
			s->rdy = NULL;
		}
		if (s->out_fd >= 0)
			close(s->out_fd);
		s->out_fd = -1;
		svc_argv_free(s->argv);
		svc_argv_free(s->ready_argv);
		s->argv = s->ready_argv = NULL;
		/* s itself stays: results print the tree */
	}
}

void svc_workdir_done(struct run_ctx *c)
{
	free(c->profiledir);
	c->profiledir = NULL;
	if (!c->workdir)
		return;
	if (svc_workdir_remove(c->workdir) < 0)
		run_note(c->r, "cannot remove the workdir %s", c->workdir);
	free(c->workdir);
	c->workdir = NULL;
}
