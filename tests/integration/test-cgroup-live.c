// SPDX-License-Identifier: MIT
/*
 * harness/cgroup.c against the real kernel: creates run cgroups under our
 * own memcg, OOMs one of them (64M limit, 100M allocation: a memcg OOM,
 * never a global one), checks counters, EBUSY on v1, removal and stale
 * cleanup. Root only: exits 77 (SKIP) otherwise.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <cmocka.h>

#include "cgroup.h"
#include "util.h"

static enum cg_version version;
static char *our_dir;

static bool dir_exists(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* Touch bytes of anonymous memory one page at a time (the classic mem.c). */
static void touch(size_t bytes)
{
	char *p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		_exit(3);
	for (size_t i = 0; i < bytes; i += 4096)
		p[i] = 1;
}

/*
 * Fork a child that joins cg, touches bytes, tells us over a pipe and then
 * waits to be killed (hold) or exits 0.
 */
static pid_t spawn_in(struct oomlab_cg *cg, size_t bytes, bool hold)
{
	int pfd[2];
	pid_t pid;
	char c;

	assert_int_equal(pipe(pfd), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(pfd[0]);
		if (cg_attach(cg, getpid()) < 0)
			_exit(2);
		touch(bytes);
		if (write(pfd[1], "x", 1) != 1)
			_exit(4);
		if (!hold)
			_exit(0);
		for (;;)
			pause();
	}
	close(pfd[1]);
	/* 1 byte: touched; 0 bytes: died before that (OOM-killed) */
	if (read(pfd[0], &c, 1) != 1)
		c = 0;
	close(pfd[0]);
	return pid;
}

static int wait_sig(pid_t pid)
{
	int st;

	assert_int_equal(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) ? WTERMSIG(st) : -WEXITSTATUS(st);
}

static int setup(void **state)
{
	int r;

	if (geteuid() != 0) {
		printf("SKIP: needs root (memory cgroups)\n");
		exit(77);
	}
	r = cg_detect("/", &version, &our_dir);
	if (r < 0) {
		printf("SKIP: no usable memory cgroup here (%s)\n", strerror(-r));
		exit(77);
	}
	return 0;
}

static int teardown(void **state)
{
	free(our_dir);
	return 0;
}

static void test_oom_kill(void **state)
{
	struct oomlab_cg *cg = NULL;
	struct cg_counters c;
	char want[128], *path;
	const char *oomf;
	pid_t pid;

	assert_int_equal(cg_create("live-oom", 64 * MIB, false, CG_SWAP_DEFAULT, &cg), 0);
	assert_int_equal(cg_version(cg), version);
	path = strdup(cg_path(cg));
	assert_true(dir_exists(path));
	/* relpath is what the kernel logs: the tail of the absolute path */
	snprintf(want, sizeof(want), "/oomlab-%d-live-oom", (int)getpid());
	assert_non_null(strstr(cg_relpath(cg), want));
	assert_string_equal(path + strlen(path) - strlen(cg_relpath(cg)), cg_relpath(cg));
	assert_int_equal(cg_create("live-oom", 64 * MIB, false, CG_SWAP_DEFAULT,
				   &(struct oomlab_cg *){ NULL }),
			 -EEXIST);
	oomf = cg_oom_counter_file(cg);
	assert_non_null(strstr(oomf, version == CG_V1 ? "/memory.oom_control" : "/memory.events"));

	pid = spawn_in(cg, 100 * MIB, false);
	assert_int_equal(wait_sig(pid), SIGKILL);

	assert_int_equal(cg_read_counters(path, version, &c), 0);
	assert_int_equal(c.oom_kill, 1);
	assert_int_equal(c.limit, 64 * MIB);
	assert_true(c.failcnt > 0);
	assert_true(c.usage < 64 * MIB);

	assert_int_equal(cg_remove(cg), 0);
	assert_false(dir_exists(path));
	/* removing again is fine */
	assert_int_equal(cg_remove(cg), 0);
	cg_destroy(cg);
	free(path);
}

/*
 * v1: a limit below usage fails with EBUSY after reclaim and kills no one.
 * v2: the same write OOM-kills inside the cgroup.
 */
static void test_set_limit_below_usage(void **state)
{
	_cleanup_(cg_destroyp) struct oomlab_cg *cg = NULL;
	struct cg_counters c;
	_cleanup_free_ pid_t *pids = NULL;
	_cleanup_free_ char *path = NULL;
	unsigned n = 0;
	pid_t pid;
	int r;

	assert_int_equal(cg_create("live-limit", 64 * MIB, false, CG_SWAP_DEFAULT, &cg), 0);
	path = strdup(cg_path(cg));
	pid = spawn_in(cg, 32 * MIB, true);
	assert_int_equal(cg_pids(cg, &pids, &n), 0);
	assert_int_equal(n, 1);
	assert_int_equal(pids[0], pid);

	r = cg_set_limit(cg, 8 * MIB);
	assert_int_equal(cg_read_counters(path, version, &c), 0);
	if (version == CG_V1) {
		assert_int_equal(r, -EBUSY);
		assert_int_equal(kill(pid, 0), 0);
		assert_int_equal(c.oom_kill, 0);
		assert_int_equal(c.limit, 64 * MIB);
	} else {
		assert_int_equal(r, 0);
		assert_int_equal(c.oom_kill, 1);
	}
	assert_int_equal(cg_set_limit(cg, 128 * MIB), 0);
	assert_int_equal(cg_read_counters(path, version, &c), 0);
	assert_int_equal(c.limit, 128 * MIB);
	assert_int_equal(cg_set_limit(cg, UINT64_MAX), 0);
	assert_int_equal(cg_read_counters(path, version, &c), 0);
	assert_true(c.limit == UINT64_MAX);

	/* removal kills the holder; it is a zombie, not reaped yet, meanwhile */
	assert_int_equal(cg_remove(cg), 0);
	assert_false(dir_exists(path));
	if (version == CG_V1)
		assert_int_equal(wait_sig(pid), SIGKILL);
	else
		wait_sig(pid);
}

