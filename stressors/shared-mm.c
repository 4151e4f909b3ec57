// SPDX-License-Identifier: MIT
/*
 * shared-mm: a process holding --size and --children N processes that
 * share its mm: clone(CLONE_VM) without CLONE_THREAD, so they are separate
 * thread groups (own PIDs, own comm "<name>.m<i>") on one address space.
 * This is the shape of the claim "processes sharing the victim's mm die
 * with it": since 2.6.x the OOM killer SIGKILLs every user process that
 * shares the victim's mm (__oom_kill_process), since killing one alone
 * would free nothing. Each sharer shows the same rss, so any of them can be
 * chosen; all must die.
 *
 * The sharers run on their own small stacks and only sleep: they share
 * the parent's TLS and errno, so they call nothing but raw-enough libc
 * (prctl, nanosleep) and never return.
 */
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "util.h"
#include "worker.h"

#define SHARER_STACK (64 * 1024)
#define MAX_SHARERS 16

struct sharer_arg {
	char name[16];
	pid_t parent;
};

static int sharer_main(void *p)
{
	struct sharer_arg *a = p;
	const struct timespec nap = { 1, 0 };

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != a->parent)
		_exit(1);
	prctl(PR_SET_NAME, a->name, 0, 0, 0);
	for (;;)
		nanosleep(&nap, NULL);
	return 0;
}

static int shared_mm_run(const struct worker_opts *o)
{
	static struct sharer_arg args[MAX_SHARERS];
	pid_t pids[MAX_SHARERS] = { 0 };
	unsigned n = o->children ? o->children : 1;
	uint64_t touched = 0;
	char *p, *stacks;
	int r;

	if (n > MAX_SHARERS)
		return -EINVAL;
	slot_set_phase(o->slot, SB_PHASE_RAMPING);
	p = mmap(NULL, o->size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		r = -errno;
		slot_fail(o->slot, -r);
		return r;
	}
	r = touch_range(o, p, o->size, &touched);
	if (r < 0) {
		if (r != -EINTR)
			slot_fail(o->slot, -r);
		return r == -EINTR ? 0 : r;
	}
	/* The memory is touched before the sharers exist: they add nothing
	 * of their own, they only hold the same mm. */
	stacks = mmap(NULL, SHARER_STACK * n, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
	if (stacks == MAP_FAILED) {
		r = -errno;
		slot_fail(o->slot, -r);
		return r;
	}
	for (unsigned i = 0; i < n; i++) {
		char suffix[8];
		size_t sl = (size_t)snprintf(suffix, sizeof(suffix), ".m%u", i);
		size_t nl = strnlen(o->name, 15 - sl);

		memcpy(args[i].name, o->name, nl);
		memcpy(args[i].name + nl, suffix, sl + 1);
		args[i].parent = getpid();
		pids[i] = clone(sharer_main, stacks + SHARER_STACK * (i + 1), CLONE_VM | SIGCHLD,
				&args[i]);
		if (pids[i] < 0) {
			r = -errno;
			slot_fail(o->slot, -r);
			goto out;
		}
	}
	r = hold_phase(o, NULL, NULL);
out:
	for (unsigned i = 0; i < n; i++)
		if (pids[i] > 0) {
			kill(pids[i], SIGKILL);
			waitpid(pids[i], NULL, __WALL);
		}
	return r;
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_shared_mm = {
	.run = shared_mm_run,
};
