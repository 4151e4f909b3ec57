// SPDX-License-Identifier: MIT
/*
 * child: the one way oomlab starts a process (see include/child.h).
 *
 * The child side runs between fork() and exec() of a single-threaded
 * harness, so it may call what the pre-exec hooks need (libcap, setenv);
 * a failure is written to the error pipe as one struct child_error, which
 * a pipe delivers whole (it is far below PIPE_BUF).
 */
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "child.h"
#include "util.h"

/* Bounds every wait: a signal that lands between the flag check and
 * poll() must not leave us blocked until the deadline. */
#define POLL_SLICE_MS 50

void child_fail(const struct child_process *cp, int kind, int err, const char *fmt, ...)
{
	struct child_error e = { .kind = kind, .err = err };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(e.what, sizeof(e.what), fmt, ap);
	va_end(ap);
	if (cp->errpipe_ >= 0 && write(cp->errpipe_, &e, sizeof(e)) < 0)
		_exit(127);
	_exit(127);
}

static void closefd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Pipe ends must not be 0..2, or the child's dup2 onto stdio would
 * clobber them (a harness started with a closed stdin). */
static int pipe_high(int p[2])
{
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	for (int i = 0; i < 2; i++) {
		if (p[i] > 2)
			continue;
		int nfd = fcntl(p[i], F_DUPFD_CLOEXEC, 3);

		if (nfd < 0) {
			int e = -errno;

			close(p[0]);
			close(p[1]);
			return e;
		}
		close(p[i]);
		p[i] = nfd;
	}
	return 0;
}

/* fd onto target in the child; an fd already in place keeps it across exec. */
static void child_dup(const struct child_process *cp, int fd, int target)
{
	if (fd == target) {
		if (fcntl(fd, F_SETFD, 0) < 0)
			child_fail(cp, 0, errno, "cannot keep fd %d", fd);
		return;
	}
	if (dup2(fd, target) < 0)
		child_fail(cp, 0, errno, "cannot redirect fd %d", target);
}

static void child_stdio(const struct child_process *cp, enum child_io how, int fd, int pipe_end,
			int target)
{
	switch (how) {
	case CHILD_IO_INHERIT:
		return;
	case CHILD_IO_NULL: {
		int nul = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (nul < 0)
			child_fail(cp, 0, errno, "cannot open /dev/null");
		child_dup(cp, nul, target);
		if (nul != target)
			close(nul);
		return;
	}
	case CHILD_IO_FD:
		child_dup(cp, fd, target);
		return;
	case CHILD_IO_PIPE:
	case CHILD_IO_CAPTURE:
		child_dup(cp, pipe_end, target);
		return;
	}
}

static void __attribute__((noreturn))
child_side(struct child_process *cp, pid_t parent, const int pin[2], const int pout[2],
	   const int perr[2])
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGPIPE };
	int r;

	if (cp->pdeathsig) {
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
			child_fail(cp, 0, errno, "PR_SET_PDEATHSIG");
		if (getppid() != parent)
			_exit(127); /* the parent is already gone */
	}
	if (cp->new_pgrp)
		setpgid(0, 0);
	/* The harness's handlers only set its stop flag, which means nothing
	 * in a child; and a program expects SIGPIPE to kill it. */
	for (unsigned i = 0; i < ARRAY_SIZE(sigs); i++)
		signal(sigs[i], SIG_DFL);

	child_stdio(cp, cp->in, cp->in_fd, pin[0], 0);
	child_stdio(cp, cp->out, cp->out_fd, pout[1], 1);
	if (cp->err_to_out)
		child_dup(cp, 1, 2);
	else
		child_stdio(cp, cp->err, cp->err_fd, perr[1], 2);

	if (cp->cwd && chdir(cp->cwd) < 0)
		child_fail(cp, 0, errno, "cannot change directory to %s", cp->cwd);
	for (char *const *e = cp->env; e && *e; e++)
		if (putenv(*e) != 0)
			child_fail(cp, 0, errno, "cannot set %s in the environment", *e);
	for (unsigned i = 0; i < cp->nkeep_fds; i++)
		if (fcntl(cp->keep_fds[i], F_SETFD, 0) < 0)
			child_fail(cp, 0, errno, "cannot pass fd %d", cp->keep_fds[i]);
	if (cp->pre_exec) {
		r = cp->pre_exec(cp, cp->pre_exec_arg);
		if (r < 0)
			child_fail(cp, 0, -r, "pre-exec setup failed");
	}
	execvp(cp->argv[0], cp->argv);
	child_fail(cp, 0, errno, "cannot execute %s", cp->argv[0]);
}

