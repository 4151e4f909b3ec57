// SPDX-License-Identifier: MIT
/*
 * Cgroups a SIGKILLed harness left behind: "oomlab-<pid>-*" next to where
 * a run would create its own, whose <pid> is no longer their creator.
 */
#include <dirent.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cg-impl.h"
#include "procfs.h"
#include "util.h"

/*
 * Is "oomlab-<pid>-*" still owned? Stale when <pid> is gone (no
 * PROC/<pid>/stat: a harness that may create cgroups sees all of /proc,
 * even with hidepid), or when the process now holding <pid> is not oomlab and
 * started after the directory was made (the PID was reused). A live
 * creator that is not called oomlab (a test binary using this module)
 * started before its directory, so it is left alone. Start time is in
 * CLOCK_BOOTTIME ticks (since 4.17; before, monotonic: the same unless
 * suspended), the directory time in CLOCK_REALTIME: compare both as
 * boot-time seconds.
 */
static bool owner_alive(const char *proc, pid_t pid, const struct stat *st)
{
	struct timespec real, boot;
	struct proc_stat ps;
	double started, made;
	long tck = sysconf(_SC_CLK_TCK);
	int r;

	if (pid == getpid())
		return true;
	r = proc_stat_read(proc, pid, &ps);
	if (r == -ENOENT || r == -ESRCH)
		return false;
	if (r < 0)
		return true; /* unsure: keep */
	if (!strcmp(ps.comm, "oomlab"))
		return true;
	started = (double)ps.starttime / (double)(tck > 0 ? tck : 100);
	clock_gettime(CLOCK_REALTIME, &real);
	clock_gettime(CLOCK_BOOTTIME, &boot);
	made = (double)st->st_ctim.tv_sec + st->st_ctim.tv_nsec / 1e9 -
	       ((double)real.tv_sec + real.tv_nsec / 1e9) +
	       ((double)boot.tv_sec + boot.tv_nsec / 1e9);
	/*
	 * Slack: start time is truncated to clock ticks and kernfs stamps
	 * the directory with the coarse (jiffy) clock, so a creator that
	 * forked just before its mkdir can look a few ms younger than it.
	 */
	return started <= made + 0.05;
}

/* Stale "oomlab-<pid>-*" children of one hierarchy directory. */
static int cleanup_in(const struct cg_where *w, const char *proc, const char *base_rel)
{
	_cleanup_free_ char *dir = NULL;
	struct dirent *de;
	DIR *d;
	int n = 0;

	dir = cg_where_dir(w, base_rel);
	if (!dir)
		return -ENOMEM;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		_cleanup_free_ char *rel = NULL;
		struct stat st;
		char *end;
		long pid;

		if (strncmp(de->d_name, "oomlab-", 7))
			continue;
		errno = 0;
		pid = strtol(de->d_name + 7, &end, 10);
		if (errno || end == de->d_name + 7 || *end != '-' || pid <= 0 || pid > INT_MAX)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (owner_alive(proc, (pid_t)pid, &st))
			continue;
		if (asprintf(&rel, "%s/%s", strcmp(base_rel, "/") ? base_rel : "", de->d_name) <
		    0) {
			rel = NULL;
			continue;
		}
		if (cg_remove_dir(w, rel) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int cg_cleanup_stale_in(const char *root)
{
	_cleanup_free_ char *base = NULL, *proc = NULL;
	struct cg_where w = { 0 };
	int r, n = 0;

	r = cg_where_detect(root, &w);
	if (r < 0)
		return r;
	proc = cg_path_join3(w.root, "/proc", NULL);
	if (!proc) {
		r = -ENOMEM;
		goto out;
	}
	r = cg_pick_base(&w, false, &base);
	if (r < 0)
		goto out;
	r = cleanup_in(&w, proc, base);
	if (r < 0)
		goto out;
	n = r;
	/* v2: a run cgroup may be our sibling (see cg_pick_base()), or ours. */
	if (w.version == CG_V2 && strcmp(base, w.rel)) {
		r = cleanup_in(&w, proc, w.rel);
		if (r > 0)
			n += r;
	}
	r = n;
out:
	cg_where_done(&w);
	return r;
}

int cg_cleanup_stale(void)
{
	return cg_cleanup_stale_in("/");
}
