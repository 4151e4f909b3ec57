// SPDX-License-Identifier: MIT
/*
 * The run's memory cgroup: create, limit, attach, counters, remove, and
 * the v2 -> v1 knob table. Where (v1, v2 or hybrid) is cg-detect.c's,
 * libcgroup and its workarounds are cg-lcg.c's, stale cleanup cg-stale.c's.
 */
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "cg-impl.h"
#include "util.h"

/*
 * v1 reports "no limit" as PAGE_COUNTER_MAX pages in bytes (LONG_MAX rounded
 * down to a page: 9223372036854771712 with 4 KiB pages). Anything this large
 * is that sentinel, whatever the page size.
 */
#define V1_UNLIMITED_MIN (INT64_MAX - (1ULL << 20))

#define DESTROY_TIMEOUT_NS (5ULL * 1000000000ULL)

struct oomlab_cg {
	struct cg_where w; /* where it was made (root, mount) */
	enum cg_version version;
	char *path;    /* absolute directory */
	char *relpath; /* inside the hierarchy, as the kernel logs it */
	char *oom_file;
	uint64_t swap; /* v1: memsw - limit kept on cg_set_limit */
	bool memsw;    /* v1: memory.memsw.limit_in_bytes was set */
};

/* Knob flags. */
enum {
	/* needs a config option (swap accounting): skipped where absent */
	KNOB_OPTIONAL = 1 << 0,
	/* v1's file holds memory + this knob (memsw = limit + swap) */
	KNOB_V1_PLUS_LIMIT = 1 << 1,
};

/* v2 name -> v1 name, as LTP's memory_ctrl_files[]; NULL: not in that version. */
static const struct cg_knob_info {
	const char *v2, *v1;
	unsigned flags;
} knobs[CG_KNOB_COUNT] = {
	[CG_KNOB_MAX] = { "memory.max", "memory.limit_in_bytes" },
	[CG_KNOB_CURRENT] = { "memory.current", "memory.usage_in_bytes" },
	[CG_KNOB_SWAP_MAX] = { "memory.swap.max", "memory.memsw.limit_in_bytes",
			       KNOB_OPTIONAL | KNOB_V1_PLUS_LIMIT },
	/* v1 kills one task at a time; group kill is 4.19+ v2 */
	[CG_KNOB_OOM_GROUP] = { "memory.oom.group", NULL },
	/* v1 has soft_limit_in_bytes, but not these semantics */
	[CG_KNOB_HIGH] = { "memory.high", NULL },
	[CG_KNOB_LOW] = { "memory.low", NULL },
	[CG_KNOB_MIN] = { "memory.min", NULL },
	[CG_KNOB_OOM_EVENTS] = { "memory.events", "memory.oom_control" },
	[CG_KNOB_FAILCNT] = { NULL, "memory.failcnt" },
	[CG_KNOB_OOM_KILL_DISABLE] = { NULL, "memory.oom_control" },
};

const char *cg_knob_file(enum cg_knob k, enum cg_version v)
{
	if ((unsigned)k >= CG_KNOB_COUNT)
		return NULL;
	return v == CG_V2 ? knobs[k].v2 : v == CG_V1 ? knobs[k].v1 : NULL;
}

int cg_knob_value(enum cg_knob k, enum cg_version ver, uint64_t v, uint64_t limit,
		  char buf[static 32])
{
	if (!cg_knob_file(k, ver))
		return -EOPNOTSUPP;
	if (ver == CG_V1 && (knobs[k].flags & KNOB_V1_PLUS_LIMIT) && v != UINT64_MAX) {
		if (limit == UINT64_MAX || limit > UINT64_MAX - v)
			v = UINT64_MAX;
		else
			v += limit;
	}
	if (v == UINT64_MAX)
		snprintf(buf, 32, ver == CG_V1 ? "-1" : "max");
	else
		snprintf(buf, 32, "%" PRIu64, v);
	return 0;
}

static bool tag_ok(const char *tag)
{
	size_t n = 0;

	for (const char *p = tag; *p; p++, n++)
		if (!isalnum((unsigned char)*p) && *p != '-' && *p != '_' && *p != '.')
			return false;
	return n > 0 && n <= 64;
}

static bool dir_has_file(const char *dir, const char *file)
{
	_cleanup_free_ char *p = cg_path_join3(NULL, dir, file);

	return p && access(p, F_OK) == 0;
}

