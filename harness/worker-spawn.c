// SPDX-License-Identifier: MIT
/* worker-spawn: fork + controls + exec, one worker at a time. */
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <time.h>

#include "child.h"
#include "fileio.h"
#include "pattern.h"
#include "rlimits.h"
#include "scoreboard.h"
#include "worker-spawn.h"
#include "util.h"

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

/*
 * Burn CPU for ms of thread CPU time; utime survives exec (claim 7). The
 * run's deadline bounds it: a burn longer than the timeout is a broken
 * run, not an hour of CPU (the parent kills us at the deadline too, and
 * on an interrupt, since it polls the error pipe rather than blocking).
 */
static void burn_cpu(const struct child_process *cp, uint64_t ms, uint64_t deadline_ns)
{
	struct timespec ts;
	volatile uint64_t x = 0;

	for (;;) {
		for (int i = 0; i < 1000000; i++)
			x += (uint64_t)i * 2654435761u;
		clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
		if ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 >= ms)
			break;
		if (deadline_ns && now_ns() >= deadline_ns)
			child_fail(cp, SPAWN_BROKEN, ETIMEDOUT,
				   "cpu_burn of %llu ms did not end "
				   "within the run's timeout",
				   (unsigned long long)ms);
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
static void apply_identity(const struct worker_spec *s, const struct child_process *cp)
{
	cap_t cur, want;
	cap_value_t last = CAP_LAST_CAP;

	if (s->caps == CAPS_INHERIT && !s->has_user)
		return;
	cur = cap_get_proc();
	if (!cur)
		child_fail(cp, SPAWN_BROKEN, errno, "cap_get_proc");
	if (cap_max_bits() > 0)
		last = (cap_value_t)cap_max_bits() - 1;

	if (s->caps != CAPS_INHERIT) {
		for (cap_value_t c = 0; c <= last; c++)
			if (!cap_wanted(s, c, cur) && CAP_IS_SUPPORTED(c) &&
			    prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0 && errno != EINVAL)
				child_fail(cp, SPAWN_BROKEN, errno,
					   "cannot drop capability %s from "
					   "the bounding set",
					   cap_to_name(c));
	}
	if (s->has_user) {
		if (s->caps != CAPS_INHERIT && prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
			child_fail(cp, SPAWN_BROKEN, errno, "PR_SET_KEEPCAPS");
		if (setgroups(0, NULL) < 0 || setgid(s->gid) < 0)
			child_fail(cp, SPAWN_REFUSED, errno, "cannot set gid %u", (unsigned)s->gid);
		if (setuid(s->uid) < 0)
			child_fail(cp, SPAWN_REFUSED, errno, "cannot set uid %u (user %s)",
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
		child_fail(cp, SPAWN_REFUSED, errno, "cannot set capabilities %s",
			   cap_to_text(want, NULL));
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	for (cap_value_t c = 0; c <= last; c++)
		if (cap_wanted(s, c, cur) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			child_fail(cp, SPAWN_REFUSED, errno, "cannot raise ambient %s",
				   cap_to_name(c));
	cap_free(want);
out:
	cap_free(cur);
}

int spawn_identity_pre_exec(const struct child_process *cp, void *spec)
{
	if (spec)
		apply_identity(spec, cp);
	return 0;
}

/*
 * In the child, before exec: the controls only the process itself can
 * set. PDEATHSIG, stdio and the scoreboard fd are the child API's part.
 */
static int spawn_pre_exec(const struct child_process *cp, void *arg)
{
	const struct spawn_req *req = arg;
	const struct worker_spec *s = req->spec;
	int got, r;

	if (req->cg) {
		r = cg_attach(req->cg, getpid());
		if (r < 0)
			child_fail(cp, SPAWN_BROKEN, -r, "cannot join cgroup %s", cg_path(req->cg));
	}
	/* adj first: lowering it needs CAP_SYS_RESOURCE, which the caps step
	 * may drop. The kernel may refuse (EACCES) or clamp: read it back. */
	if (s || req->set_adj) {
		int adj = s ? s->oom_score_adj : req->adj;

		r = set_adj_file("oom_score_adj", adj, &got);
		if (r < 0)
			child_fail(cp, SPAWN_REFUSED, -r, "the kernel refused oom_score_adj %d",
				   adj);
		if (got != adj)
			child_fail(cp, SPAWN_REFUSED, 0, "oom_score_adj %d reads back as %d", adj,
				   got);
	}
	if (s && s->has_oom_adj) {
		/* Legacy oom_adj (deprecated since 2.6.36, still mapped onto
		 * oom_score_adj: -17 -> -1000). */
		r = set_adj_file("oom_adj", s->oom_adj, &got);
		if (r < 0)
			child_fail(cp, SPAWN_REFUSED, -r, "the kernel refused oom_adj %d",
				   s->oom_adj);
		if (got != s->oom_adj)
			child_fail(cp, SPAWN_REFUSED, 0, "oom_adj %d reads back as %d", s->oom_adj,
				   got);
	}
	if (s && s->nice) {
		errno = 0;
		if (setpriority(PRIO_PROCESS, 0, s->nice) < 0)
			child_fail(cp, SPAWN_REFUSED, errno, "the kernel refused nice %d", s->nice);
		errno = 0;
		got = getpriority(PRIO_PROCESS, 0);
		if (got != s->nice)
			child_fail(cp, SPAWN_REFUSED, errno, "nice %d reads back as %d", s->nice,
				   got);
	}
	if (s && s->cpu_burn_ms)
		burn_cpu(cp, s->cpu_burn_ms, req->deadline_ns);
	if (req->nofile_soft) {
		struct rlimit rl;

		/* the worker sees the soft limit it would have had without the
		 * harness's pidfds; rlimit.nofile, below, may set its own */
		if (getrlimit(RLIMIT_NOFILE, &rl) == 0) {
			rl.rlim_cur = (rlim_t)req->nofile_soft;
			(void)setrlimit(RLIMIT_NOFILE, &rl);
		}
	}
	if (s) {
		enum worker_rlimit which;

		/* before uid and caps change: raising a hard limit needs
		 * CAP_SYS_RESOURCE, which a dropped identity has not */
		r = rlimits_apply(s, &which);
		if (r < 0)
			child_fail(cp, SPAWN_REFUSED, -r, "cannot set %s", rlimit_key(which));
		apply_identity(s, cp);
	}
	return 0;
}

int spawn_instance(const struct spawn_req *req, pid_t *ret_pid, int *ret_pidfd,
		   enum spawn_fail *ret_fail, char *errbuf, size_t errlen)
{
	struct child_process cp = CHILD_PROCESS_INIT;
	char env_fd[48], env_slot[48], *env[3] = { NULL };
	int r;

	if (req->sb_fd >= 0) {
		/* The scoreboard fd survives exec; the worker finds it here. */
		snprintf(env_fd, sizeof(env_fd), "%s=%d", SB_ENV_FD, req->sb_fd);
		snprintf(env_slot, sizeof(env_slot), "%s=%u", SB_ENV_SLOT, req->slot);
		env[0] = env_fd;
		env[1] = env_slot;
		cp.keep_fds = &req->sb_fd;
		cp.nkeep_fds = 1;
	}
	cp.argv = req->argv;
	cp.env = env;
	cp.in = CHILD_IO_NULL;
	cp.out = cp.err = req->quiet ? CHILD_IO_NULL : CHILD_IO_INHERIT;
	if (req->out_fd > 0) {
		cp.out = CHILD_IO_FD;
		cp.out_fd = req->out_fd;
		cp.err_to_out = true;
	}
	cp.pdeathsig = true;
	cp.pre_exec = spawn_pre_exec;
	cp.pre_exec_arg = (void *)req;
	cp.deadline_ns = req->deadline_ns;
	cp.interrupted = req->interrupted;
	r = child_start(&cp);
	if (r < 0) {
		const struct worker_spec *s = req->spec;

		*ret_fail = cp.error.kind == SPAWN_REFUSED ? SPAWN_REFUSED : SPAWN_BROKEN;
		if (cp.timed_out)
			snprintf(errbuf, errlen,
				 "%s: the run's timeout passed before it could "
				 "start%s",
				 req->name,
				 s && s->cpu_burn_ms ? " (cpu_burn is longer than the timeout)"
						     : "");
		else if (cp.was_interrupted)
			snprintf(errbuf, errlen, "%s: interrupted before it could start",
				 req->name);
		else if (cp.error.err)
			snprintf(errbuf, errlen, "%s: %s: %s", req->name, cp.error.what,
				 strerror(cp.error.err));
		else
			snprintf(errbuf, errlen, "%s: %s", req->name, cp.error.what);
		child_release(&cp);
		return r;
	}
	*ret_pid = cp.pid;
	*ret_pidfd = TAKE_FD(cp.pidfd);
	*ret_fail = SPAWN_OK;
	child_release(&cp);
	return 0;
}

int spawn_fd_room(unsigned n, unsigned spare, uint64_t *ret_old_soft, uint64_t *ret_hard)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)n + spare;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want) {
		*ret_old_soft = 0;
		return 0;
	}
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want) {
		*ret_hard = (uint64_t)rl.rlim_max;
		return -EMFILE;
	}
	*ret_old_soft = (uint64_t)rl.rlim_cur;
	rl.rlim_cur = want;
	if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
		return -errno;
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
	_cleanup_free_ char *dir = NULL;
	const char *env = getenv("OOMLAB_WORKER");
	char *p;
	int r;

	if (env && *env) {
		p = strdup(env);
		if (!p)
			return -ENOMEM;
		*ret = p;
		return 0;
	}
	r = self_exe_dir(&dir);
	if (r < 0)
		return r;
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
