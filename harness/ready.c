// SPDX-License-Identifier: MIT
/* ready: a service worker's explicit readiness checks and its output. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "child.h"
#include "ready.h"
#include "util.h"
#include "worker-spawn.h"

bool ready_explicit(const struct worker_spec *s)
{
	return s->ready_cmd || s->ready_port || s->ready_log;
}

int ready_init(struct ready *r, const struct worker_spec *spec, char *const *argv, int out_fd)
{
	*r = (struct ready){ .spec = spec, .ready_argv = argv, .out_fd = out_fd };
	r->cmd_ok = !spec->ready_cmd;
	r->port_ok = !spec->ready_port;
	r->log_ok = !spec->ready_log;
	if (spec->ready_log) {
		/* the parser compiled it already; this cannot fail but ENOMEM */
		if (regcomp(&r->re, spec->ready_log, REG_EXTENDED | REG_NOSUB))
			return -ENOMEM;
		r->has_re = true;
	}
	return 0;
}

void ready_done(struct ready *r)
{
	if (r->has_re)
		regfree(&r->re);
	r->has_re = false;
}

int ready_port_open(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd, ok;

	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* loopback: a listening port accepts at once, a closed one refuses at
	 * once (RST), so a blocking connect does not wait */
	ok = connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;
	close(fd);
	return ok;
}

bool ready_log_match(const regex_t *re, const char *buf, size_t len, size_t *ret_consumed)
{
	size_t start = 0;
	bool hit = false;

	for (size_t i = 0; i < len && !hit; i++) {
		char line[1024];
		size_t n;

		if (buf[i] != '\n')
			continue;
		n = i - start < sizeof(line) - 1 ? i - start : sizeof(line) - 1;
		memcpy(line, buf + start, n);
		line[n] = 0;
		hit = regexec(re, line, 0, NULL, 0) == 0;
		start = i + 1;
	}
	*ret_consumed = start;
	return hit;
}

static int poll_log(struct ready *r)
{
	char buf[16384];
	ssize_t n;
	size_t used;

	if (r->out_fd < 0)
		return 0;
	for (;;) {
		n = pread(r->out_fd, buf, sizeof(buf), (off_t)r->scanned);
		if (n < 0)
			return -errno;
		if (n == 0)
			return 0;
		if (ready_log_match(&r->re, buf, (size_t)n, &used))
			return 1;
		if (used == 0) {
			/* a line longer than the buffer: look at it in pieces */
			used = (size_t)n;
			if ((size_t)n < sizeof(buf))
				return 0; /* an incomplete last line: wait for its end */
		}
		r->scanned += used;
	}
}

static int poll_cmd(struct ready *r, const volatile sig_atomic_t *interrupted)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	int e;

	if (now_ns() < r->next_cmd_ns)
		return 0;
	cp.argv = r->ready_argv;
	cp.in = CHILD_IO_NULL;
	cp.out = CHILD_IO_NULL;
	cp.err = CHILD_IO_NULL;
	cp.pdeathsig = true;
	/* as the worker: a check of its socket or data directory must see
	 * what the worker sees (a postgres socket is the postgres user's) */
	cp.pre_exec = spawn_identity_pre_exec;
	cp.pre_exec_arg = (void *)r->spec;
	cp.deadline_ns = now_ns() + READY_CMD_TIMEOUT_MS * 1000000ULL;
	cp.interrupted = interrupted;
	e = child_run(&cp);
	r->next_cmd_ns = now_ns() + READY_CMD_EVERY_MS * 1000000ULL;
	if (e < 0) {
		child_release(&cp);
		return e == -ETIMEDOUT ? 0 : e;
	}
	e = child_exit_code(&cp) == 0;
	child_release(&cp);
	return e;
}

int ready_poll(struct ready *r, const volatile sig_atomic_t *interrupted)
{
	int e;

	if (!r->log_ok) {
		e = poll_log(r);
		if (e < 0)
			return e;
		r->log_ok = e;
	}
	if (!r->port_ok) {
		e = ready_port_open(r->spec->ready_port);
		if (e < 0)
			return e;
		r->port_ok = e;
	}
	/* the command last, and only once the cheaper checks hold */
	if (!r->cmd_ok && r->log_ok && r->port_ok) {
		e = poll_cmd(r, interrupted);
		if (e < 0)
			return e;
		r->cmd_ok = e;
	}
	return r->cmd_ok && r->port_ok && r->log_ok;
}

const char *ready_tail(const char *text, size_t tlen, unsigned n, const char *prefix, char *buf,
		       size_t len)
{
	size_t end = tlen, start, off = 0;
	unsigned lines = 0;

	if (len)
		buf[0] = 0;
	while (end && (text[end - 1] == '\n' || text[end - 1] == 0))
		end--;
	start = end;
	while (start > 0) {
		if (text[start - 1] == '\n' && ++lines == n)
			break;
		start--;
	}
	for (size_t i = start; i < end && off + 1 < len;) {
		size_t e = i;
		int w;

		while (e < end && text[e] != '\n')
			e++;
		w = snprintf(buf + off, len - off, "%s%s%.*s", off ? "\n" : "", prefix,
			     (int)(e - i), text + i);
		if (w < 0)
			break;
		off += (size_t)w < len - off ? (size_t)w : len - off - 1;
		i = e + 1;
	}
	return buf;
}

const char *ready_last_lines(int fd, unsigned n, const char *prefix, char *buf, size_t len)
{
	char text[8192];
	off_t size;
	ssize_t got;
	off_t from;

	if (len)
		buf[0] = 0;
	if (fd < 0)
		return buf;
	size = lseek(fd, 0, SEEK_END);
	if (size <= 0)
		return buf;
	from = size > (off_t)sizeof(text) ? size - (off_t)sizeof(text) : 0;
	got = pread(fd, text, sizeof(text), from);
	if (got <= 0)
		return buf;
	return ready_tail(text, (size_t)got, n, prefix, buf, len);
}
