// SPDX-License-Identifier: MIT
/*
 * A private tracefs instance through libtracefs (ktrace.h).
 */
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include <tracefs.h>

#include "ktrace.h"
#include "util.h"

/* Per-CPU buffer: a memcg reclaim pair is ~200 bytes of ring buffer, so
 * 4 MiB holds ~20k stalls per CPU before the oldest are overwritten. */
#define KTRACE_BUFFER_KB 4096

struct ktrace {
	struct tracefs_instance *inst;
	char *dir;
};

const char *ktrace_dir(const struct ktrace *t)
{
	return t->dir;
}

void ktrace_close(struct ktrace *t)
{
	if (!t)
		return;
	if (t->inst) {
		tracefs_trace_off(t->inst);
		tracefs_instance_destroy(t->inst);
		tracefs_instance_free(t->inst);
	}
	free(t->dir);
	free(t);
}

/* The system's tracefs, mounted if need be (needs CAP_SYS_ADMIN). */
static int system_tracing_dir(const char **ret, char *why)
{
	const char *path = NULL;

	/* 1: was mounted, 0: mounted now, < 0: neither */
	if (tracefs_tracing_dir_is_mounted(true, &path) < 0 || !path) {
		int e = errno ? errno : ENODEV;

		snprintf(why, KTRACE_WHY_MAX,
			 "tracefs is not mounted and cannot be (mount -t tracefs nodev "
			 "/sys/kernel/tracing: %s)",
			 strerror(e));
		return -e;
	}
	*ret = path;
	return 0;
}

int ktrace_open(const char *tracing_dir, const char *name, struct ktrace **ret, uint32_t *ret_kinds,
		char why[static KTRACE_WHY_MAX])
{
	_cleanup_free_ char *inst_root = NULL;
	struct ktrace *t;
	uint32_t kinds = 0;
	int r;

	why[0] = 0;
	if (!tracing_dir) {
		r = system_tracing_dir(&tracing_dir, why);
		if (r < 0)
			return r;
	}
	if (asprintf(&inst_root, "%s/instances", tracing_dir) < 0)
		return -ENOMEM;
	if (access(inst_root, W_OK) < 0) {
		r = -errno;
		snprintf(why, KTRACE_WHY_MAX, "cannot create a tracefs instance in %s: %s",
			 inst_root, strerror(-r));
		return r;
	}
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (asprintf(&t->dir, "%s/%s", inst_root, name) < 0) {
		t->dir = NULL;
		ktrace_close(t);
		return -ENOMEM;
	}
	/* an instance left by a SIGKILLed run of the same name */
	rmdir(t->dir);
	/* tracefs populates a new instance on mkdir (>= 3.10) */
	if (mkdir(t->dir, 0700) < 0) {
		r = -errno;
		snprintf(why, KTRACE_WHY_MAX, "cannot create %s: %s", t->dir, strerror(-r));
		ktrace_close(t);
		return r;
	}
	t->inst = tracefs_instance_alloc(tracing_dir, name);
	if (!t->inst) {
		r = errno ? -errno : -ENOMEM;
		rmdir(t->dir);
		snprintf(why, KTRACE_WHY_MAX, "libtracefs cannot use %s: %s", t->dir, strerror(-r));
		ktrace_close(t);
		return r;
	}
	/* a new instance traces at once: off until the trigger */
	if (tracefs_trace_off(t->inst) < 0 ||
	    tracefs_instance_file_write(t->inst, "trace_clock", "mono") < 0) {
		r = errno ? -errno : -EIO;
		snprintf(why, KTRACE_WHY_MAX,
			 "%s: cannot set tracing_on/trace_clock (mono: >= 3.x)", t->dir);
		ktrace_close(t);
		return r;
	}
	/* not fatal: the default per-CPU size just holds fewer stalls */
	tracefs_instance_set_buffer_size(t->inst, KTRACE_BUFFER_KB, -1);
	for (unsigned k = 0; k < TR_NKINDS; k++) {
		/*
		 * sched_switch only as a task's last switch, as a zombie: the
		 * filter first, or every switch of ours fills the buffer.
		 * prev_state is __trace_sched_switch_state()'s, where since
		 * 4.14 a state is 1 << (its TASK_REPORT index - 1): X (EXIT_DEAD)
		 * 16, Z (EXIT_ZOMBIE) 32. No filter, no event.
		 */
		if (k == TR_TASK_DEAD &&
		    tracefs_event_file_write(t->inst, tr_kind_system(k), tr_kind_event(k), "filter",
					     "prev_state & 48") < 0)
			continue;
		if (tracefs_event_enable(t->inst, tr_kind_system(k), tr_kind_event(k)) == 0)
			kinds |= 1u << k;
	}
	if (!(kinds & (1u << TR_MEMCG_RECLAIM_BEGIN)) || !(kinds & (1u << TR_MEMCG_RECLAIM_END))) {
		snprintf(why, KTRACE_WHY_MAX,
			 "%s: no vmscan/mm_vmscan_memcg_reclaim_* events "
			 "(kernel without CONFIG_MEMCG or tracepoints?)",
			 t->dir);
		ktrace_close(t);
		return -ENOENT;
	}
	if (ret_kinds)
		*ret_kinds = kinds;
	*ret = t;
	return 0;
}

/* The oom_reaper kthread's pid (>= 4.6), 0 if there is none. */
static pid_t oom_reaper_pid(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		char path[64], comm[32] = "";
		long pid;
		FILE *f;

		if (parse_int(de->d_name, 1, INT32_MAX, &pid) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, "oom_reaper\n"))
			found = (pid_t)pid;
		fclose(f);
	}
	closedir(d);
	return found;
}

int ktrace_filter_pids(struct ktrace *t, const pid_t *pids, size_t n)
{
	_cleanup_free_ char *list = NULL;
	size_t len = 0, cap = (n + 1) * 12 + 1;
	pid_t reaper = oom_reaper_pid();

	list = malloc(cap);
	if (!list)
		return -ENOMEM;
	list[0] = 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(list + len, cap - len, "%d ", (int)pids[i]);
	if (reaper)
		len += (size_t)snprintf(list + len, cap - len, "%d ", (int)reaper);
	if (!len)
		return -EINVAL;
	/* children forked later (fork-tree, command workers) follow their parent */
	if (tracefs_option_enable(t->inst, TRACEFS_OPTION_EVENT_FORK) < 0)
		return errno ? -errno : -EIO;
	if (tracefs_instance_file_write(t->inst, "set_event_pid", list) < 0)
		return errno ? -errno : -EIO;
	return 0;
}

int ktrace_start(struct ktrace *t)
{
	/* empty the buffer of anything from before */
	tracefs_instance_file_clear(t->inst, "trace");
	return tracefs_trace_on(t->inst) < 0 ? (errno ? -errno : -EIO) : 0;
}

int ktrace_stop(struct ktrace *t)
{
	return tracefs_trace_off(t->inst) < 0 ? (errno ? -errno : -EIO) : 0;
}

int ktrace_collect(struct ktrace *t, struct tr_stalls *st)
{
	int size = 0, r;
	char *text;

	errno = 0;
	text = tracefs_instance_file_read(t->inst, "trace", &size);
	if (!text)
		return errno ? -errno : -EIO;
	r = tr_stalls_parse_text(st, text, (size_t)size);
	free(text);
	return r;
}
