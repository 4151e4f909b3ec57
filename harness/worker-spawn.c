// SPDX-License-Identifier: MIT
/* worker-spawn: fork + controls + exec, one worker at a time. */
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "pattern.h"
#include "scoreboard.h"
#include "worker-spawn.h"
#include "util.h"

struct child_report {
	int fail;	/* enum spawn_fail */
	int err;	/* errno */
	char what[200];
};

static void report(int fd, int fail, int err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void report(int fd, int fail, int err, const char *fmt, ...)
{
	struct child_report rep = { .fail = fail, .err = err };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(rep.what, sizeof(rep.what), fmt, ap);
	va_end(ap);
	if (write(fd, &rep, sizeof(rep)) < 0)
		_exit(126);
	_exit(126);
}

static int set_adj_file(const char *file, int v, int *ret_readback)
{
	char path[64], buf[32];
	_cleanup_free_ char *back = NULL;
	int r;

	snprintf(path, sizeof(path), "/proc/self/%s", file);
	snprintf(buf, sizeof(buf), "%d", v);
	r = write_file_str(path, buf);
	if (r < 0)
		return r;
	r = read_file_str(path, &back);
	if (r < 0)
		return r;
	*ret_readback = (int)strtol(back, NULL, 10);
	return 0;
}

/* Burn CPU for ms of thread CPU time; utime survives exec (claim 7). */
static void burn_cpu(uint64_t ms)
{
	struct timespec ts;
	volatile uint64_t x = 0;

	for (;;) {
		for (int i = 0; i < 1000000; i++)
			x += (uint64_t)i * 2654435761u;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		if ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 >= ms)
			break;
	}
}

static bool cap_wanted(const struct worker_spec *s, cap_value_t c, cap_t cur)
{
	cap_flag_value_t v = CAP_CLEAR;

	switch (s->caps) {
	case CAPS_NONE:
		return false;
	case CAPS_ALL:
		cap_get_flag(cur, c, CAP_PERMITTED, &v);
		return v == CAP_SET;
	case CAPS_LIST:
		for (unsigned i = 0; i < s->ncaps; i++)
			if (s->cap_list[i] == c)
				return true;
		return false;
	case CAPS_INHERIT:
	default:
		return true;
	}
}

/*
 * Capabilities and identity, in the only order that works: the bounding set
 * can be reduced only while we hold CAP_SETPCAP; setuid() to a non-root uid
 * clears permitted unless KEEPCAPS; ambient caps (>= 4.3) are what carries a
 * capability across exec for a non-root uid; a root uid gets its bounding
 * set back at exec, which is why the bounding set is trimmed too.
 */