/* v1 with swap accounting: memsw follows the limit, in a legal order. */
static void test_memsw(void **state)
{
	_cleanup_(cg_destroyp) struct oomlab_cg *cg = NULL;
	_cleanup_free_ char *p = NULL;

	if (version != CG_V1 || !our_dir)
		skip();
	if (asprintf(&p, "%s/memory.memsw.limit_in_bytes", our_dir) < 0 || access(p, F_OK))
		skip();
	free(p);
	assert_int_equal(cg_create("live-memsw", 64 * MIB, false, 16 * MIB, &cg), 0);
	assert_true(asprintf(&p, "%s/memory.memsw.limit_in_bytes", cg_path(cg)) > 0);
	{
		_cleanup_free_ char *s = NULL;

		assert_int_equal(read_file_str(p, &s), 0);
		assert_int_equal(strtoull(s, NULL, 10), 80 * MIB);
	}
	/* raise: memsw first, else the kernel refuses limit > memsw */
	assert_int_equal(cg_set_limit(cg, 256 * MIB), 0);
	{
		_cleanup_free_ char *s = NULL;

		assert_int_equal(read_file_str(p, &s), 0);
		assert_int_equal(strtoull(s, NULL, 10), 272 * MIB);
	}
	/* lower: limit first */
	assert_int_equal(cg_set_limit(cg, 32 * MIB), 0);
	{
		_cleanup_free_ char *s = NULL;

		assert_int_equal(read_file_str(p, &s), 0);
		assert_int_equal(strtoull(s, NULL, 10), 48 * MIB);
	}
	assert_int_equal(cg_remove(cg), 0);
}

static int mkdir_in_ours(pid_t owner, const char *tag, char **ret)
{
	char *p;

	if (asprintf(&p, "%s/oomlab-%d-%s", our_dir, (int)owner, tag) < 0)
		return -ENOMEM;
	if (mkdir(p, 0755) < 0) {
		free(p);
		return -errno;
	}
	*ret = p;
	return 0;
}

/* A process that names itself comm and sleeps until killed. */
static pid_t spawn_named(const char *comm)
{
	pid_t pid = fork();

	assert_true(pid >= 0);
	if (pid == 0) {
		prctl(PR_SET_NAME, comm);
		for (;;)
			pause();
	}
	usleep(50000); /* let it set its name */
	return pid;
}

/*
 * A harness SIGKILLed mid-run leaves "oomlab-<deadpid>-*" with workers in
 * it; the next run removes it and kills what is inside. Directories of
 * live owners (an oomlab, or any process older than its directory) stay.
 */
static void test_cleanup_stale(void **state)
{
	char *stale = NULL, *kept_oomlab = NULL, *kept_old = NULL, *procs = NULL;
	pid_t dead, inside, named, old;
	char buf[24];
	int n;

	if (version != CG_V1)
		skip(); /* the mkdir layout below is the v1 one */
	dead = fork();
	assert_true(dead >= 0);
	if (dead == 0)
		_exit(0);
	assert_int_equal(wait_sig(dead), 0);

	named = spawn_named("oomlab");
	old = spawn_named("keeper");
	assert_int_equal(mkdir_in_ours(dead, "stale", &stale), 0);
	assert_int_equal(mkdir_in_ours(named, "live", &kept_oomlab), 0);
	assert_int_equal(mkdir_in_ours(old, "old", &kept_old), 0);

	/* a worker left in the stale cgroup */
	inside = spawn_named("left-worker");
	assert_true(asprintf(&procs, "%s/cgroup.procs", stale) > 0);
	snprintf(buf, sizeof(buf), "%d", (int)inside);
	assert_int_equal(write_file_str(procs, buf), 0);

	n = cg_cleanup_stale();
	assert_true(n >= 1);
	assert_false(dir_exists(stale));
	assert_int_equal(wait_sig(inside), SIGKILL);
	assert_true(dir_exists(kept_oomlab));
	assert_true(dir_exists(kept_old));

	kill(named, SIGKILL);
	kill(old, SIGKILL);
	wait_sig(named);
	wait_sig(old);
	/* owners gone now: both are stale */
	assert_true(cg_cleanup_stale() >= 2);
	assert_false(dir_exists(kept_oomlab));
	assert_false(dir_exists(kept_old));
	free(stale);
	free(kept_oomlab);
	free(kept_old);
	free(procs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_oom_kill),
		cmocka_unit_test(test_set_limit_below_usage),
		cmocka_unit_test(test_memsw),
		cmocka_unit_test(test_cleanup_stale),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
