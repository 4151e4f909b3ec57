// SPDX-License-Identifier: MIT
/*
 * fault-bench: first-touch rate, in pages/s, for bench/fault-ratio.sh.
 *
 *   fault-bench raw SIZE                  mmap + write one byte per page
 *   fault-bench worker SIZE WORKER ARGS.. run oomlab-worker with a real
 *                                         scoreboard, rate from its slot
 *   fault-bench worker-cpu SIZE WORKER .. the same, and first the rate over
 *                                         the worker's own CPU time up to
 *                                         HOLDING (/proc/PID/schedstat): the
 *                                         time it waited for a CPU others
 *                                         held is left out
 *
 * Prints one number (pages/s) on stdout (worker-cpu: two, CPU then wall).
 * Run it inside a memcg.
 */
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "scoreboard.h"
#include "util.h"

static int raw(uint64_t size)
{
	volatile char *p;
	uint64_t t0, t1;

	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		log_err(-errno, "mmap %llu", (unsigned long long)size);
		return 1;
	}
	t0 = now_ns();
	for (uint64_t off = 0; off < size; off += 4096)
		p[off] = 1;
	t1 = now_ns();
	printf("%.0f\n", (double)(size / 4096) * 1e9 / (double)(t1 - t0));
	return 0;
}

/* Nanoseconds pid has run on a CPU (sum_exec_runtime), 0 if unknown. */
static uint64_t cpu_ns(pid_t pid)
{
	char path[64];
	unsigned long long ns = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &ns) != 1)
		ns = 0;
	fclose(f);
	return ns;
}

static int worker(uint64_t size, char **argv, bool by_cpu)
{
	_cleanup_close_ int fd = -1;
	struct sb_header *h;
	struct sb_slot *s;
	char fdbuf[16];
	uint64_t ran_ns = 0;
	uint32_t ph;
	void *base;
	pid_t pid;
	int st;

	/* one slot; touched here first so it is charged to us, as the harness does */
	fd = memfd_create("fault-bench-sb", 0);
	if (fd < 0 || ftruncate(fd, (off_t)sb_map_size(1)) < 0)
		return log_err(-errno, "scoreboard memfd"), 1;
	base = mmap(NULL, sb_map_size(1), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (base == MAP_FAILED)
		return log_err(-errno, "mmap scoreboard"), 1;
	memset(base, 0, sb_map_size(1));
	h = base;
	h->magic = SB_MAGIC;
	h->version = SB_VERSION;
	h->nslots = 1;
	s = sb_slot(base, 0);
	snprintf(fdbuf, sizeof(fdbuf), "%d", fd);
	pid = fork();
	if (pid < 0)
		return log_err(-errno, "fork"), 1;
	if (pid == 0) {
		setenv(SB_ENV_FD, fdbuf, 1);
		setenv(SB_ENV_SLOT, "0", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	for (;;) {
		const struct timespec nap = { 0, 1000000 };

		ph = __atomic_load_n(&s->phase, __ATOMIC_ACQUIRE);
		if (ph == SB_PHASE_HOLDING || ph == SB_PHASE_ALLOC_FAILED || ph == SB_PHASE_DONE ||
		    waitpid(pid, &st, WNOHANG) == pid)
			break;
		nanosleep(&nap, NULL);
	}
	if (by_cpu)
		ran_ns = cpu_ns(pid);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	if (ph != SB_PHASE_HOLDING || !s->t_ramped_ns) {
		log_err(-EIO, "worker did not reach HOLDING (phase %u, err %d)", ph, s->err);
		return 1;
	}
	if (by_cpu && !ran_ns) {
		log_err(-ENOENT, "no /proc/%d/schedstat", (int)pid);
		return 1;
	}
	if (by_cpu)
		printf("%.0f ", (double)(size / 4096) * 1e9 / (double)ran_ns);
	printf("%.0f\n", (double)(size / 4096) * 1e9 / (double)(s->t_ramped_ns - s->t_start_ns));
	return 0;
}

int main(int argc, char **argv)
{
	uint64_t size;

	log_progname = "fault-bench";
	if (argc < 3 || parse_size(argv[2], &size) < 0) {
		fprintf(stderr,
			"usage: fault-bench raw SIZE | worker[-cpu] SIZE WORKER [ARGS...]\n");
		return 2;
	}
	if (!strcmp(argv[1], "raw"))
		return raw(size);
	if (!strcmp(argv[1], "worker") && argc > 3)
		return worker(size, argv + 3, false);
	if (!strcmp(argv[1], "worker-cpu") && argc > 3)
		return worker(size, argv + 3, true);
	fprintf(stderr, "usage: fault-bench raw SIZE | worker[-cpu] SIZE WORKER [ARGS...]\n");
	return 2;
}