static void apply_identity(const struct worker_spec *s, int fd)
{
	cap_t cur, want;
	cap_value_t last = CAP_LAST_CAP;

	if (s->caps == CAPS_INHERIT && !s->has_user)
		return;
	cur = cap_get_proc();
	if (!cur)
		report(fd, SPAWN_BROKEN, errno, "cap_get_proc");
	if (cap_max_bits() > 0)
		last = (cap_value_t)cap_max_bits() - 1;

	if (s->caps != CAPS_INHERIT) {
		for (cap_value_t c = 0; c <= last; c++)
			if (!cap_wanted(s, c, cur) && CAP_IS_SUPPORTED(c) &&
			    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
				report(fd, SPAWN_BROKEN, errno, "cannot drop capability %s from "
				       "the bounding set", cap_to_name(c));
	}
	if (s->has_user) {
		if (s->caps != CAPS_INHERIT && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			report(fd, SPAWN_BROKEN, errno, "PR_SET_KEEPCAPS");
		if (setgroups(0, NULL) < 0 || setgid(s->gid) < 0)
			report(fd, SPAWN_REFUSED, errno, "cannot set gid %u", (unsigned)s->gid);
		if (setuid(s->uid) < 0)
			report(fd, SPAWN_REFUSED, errno, "cannot set uid %u (user %s)",
			       (unsigned)s->uid, s->user);
	}
	if (s->caps == CAPS_INHERIT)
		goto out;

	want = cap_init();
	for (cap_value_t c = 0; c <= last; c++) {
		if (!cap_wanted(s, c, cur))
			continue;
		cap_set_flag(want, CAP_PERMITTED, 1, &c, CAP_SET);
		cap_set_flag(want, CAP_EFFECTIVE, 1, &c, CAP_SET);
		cap_set_flag(want, CAP_INHERITABLE, 1, &c, CAP_SET);
	}
	if (cap_set_proc(want) < 0)
		report(fd, SPAWN_REFUSED, errno, "cannot set capabilities %s",
		       cap_to_text(want, NULL));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (cap_value_t c = 0; c <= last; c++)
		if (cap_wanted(s, c, cur) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			report(fd, SPAWN_REFUSED, errno, "cannot raise ambient %s",
			       cap_to_name(c));
	cap_free(want);
out:
	cap_free(cur);
}

static void child(const struct spawn_req *req, int fd, pid_t parent)
{
	const struct worker_spec *s = req->spec;
	int got, r;

	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		report(fd, SPAWN_BROKEN, errno, "PR_SET_PDEATHSIG");
	if (getppid() != parent)
		_exit(127); /* the harness is already gone */
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);

	if (req->cg) {
		r = cg_attach(req->cg, getpid());
		if (r < 0)
			report(fd, SPAWN_BROKEN, -r, "cannot join cgroup %s", cg_path(req->cg));
	}
	/* adj first: lowering it needs CAP_SYS_RESOURCE, which the caps step
	 * may drop. The kernel may refuse (EACCES) or clamp: read it back. */
	if (s || req->set_adj) {
		int adj = s ? s->oom_score_adj : req->adj;

		r = set_adj_file("oom_score_adj", adj, &got);
		if (r < 0)
			report(fd, SPAWN_REFUSED, -r, "the kernel refused oom_score_adj %d", adj);
		if (got != adj)
			report(fd, SPAWN_REFUSED, 0, "oom_score_adj %d reads back as %d", adj, got);
	}
	if (s && s->has_oom_adj) {
		/* Legacy oom_adj (deprecated since 2.6.36, still mapped onto
		 * oom_score_adj: -17 -> -1000). */
		r = set_adj_file("oom_adj", s->oom_adj, &got);
		if (r < 0)
			report(fd, SPAWN_REFUSED, -r, "the kernel refused oom_adj %d", s->oom_adj);
		if (got != s->oom_adj)
			report(fd, SPAWN_REFUSED, 0, "oom_adj %d reads back as %d", s->oom_adj, got);
	}
	if (s && s->nice) {
		errno = 0;
		if (setpriority(PRIO_PROCESS, 0, s->nice) < 0)
			report(fd, SPAWN_REFUSED, errno, "the kernel refused nice %d", s->nice);
		errno = 0;
		got = getpriority(PRIO_PROCESS, 0);
		if (got != s->nice)
			report(fd, SPAWN_REFUSED, errno, "nice %d reads back as %d", s->nice, got);
	}
	if (s && s->cpu_burn_ms)
		burn_cpu(s->cpu_burn_ms);
	if (s)
		apply_identity(s, fd);

	if (req->sb_fd >= 0) {
		char v[16];

		/* The scoreboard fd must survive exec. */
		fcntl(req->sb_fd, F_SETFD, 0);
		snprintf(v, sizeof(v), "%d", req->sb_fd);
		setenv(SB_ENV_FD, v, 1);
		snprintf(v, sizeof(v), "%u", req->slot);
		setenv(SB_ENV_SLOT, v, 1);
	}
	{
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);

		if (null >= 0) {
			dup2(null, 0);
			if (req->quiet) {
				dup2(null, 1);
				dup2(null, 2);
			}
		}
	}
	execvp(req->argv[0], req->argv);
	report(fd, SPAWN_BROKEN, errno, "cannot execute %s", req->argv[0]);
}

int spawn_instance(const struct spawn_req *req, pid_t *ret_pid, int *ret_pidfd,
		   enum spawn_fail *ret_fail, char *errbuf, size_t errlen)
{
	struct child_report rep;
	int p[2], pidfd;
	pid_t pid, parent = getpid();
	ssize_t n;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	fflush(NULL);
	pid = fork();
	if (pid < 0) {
		int e = errno;

		close(p[0]);
		close(p[1]);
		*ret_fail = SPAWN_BROKEN;
		snprintf(errbuf, errlen, "fork: %s", strerror(e));
		return -e;
	}
	if (pid == 0) {
		close(p[0]);
		child(req, p[1], parent);
		_exit(127);
	}
	close(p[1]);
	do
		n = read(p[0], &rep, sizeof(rep));
	while (n < 0 && errno == EINTR);
	close(p[0]);
	if (n == (ssize_t)sizeof(rep)) {
		waitpid(pid, NULL, 0);
		*ret_fail = rep.fail;
		if (rep.err)
			snprintf(errbuf, errlen, "%s: %s: %s", req->name, rep.what,
				 strerror(rep.err));
		else
			snprintf(errbuf, errlen, "%s: %s", req->name, rep.what);
		return rep.err ? -rep.err : -EPERM;
	}
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0) {
		int e = errno;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		*ret_fail = SPAWN_BROKEN;
		snprintf(errbuf, errlen, "pidfd_open: %s", strerror(e));
		return -e;
	}
	*ret_pid = pid;
	*ret_pidfd = pidfd;
	*ret_fail = SPAWN_OK;
	return 0;
}

