/* SPDX-License-Identifier: MIT */
/*
 * Spawn one worker under the profile's controls: fork, die with the harness
 * (PR_SET_PDEATHSIG), join the run's memory cgroup, set oom_score_adj (and
 * legacy oom_adj) and read it back, nice, optional CPU burn, capabilities
 * (libcap: bounding set, then uid/gid with KEEPCAPS, then permitted/
 * effective/inheritable and ambient so they survive exec), then exec.
 *
 * Started through the child API (child.h): the controls run in its pre-exec
 * hook, which reports a failure through the close-on-exec pipe, so the
 * parent can tell "the kernel refused this setting" (SKIP) from "the
 * harness failed" (BROK). While it waits for exec the parent watches the
 * run's deadline and the interrupt flag and kills the child by pidfd.
 */
#ifndef OOMLAB_WORKER_SPAWN_H
#define OOMLAB_WORKER_SPAWN_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "cgroup.h"
#include "profile.h"

struct spawn_req {
	const char *name;		/* instance name (comm for workers) */
	const struct worker_spec *spec; /* controls; NULL = plain (pressure) */
	struct oomlab_cg *cg;		/* NULL: stay in the harness's cgroup */
	char *const *argv;		/* what to exec (argv[0] searched in PATH) */
	int sb_fd;			/* scoreboard fd to pass, or -1 */
	unsigned slot;
	bool set_adj; /* for plain spawns */
	int adj;
	bool quiet;	      /* stdout/stderr -> /dev/null */
	int out_fd;	      /* > 0: stdout+stderr go here (a service's memfd) */
	uint64_t deadline_ns; /* the run's (now_ns()); 0 = none: bounds cpu_burn */
	const volatile sig_atomic_t *interrupted; /* set: kill the child, -EINTR */
	/* > 0: the child puts RLIMIT_NOFILE's soft limit back to this before
	 * exec (the harness raised its own for the workers' pidfds) */
	uint64_t nofile_soft;
};

/*
 * The harness holds a pidfd per worker: make RLIMIT_NOFILE's soft limit
 * room for n of them and `spare` more, up to the hard limit (raising the
 * soft limit needs no privilege). 0, with *ret_old_soft the soft limit
 * before (0 when it was not changed); -EMFILE when the hard limit is too
 * low, with *ret_hard.
 */
int spawn_fd_room(unsigned n, unsigned spare, uint64_t *ret_old_soft, uint64_t *ret_hard);

enum spawn_fail {
	SPAWN_OK = 0,
	SPAWN_REFUSED, /* the kernel refused a requested setting: SKIP */
	SPAWN_BROKEN,  /* something else failed: BROK */
};

/*
 * 0 on success with *ret_pid and *ret_pidfd. On failure a negative errno,
 * *ret_fail says which kind, and errbuf says what and why.
 */
int spawn_instance(const struct spawn_req *req, pid_t *ret_pid, int *ret_pidfd,
		   enum spawn_fail *ret_fail, char *errbuf, size_t errlen);

struct child_process;
/*
 * A child API pre-exec hook (child.h) giving a process the worker's
 * identity only: spec's user (uid, gid) and caps, as apply_identity sets
 * them for the worker itself. For the commands that act for a worker
 * (ready_cmd), so they see what it sees (its files, its sockets).
 */
int spawn_identity_pre_exec(const struct child_process *cp, void *spec);

/* argv for oomlab-worker running spec under name; free with argv_free. */
char **worker_argv(const char *worker_path, const struct worker_spec *spec, const char *name);
void argv_free(char **argv);
/* Path of oomlab-worker next to /proc/self/exe (or $OOMLAB_WORKER). */
int worker_path(char **ret);

#endif