static int sys_pidfd_open(pid_t pid)
{
	return (int)syscall(SYS_pidfd_open, pid, 0);
}

int child_kill(const struct child_process *cp, int sig)
{
	if (cp->pidfd < 0 || cp->reaped)
		return -ESRCH;
	if (syscall(SYS_pidfd_send_signal, cp->pidfd, sig, NULL, 0) < 0)
		return -errno;
	return 0;
}

/* Blocking reap; the pidfd pins the PID, so waitpid cannot reap another. */
static int reap(struct child_process *cp)
{
	while (!cp->reaped) {
		if (waitpid(cp->pid, &cp->status, 0) == cp->pid) {
			cp->reaped = true;
			break;
		}
		if (errno != EINTR)
			return -errno;
	}
	return 0;
}

int child_try_wait(struct child_process *cp)
{
	pid_t w;

	if (cp->reaped)
		return 1;
	if (cp->pid <= 0)
		return -ECHILD;
	w = waitpid(cp->pid, &cp->status, WNOHANG);
	if (w < 0)
		return errno == EINTR ? 0 : -errno;
	if (w == 0)
		return 0;
	cp->reaped = true;
	return 1;
}

/* ms to wait in poll(): up to the deadline, at most one slice. */
static int slice_ms(const struct child_process *cp)
{
	uint64_t now;

	if (!cp->deadline_ns)
		return POLL_SLICE_MS;
	now = now_ns();
	if (now >= cp->deadline_ns)
		return 0;
	if (cp->deadline_ns - now < POLL_SLICE_MS * 1000000ULL)
		return (int)((cp->deadline_ns - now) / 1000000ULL) + 1;
	return POLL_SLICE_MS;
}

static bool past_deadline(const struct child_process *cp)
{
	return cp->deadline_ns && now_ns() >= cp->deadline_ns;
}

static bool interrupted(const struct child_process *cp)
{
	return cp->interrupted && *cp->interrupted;
}

static void start_failed(struct child_process *cp, int err, const char *what)
{
	cp->error = (struct child_error){ .err = err };
	snprintf(cp->error.what, sizeof(cp->error.what), "%s", what);
}

