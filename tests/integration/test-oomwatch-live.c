// SPDX-License-Identifier: MIT
/*
 * oomwatch on the real kernel: a child joins the memcg given (32M) and
 * runs an oomlab-worker of 64M there; the memcg's OOM notification must
 * fire (v1 eventfd, v2 memory.events), nothing before, and it must come
 * no later than the kill is seen by waitpid. Run by t-oomwatch.sh.
 *
 *   oomwatch-live WORKER MEMCG_DIR      exit 0 ok, 1 failed
 */
#include <poll.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "oomwatch.h"
#include "util.h"

static int check(bool ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	char procs[512], pidbuf[16], path[512];
	struct oomwatch *w = NULL;
	uint64_t n = 0, t_event = 0, t_dead = 0, deadline;
	int go[2], st = 0, fails = 0, r;
	struct stat sb;
	bool v2, dead = false;
	pid_t child;

	if (argc != 3) {
		fprintf(stderr, "usage: oomwatch-live WORKER MEMCG_DIR\n");
		return 2;
	}
	snprintf(path, sizeof(path), "%s/memory.events", argv[2]);
	v2 = stat(path, &sb) == 0;
	r = oomwatch_open(argv[2], v2, &w);
	if (r < 0)
		return log_err(r, "oomwatch_open %s (%s)", argv[2], v2 ? "v2" : "v1"), 1;
	fails += check(oomwatch_check(w, &n) == 0 && n == 0, "no OOM before the worker");
	if (pipe(go) < 0)
		return log_err(-errno, "pipe"), 1;
	child = fork();
	if (child < 0)
		return log_err(-errno, "fork"), 1;
	if (child == 0) {
		char c;

		close(go[1]);
		if (read(go[0], &c, 1) != 1)
			_exit(1);
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", argv[2]);
		snprintf(pidbuf, sizeof(pidbuf), "%d", (int)getpid());
		if (write_file_str(procs, pidbuf) < 0)
			_exit(1);
		execl(argv[1], argv[1], "-p", "mmap", "-s", "64M", "-n", "oomwatch-anon", "-q",
		      (char *)NULL);
		_exit(127);
	}
	close(go[0]);
	if (write(go[1], "g", 1) != 1)
		return log_err(-errno, "go"), 1;
	close(go[1]);
	deadline = now_ns() + 20000000000ULL;
	while ((!t_event || !dead) && now_ns() < deadline) {
		struct pollfd pfd = { .fd = oomwatch_fd(w), .events = oomwatch_events(w) };

		if (poll(&pfd, 1, 10) > 0 && !t_event) {
			uint64_t k = 0;

			if (oomwatch_check(w, &k) == 0 && k > 0) {
				t_event = now_ns();
				n += k;
			}
		}
		if (!dead && waitpid(child, &st, WNOHANG) == child) {
			dead = true;
			t_dead = now_ns();
		}
	}
	if (!dead) {
		kill(child, SIGKILL);
		waitpid(child, &st, 0);
	}
	fails += check(dead && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		       "the worker was OOM-killed");
	fails += check(t_event > 0 && n >= 1, "the OOM notification fired");
	if (t_event && t_dead)
		printf("  notification %+.3f ms from the reap (%s)\n",
		       ((double)t_event - (double)t_dead) / 1e6,
		       v2 ? "v2 memory.events" : "v1 eventfd");
	/* polled every 10 ms: the event may be seen a poll after the reap */
	fails += check(t_event && t_event <= t_dead + 20000000ULL,
		       "notified no later than the reap (+ a poll)");
	oomwatch_close(w);
	return fails ? 1 : 0;
}
