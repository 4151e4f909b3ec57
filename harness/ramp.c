// SPDX-License-Identifier: MIT
/* ramp: scoreboard, spawn, and wait until every worker holds its size. */
#include <inttypes.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "bench-run.h"
#include "procfs.h"
#include "ramp.h"
#include "groups.h"
#include "run-ctx.h"
#include "svc-stage.h"
#include "util.h"
#include "worker-spawn.h"

/* how late an interrupt or the deadline is noticed, and how stale the
 * latency phase may get while a start_delay waits (the workers already
 * running keep faulting: bench_run_poll each slice) */
#define SLEEP_SLICE_MS 5

int ramp_scoreboard_create(struct run_ctx *c, unsigned nslots)
{
	struct sb_header *h;
	uint64_t size = sb_map_size(nslots);
	int fd;

	fd = memfd_create("oomlab-scoreboard", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	c->sb = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c->sb == MAP_FAILED) {
		int e = errno;

		c->sb = NULL;
		close(fd);
		return -e;
	}
	memset(c->sb, 0, size);
	h = c->sb;
	h->magic = SB_MAGIC;
	h->version = SB_VERSION;
	h->nslots = nslots;
	c->sb_fd = fd;
	c->nslots = nslots;
	return 0;
}

int ramp_sleep(struct run_ctx *c, uint64_t ms)
{
	uint64_t until = now_ns() + ms * 1000000ULL;

	for (;;) {
		uint64_t now = now_ns(), left;
		struct timespec ts;

		if (runner_interrupted)
			return -EINTR;
		if (now >= until)
			return 0;
		if (now >= c->deadline_ns)
			return -ETIMEDOUT;
		left = until - now;
		if (left > SLEEP_SLICE_MS * 1000000ULL)
			left = SLEEP_SLICE_MS * 1000000ULL;
		ts = (struct timespec){ .tv_sec = (time_t)(left / 1000000000ULL),
					.tv_nsec = (long)(left % 1000000000ULL) };
		nanosleep(&ts, NULL); /* EINTR: the loop looks at the flag */
		bench_run_poll(c);
	}
}

/* fds the harness holds besides two per worker (its pidfd, and for
 * `oomlab bench` the timeline's fd on its leaf's usage): pressure, kmsg,
 * oomwatch, the error pipe of a spawn, services' memfds and pipes, stdio */
#define SPARE_FDS 64

void ramp_spawn_all(struct run_ctx *c)
{
	struct run *r = c->r;
	uint64_t nofile_soft = 0, hard = 0;
	int e0 = spawn_fd_room(2 * r->ninst, SPARE_FDS, &nofile_soft, &hard);

	/* a pidfd per worker (512 with count = 512): the default soft limit
	 * of 1024 is near, and the hard limit may be lower */
	if (e0 == -EMFILE)
		return run_set_outcome(r, OUTCOME_BROK,
				       "%u workers need %u file descriptors (two each), "
				       "RLIMIT_NOFILE's hard limit is %" PRIu64,
				       r->ninst, 2 * r->ninst + SPARE_FDS, hard);

	for (unsigned i = 0; i < r->ninst && !run_stopped(r); i++) {
		struct instance *in = &r->inst[i];
		char **argv, err[400];
		struct spawn_req req = {
			.name = in->name,
			.spec = in->spec,
			.cg = instance_cgroup(c, i),
			.sb_fd = in->spec->argv ? -1 : c->sb_fd,
			.slot = in->slot,
			.quiet = !c->o->verbose,
			.deadline_ns = c->deadline_ns,
			.interrupted = &runner_interrupted,
			.nofile_soft = nofile_soft,
		};
		enum spawn_fail fail;
		int e;

		if (runner_interrupted)
			return run_set_outcome(r, OUTCOME_BROK,
					       "interrupted by signal %d while "
					       "starting the workers",
					       (int)runner_interrupted);
		/* start_delay is bounded by the timeout and ends at an interrupt
		 * (issue 7, defect 3: 2 x 8 s with timeout = 3s took 16 s). */
		if (in->spec->start_delay_ms) {
			e = ramp_sleep(c, in->spec->start_delay_ms);
			if (e == -EINTR)
				return run_set_outcome(r, OUTCOME_BROK,
						       "interrupted by signal %d "
						       "while starting the workers",
						       (int)runner_interrupted);
			if (e == -ETIMEDOUT)
				return run_set_outcome(r, OUTCOME_BROK,
						       "timeout (%" PRIu64 " ms) "
						       "while %s waited for its start_delay: %u of "
						       "%u workers started",
						       c->p->timeout_ms, in->name, i, r->ninst);
		}
		argv = worker_argv(c->wpath, in->spec, in->name);
		if (!argv)
			return run_set_outcome(r, OUTCOME_BROK, "out of memory");
		req.argv = argv;
		if (svc_before_spawn(c, in, &req) < 0) {
			argv_free(argv);
			return;
		}
		e = spawn_instance(&req, &in->pid, &in->pidfd, &fail, err, sizeof(err));
		argv_free(argv);
		if (e < 0)
			return run_set_outcome(
				r, fail == SPAWN_REFUSED ? OUTCOME_SKIP : OUTCOME_BROK, "%s", err);
		log_debug("spawned %s pid %d", in->name, (int)in->pid);
		svc_after_spawn(c, in);
	}
}