int child_start(struct child_process *cp)
{
	int perr_[2] = { -1, -1 }, pin[2] = { -1, -1 }, pout[2] = { -1, -1 };
	int perr[2] = { -1, -1 }, r;
	pid_t parent = getpid();
	struct child_error rep;
	ssize_t n;

	cp->pid = -1;
	cp->pidfd = cp->in_pipe = cp->out_pipe = cp->err_pipe = -1;
	cp->reaped = cp->timed_out = cp->was_interrupted = false;
	cp->error = (struct child_error){ 0 };
	if (!cp->argv || !cp->argv[0]) {
		start_failed(cp, EINVAL, "no program to run");
		return -EINVAL;
	}
	if (cp->err == CHILD_IO_CAPTURE && cp->err_to_out) {
		start_failed(cp, EINVAL, "stderr both captured and sent to stdout");
		return -EINVAL;
	}
	r = pipe_high(perr_);
	if (r == 0 && cp->in == CHILD_IO_PIPE)
		r = pipe_high(pin);
	if (r == 0 && (cp->out == CHILD_IO_PIPE || cp->out == CHILD_IO_CAPTURE))
		r = pipe_high(pout);
	if (r == 0 && !cp->err_to_out && (cp->err == CHILD_IO_PIPE || cp->err == CHILD_IO_CAPTURE))
		r = pipe_high(perr);
	if (r < 0) {
		start_failed(cp, -r, "pipe");
		goto fail_pipes;
	}
	cp->errpipe_ = perr_[1];

	fflush(NULL); /* else the child's exit path could flush our buffers twice */
	cp->pid = fork();
	if (cp->pid < 0) {
		r = -errno;
		start_failed(cp, -r, "fork");
		goto fail_pipes;
	}
	if (cp->pid == 0) {
		closefd(&perr_[0]);
		closefd(&pin[1]);
		closefd(&pout[0]);
		closefd(&perr[0]);
		child_side(cp, parent, pin, pout, perr);
	}
	cp->errpipe_ = -1;
	closefd(&perr_[1]);
	closefd(&pin[0]);
	closefd(&pout[1]);
	closefd(&perr[1]);
	cp->in_pipe = pin[1];
	cp->out_pipe = pout[0];
	cp->err_pipe = perr[0];

	cp->pidfd = sys_pidfd_open(cp->pid);
	if (cp->pidfd < 0) {
		r = -errno;
		kill(cp->pid, SIGKILL); /* not reaped yet: the PID is still ours */
		reap(cp);
		start_failed(cp, -r, "pidfd_open");
		goto fail;
	}

	/* EOF: exec happened (the pipe was close-on-exec). A report: the
	 * child failed before exec and is exiting. */
	for (;;) {
		struct pollfd pfd = { .fd = perr_[0], .events = POLLIN };
		int k;

		if (interrupted(cp) || past_deadline(cp)) {
			bool intr = interrupted(cp);

			child_kill(cp, SIGKILL);
			reap(cp);
			cp->was_interrupted = intr;
			cp->timed_out = !intr;
			start_failed(cp, intr ? EINTR : ETIMEDOUT,
				     intr ? "interrupted before exec"
					  : "the deadline passed before exec");
			r = intr ? -EINTR : -ETIMEDOUT;
			goto fail;
		}
		k = poll(&pfd, 1, slice_ms(cp));
		if (k < 0 && errno != EINTR) {
			r = -errno;
			child_kill(cp, SIGKILL);
			reap(cp);
			start_failed(cp, -r, "poll");
			goto fail;
		}
		if (k <= 0)
			continue;
		n = read(perr_[0], &rep, sizeof(rep));
		if (n < 0 && errno == EINTR)
			continue;
		break;
	}
	closefd(&perr_[0]);
	if (n == (ssize_t)sizeof(rep)) {
		reap(cp);
		rep.what[sizeof(rep.what) - 1] = 0;
		cp->error = rep;
		r = rep.err ? -rep.err : -EPERM;
		goto fail;
	}
	if (n != 0) {
		/* a short report or a read error: the child's state is unknown */
		r = n < 0 ? -errno : -EIO;
		child_kill(cp, SIGKILL);
		reap(cp);
		start_failed(cp, -r, "lost the child's report");
		goto fail;
	}
	return 0;

fail:
	closefd(&cp->pidfd);
	closefd(&cp->in_pipe);
	closefd(&cp->out_pipe);
	closefd(&cp->err_pipe);
fail_pipes:
	cp->errpipe_ = -1;
	closefd(&perr_[0]);
	closefd(&perr_[1]);
	closefd(&pin[0]);
	closefd(&pin[1]);
	closefd(&pout[0]);
	closefd(&pout[1]);
	closefd(&perr[0]);
	closefd(&perr[1]);
	return r;
}

struct sink {
	char **buf;
	size_t *len;
	size_t cap;
};

/* Read what is there; 1 at EOF, 0 otherwise, -errno on error. */
static int drain(int fd, struct sink *s)
{
	for (;;) {
		ssize_t n;

		if (*s->len + 4096 + 1 > s->cap) {
			size_t ncap = s->cap ? s->cap * 2 : 8192;
			char *nb = realloc(*s->buf, ncap);

			if (!nb)
				return -ENOMEM;
			*s->buf = nb;
			s->cap = ncap;
			nb[*s->len] = 0;
		}
		n = read(fd, *s->buf + *s->len, s->cap - *s->len - 1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN)
				return 0;
			return -errno;
		}
		if (n == 0)
			return 1;
		*s->len += (size_t)n;
		(*s->buf)[*s->len] = 0;
		/* one read per wakeup: poll() says when there is more */
		return 0;
	}
}

