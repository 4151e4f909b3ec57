// SPDX-License-Identifier: MIT
/*
 * admission: a suite job waits until MemAvailable covers its own need and
 * the needs of the suite's other admitted jobs (admission.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "admission.h"
#include "hostmem.h"
#include "util.h"

void admission_reserved(const char *text, pid_t self, bool (*alive)(pid_t), uint64_t *ret_reserved,
			unsigned *ret_jobs)
{
	uint64_t sum = 0;
	unsigned n = 0;

	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		long long pid;
		unsigned long long need;
		char end;

		/* a line cut short by a killed writer has no newline yet */
		if (nl && sscanf(l, "%lld %llu%c", &pid, &need, &end) == 3 && end == '\n' &&
		    pid > 0 && (pid_t)pid != self && alive((pid_t)pid)) {
			sum += need;
			n++;
		}
		l = nl ? nl + 1 : NULL;
	}
	*ret_reserved = sum;
	*ret_jobs = n;
}

/* kill(pid, 0): EPERM is alive too (another user's process on that pid:
 * stale, but waiting on it is the safe side) */
static bool pid_alive(pid_t pid)
{
	return kill(pid, 0) == 0 || errno == EPERM;
}

/* The live lines only, then ours: the ledger does not grow with the suite. */
static int rewrite(int fd, const char *text, pid_t self, uint64_t need)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	int e = 0;

	if (!f)
		return -ENOMEM;
	for (const char *l = text; l && *l;) {
		const char *nl = strchr(l, '\n');
		long long pid;
		unsigned long long n;

		if (nl && sscanf(l, "%lld %llu", &pid, &n) == 2 && pid > 0 && (pid_t)pid != self &&
		    pid_alive((pid_t)pid))
			fprintf(f, "%lld %llu\n", pid, n);
		l = nl ? nl + 1 : NULL;
	}
	fprintf(f, "%lld %" PRIu64 "\n", (long long)self, need);
	if (fclose(f) == EOF) {
		free(out);
		return -ENOMEM;
	}
	if (ftruncate(fd, 0) < 0 || pwrite(fd, out, len, 0) != (ssize_t)len)
		e = -errno;
	free(out);
	return e;
}

static int read_fd(int fd, char **ret)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (len + 4096 + 1 > cap) {
			char *nb = realloc(buf, cap = len + 4096 + 1);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
		}
		n = pread(fd, buf + len, cap - len - 1, (off_t)len);
		if (n < 0) {
			free(buf);
			return -errno;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = 0;
	*ret = buf;
	return 0;
}

int admission_try(const char *ledger, uint64_t need, uint64_t available,
		  struct admission_view *ret_view)
{
	struct admission_view v = { .need = need, .available = available };
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	int e;

	if (!ledger) {
		*ret_view = v;
		return available >= need;
	}
	fd = open(ledger, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	/* released by the close, or by our death */
	if (flock(fd, LOCK_EX) < 0)
		return -errno;
	e = read_fd(fd, &text);
	if (e < 0)
		return e;
	admission_reserved(text, getpid(), pid_alive, &v.reserved, &v.jobs);
	*ret_view = v;
	/* Short, and no job of the suite to wait for: what is missing is
	 * someone else's, who may never free it. Start; the run's own
	 * preflight SKIPs a limit the machine cannot hold, with the figures. */
	if ((available < need || available - need < v.reserved) && v.jobs)
		return 0;
	e = rewrite(fd, text, getpid(), need);
	if (e < 0)
		return e;
	return available >= need ? 1 : 2;
}

int admission_wait(const char *proc, const char *ledger, uint64_t need, unsigned poll_ms,
		   volatile sig_atomic_t *interrupted,
		   void (*on_wait)(const struct admission_view *v, void *arg), void *arg,
		   int *ret_admitted, uint64_t *ret_waited_ms)
{
	uint64_t t0 = now_ns();
	bool said = false;

	for (;;) {
		struct admission_view v;
		uint64_t total, avail;
		int e = hostmem_meminfo(proc, &total, &avail);

		if (e < 0)
			return e;
		e = admission_try(ledger, need, avail, &v);
		if (e < 0)
			return e;
		if (e > 0) {
			if (ret_admitted)
				*ret_admitted = e;
			break;
		}
		if (!said && on_wait)
			on_wait(&v, arg);
		said = true;
		if (interrupted && *interrupted)
			return -EINTR;
		usleep(poll_ms * 1000);
	}
	if (ret_waited_ms)
		*ret_waited_ms = (now_ns() - t0) / 1000000;
	return 0;
}