static int read_u64_file(const char *dir, const char *file, uint64_t *ret);

static void cg_free(struct oomlab_cg *cg)
{
	if (!cg)
		return;
	cg_where_done(&cg->w);
	free(cg->path);
	free(cg->relpath);
	free(cg->oom_file);
	free(cg);
}

/*
 * Add knob k = v to vals[] in the version's spelling. An optional knob
 * whose file the parent lacks is left out (*added false).
 */
static int add_knob(const struct oomlab_cg *cg, const char *parent_dir, enum cg_knob k, uint64_t v,
		    uint64_t limit, struct cg_value *vals, unsigned *n, bool *added)
{
	const char *file = cg_knob_file(k, cg->version);
	int r;

	*added = false;
	if (!file)
		return -EOPNOTSUPP;
	if ((knobs[k].flags & KNOB_OPTIONAL) && !dir_has_file(parent_dir, file))
		return 0;
	r = cg_knob_value(k, cg->version, v, limit, vals[*n].text);
	if (r < 0)
		return r;
	vals[(*n)++].file = file;
	*added = true;
	return 0;
}

int cg_create_in(const char *root, const char *tag, uint64_t limit, bool oom_group,
		 uint64_t swap_max, struct oomlab_cg **ret)
{
	_cleanup_free_ char *base = NULL, *parent_dir = NULL;
	struct cg_value vals[CG_KNOB_COUNT];
	struct oomlab_cg *cg = NULL;
	unsigned n = 0;
	bool added;
	int r;

	if (!tag || !tag_ok(tag) || !ret)
		return -EINVAL;
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return -ENOMEM;
	r = cg_where_detect(root, &cg->w);
	if (r < 0)
		goto out;
	cg->version = cg->w.version;
	if (oom_group && cg->version != CG_V2) {
		/* memory.oom.group is v2 only (4.19+); v1 kills one task at a time. */
		r = -EOPNOTSUPP;
		goto out;
	}
	r = cg_pick_base(&cg->w, true, &base);
	if (r < 0)
		goto out;
	parent_dir = cg_where_dir(&cg->w, base);
	if (!parent_dir) {
		r = -ENOMEM;
		goto out;
	}
	if (asprintf(&cg->relpath, "%s/oomlab-%d-%s", strcmp(base, "/") ? base : "", (int)getpid(),
		     tag) < 0) {
		cg->relpath = NULL;
		r = -ENOMEM;
		goto out;
	}
	cg->path = cg_where_dir(&cg->w, cg->relpath);
	cg->oom_file = cg->path ? cg_path_join3(NULL, cg->path,
						cg_knob_file(CG_KNOB_OOM_EVENTS, cg->version))
				: NULL;
	if (!cg->path || !cg->oom_file) {
		r = -ENOMEM;
		goto out;
	}

	if (cg->version == CG_V1) {
		uint64_t hier = 1;

		/*
		 * Before 5.16 a v1 memcg could be non-hierarchical: the
		 * child's charges would not reach our memcg, so no limit above
		 * us would hold. 5.16+ always reads 1.
		 */
		if (read_u64_file(parent_dir, "memory.use_hierarchy", &hier) == 0 && hier == 0) {
			r = -EOPNOTSUPP;
			goto out;
		}
		/* oom_kill_disable is inherited from the parent: clear it. */
		r = add_knob(cg, parent_dir, CG_KNOB_OOM_KILL_DISABLE, 0, 0, vals, &n, &added);
	}
	/* In this order: the kernel refuses v1 memsw < limit_in_bytes. */
	if (r == 0 && limit)
		r = add_knob(cg, parent_dir, CG_KNOB_MAX, limit, 0, vals, &n, &added);
	/*
	 * v1 memsw limits memory+swap, so it needs a limit to add the swap
	 * to; both memsw and v2 memory.swap.max exist only with swap
	 * accounting (CONFIG_MEMCG_SWAP, swapaccount=1).
	 */
	if (r == 0 && swap_max != CG_SWAP_DEFAULT && (limit || cg->version == CG_V2) &&
	    (cg->version == CG_V2 || limit <= UINT64_MAX - swap_max)) {
		r = add_knob(cg, parent_dir, CG_KNOB_SWAP_MAX, swap_max, limit, vals, &n, &added);
		if (r == 0 && added && cg->version == CG_V1) {
			cg->memsw = true;
			cg->swap = swap_max;
		}
	}
	if (r == 0 && oom_group)
		r = add_knob(cg, parent_dir, CG_KNOB_OOM_GROUP, 1, 0, vals, &n, &added);
	if (r == 0)
		r = cg_lcg_create(&cg->w, cg->relpath, vals, n);
	if (r < 0)
		goto out;
	*ret = cg;
	cg = NULL;
out:
	cg_free(cg);
	return r;
}