static int ensure_str(char **buf)
{
	if (!*buf) {
		*buf = strdup("");
		if (!*buf)
			return -ENOMEM;
	}
	return 0;
}

int child_finish(struct child_process *cp)
{
	struct sink so = { &cp->out_buf, &cp->out_len, 0 }, se = { &cp->err_buf, &cp->err_len, 0 };
	int cap_out = cp->out == CHILD_IO_CAPTURE ? cp->out_pipe : -1;
	int cap_err = cp->err == CHILD_IO_CAPTURE && !cp->err_to_out ? cp->err_pipe : -1;
	int r = 0;

	if (cp->pid <= 0)
		return -ECHILD;
	for (;;) {
		struct pollfd pfd[3];
		nfds_t np = 0;
		int k;

		if (cp->reaped && cap_out < 0 && cap_err < 0)
			break;
		if (interrupted(cp) && !cp->was_interrupted) {
			cp->was_interrupted = true;
			child_kill(cp, cp->interrupt_signal ? cp->interrupt_signal : SIGKILL);
		}
		if (past_deadline(cp) && !cp->timed_out) {
			cp->timed_out = true;
			child_kill(cp, SIGKILL);
		}
		/* Killed and reaped, but a grandchild still holds the pipe:
		 * what it writes now is not the child's output. */
		if (cp->reaped && (cp->timed_out || cp->was_interrupted))
			break;
		if (!cp->reaped)
			pfd[np++] = (struct pollfd){ .fd = cp->pidfd, .events = POLLIN };
		if (cap_out >= 0)
			pfd[np++] = (struct pollfd){ .fd = cap_out, .events = POLLIN };
		if (cap_err >= 0)
			pfd[np++] = (struct pollfd){ .fd = cap_err, .events = POLLIN };
		k = poll(pfd, np, slice_ms(cp));
		if (k < 0 && errno != EINTR) {
			r = -errno;
			break;
		}
		for (nfds_t i = 0; k > 0 && i < np; i++) {
			if (!pfd[i].revents)
				continue;
			if (pfd[i].fd == cp->pidfd) {
				if (child_try_wait(cp) < 0)
					r = -ECHILD;
				continue;
			}
			k = drain(pfd[i].fd, pfd[i].fd == cap_out ? &so : &se);
			if (k < 0) {
				r = k;
				break;
			}
			if (k == 1) {
				if (pfd[i].fd == cap_out) {
					closefd(&cp->out_pipe);
					cap_out = -1;
				} else {
					closefd(&cp->err_pipe);
					cap_err = -1;
				}
			}
			k = 1;
		}
		if (r < 0)
			break;
	}
	if (r < 0) {
		child_kill(cp, SIGKILL);
		reap(cp);
		return r;
	}
	if (cp->out == CHILD_IO_CAPTURE && ensure_str(&cp->out_buf) < 0)
		return -ENOMEM;
	if (cp->err == CHILD_IO_CAPTURE && !cp->err_to_out && ensure_str(&cp->err_buf) < 0)
		return -ENOMEM;
	return 0;
}

int child_run(struct child_process *cp)
{
	int r = child_start(cp);

	if (r < 0)
		return r;
	return child_finish(cp);
}

int child_exit_code(const struct child_process *cp)
{
	if (!cp->reaped)
		return -1;
	if (WIFEXITED(cp->status))
		return WEXITSTATUS(cp->status);
	if (WIFSIGNALED(cp->status))
		return 128 + WTERMSIG(cp->status);
	return -1;
}

void child_release(struct child_process *cp)
{
	closefd(&cp->pidfd);
	closefd(&cp->in_pipe);
	closefd(&cp->out_pipe);
	closefd(&cp->err_pipe);
	free(cp->out_buf);
	free(cp->err_buf);
	cp->out_buf = cp->err_buf = NULL;
	cp->out_len = cp->err_len = 0;
}