static bool ramped(struct run_ctx *c, struct instance *in)
{
	if (in->svc)
		return svc_ramped(c, in);
	if (in->skip_ramp_wait)
		return true;
	if (!in->spec->argv) {
		uint32_t ph = __atomic_load_n(&run_slot(c, in->slot)->phase, __ATOMIC_ACQUIRE);

		return ph == SB_PHASE_HOLDING || ph == SB_PHASE_DONE || ph == SB_PHASE_FREEING;
	}
	/* A command worker says nothing: wait until its RSS reaches 90% of
	 * the size the profile gives it. */
	{
		struct proc_snapshot s;

		if (proc_snapshot("/proc", in->pid, &s) < 0)
			return false;
		return s.rss_bytes >= in->spec->size / 10 * 9;
	}
}

/* What an instance holds now: its scoreboard slot, or RSS for a command. */
static uint64_t instance_bytes(struct run_ctx *c, const struct instance *in)
{
	struct proc_snapshot s;

	if (in->svc)
		return svc_bytes(in);
	if (!in->spec->argv)
		return __atomic_load_n(&run_slot(c, in->slot)->bytes_touched, __ATOMIC_RELAXED);
	return proc_snapshot("/proc", in->pid, &s) == 0 ? s.rss_bytes : 0;
}

static void report(struct run_ctx *c, enum run_event ev)
{
	uint64_t touched[RUN_MAX_INSTANCES];
	struct run *r = c->r;

	for (unsigned i = 0; i < r->ninst; i++)
		touched[i] = instance_bytes(c, &r->inst[i]);
	c->o->on_event(r, ev, 0, touched, c->o->arg);
}

void ramp(struct run_ctx *c)
{
	struct run *r = c->r;
	uint64_t t0 = now_ns(), last_report = 0;

	for (;;) {
		unsigned ready = 0;
		bool exited;

		if (runner_interrupted)
			return run_set_outcome(r, OUTCOME_BROK,
					       "interrupted by signal %d during "
					       "ramp-up",
					       (int)runner_interrupted);
		observe_kmsg_drain(c);
		if (run_stopped(r))
			return;
		bench_run_poll(c);
		exited = observe_any_exited();
		for (unsigned i = 0; i < r->ninst; i++) {
			struct instance *in = &r->inst[i];
			char why[700];
			struct sb_slot *s = run_slot(c, in->slot);

			/*
			 * A worker that cannot allocate says so in its slot and
			 * exits 3 at once: read the slot after reaping, or a fast
			 * exit reads as "ended during ramp-up" (claim 12 BROKEN
			 * under SAN=1, where this loop runs slower).
			 */
			if ((exited || in->died) && observe_reap(c, in) &&
			    (in->spec->argv || __atomic_load_n(&s->phase, __ATOMIC_ACQUIRE) !=
						       SB_PHASE_ALLOC_FAILED)) {
				if (in->killed)
					return run_set_outcome(
						r, OUTCOME_BROK,
						"%s was OOM-killed "
						"during ramp-up, before the trigger: "
						"the workers do not fit %s",
						in->name,
						c->p->has_memory_limit ? "memory_limit"
								       : "the machine's memory");
				return run_set_outcome(
					r, OUTCOME_BROK,
					"%s ended during ramp-up "
					"(%s %d)%s",
					in->name,
					in->exit_code == CLD_EXITED ? "exit status" : "signal",
					in->exit_status, svc_ramp_why(in, why, sizeof(why)));
			}
			if (!in->spec->argv &&
			    __atomic_load_n(&s->phase, __ATOMIC_ACQUIRE) == SB_PHASE_ALLOC_FAILED) {
				if (c->p->run_expect == RUN_EXPECT_ALLOC_FAIL) {
					r->alloc_failed = true;
					run_note(r,
						 "%s: allocation failed at %" PRIu64 " bytes: %s",
						 in->name, s->bytes_touched, strerror(s->err));
					return;
				}
				return run_set_outcome(r, OUTCOME_BROK,
						       "%s could not allocate (%s) "
						       "at %" PRIu64 " of %" PRIu64 " bytes%s",
						       in->name, strerror(s->err), s->bytes_touched,
						       s->target_bytes,
						       svc_ramp_why(in, why, sizeof(why)));
			}
			ready += ramped(c, in);
		}
		if (c->o->on_event && now_ns() - last_report > 100000000ULL) {
			report(c, RUN_EV_RAMP);
			last_report = now_ns();
		}
		if (ready == r->ninst)
			break;
		if (now_ns() > c->deadline_ns)
			return run_set_outcome(r, OUTCOME_BROK,
					       "workers did not reach their sizes "
					       "within timeout (%u of %u ready)",
					       ready, r->ninst);
		usleep(2000);
	}
	r->ramp_ms = (double)(now_ns() - t0) / 1e6;
	if (c->o->on_event)
		report(c, RUN_EV_RAMPED);
}
