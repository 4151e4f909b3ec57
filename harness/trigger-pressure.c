// SPDX-License-Identifier: MIT
/*
 * trigger = pressure (default) and global: an oomlab-worker --pattern
 * pressure fills the run's memcg (or, global, the whole VM) with memfd
 * pages it never maps, pausing after each kill until the harness says go.
 */
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "groups.h"
#include "pattern.h"
#include "procfs.h"
#include "run-ctx.h"
#include "trigger.h"
#include "util.h"
#include "worker-spawn.h"

#define PRESSURE_CHUNK "1M"
#define NOTIFY_MIN_COUNTERS 16 /* below, a scan per step is cheap */

int trigger_pressure_spawn(struct run_ctx *c, const char *counter)
{
	const char *files[PATTERN_MAX_OOM_COUNTERS];
	char *argv[8 + 2 * PATTERN_MAX_OOM_COUNTERS + 2 + 1] = {
		c->wpath,	   "--pattern", "pressure",	"--name",
		"oomlab-pressure", "--chunk",	PRESSURE_CHUNK,
	};
	unsigned na = 7, nf = 0;
	struct spawn_req req = {
		.name = "oomlab-pressure",
		.cg = groups_pressure_cg(c),
		.argv = argv,
		.sb_fd = c->sb_fd,
		.slot = c->pressure_slot,
		.quiet = !c->o->verbose,
		.deadline_ns = c->deadline_ns,
		.interrupted = &runner_interrupted,
	};
	enum spawn_fail fail;
	char err[400];
	int e;

	if (counter)
		files[nf++] = counter;
	else
		nf = groups_pressure_counters(c, files, ARRAY_SIZE(files));
	for (unsigned i = 0; i < nf; i++) {
		argv[na++] = "--oom-counter";
		argv[na++] = (char *)files[i];
	}
	/* v1 with many leaves (count = 512): the counters after an OOM
	 * notification of the pressure's own memcg, not after every 1 MiB */
	if (!counter && nf > NOTIFY_MIN_COUNTERS && cg_version(c->cg) == CG_V1) {
		argv[na++] = "--oom-notify";
		argv[na++] = (char *)cg_path(groups_pressure_cg(c));
	}
	argv[na] = NULL;
	/*
	 * The pressure process must be the last candidate the kernel picks:
	 * its memfd pages are not in its RSS, so its badness is tiny; where we
	 * may (a VM, CAP_SYS_RESOURCE) we also give it -999 — still killable,
	 * so the memcg never holds only unkillable tasks.
	 */
	if (proc_can_lower_adj()) {
		req.set_adj = true;
		req.adj = -999;
	}
	e = spawn_instance(&req, &c->pressure_pid, &c->pressure_pidfd, &fail, err, sizeof(err));
	if (e < 0) {
		run_set_outcome(c->r, OUTCOME_BROK, "cannot start the pressure process: %s", err);
		return e;
	}
	c->att.helper_pid = c->pressure_pid;
	return 0;
}

static int pressure_start(struct run_ctx *c)
{
	return trigger_pressure_spawn(c, NULL);
}

/* The whole VM runs out: the pressure process counts global kills. */
static int global_start(struct run_ctx *c)
{
	return trigger_pressure_spawn(c, "/proc/vmstat");
}

/* The pressure process paused after a kill; once the victims it saw have
 * died, let it go on. Spent when it was killed itself. */
int trigger_pressure_next(struct run_ctx *c, unsigned victims)
{
	struct run *r = c->r;
	siginfo_t si = { 0 };
	uint32_t ph;

	if (c->pressure_pid <= 0)
		return 1;
	if (waitid(P_PIDFD, (id_t)c->pressure_pidfd, &si, WEXITED | WNOHANG) == 0 && si.si_pid) {
		close(c->pressure_pidfd);
		c->pressure_pidfd = -1;
		c->pressure_pid = 0;
		run_note(r, "the pressure process itself was killed: no candidate the "
			    "kernel preferred was left");
		return 1;
	}
	ph = __atomic_load_n(&run_slot(c, c->pressure_slot)->phase, __ATOMIC_ACQUIRE);
	if (ph == SB_PHASE_PAUSED && now_ns() - c->last_go_ns > 2000000ULL) {
		bool pending = false;

		/*
		 * The 500 ms fallback counts from the pause, not from the last
		 * go: counted from 0 (no go yet) it let the first pause go on at
		 * once while its victim still held its memory, and in a TCG guest
		 * the next OOM killed a second task the run did not want.
		 */
		if (!c->paused_ns)
			c->paused_ns = now_ns();
		for (unsigned i = 0; i < r->ninst; i++)
			if (r->inst[i].killed && !r->inst[i].died)
				pending = true;
		/*
		 * It paused on the counter, maybe before the kernel's record of
		 * the kill reached us: until as many victims died as it saw
		 * kills, the kill is still pending (measured in a TCG guest: a
		 * go given before the kill was read let a second OOM happen).
		 */
		if (victims < __atomic_load_n(&run_slot(c, c->pressure_slot)->oom_kills_seen,
					      __ATOMIC_ACQUIRE))
			pending = true;
		if (!pending || now_ns() - c->paused_ns > 500000000ULL) {
			c->paused_ns = 0;
			c->go_gen++;
			__atomic_store_n(&run_slot(c, c->pressure_slot)->go_gen, c->go_gen,
					 __ATOMIC_RELEASE);
			c->last_go_ns = now_ns();
		}
	}
	return 0;
}

void trigger_pressure_stop(struct run_ctx *c)
{
	if (c->pressure_pid <= 0)
		return;
	__atomic_store_n(&run_slot(c, c->pressure_slot)->stop, 1, __ATOMIC_RELEASE);
	kill(c->pressure_pid, SIGKILL);
	if (c->pressure_pidfd >= 0) {
		siginfo_t si;

		waitid(P_PIDFD, (id_t)c->pressure_pidfd, &si, WEXITED);
		close(c->pressure_pidfd);
	}
	c->pressure_pid = 0;
	c->pressure_pidfd = -1;
}

const struct trigger trigger_pressure = {
	.name = "pressure",
	.help = "a pressure process fills the run's memcg with unmapped memfd pages",
	.needs_memcg = true,
	.start = pressure_start,
	.next = trigger_pressure_next,
	.stop = trigger_pressure_stop,
};

const struct trigger trigger_global = {
	.name = "global",
	.help = "no memcg: the pressure process fills the whole (VM) machine",
	.needs_vm = true,
	.start = global_start,
	.next = trigger_pressure_next,
	.stop = trigger_pressure_stop,
};