int cg_create(const char *tag, uint64_t limit, bool oom_group, uint64_t swap_max,
	      struct oomlab_cg **ret)
{
	return cg_create_in("/", tag, limit, oom_group, swap_max, ret);
}

int cg_create_child(const struct oomlab_cg *parent, const char *name, const struct cg_setting *set,
		    unsigned n, struct oomlab_cg **ret)
{
	_cleanup_free_ char *parent_dir = NULL;
	struct cg_value vals[CG_KNOB_COUNT];
	struct oomlab_cg *cg = NULL;
	uint64_t limit = 0;
	unsigned nv = 0;
	bool added;
	int r = 0;

	if (!parent || !name || !tag_ok(name) || !ret || n > CG_KNOB_COUNT)
		return -EINVAL;
	cg = calloc(1, sizeof(*cg));
	if (!cg)
		return -ENOMEM;
	cg->version = parent->version;
	cg->w.version = parent->w.version;
	cg->w.fake = parent->w.fake;
	cg->w.root = strdup(parent->w.root);
	cg->w.mount = strdup(parent->w.mount);
	cg->w.rel = strdup(parent->w.rel);
	cg->relpath = cg_path_join3(NULL, parent->relpath, name);
	cg->path = cg->relpath ? cg_where_dir(&cg->w, cg->relpath) : NULL;
	cg->oom_file = cg->path ? cg_path_join3(NULL, cg->path,
						cg_knob_file(CG_KNOB_OOM_EVENTS, cg->version))
				: NULL;
	parent_dir = strdup(parent->path);
	if (!cg->w.root || !cg->w.mount || !cg->w.rel || !cg->path || !cg->oom_file ||
	    !parent_dir) {
		r = -ENOMEM;
		goto out;
	}
	/*
	 * v2: a child has memory.* files only when the parent delegates the
	 * controller (cgroup.subtree_control), and then the parent may hold
	 * no process (the no internal processes rule): create the tree before
	 * anything joins it.
	 */
	if (cg->version == CG_V2 &&
	    !cg_file_has_word(parent_dir, "cgroup.subtree_control", "memory")) {
		r = cg_lcg_write(&cg->w, parent->relpath, "cgroup.subtree_control", "+memory");
		if (r < 0)
			goto out;
	}
	if (cg->version == CG_V1)
		/* oom_kill_disable is inherited from the parent: clear it. */
		r = add_knob(cg, parent_dir, CG_KNOB_OOM_KILL_DISABLE, 0, 0, vals, &nv, &added);
	for (unsigned i = 0; r == 0 && i < n; i++)
		if (set[i].knob == CG_KNOB_MAX)
			limit = set[i].value;
	/* the limit first: v1 refuses memsw below limit_in_bytes */
	for (unsigned pass = 0; r == 0 && pass < 2; pass++)
		for (unsigned i = 0; r == 0 && i < n; i++) {
			if ((set[i].knob == CG_KNOB_MAX) != (pass == 0))
				continue;
			if (set[i].knob == CG_KNOB_SWAP_MAX && cg->version == CG_V1 && !limit)
				continue; /* memsw needs a limit to add the swap to */
			r = add_knob(cg, parent_dir, set[i].knob, set[i].value, limit, vals, &nv,
				     &added);
			if (r == 0 && added && set[i].knob == CG_KNOB_SWAP_MAX &&
			    cg->version == CG_V1) {
				cg->memsw = true;
				cg->swap = set[i].value;
			}
		}
	if (r == 0)
		r = cg_lcg_create(&cg->w, cg->relpath, vals, nv);
	if (r < 0)
		goto out;
	*ret = cg;
	cg = NULL;
out:
	cg_free(cg);
	return r;
}

enum cg_version cg_version(const struct oomlab_cg *cg)
{
	return cg ? cg->version : CG_NONE;
}

