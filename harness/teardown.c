// SPDX-License-Identifier: MIT
/* teardown: kill what we started, by PID; remove what we created. */
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "groups.h"
#include "run-ctx.h"
#include "svc-stage.h"
#include "sysctls.h"
#include "teardown.h"
#include "trigger.h"
#include "util.h"

void teardown(struct run_ctx *c)
{
	struct run *r = c->r;

	trigger_stop(c);
	/* Whatever trigger ran: a pressure process never outlives the run
	 * (idempotent, a no-op without one). */
	trigger_pressure_stop(c);
	/* services: their fates first, then SIGTERM, grace, SIGKILL of each
	 * leaf, before the instances' own pidfds are reaped below */
	svc_fates(c);
	svc_teardown(c);
	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];
		siginfo_t si;

		if (in->pidfd < 0)
			continue;
		/* pidfd_send_signal cannot hit a recycled PID. */
		if (syscall(SYS_pidfd_send_signal, in->pidfd, SIGKILL, NULL, 0) < 0)
			kill(in->pid, SIGKILL);
		waitid(P_PIDFD, (id_t)in->pidfd, &si, WEXITED);
		close(in->pidfd);
		in->pidfd = -1;
	}
	cg_destroy(c->cg);
	c->cg = NULL;
	svc_workdir_done(c);
	groups_teardown(c);
	if (c->sb) {
		munmap(c->sb, sb_map_size(c->nslots));
		c->sb = NULL;
	}
	if (c->sb_fd >= 0)
		close(c->sb_fd);
	c->sb_fd = -1;
	kmsg_close(c->km);
	c->km = NULL;
	attrib_free(&c->att);
	sysctls_restore(c);
	free(c->wpath);
	c->wpath = NULL;
}