static int argv_push(char ***argv, unsigned *n, const char *s)
{
	char **nv = realloc(*argv, (*n + 2) * sizeof(char *));

	if (!nv)
		return -ENOMEM;
	*argv = nv;
	nv[*n] = strdup(s);
	if (!nv[*n])
		return -ENOMEM;
	nv[++*n] = NULL;
	return 0;
}

char **worker_argv(const char *wpath, const struct worker_spec *s, const char *name)
{
	char **argv = NULL, buf[64];
	unsigned n = 0;
	int r = 0;

	if (s->argv) {
		for (char *const *a = s->argv; *a && r == 0; a++)
			r = argv_push(&argv, &n, *a);
		goto out;
	}
	r |= argv_push(&argv, &n, wpath);
	r |= argv_push(&argv, &n, "--pattern");
	r |= argv_push(&argv, &n, s->pattern ? s->pattern : PATTERN_DEFAULT);
	r |= argv_push(&argv, &n, "--name");
	r |= argv_push(&argv, &n, name);
	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->size);
	r |= argv_push(&argv, &n, "--size");
	r |= argv_push(&argv, &n, buf);
	if (s->ramp_bps) {
		/* the worker takes whole MB/s */
		snprintf(buf, sizeof(buf), "%llu",
			 (unsigned long long)(s->ramp_bps < MIB ? 1 : s->ramp_bps / MIB));
		r |= argv_push(&argv, &n, "--ramp");
		r |= argv_push(&argv, &n, buf);
	}
	if (s->hold_ms >= 0) {
		snprintf(buf, sizeof(buf), "%lldms", (long long)s->hold_ms);
		r |= argv_push(&argv, &n, "--hold");
		r |= argv_push(&argv, &n, buf);
	}
	if (s->cycles) {
		snprintf(buf, sizeof(buf), "%u", s->cycles);
		r |= argv_push(&argv, &n, "--cycles");
		r |= argv_push(&argv, &n, buf);
	}
	if (s->children) {
		snprintf(buf, sizeof(buf), "%u", s->children);
		r |= argv_push(&argv, &n, "--children");
		r |= argv_push(&argv, &n, buf);
		if (pattern_takes(s->pattern, PATTERN_OPT_PARENT_SIZE)) {
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)s->parent_size);
			r |= argv_push(&argv, &n, "--parent-size");
			r |= argv_push(&argv, &n, buf);
		}
	}
out:
	if (r) {
		argv_free(argv);
		return NULL;
	}
	return argv;
}

void argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

int worker_path(char **ret)
{
	char self[PATH_MAX], *dir, *p;
	const char *env = getenv("OOMLAB_WORKER");
	ssize_t n;

	if (env && *env) {
		p = strdup(env);
		if (!p)
			return -ENOMEM;
		*ret = p;
		return 0;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0)
		return -errno;
	self[n] = 0;
	dir = dirname(self);
	if (asprintf(&p, "%s/oomlab-worker", dir) < 0)
		return -ENOMEM;
	if (access(p, X_OK) < 0) {
		int e = errno;

		free(p);
		return -e;
	}
	*ret = p;
	return 0;
}
