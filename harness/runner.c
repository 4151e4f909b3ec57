// SPDX-License-Identifier: MIT
/*
 * runner: one profile, one run. Only the order of the stages and the single
 * cleanup path live here; each stage is a file of its own with its
 * contract in include/ (preflight.h, plan.h, sysctls.h, ramp.h,
 * snapshot.h, trigger.h, observe.h, teardown.h). A stage either advances
 * or sets a BROK/SKIP outcome with a reason; the first one stops the run,
 * and every path after the first thing started goes through teardown().
 */
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>
#include <sys/utsname.h>

#include "bench-run.h"
#include "cgroup.h"
#include "groups.h"
#include "kmsg.h"
#include "plan.h"
#include "preflight.h"
#include "ramp.h"
#include "run-ctx.h"
#include "runner.h"
#include "snapshot.h"
#include "svc-stage.h"
#include "sysctls.h"
#include "teardown.h"
#include "trigger.h"
#include "util.h"
#include "verdict.h"
#include "worker-spawn.h"

volatile sig_atomic_t runner_interrupted;

void run_set_outcome(struct run *r, enum outcome o, const char *fmt, ...)
{
	va_list ap;

	/* The first BROK/SKIP reason is the one that matters. */
	if (run_stopped(r))
		return;
	r->outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

bool run_stopped(const struct run *r)
{
	return r->outcome == OUTCOME_BROK || r->outcome == OUTCOME_SKIP;
}

static void kernel_release(struct run *r)
{
	struct utsname u;

	if (uname(&u) == 0)
		snprintf(r->kernel, sizeof(r->kernel), "%s", u.release);
}

static void cgroup_tag(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t i;

	b = b ? b + 1 : path;
	for (i = 0; i + 1 < len && b[i] && b[i] != '.' && i < 24; i++)
		buf[i] = (b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' && b[i] <= '9') ||
					 (b[i] >= 'A' && b[i] <= 'Z') || b[i] == '-'
				 ? b[i]
				 : '_';
	buf[i] = 0;
}

/* The run's memcg, for the triggers that need one. */
static void cgroup_setup(struct run_ctx *c)
{
	const struct profile *p = c->p;
	struct run *r = c->r;
	char tag[32];
	int e;

	if (!trigger_of(p)->needs_memcg)
		return;
	cg_cleanup_stale();
	cgroup_tag(p->path, tag, sizeof(tag));
	e = cg_create(tag, p->memory_limit, p->oom_group, p->has_swap ? p->swap : CG_SWAP_DEFAULT,
		      &c->cg);
	if (e < 0)
		return run_set_outcome(r, OUTCOME_BROK,
				       "cannot create the run's memory "
				       "cgroup: %s",
				       strerror(-e));
	snprintf(r->cgroup, sizeof(r->cgroup), "%s", cg_relpath(c->cg));
	c->limit_now = p->memory_limit;
	c->att.confined = true;
}

int run_profile(const struct profile *p, const struct run_opts *o, struct run *r)
{
	long page = sysconf(_SC_PAGESIZE);
	struct run_ctx c = {
		.r = r,
		.p = p,
		.o = o,
		.sb_fd = -1,
		.pressure_pidfd = -1,
		.page_size = page > 0 ? (uint64_t)page : 4096,
	};
	uint64_t t_setup = 0, t_spawn, t_snap;
	int e;

	r->profile = p;
	r->outcome = OUTCOME_PASS;
	r->in_vm = o->in_vm;
	c.t_start_ns = now_ns();
	r->t_stage_ns[RUN_T_START] = c.t_start_ns;
	kernel_release(r);
	r->era = o->era != OOM_ERA_AUTO ? o->era : oom_era_from_release(r->kernel);
	r->era_forced = o->era != OOM_ERA_AUTO;
	c.deadline_ns = c.t_start_ns + p->timeout_ms * 1000000ULL;
	snprintf(c.att.token, sizeof(c.att.token), "run-%d-%" PRIu64, (int)getpid(),
		 c.t_start_ns % 1000000);

	preflight(&c);
	bench_run_check(&c); /* a bench that cannot reach reclaim: BROK, nothing started */
	if (run_stopped(r))
		goto verdict;
	e = plan_build(p, r, &c.kills_wanted);
	if (e < 0) {
		run_set_outcome(r, OUTCOME_BROK, "more than %d instances", RUN_MAX_INSTANCES);
		goto verdict;
	}
	e = worker_path(&c.wpath);
	if (e < 0) {
		run_set_outcome(r, OUTCOME_BROK, "cannot find oomlab-worker next to oomlab: %s",
				strerror(-e));
		goto verdict;
	}
	sysctls_apply(&c);
	if (run_stopped(r))
		goto out;
	cgroup_setup(&c);
	if (run_stopped(r))
		goto out;
	t_setup = now_ns();
	groups_setup(&c);
	if (run_stopped(r))
		goto out;
	svc_prepare(&c);
	if (run_stopped(r))
		goto out;
	c.pressure_slot = r->ninst;
	e = ramp_scoreboard_create(&c, r->ninst + 1);
	if (e < 0) {
		run_set_outcome(r, OUTCOME_BROK, "cannot create the scoreboard: %s", strerror(-e));
		goto out;
	}
	bench_run_start(&c);
	e = kmsg_open("/dev/kmsg", true, &c.km);
	if (e < 0)
		run_note(r,
			 "cannot read /dev/kmsg (%s): the kill order comes from waitid "
			 "only, without the kernel's own record",
			 strerror(-e));
	r->t_stage_ns[RUN_T_SETUP] = now_ns();

	t_spawn = now_ns();
	ramp_spawn_all(&c);
	r->t_stage_ns[RUN_T_SPAWN] = now_ns();
	if (run_stopped(r))
		goto out;
	r->spawn_ms = (double)(now_ns() - t_spawn) / 1e6;
	ramp(&c);
	r->t_stage_ns[RUN_T_RAMP] = now_ns();
	bench_run_ramped(&c);
	if (run_stopped(r) || r->alloc_failed)
		goto out;
	t_snap = now_ns();
	snapshot(&c);
	r->t_stage_ns[RUN_T_SNAPSHOT] = now_ns();
	if (run_stopped(r))
		goto out;
	/* the many-workers benchmark's figure: leaves, spawn, ramp, ranking */
	r->snapshot_ms = (double)(now_ns() - t_snap) / 1e6;
	r->ranked_ms = (double)(now_ns() - t_setup) / 1e6;
	trigger(&c);
	r->t_stage_ns[RUN_T_TRIGGER] = now_ns();
	if (run_stopped(r))
		goto out;
	observe(&c);
	r->t_stage_ns[RUN_T_OBSERVE] = now_ns();
out:
	bench_run_finish(&c);
	teardown(&c);
	r->t_stage_ns[RUN_T_TEARDOWN] = now_ns();
verdict:
	r->t_end_ns = now_ns();
	r->wall_ms = (double)(r->t_end_ns - c.t_start_ns) / 1e6;
	verdict_decide(r);
	return 0;
}
