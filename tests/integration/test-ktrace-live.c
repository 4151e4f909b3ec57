// SPDX-License-Identifier: MIT
/*
 * ktrace on the real kernel: a private instance filtered to one child,
 * which joins the memcg given (a limit below the file's size) and reads a
 * 96M file there, so the memcg reclaims clean page cache;
 * the collected trace must hold memcg reclaim pairs of that child only,
 * and the instance must be gone after ktrace_close. Also: a tracing
 * directory without instances/ fails with a reason. Run by t-ktrace.sh.
 *
 * The file is written, synced and dropped from the cache by the parent,
 * outside the memcg, before the child reads it. Writing it inside a 32M v1
 * memcg made the test flaky under load (6.18): v1 has no per-memcg dirty
 * throttling, the memcg filled with dirty pages faster than writeback
 * cleaned them, and ext4's GFP_NOFS|__GFP_NOFAIL journal allocation,
 * which may not write pages back, OOM-killed the writer.
 *
 *   ktrace-live WORKER MEMCG_DIR      exit 0 ok, 1 failed, 77 no tracefs
 *   (WORKER is unused: every live test gets the same arguments)
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "ktrace.h"
#include "util.h"

#define FILE_SIZE (96 * MIB)

/* An unlinked file of size bytes, written and synced, its pages out of
 * the cache: the fd, or -errno. */
static int write_clean_file(const char *path, size_t size)
{
	static char buf[MIB];
	size_t off;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	unlink(path);
	memset(buf, 0x5a, sizeof(buf));
	for (off = 0; off < size; off += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), (off_t)off) != (ssize_t)sizeof(buf))
			goto fail;
	if (fdatasync(fd) < 0 || posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED) != 0)
		goto fail;
	return fd;
fail:
	close(fd);
	return -EIO;
}

/* Read size bytes of fd into the page cache: 0, or -errno. */
static int read_all(int fd, size_t size)
{
	static char buf[MIB];
	size_t off;

	for (off = 0; off < size; off += sizeof(buf))
		if (pread(fd, buf, sizeof(buf), (off_t)off) != (ssize_t)sizeof(buf))
			return -EIO;
	return 0;
}

static int check(bool ok, const char *what)
{
	printf("%s: %s\n", ok ? "ok" : "FAIL", what);
	return ok ? 0 : 1;
}

int main(int argc, char **argv)
{
	char why[KTRACE_WHY_MAX], name[64], pidbuf[16], procs[512], file[64];
	struct tr_stalls st = { 0 };
	struct ktrace *t = NULL;
	int go[2], st_w, fails = 0, r, fd;
	uint32_t kinds = 0;
	struct stat sb;
	pid_t child;
	char *dir;

	if (argc != 3) {
		fprintf(stderr, "usage: ktrace-live WORKER MEMCG_DIR\n");
		return 2;
	}
	snprintf(file, sizeof(file), "/var/tmp/oomlab-ktrace-%d", (int)getpid());
	fd = write_clean_file(file, FILE_SIZE);
	if (fd < 0)
		return log_err(fd, "%s", file), 1;
	r = ktrace_open("/nonexistent-tracefs", "x", &t, NULL, why);
	fails += check(r == -ENOENT && t == NULL && strstr(why, "/nonexistent-tracefs/instances"),
		       "no tracefs: -ENOENT and a reason");

	snprintf(name, sizeof(name), "oomlab-test-%d", (int)getpid());
	r = ktrace_open(NULL, name, &t, &kinds, why);
	if (r < 0) {
		printf("SKIP: %s\n", why);
		return 77;
	}
	fails += check(kinds & (1u << TR_MARK_VICTIM), "oom/mark_victim enabled");
	dir = strdup(ktrace_dir(t));

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
		_exit(read_all(fd, FILE_SIZE) == 0 ? 0 : 1);
	}
	close(go[0]);
	fails += check(ktrace_filter_pids(t, &child, 1) == 0, "filter to the child");
	fails += check(ktrace_start(t) == 0, "tracing on");
	if (write(go[1], "g", 1) != 1)
		return log_err(-errno, "go"), 1;
	close(go[1]);
	waitpid(child, &st_w, 0);
	fails += check(WIFEXITED(st_w) && WEXITSTATUS(st_w) == 0, "the child read the file");
	fails += check(ktrace_stop(t) == 0, "tracing off");
	fails += check(ktrace_collect(t, &st) == 0, "collect");
	tr_stalls_finish(&st);
	printf("  memcg reclaim pairs %llu, throttled %llu, unpaired %llu/%llu, lost %llu, "
	       "max %llu ns\n",
	       (unsigned long long)st.memcg_reclaim.count, (unsigned long long)st.throttled.count,
	       (unsigned long long)st.unpaired_begin, (unsigned long long)st.unpaired_end,
	       (unsigned long long)st.lost, (unsigned long long)st.memcg_reclaim.max_ns);
	fails += check(st.memcg_reclaim.count > 0, "memcg reclaim stalls paired");
	fails += check(st.bad_lines == 0, "every line of ours parsed");
	fails += check(st.first_stall_ns > 0 && st.first_stall_ns <= now_ns(),
		       "first stall on the CLOCK_MONOTONIC axis");
	tr_stalls_free(&st);
	ktrace_close(t);
	close(fd);
	fails += check(stat(dir, &sb) < 0 && errno == ENOENT, "instance removed");
	free(dir);
	return fails ? 1 : 0;
}