const char *cg_path(const struct oomlab_cg *cg)
{
	return cg ? cg->path : NULL;
}

const char *cg_relpath(const struct oomlab_cg *cg)
{
	return cg ? cg->relpath : NULL;
}

const char *cg_oom_counter_file(const struct oomlab_cg *cg)
{
	return cg ? cg->oom_file : NULL;
}

/*
 * A direct write to cgroup.procs, not cgroup_attach_task_pid(): libcgroup
 * writes v1 "tasks", which moves one thread, not the process, and the
 * child calls this between fork and exec, where one open+write is all we
 * want to run.
 */
int cg_attach(struct oomlab_cg *cg, pid_t pid)
{
	char buf[24], p[PATH_MAX];

	if (!cg || pid <= 0)
		return -EINVAL;
	if (snprintf(p, sizeof(p), "%s/cgroup.procs", cg->path) >= (int)sizeof(p))
		return -ENAMETOOLONG;
	snprintf(buf, sizeof(buf), "%d", (int)pid);
	return write_file_str(p, buf);
}

int cg_set(struct oomlab_cg *cg, enum cg_knob k, uint64_t v)
{
	char buf[32];
	int r;

	if (!cg)
		return -EINVAL;
	r = cg_knob_value(k, cg->version, v, 0, buf);
	if (r < 0)
		return r;
	return cg_lcg_write(&cg->w, cg->relpath, cg_knob_file(k, cg->version), buf);
}

/* v1 memsw, written as is (memory + swap), "-1" for no limit. */
static int set_memsw(struct oomlab_cg *cg, uint64_t v)
{
	char buf[32];

	if (v == UINT64_MAX)
		snprintf(buf, sizeof(buf), "-1");
	else
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return cg_lcg_write(&cg->w, cg->relpath, cg_knob_file(CG_KNOB_SWAP_MAX, CG_V1), buf);
}

/*
 * v2: writing memory.max below usage reclaims and then OOM-kills inside the
 * cgroup; the write returns once usage fits. v1: the kernel reclaims, and
 * if usage stays above the new limit the write fails with EBUSY, no kill
 * (mem_cgroup_resize_max; checked on 6.18 here).
 */
int cg_set_limit(struct oomlab_cg *cg, uint64_t limit)
{
	uint64_t memsw;
	int r;

	if (!cg || limit == 0)
		return -EINVAL;
	if (cg->version == CG_V2 || !cg->memsw)
		return cg_set(cg, CG_KNOB_MAX, limit);
	/* The kernel keeps limit <= memsw at every step: order the writes. */
	memsw = limit > UINT64_MAX - cg->swap ? UINT64_MAX : limit + cg->swap;
	if (limit == UINT64_MAX || memsw == UINT64_MAX) {
		r = set_memsw(cg, UINT64_MAX);
		return r < 0 ? r : cg_set(cg, CG_KNOB_MAX, limit);
	}
	{
		uint64_t cur = 0;

		r = read_u64_file(cg->path, cg_knob_file(CG_KNOB_MAX, CG_V1), &cur);
		if (r < 0)
			return r;
		if (limit < cur) {
			r = cg_set(cg, CG_KNOB_MAX, limit);
			return r < 0 ? r : set_memsw(cg, memsw);
		}
	}
	r = set_memsw(cg, memsw);
	return r < 0 ? r : cg_set(cg, CG_KNOB_MAX, limit);
}

