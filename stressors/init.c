// SPDX-License-Identifier: MIT
/*
 * init: hold --size, run the command after "--" as a child, and reap every
 * orphan forever, as an init must. oomlab's VM guest execs into this as
 * PID 1 (vm/init.sh) for a profile with init_hog, so that the global init
 * is the biggest task in the guest: the claim "PID 1 is never chosen" is
 * then a real test of is_global_init() in the OOM killer, not a truism.
 *
 * It never returns while it is PID 1 (the kernel panics when init exits);
 * the command ends the guest itself (reboot -f).
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "util.h"
#include "worker.h"

static int init_run(const struct worker_opts *o)
{
	uint64_t touched = 0;
	pid_t child;
	char *p;
	int r;

	if (!o->argv || !o->argv[0])
		return -EINVAL;
	slot_set_phase(o->slot, SB_PHASE_RAMPING);
	p = mmap(NULL, o->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		slot_fail(o->slot, r);
		return r;
	}
	r = touch_range(o, p, o->size, &touched);
	if (r < 0)
		return r;
	slot_set_phase(o->slot, SB_PHASE_HOLDING);
	child = fork();
	if (child < 0)
		return -errno;
	if (child == 0) {
		execv(o->argv[0], o->argv);
		_exit(127);
	}
	for (;;) {
		pid_t w = waitpid(-1, NULL, 0);

		if (w < 0 && errno == ECHILD) {
			if (getpid() != 1)
				return 0; /* standalone: the command is done */
			pause();
		}
	}
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_init = {
	.run = init_run,
};
