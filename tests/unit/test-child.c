// SPDX-License-Identifier: MIT
/*
 * child: the one way to start a process. Real processes (/bin/true, sh),
 * no mocks: exit codes, capture, a missing program's errno, a pre-exec
 * failure travelling up the error pipe, the deadline and the interrupt
 * flag killing by pidfd.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>

#include "child.h"
#include "util.h"

static int run_argv(char *const *argv, struct child_process *cp)
{
	cp->argv = argv;
	return child_run(cp);
}

static void test_true_false(void **state)
{
	char *t[] = { "/bin/true", NULL }, *f[] = { "false", NULL };
	struct child_process a = CHILD_PROCESS_INIT, b = CHILD_PROCESS_INIT;

	assert_int_equal(run_argv(t, &a), 0);
	assert_true(a.reaped);
	assert_int_equal(child_exit_code(&a), 0);
	assert_true(a.pidfd >= 0);
	child_release(&a);
	assert_int_equal(a.pidfd, -1);
	/* argv[0] without a slash is searched in PATH */
	assert_int_equal(run_argv(f, &b), 0);
	assert_int_equal(child_exit_code(&b), 1);
	child_release(&b);
}

static void test_capture(void **state)
{
	char *argv[] = { "sh", "-c", "echo out; echo err >&2; exit 3", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;

	cp.out = CHILD_IO_CAPTURE;
	cp.err = CHILD_IO_CAPTURE;
	assert_int_equal(run_argv(argv, &cp), 0);
	assert_int_equal(child_exit_code(&cp), 3);
	assert_string_equal(cp.out_buf, "out\n");
	assert_int_equal(cp.out_len, 4);
	assert_string_equal(cp.err_buf, "err\n");
	child_release(&cp);
	assert_null(cp.out_buf);
}

static void test_capture_merged_and_big(void **state)
{
	/* more than a pipe holds (64 KiB): the parent must read while waiting */
	char *argv[] = { "sh", "-c", "head -c 300000 /dev/zero | tr '\\0' x; echo e >&2", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;

	cp.out = CHILD_IO_CAPTURE;
	cp.err_to_out = true;
	assert_int_equal(run_argv(argv, &cp), 0);
	assert_int_equal(child_exit_code(&cp), 0);
	assert_int_equal(cp.out_len, 300000 + 2);
	assert_string_equal(cp.out_buf + 300000, "e\n");
	child_release(&cp);
}

static void test_empty_capture_is_a_string(void **state)
{
	char *argv[] = { "true", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;

	cp.out = CHILD_IO_CAPTURE;
	assert_int_equal(run_argv(argv, &cp), 0);
	assert_non_null(cp.out_buf);
	assert_string_equal(cp.out_buf, "");
	child_release(&cp);
}

static void test_missing_program(void **state)
{
	char *argv[] = { "oomlab-no-such-program", NULL };
	char *abs[] = { "/nonexistent/prog", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;

	assert_int_equal(run_argv(argv, &cp), -ENOENT);
	assert_int_equal(cp.error.err, ENOENT);
	assert_non_null(strstr(cp.error.what, "cannot execute oomlab-no-such-program"));
	assert_true(cp.reaped);
	assert_int_equal(cp.pidfd, -1);
	child_release(&cp);
	assert_int_equal(run_argv(abs, &cp), -ENOENT);
	child_release(&cp);
}

static int hook_refuses(const struct child_process *cp, void *arg)
{
	child_fail(cp, *(int *)arg, EACCES, "the kernel refused %s", "nice -5");
}

static int hook_returns(const struct child_process *cp, void *arg)
{
	return -EPERM;
}

static void test_pre_exec_failure(void **state)
{
	char *argv[] = { "true", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;
	int kind = 7;

	cp.pre_exec = hook_refuses;
	cp.pre_exec_arg = &kind;
	assert_int_equal(run_argv(argv, &cp), -EACCES);
	assert_int_equal(cp.error.kind, 7);
	assert_int_equal(cp.error.err, EACCES);
	assert_string_equal(cp.error.what, "the kernel refused nice -5");
	child_release(&cp);

	cp = (struct child_process)CHILD_PROCESS_INIT;
	cp.pre_exec = hook_returns;
	assert_int_equal(run_argv(argv, &cp), -EPERM);
	assert_int_equal(cp.error.kind, 0);
	assert_string_equal(cp.error.what, "pre-exec setup failed");
	child_release(&cp);
}

static void test_cwd_env_fd(void **state)
{
	char tmpl[] = "/tmp/oomlab-test-child.XXXXXX", path[64];
	char *argv[] = { "sh", "-c", "pwd; echo \"$OOMLAB_T\"", NULL };
	char *env[] = { "OOMLAB_T=hello world", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;
	_cleanup_free_ char *got = NULL, *want = NULL;
	int fd;

	assert_non_null(mkdtemp(tmpl));
	snprintf(path, sizeof(path), "%s/out", tmpl);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	cp.cwd = tmpl;
	cp.env = env;
	cp.out = CHILD_IO_FD;
	cp.out_fd = fd;
	assert_int_equal(run_argv(argv, &cp), 0);
	assert_int_equal(child_exit_code(&cp), 0);
	close(fd);
	assert_int_equal(read_file_str(path, &got), 0);
	assert_true(asprintf(&want, "%s\nhello world\n", tmpl) > 0);
	assert_string_equal(got, want);
	assert_null(getenv("OOMLAB_T")); /* only the child's environment */
	child_release(&cp);
	unlink(path);
	rmdir(tmpl);

	cp = (struct child_process)CHILD_PROCESS_INIT;
	cp.cwd = "/nonexistent";
	assert_int_equal(run_argv(argv, &cp), -ENOENT);
	assert_non_null(strstr(cp.error.what, "/nonexistent"));
	child_release(&cp);
}

static void test_stdin_pipe(void **state)
{
	char *argv[] = { "tr", "a-z", "A-Z", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;

	cp.argv = argv;
	cp.in = CHILD_IO_PIPE;
	cp.out = CHILD_IO_CAPTURE;
	assert_int_equal(child_start(&cp), 0);
	assert_true(cp.in_pipe >= 0);
	assert_int_equal(write(cp.in_pipe, "oom\n", 4), 4);
	close(cp.in_pipe);
	cp.in_pipe = -1;
	assert_int_equal(child_finish(&cp), 0);
	assert_string_equal(cp.out_buf, "OOM\n");
	child_release(&cp);
}

static void test_stdio_null(void **state)
{
	char *argv[] = { "sh", "-c", "cat; echo done", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;

	cp.in = CHILD_IO_NULL; /* cat sees EOF at once */
	cp.out = CHILD_IO_CAPTURE;
	cp.err = CHILD_IO_NULL;
	assert_int_equal(run_argv(argv, &cp), 0);
	assert_string_equal(cp.out_buf, "done\n");
	child_release(&cp);
}

static void test_timeout_kills(void **state)
{
	char *argv[] = { "sleep", "30", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;
	uint64_t t0 = now_ns();

	cp.deadline_ns = t0 + 200 * 1000000ULL;
	assert_int_equal(run_argv(argv, &cp), 0);
	assert_true(cp.timed_out);
	assert_int_equal(child_exit_code(&cp), 128 + SIGKILL);
	assert_true(now_ns() - t0 < 3000 * 1000000ULL);
	child_release(&cp);
}

static int hook_sleeps(const struct child_process *cp, void *arg)
{
	struct timespec ts = { .tv_sec = 30 };

	nanosleep(&ts, NULL);
	return 0;
}

static void test_timeout_before_exec(void **state)
{
	char *argv[] = { "true", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;
	uint64_t t0 = now_ns();

	cp.argv = argv;
	cp.pre_exec = hook_sleeps;
	cp.deadline_ns = t0 + 200 * 1000000ULL;
	assert_int_equal(child_start(&cp), -ETIMEDOUT);
	assert_true(cp.timed_out);
	assert_true(cp.reaped);
	assert_int_equal(child_exit_code(&cp), 128 + SIGKILL);
	assert_true(now_ns() - t0 < 3000 * 1000000ULL);
	child_release(&cp);
}

static volatile sig_atomic_t flag;

static void on_alarm(int sig)
{
	flag = sig;
}

static void test_interrupt_before_exec(void **state)
{
	struct sigaction sa = { .sa_handler = on_alarm };
	struct itimerval it = { .it_value = { .tv_usec = 200000 } };
	char *argv[] = { "true", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;
	uint64_t t0 = now_ns();

	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, NULL); /* no SA_RESTART, like the harness */
	flag = 0;
	setitimer(ITIMER_REAL, &it, NULL);
	cp.argv = argv;
	cp.pre_exec = hook_sleeps;
	cp.interrupted = &flag;
	assert_int_equal(child_start(&cp), -EINTR);
	assert_true(cp.was_interrupted);
	assert_int_equal(child_exit_code(&cp), 128 + SIGKILL);
	assert_true(now_ns() - t0 < 3000 * 1000000ULL);
	child_release(&cp);
	signal(SIGALRM, SIG_DFL);
}

static void test_interrupt_signal_forwarded(void **state)
{
	/* the child ends itself on SIGTERM, after its own cleanup */
	char *argv[] = { "sh", "-c",
			 "trap 'echo cleaned; exit 5' TERM; while :; do sleep 0.05; done", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;
	struct timespec ts = { .tv_nsec = 300 * 1000000L };

	flag = 0;
	cp.argv = argv;
	cp.out = CHILD_IO_CAPTURE;
	cp.interrupted = &flag;
	cp.interrupt_signal = SIGTERM;
	assert_int_equal(child_start(&cp), 0);
	nanosleep(&ts, NULL); /* let sh install its trap */
	flag = 1;
	assert_int_equal(child_finish(&cp), 0);
	assert_true(cp.was_interrupted);
	assert_int_equal(child_exit_code(&cp), 5);
	assert_string_equal(cp.out_buf, "cleaned\n");
	child_release(&cp);
}

static void test_kill_by_pidfd(void **state)
{
	char *argv[] = { "sleep", "30", NULL };
	struct child_process cp = CHILD_PROCESS_INIT;

	cp.argv = argv;
	assert_int_equal(child_start(&cp), 0);
	assert_int_equal(child_try_wait(&cp), 0);
	assert_int_equal(child_kill(&cp, SIGKILL), 0);
	assert_int_equal(child_finish(&cp), 0);
	assert_int_equal(child_exit_code(&cp), 128 + SIGKILL);
	/* reaped: no signal can go anywhere now */
	assert_int_equal(child_kill(&cp, SIGKILL), -ESRCH);
	child_release(&cp);
}

static void test_bad_request(void **state)
{
	char *argv[] = { NULL };
	struct child_process cp = CHILD_PROCESS_INIT;

	assert_int_equal(run_argv(argv, &cp), -EINVAL);
	assert_int_equal(child_exit_code(&cp), -1);
	child_release(&cp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_true_false),
		cmocka_unit_test(test_capture),
		cmocka_unit_test(test_capture_merged_and_big),
		cmocka_unit_test(test_empty_capture_is_a_string),
		cmocka_unit_test(test_missing_program),
		cmocka_unit_test(test_pre_exec_failure),
		cmocka_unit_test(test_cwd_env_fd),
		cmocka_unit_test(test_stdin_pipe),
		cmocka_unit_test(test_stdio_null),
		cmocka_unit_test(test_timeout_kills),
		cmocka_unit_test(test_timeout_before_exec),
		cmocka_unit_test(test_interrupt_before_exec),
		cmocka_unit_test(test_interrupt_signal_forwarded),
		cmocka_unit_test(test_kill_by_pidfd),
		cmocka_unit_test(test_bad_request),
	};

	return cmocka_run_group_tests_name("child", tests, NULL, NULL);
}