/* Strict: digits then an optional newline, nothing else. */
static int parse_u64_strict(const char *s, uint64_t *ret)
{
	char *end;
	unsigned long long v;

	if (!isdigit((unsigned char)*s))
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -errno;
	if (*end == '\n')
		end++;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

static int read_u64_file(const char *dir, const char *file, uint64_t *ret)
{
	_cleanup_free_ char *p = NULL, *buf = NULL;
	uint64_t v;
	int r;

	p = cg_path_join3(NULL, dir, file);
	if (!p)
		return -ENOMEM;
	r = read_file_str(p, &buf);
	if (r < 0)
		return r;
	if (!strcmp(buf, "max\n") || !strcmp(buf, "max")) {
		*ret = UINT64_MAX;
		return 0;
	}
	r = parse_u64_strict(buf, &v);
	if (r < 0)
		return r;
	*ret = v;
	return 0;
}

/*
 * "key value" lines into the fields named in keys[]; keys missing from the
 * file (added in later kernels: oom_kill 4.13 in v1, oom_group_kill 5.17)
 * stay 0. A malformed value for a wanted key is -EINVAL.
 */
struct keyed {
	const char *key;
	uint64_t *val;
};

static int read_keyed_file(const char *dir, const char *file, const struct keyed *keys,
			   size_t nkeys)
{
	_cleanup_free_ char *p = NULL, *buf = NULL;
	int r;

	p = cg_path_join3(NULL, dir, file);
	if (!p)
		return -ENOMEM;
	r = read_file_str(p, &buf);
	if (r < 0)
		return r;
	for (size_t i = 0; i < nkeys; i++) {
		char num[32];
		size_t n;
		const char *v = keyed_find(buf, keys[i].key, &n);

		if (!v)
			continue;
		if (n >= sizeof(num))
			return -EINVAL;
		memcpy(num, v, n);
		num[n] = 0;
		r = parse_u64_strict(num, keys[i].val);
		if (r < 0)
			return r;
	}
	return 0;
}

int cg_read_counters(const char *dir, enum cg_version v, struct cg_counters *ret)
{
	struct cg_counters c = { .version = v };
	uint64_t under = 0;
	int r;

	if (!dir || !ret)
		return -EINVAL;
	if (v == CG_V2) {
		const struct keyed keys[] = {
			{ "oom", &c.oom },
			{ "oom_kill", &c.oom_kill },
			{ "oom_group_kill", &c.oom_group_kill },
			{ "max", &c.failcnt },
		};

		r = read_u64_file(dir, knobs[CG_KNOB_CURRENT].v2, &c.usage);
		if (r == 0)
			r = read_u64_file(dir, knobs[CG_KNOB_MAX].v2, &c.limit);
		if (r == 0)
			r = read_keyed_file(dir, knobs[CG_KNOB_OOM_EVENTS].v2, keys,
					    ARRAY_SIZE(keys));
	} else if (v == CG_V1) {
		const struct keyed keys[] = {
			{ "under_oom", &under },
			{ "oom_kill", &c.oom_kill },
		};

		r = read_u64_file(dir, knobs[CG_KNOB_CURRENT].v1, &c.usage);
		if (r == 0)
			r = read_u64_file(dir, knobs[CG_KNOB_MAX].v1, &c.limit);
		if (r == 0 && c.limit >= V1_UNLIMITED_MIN)
			c.limit = UINT64_MAX;
		if (r == 0)
			r = read_keyed_file(dir, knobs[CG_KNOB_OOM_EVENTS].v1, keys,
					    ARRAY_SIZE(keys));
		if (r == 0)
			r = read_u64_file(dir, knobs[CG_KNOB_FAILCNT].v1, &c.failcnt);
		c.under_oom = under != 0;
	} else {
		return -EINVAL;
	}
	if (r < 0)
		return r;
	*ret = c;
	return 0;
}

static int read_procs(const char *dir, pid_t **ret, unsigned *ret_n)
{
	_cleanup_free_ char *p = NULL, *buf = NULL;
	_cleanup_free_ pid_t *pids = NULL;
	unsigned n = 0, cap = 0;
	char *save = NULL;
	int r;

	p = cg_path_join3(NULL, dir, "cgroup.procs");
	if (!p)
		return -ENOMEM;
	r = read_file_str(p, &buf);
	if (r < 0)
		return r;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint64_t v;

		r = parse_u64_strict(line, &v);
		if (r < 0 || v == 0 || v > INT_MAX)
			return -EINVAL;
		if (n == cap) {
			pid_t *np = realloc(pids, (cap ? cap * 2 : 16) * sizeof(*np));

			if (!np)
				return -ENOMEM;
			pids = np;
			cap = cap ? cap * 2 : 16;
		}
		pids[n++] = (pid_t)v;
	}
	*ret = TAKE_PTR(pids);
	*ret_n = n;
	return 0;
}

int cg_pids(const struct oomlab_cg *cg, pid_t **ret, unsigned *ret_n)
{
	if (!cg || !ret || !ret_n)
		return -EINVAL;
	return read_procs(cg->path, ret, ret_n);
}

static bool pid_listed(const pid_t *pids, unsigned n, pid_t pid)
{
	for (unsigned i = 0; i < n; i++)
		if (pids[i] == pid)
			return true;
	return false;
}

