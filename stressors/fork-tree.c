// SPDX-License-Identifier: MIT
/*
 * fork-tree: a parent holding --parent-size and --children N children
 * holding the rest of --size split evenly (the last takes the remainder).
 * This is the shape of the old "a parent is charged half its children's
 * memory" claim: since 2.6.36 each process is scored on its own rss.
 *
 * Children are forked before the parent touches anything, so no anon page
 * is shared copy-on-write. They add into the parent's slot (it is
 * MAP_SHARED: the harness's memfd, or the standalone dummy), never set its
 * phase, report "ramped" over a pipe, and die with the parent
 * (PR_SET_PDEATHSIG). Their comm is "<name>.c<i>", the name shortened so
 * the suffix always fits in the kernel's 15 chars and children stay
 * distinguishable in the kill log.
 */
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "util.h"
#include "worker.h"

struct tree {
	const struct worker_opts *o;
	pid_t *pids;
	unsigned n;
	char *p;
	uint64_t len; /* what the parent itself holds */
	uint64_t touched;
};

static int map_and_touch(const struct worker_opts *o, uint64_t len, char **ret_p, uint64_t *touched)
{
	char *p;

	if (!len)
		return 0;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	*ret_p = p;
	return touch_range(o, p, len, touched);
}

static void child_name(const char *name, unsigned i, char buf[static 16])
{
	char suffix[16];
	size_t sl = (size_t)snprintf(suffix, sizeof(suffix), ".c%u", i);
	size_t nl = strnlen(name, 15 - sl);

	memcpy(buf, name, nl);
	memcpy(buf + nl, suffix, sl + 1);
}

static void __attribute__((noreturn))
child_main(const struct worker_opts *po, unsigned i, uint64_t share, pid_t parent, int wfd)
{
	struct worker_opts o = *po;
	uint64_t touched = 0;
	char name[16], *p = NULL;
	unsigned char status = 0;
	int r;

	/* parent gone between fork and prctl: PDEATHSIG would never fire */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != parent)
		_exit(1);
	child_name(po->name, i, name);
	prctl(PR_SET_NAME, name);
	o.name = name;
	o.quiet = true;
	o.size = share;
	r = map_and_touch(&o, share, &p, &touched);
	if (r == -EINTR)
		_exit(0);
	if (r < 0)
		status = (unsigned char)(-r > 255 ? EIO : -r);
	if (write(wfd, &status, 1) != 1)
		_exit(1);
	close(wfd);
	if (status)
		_exit(3);
	while (!worker_stopped(o.slot)) {
		const struct timespec nap = { 0, 10000000 };

		nanosleep(&nap, NULL);
	}
	_exit(0);
}

/* Wait for every child's status byte (or its death); 0, -EINTR, -errno. */
static int wait_children(struct tree *t, int rfd)
{
	unsigned got = 0;

	while (got < t->n) {
		struct pollfd pfd = { .fd = rfd, .events = POLLIN };
		unsigned char st;
		ssize_t n;

		if (worker_stopped(t->o->slot))
			return -EINTR;
		if (poll(&pfd, 1, 10) <= 0)
			continue;
		n = read(rfd, &st, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) /* EOF: the rest died before ramping (OOM-killed?) */
			return 0;
		if (st) {
			slot_fail(t->o->slot, st);
			return -st;
		}
		got++;
	}
	return 0;
}

static void reap(struct tree *t)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->pids[i] > 0)
			kill(t->pids[i], SIGTERM);
	for (unsigned i = 0; i < t->n; i++)
		if (t->pids[i] > 0)
			while (waitpid(t->pids[i], NULL, 0) < 0 && errno == EINTR)
				;
}

static void retouch(void *arg)
{
	struct tree *t = arg;

	if (!t->p)
		return;
	madvise(t->p, t->len, MADV_DONTNEED);
	slot_add_bytes(t->o->slot, -(int64_t)t->touched);
	t->touched = 0;
	touch_range(t->o, t->p, t->len, &t->touched);
}

static int fork_tree_run(const struct worker_opts *o)
{
	struct tree t = { .o = o };
	_cleanup_free_ pid_t *pids = NULL;
	_cleanup_close_ int rfd = -1, wfd = -1;
	uint64_t rest, share;
	pid_t self = getpid();
	int fds[2], r;

	pids = calloc(o->children + 1, sizeof(*pids));
	if (!pids)
		return -ENOMEM;
	t.pids = pids;
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	rfd = fds[0];
	wfd = fds[1];
	rest = o->size - o->parent_size;
	share = o->children ? rest / o->children : 0;
	slot_set_phase(o->slot, SB_PHASE_RAMPING);
	fflush(NULL);
	for (unsigned i = 0; i < o->children; i++) {
		pid_t pid = fork();

		if (pid < 0) {
			r = -errno;
			goto out;
		}
		if (pid == 0) {
			close(rfd);
			child_main(o, i, i + 1 == o->children ? rest - share * i : share, self,
				   wfd);
		}
		pids[i] = pid;
		t.n++;
	}
	/* our copy closed, EOF on rfd means every child is done or dead */
	close(TAKE_FD(wfd));

	/* without children the parent holds everything */
	t.len = o->children ? o->parent_size : o->size;
	r = map_and_touch(o, t.len, &t.p, &t.touched);
	if (r < 0 && r != -EINTR)
		slot_fail(o->slot, r);
	if (r < 0)
		goto out;
	r = wait_children(&t, rfd);
	if (r < 0)
		goto out;
	r = hold_phase(o, retouch, &t);
out:
	reap(&t);
	return r;
}

/* name, options and flags: its line in stressors/patterns.c */
const struct pattern pattern_fork_tree = {
	.run = fork_tree_run,
};
