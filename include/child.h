/* SPDX-License-Identifier: MIT */
/*
 * One way to run a child process (after git's run-command.c): argv (never a
 * shell command line built from strings), environment additions, a working
 * directory, each of stdin/stdout/stderr inherited, /dev/null, an fd, a pipe
 * or captured into a buffer, and a pre-exec hook for what only the child can
 * do to itself (join a cgroup, set oom_score_adj, nice, capabilities, uid).
 *
 * A failure before exec (in the hook, chdir, dup2, execvp itself) travels to
 * the parent through a close-on-exec pipe as errno + message + a kind the
 * caller chooses; EOF on that pipe means exec succeeded. The parent holds a
 * pidfd from the start, so a kill can never reach a recycled PID.
 *
 * While it waits (for exec, or for the exit), the parent watches a deadline
 * and an interrupt flag (the harness's signal handler sets it) and kills the
 * child by its pidfd when either fires.
 *
 * Usage:
 *	struct child_process cp = CHILD_PROCESS_INIT;
 *	cp.argv = argv; cp.out = CHILD_IO_CAPTURE;
 *	r = child_run(&cp);	 // 0: ran (look at child_exit_code), -errno: could not
 *	... cp.out_buf ...
 *	child_release(&cp);
 */
#ifndef OOMLAB_CHILD_H
#define OOMLAB_CHILD_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum child_io {
	CHILD_IO_INHERIT = 0, /* the parent's own fd */
	CHILD_IO_NULL,	      /* /dev/null */
	CHILD_IO_FD,	      /* the fd in in_fd / out_fd / err_fd (the caller closes it) */
	CHILD_IO_PIPE,	      /* a pipe; the parent's end in in_pipe / out_pipe / err_pipe */
	CHILD_IO_CAPTURE,     /* stdout/stderr only: read into out_buf / err_buf by child_finish */
};

/* What went wrong in the child before exec. kind is the caller's own
 * classification (worker-spawn: "the kernel refused" vs "broken"). */
struct child_error {
	int kind;
	int err; /* errno, 0 if none applies */
	char what[200];
};

struct child_process;
/* Runs in the child after fork and the stdio/cwd/env setup, before exec.
 * Return 0, or -errno (reported as "pre-exec setup failed"); or call
 * child_fail() for a precise message. */
typedef int (*child_pre_exec_fn)(const struct child_process *cp, void *arg);

struct child_process {
	/* --- set by the caller --- */
	char *const *argv; /* argv[0] is searched in PATH unless it holds a '/' */
	char *const *env;  /* "NAME=VALUE" added to (or replacing in) the environment */
	const char *cwd;
	enum child_io in, out, err;
	int in_fd, out_fd, err_fd; /* for CHILD_IO_FD */
	bool err_to_out;	   /* stderr goes wherever stdout goes (2>&1) */
	const int *keep_fds;	   /* fds that must survive exec (CLOEXEC cleared) */
	unsigned nkeep_fds;
	bool pdeathsig; /* SIGKILL the child when the parent dies */
	bool new_pgrp;	/* own process group: a terminal's ^C reaches only us */
	child_pre_exec_fn pre_exec;
	void *pre_exec_arg;
	uint64_t deadline_ns;			  /* CLOCK_MONOTONIC (now_ns()); 0 = none */
	const volatile sig_atomic_t *interrupted; /* nonzero = stop waiting, kill */
	int interrupt_signal;			  /* what an interrupt sends; 0 = SIGKILL */

	/* --- filled in --- */
	pid_t pid;
	int pidfd;
	int in_pipe, out_pipe, err_pipe; /* parent's ends for CHILD_IO_PIPE, else -1 */
	char *out_buf, *err_buf;	 /* CHILD_IO_CAPTURE, NUL-terminated */
	size_t out_len, err_len;
	int status; /* wait status once reaped */
	bool reaped;
	bool timed_out;		  /* killed at deadline_ns */
	bool was_interrupted;	  /* killed (or signalled) because *interrupted was set */
	struct child_error error; /* child_start failed before exec: what and why */

	int errpipe_; /* internal: the child's end of the error pipe */
};

#define CHILD_PROCESS_INIT                                                                      \
	{                                                                                       \
		.in_fd = -1, .out_fd = -1, .err_fd = -1, .pid = -1, .pidfd = -1, .in_pipe = -1, \
		.out_pipe = -1, .err_pipe = -1, .errpipe_ = -1                                  \
	}

/*
 * Fork, set up, exec. Returns once exec succeeded (0) or the child failed
 * before it: then -errno (the child's errno, -EPERM if it gave none,
 * -ETIMEDOUT at the deadline, -EINTR on an interrupt), cp->error says what
 * and the child is reaped. cp->error.kind is the hook's kind, 0 otherwise.
 */
int child_start(struct child_process *cp);
/*
 * Wait for the exit, reading CHILD_IO_CAPTURE output meanwhile; kill by
 * pidfd at the deadline (timed_out) or on an interrupt (was_interrupted;
 * with interrupt_signal other than SIGKILL, keep waiting for the exit).
 * 0 once reaped (cp->status), -errno if waiting failed.
 */
int child_finish(struct child_process *cp);
/* child_start + child_finish. */
int child_run(struct child_process *cp);
/* Reaped already, or now without blocking? 1 yes (cp->status), 0 still running. */
int child_try_wait(struct child_process *cp);
/* Send sig by pidfd (never to a recycled PID). */
int child_kill(const struct child_process *cp, int sig);
/* Exit code, or 128 + signal number (the shell's convention); -1 before reaping. */
int child_exit_code(const struct child_process *cp);
/* Close the parent's fds and free the buffers; does not kill or wait. */
void child_release(struct child_process *cp);

/*
 * In the pre-exec hook only: report kind/err/message to the parent and
 * _exit(). Never returns.
 */
void child_fail(const struct child_process *cp, int kind, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5), noreturn));

#endif