/*
 * SIGKILL what cgroup.procs lists (on a fake tree: nothing). A PID read from the file may exit and be
 * reused by a process outside the cgroup before we signal it, so take a
 * pidfd first (5.3+) and signal only if the PID is still listed after
 * that: the pidfd then names the process inside. Returns how many remain.
 */
static int kill_listed(const char *dir, bool fake)
{
	_cleanup_free_ pid_t *a = NULL, *b = NULL;
	_cleanup_free_ int *fds = NULL;
	unsigned na = 0, nb = 0;
	int r;

	r = read_procs(dir, &a, &na);
	if (r < 0 || na == 0)
		return r < 0 ? r : 0;
	/* a fake tree's PIDs were captured elsewhere: never signal them */
	if (fake)
		return (int)na;
	fds = malloc(na * sizeof(*fds));
	if (!fds)
		return -ENOMEM;
	for (unsigned i = 0; i < na; i++) {
		fds[i] = (int)syscall(SYS_pidfd_open, a[i], 0);
		if (fds[i] < 0)
			fds[i] = -errno;
	}
	r = read_procs(dir, &b, &nb);
	for (unsigned i = 0; i < na; i++) {
		if (r == 0 && pid_listed(b, nb, a[i])) {
			if (fds[i] >= 0)
				syscall(SYS_pidfd_send_signal, fds[i], SIGKILL, NULL, 0);
			else if (fds[i] == -ENOSYS)
				kill(a[i], SIGKILL);
		}
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return r < 0 ? r : (int)nb;
}

/*
 * Kill what is inside, wait (bounded) until cgroup.procs is empty, remove
 * the directory (cg-lcg.c: never moving leftover tasks into the parent,
 * i.e. into the harness's own memcg, which is the one thing a run cgroup
 * must not do). Dead but unreaped children (zombies) are not listed in
 * cgroup.procs and do not keep the directory busy.
 */
/*
 * Child cgroups first (the run's [group]s, the workers' leaves): rmdir of
 * a cgroup with children fails with EBUSY, and a SIGKILLed harness's tree
 * must go whole. Depth is bounded by the profile (and PATH_MAX).
 */
static int remove_children(const struct cg_where *w, const char *rel, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int r = 0;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		_cleanup_free_ char *sub = NULL;
		int q;

		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		sub = cg_path_join3(NULL, rel, e->d_name);
		if (!sub) {
			r = -ENOMEM;
			break;
		}
		q = cg_remove_dir(w, sub);
		if (q < 0 && !r)
			r = q;
	}
	closedir(d);
	return r;
}

int cg_remove_dir(const struct cg_where *w, const char *rel)
{
	_cleanup_free_ char *dir = NULL;
	uint64_t t0 = now_ns();
	int r, left;

	dir = cg_where_dir(w, rel);
	if (!dir)
		return -ENOMEM;
	r = remove_children(w, rel, dir);
	if (r < 0)
		return r;
	for (;;) {
		left = kill_listed(dir, w->fake);
		if (left == -ENOENT) {
			struct stat st;

			if (stat(dir, &st) < 0 && errno == ENOENT)
				return 0; /* already gone */
			/* a fake tree's directory may lack the kernel's files */
			if (!w->fake)
				return -ENOENT;
			break;
		}
		if (left < 0)
			return left;
		if (left == 0)
			break;
		if (w->fake)
			return -EBUSY;
		if (now_ns() - t0 > DESTROY_TIMEOUT_NS)
			return -EBUSY;
		sleep_ms(10);
	}
	for (;;) {
		struct stat st;

		r = cg_lcg_delete_empty(w, rel);
		if (stat(dir, &st) < 0 && errno == ENOENT)
			return 0;
		if (r == 0)
			r = -EBUSY;
		/* a task that just exited may hold the cgroup for a moment */
		if (r != -EBUSY || now_ns() - t0 > DESTROY_TIMEOUT_NS)
			return r;
		sleep_ms(10);
	}
}

int cg_remove(struct oomlab_cg *cg)
{
	if (!cg)
		return 0;
	return cg_remove_dir(&cg->w, cg->relpath);
}

void cg_destroy(struct oomlab_cg *cg)
{
	if (!cg)
		return;
	(void)cg_remove(cg);
	cg_free(cg);
}
