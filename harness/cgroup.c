// SPDX-License-Identifier: MIT
/*
 * The run's memory cgroup. libcgroup creates, sets and deletes; this file
 * decides where (v1, v2 or hybrid), reads the counters and does the few
 * things libcgroup does not do the way a harness needs (see the comments at
 * cg_attach() and cg_remove()).
 */
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libcgroup.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

#include "cgroup.h"
#include "util.h"

/*
 * v1 reports "no limit" as PAGE_COUNTER_MAX pages in bytes (LONG_MAX rounded
 * down to a page: 9223372036854771712 with 4 KiB pages). Anything this large
 * is that sentinel, whatever the page size.
 */
#define V1_UNLIMITED_MIN (INT64_MAX - (1ULL << 20))

#define DESTROY_TIMEOUT_NS (5ULL * 1000000000ULL)

struct oomlab_cg {
	enum cg_version version;
	char *path;		/* absolute directory */
	char *relpath;		/* inside the hierarchy, as the kernel logs it */
	char *oom_file;
	uint64_t swap;		/* v1: memsw - limit kept on cg_set_limit */
	bool memsw;		/* v1: memory.memsw.limit_in_bytes was set */
};

/* Where the memory controller is and where we sit in it. */
struct cg_where {
	enum cg_version version;
	char *mount;		/* mount point without root prefix */
	char *rel;		/* our cgroup inside the hierarchy, "/" at the top */
};

static void where_done(struct cg_where *w)
{
	free(w->mount);
	free(w->rel);
}

/* root + a + b, without doubled slashes; root "/" or "" adds nothing. */
static char *path_join3(const char *root, const char *a, const char *b)
{
	char *p = NULL;
	size_t rl = root ? strlen(root) : 0;

	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	if (!b || !strcmp(b, "/"))
		b = "";
	if (asprintf(&p, "%.*s%s%s%s", (int)rl, rl ? root : "", a,
		     (*b && *b != '/') ? "/" : "", b) < 0)
		return NULL;
	/* a path of only the root ("/" + "" + "") must stay "/" */
	if (!*p) {
		free(p);
		p = strdup("/");
	}
	return p;
}

/* /proc/self/mounts escapes space, tab, newline and backslash as \ooo. */
static void unescape_octal(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' &&
		    s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = 0;
}

/* Is word one of the sep-separated tokens of list? */
static bool has_token(const char *list, const char *word, const char *sep)
{
	size_t wl = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t n = strcspn(p, sep);

		if (n == wl && !strncmp(p, word, wl))
			return true;
		p += n;
		p += strspn(p, sep);
	}
	return false;
}

static int parse_mounts(const char *root, char **ret_v1, char **ret_v2)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	char *v1 = NULL, *v2 = NULL, *save = NULL;
	int r;

	path = path_join3(root, "/proc/self/mounts", NULL);
	if (!path)
		return -ENOMEM;
	r = read_file_str(path, &buf);
	if (r < 0)
		return r;
	for (char *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *s2 = NULL;
		unsigned n = 0;

		for (char *t = strtok_r(line, " ", &s2); t && n < 4;
		     t = strtok_r(NULL, " ", &s2))
			f[n++] = t;
		if (n < 4)
			continue;
		if (!v1 && !strcmp(f[2], "cgroup") && has_token(f[3], "memory", ",")) {
			unescape_octal(f[1]);
			v1 = strdup(f[1]);
			if (!v1)
				goto enomem;
		} else if (!v2 && !strcmp(f[2], "cgroup2")) {
			unescape_octal(f[1]);
			v2 = strdup(f[1]);
			if (!v2)
				goto enomem;
		}
	}
	*ret_v1 = v1;
	*ret_v2 = v2;
	return 0;
enomem:
	free(v1);
	free(v2);
	return -ENOMEM;
}

/* Our path in the v1 memory hierarchy and in the unified one (0::). */
static int parse_proc_cgroup(const char *root, char **ret_v1, char **ret_v2)
{
	_cleanup_free_ char *path = NULL, *buf = NULL;
	char *v1 = NULL, *v2 = NULL, *save = NULL;
	int r;

	path = path_join3(root, "/proc/self/cgroup", NULL);
	if (!path)
		return -ENOMEM;
	r = read_file_str(path, &buf);
	if (r < 0)
		return r;
	for (char *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2;

		if (!c1)
			continue;
		c2 = strchr(c1 + 1, ':');
		if (!c2 || c2[1] != '/')
			continue;
		*c1 = *c2 = 0;
		if (!v2 && !strcmp(line, "0") && c1[1] == 0) {
			v2 = strdup(c2 + 1);
			if (!v2)
				goto enomem;
		} else if (!v1 && has_token(c1 + 1, "memory", ",")) {
			v1 = strdup(c2 + 1);
			if (!v1)
				goto enomem;
		}
	}
	*ret_v1 = v1;
	*ret_v2 = v2;
	return 0;
enomem:
	free(v1);
	free(v2);
	return -ENOMEM;
}

static bool file_has_word(const char *dir, const char *file, const char *word)
{
	_cleanup_free_ char *p = NULL, *buf = NULL;

	p = path_join3(NULL, dir, file);
	if (!p || read_file_str(p, &buf) < 0)
		return false;
	return has_token(buf, word, " \n");
}

/*
 * A v1 memory mount wins: while memory is bound to v1 the unified
 * hierarchy cannot have it (hybrid layouts, this machine). Otherwise
 * cgroup2, if our own cgroup.controllers lists memory, i.e. our parent
 * hands it down (the root cgroup lists everything the kernel has).
 */
static int where_detect(const char *root, struct cg_where *ret)
{
	_cleanup_free_ char *m1 = NULL, *m2 = NULL, *p1 = NULL, *p2 = NULL;
	_cleanup_free_ char *dir = NULL;
	int r;

	r = parse_mounts(root, &m1, &m2);
	if (r < 0)
		return r;
	r = parse_proc_cgroup(root, &p1, &p2);
	if (r < 0)
		return r;
	if (m1 && p1) {
		ret->version = CG_V1;
		ret->mount = TAKE_PTR(m1);
		ret->rel = TAKE_PTR(p1);
		return 0;
	}
	if (!m2 || !p2)
		return -EOPNOTSUPP;
	dir = path_join3(root, m2, p2);
	if (!dir)
		return -ENOMEM;
	if (!file_has_word(dir, "cgroup.controllers", "memory"))
		return -EOPNOTSUPP;
	ret->version = CG_V2;
	ret->mount = TAKE_PTR(m2);
	ret->rel = TAKE_PTR(p2);
	return 0;
}

int cg_detect(const char *root, enum cg_version *ret_version, char **ret_dir)
{
	struct cg_where w = { 0 };
	char *dir;
	int r;

	r = where_detect(root ? root : "/", &w);
	if (r < 0)
		return r;
	dir = path_join3(root, w.mount, w.rel);
	if (!dir) {
		where_done(&w);
		return -ENOMEM;
	}
	*ret_version = w.version;
	*ret_dir = dir;
	where_done(&w);
	return 0;
}

/* Parent of a hierarchy path: "/a/b" -> "/a", "/a" -> "/". */
static char *rel_parent(const char *rel)
{
	const char *slash = strrchr(rel, '/');

	if (!slash || slash == rel)
		return strdup("/");
	return strndup(rel, (size_t)(slash - rel));
}

/*
 * Where run cgroups go, as a hierarchy path. v1: under our own memcg. v2:
 * under ours if memory is (or can be) enabled in our cgroup.subtree_control.
 * The "no internal processes" rule (>= 4.5) refuses that with EBUSY when a
 * non-root cgroup has processes of its own (ours does: the harness); then
 * the run cgroup becomes our sibling: our parent already delegates memory
 * (it is in our cgroup.controllers), and the harness stays outside the
 * workers' memcg either way. The root cgroup is exempt (VM guests run there).
 * try_enable false: only look (stale cleanup).
 */
static int pick_base(const struct cg_where *w, bool try_enable, char **ret_rel)
{
	_cleanup_free_ char *dir = NULL, *sub = NULL;
	char *base;
	int r;

	if (w->version == CG_V1)
		goto mine;
	dir = path_join3(NULL, w->mount, w->rel);
	if (!dir)
		return -ENOMEM;
	if (file_has_word(dir, "cgroup.subtree_control", "memory"))
		goto mine;
	if (!try_enable)
		goto parent;
	sub = path_join3(NULL, dir, "cgroup.subtree_control");
	if (!sub)
		return -ENOMEM;
	r = write_file_str(sub, "+memory");
	if (r == 0)
		goto mine;
	if (r != -EBUSY || !strcmp(w->rel, "/"))
		return r;
parent:
	base = rel_parent(w->rel);
	goto out;
mine:
	base = strdup(w->rel);
out:
	if (!base)
		return -ENOMEM;
	*ret_rel = base;
	return 0;
}

static pthread_once_t lcg_once = PTHREAD_ONCE_INIT;
static int lcg_init_r;

static void lcg_init_once(void)
{
	/* libcgroup logs to stdout by default; library code here does not print. */
	cgroup_set_logger(NULL, 0, NULL);
	lcg_init_r = cgroup_init();
}

/* libcgroup's ECG* codes to -errno (ECGOTHER carries the real errno). */
static int lcg_errno(int r)
{
	int e;

	switch (r) {
	case 0:
		return 0;
	case ECGOTHER:
		e = cgroup_get_last_errno();
		return e > 0 ? -e : -EIO;
	case ECGROUPNOTMOUNTED:
	case ECGROUPSUBSYSNOTMOUNTED:
	case ECGROUPNOTCOMPILED:
		return -EOPNOTSUPP;
	case ECGROUPNOTEXIST:
		return -ENOENT;
	case ECGROUPNOTOWNER:
	case ECGROUPNOTALLOWED:
		return -EPERM;
	case ECGNONEMPTY:
		return -EBUSY;
	case ECGINVAL:
		return -EINVAL;
	default:
		return -EIO;
	}
}

static int lcg_init(void)
{
	pthread_once(&lcg_once, lcg_init_once);
	return lcg_errno(lcg_init_r);
}

static void lcg_freep(struct cgroup **p)
{
	if (*p)
		cgroup_free(p);
}

/* A libcgroup handle for rel in the memory hierarchy, plus its controller. */
static int lcg_new(const char *rel, struct cgroup **ret, struct cgroup_controller **ret_c)
{
	struct cgroup *g;
	struct cgroup_controller *c;

	g = cgroup_new_cgroup(rel);
	if (!g)
		return -ENOMEM;
	c = cgroup_add_controller(g, "memory");
	if (!c) {
		cgroup_free(&g);
		return -ENOMEM;
	}
	*ret = g;
	if (ret_c)
		*ret_c = c;
	return 0;
}

static int add_u64(struct cgroup_controller *c, const char *name, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%" PRIu64, v);
	return lcg_errno(cgroup_add_value_string(c, name, buf));
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
	_cleanup_free_ char *p = path_join3(NULL, dir, file);

	return p && access(p, F_OK) == 0;
}

static int read_u64_file(const char *dir, const char *file, uint64_t *ret);

static void cg_free(struct oomlab_cg *cg)
{
	if (!cg)
		return;
	free(cg->path);
	free(cg->relpath);
	free(cg->oom_file);
	free(cg);
}

int cg_create(const char *tag, uint64_t limit, bool oom_group,
	      uint64_t swap_max, struct oomlab_cg **ret)
{
	_cleanup_(lcg_freep) struct cgroup *g = NULL;
	_cleanup_free_ char *base = NULL, *parent_dir = NULL;
	struct cgroup_controller *c;
	struct cg_where w = { 0 };
	struct oomlab_cg *cg = NULL;
	bool created = false;
	struct stat st;
	int r;

	if (!tag || !tag_ok(tag) || !ret)
		return -EINVAL;
	r = where_detect("/", &w);
	if (r < 0)
		return r;
	if (oom_group && w.version != CG_V2) {
		/* memory.oom.group is v2 only (4.19+); v1 kills one task at a time. */
		r = -EOPNOTSUPP;
		goto out;
	}
	r = lcg_init();
	if (r < 0)
		goto out;
	r = pick_base(&w, true, &base);
	if (r < 0)
		goto out;
	parent_dir = path_join3(NULL, w.mount, base);
	cg = calloc(1, sizeof(*cg));
	if (!parent_dir || !cg) {
		r = -ENOMEM;
		goto out;
	}
	cg->version = w.version;
	if (asprintf(&cg->relpath, "%s/oomlab-%d-%s", strcmp(base, "/") ? base : "",
		     (int)getpid(), tag) < 0) {
		cg->relpath = NULL;
		r = -ENOMEM;
		goto out;
	}
	cg->path = path_join3(NULL, w.mount, cg->relpath);
	cg->oom_file = path_join3(NULL, cg->path, w.version == CG_V1 ?
				  "memory.oom_control" : "memory.events");
	if (!cg->path || !cg->oom_file) {
		r = -ENOMEM;
		goto out;
	}
	/* libcgroup's create succeeds on an existing directory: it is not ours. */
	if (stat(cg->path, &st) == 0) {
		r = -EEXIST;
		goto out;
	}

	r = lcg_new(cg->relpath, &g, &c);
	if (r < 0)
		goto out;
	if (w.version == CG_V1) {
		uint64_t hier = 1;

		/*
		 * Before 5.16 a v1 memcg could be non-hierarchical: the
		 * child's charges would not reach our memcg, so no limit above
		 * us would hold. 5.16+ always reads 1.
		 */
		if (read_u64_file(parent_dir, "memory.use_hierarchy", &hier) == 0 &&
		    hier == 0) {
			r = -EOPNOTSUPP;
			goto out;
		}
		/* oom_kill_disable is inherited from the parent: clear it. */
		r = add_u64(c, "memory.oom_control", 0);
		if (r == 0 && limit)
			r = add_u64(c, "memory.limit_in_bytes", limit);
		/*
		 * memsw limits memory+swap, so it is limit + swap; it exists
		 * only with swap accounting (CONFIG_MEMCG_SWAP, swapaccount=1).
		 * Written after limit_in_bytes: the kernel refuses memsw < limit.
		 */
		if (r == 0 && limit && swap_max != CG_SWAP_DEFAULT &&
		    dir_has_file(parent_dir, "memory.memsw.limit_in_bytes") &&
		    limit <= UINT64_MAX - swap_max) {
			r = add_u64(c, "memory.memsw.limit_in_bytes", limit + swap_max);
			cg->memsw = true;
			cg->swap = swap_max;
		}
	} else {
		if (limit)
			r = add_u64(c, "memory.max", limit);
		/* memory.swap.max exists only with swap accounting. */
		if (r == 0 && swap_max != CG_SWAP_DEFAULT &&
		    dir_has_file(parent_dir, "memory.swap.max"))
			r = add_u64(c, "memory.swap.max", swap_max);
		if (r == 0 && oom_group)
			r = add_u64(c, "memory.oom.group", 1);
	}
	if (r < 0)
		goto out;

	/*
	 * v2: libcgroup enables memory in the subtree_control of every
	 * directory between the mount root and the new cgroup; pick_base()
	 * made sure these are already on, so those writes change nothing.
	 */
	r = lcg_errno(cgroup_create_cgroup(g, 0));
	if (stat(cg->path, &st) == 0)
		created = true;
	if (r < 0)
		goto out;
	*ret = cg;
	cg = NULL;
out:
	if (cg && created)
		rmdir(cg->path);
	cg_free(cg);
	where_done(&w);
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

static int set_value(struct oomlab_cg *cg, const char *name, uint64_t v)
{
	_cleanup_(lcg_freep) struct cgroup *g = NULL;
	struct cgroup_controller *c;
	char buf[32];
	int r;

	r = lcg_init();
	if (r < 0)
		return r;
	/* A fresh handle: cgroup_modify_cgroup() writes every value it holds. */
	r = lcg_new(cg->relpath, &g, &c);
	if (r < 0)
		return r;
	if (v == UINT64_MAX)
		snprintf(buf, sizeof(buf), cg->version == CG_V1 ? "-1" : "max");
	else
		snprintf(buf, sizeof(buf), "%" PRIu64, v);
	r = lcg_errno(cgroup_add_value_string(c, name, buf));
	if (r < 0)
		return r;
	return lcg_errno(cgroup_modify_cgroup(g));
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
	if (cg->version == CG_V2)
		return set_value(cg, "memory.max", limit);
	if (!cg->memsw)
		return set_value(cg, "memory.limit_in_bytes", limit);
	/* The kernel keeps limit <= memsw at every step: order the writes. */
	memsw = limit > UINT64_MAX - cg->swap ? UINT64_MAX : limit + cg->swap;
	if (limit == UINT64_MAX || memsw == UINT64_MAX) {
		r = set_value(cg, "memory.memsw.limit_in_bytes", UINT64_MAX);
		return r < 0 ? r : set_value(cg, "memory.limit_in_bytes", limit);
	}
	{
		uint64_t cur = 0;

		r = read_u64_file(cg->path, "memory.limit_in_bytes", &cur);
		if (r < 0)
			return r;
		if (limit < cur) {
			r = set_value(cg, "memory.limit_in_bytes", limit);
			return r < 0 ? r : set_value(cg, "memory.memsw.limit_in_bytes", memsw);
		}
	}
	r = set_value(cg, "memory.memsw.limit_in_bytes", memsw);
	return r < 0 ? r : set_value(cg, "memory.limit_in_bytes", limit);
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

	p = path_join3(NULL, dir, file);
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

static int read_keyed_file(const char *dir, const char *file,
			   const struct keyed *keys, size_t nkeys)
{
	_cleanup_free_ char *p = NULL, *buf = NULL;
	char *save = NULL;
	int r;

	p = path_join3(NULL, dir, file);
	if (!p)
		return -ENOMEM;
	r = read_file_str(p, &buf);
	if (r < 0)
		return r;
	for (char *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strchr(line, ' ');

		if (!sp)
			return -EINVAL;
		*sp = 0;
		for (size_t i = 0; i < nkeys; i++) {
			if (strcmp(line, keys[i].key))
				continue;
			r = parse_u64_strict(sp + 1, keys[i].val);
			if (r < 0)
				return r;
		}
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

		r = read_u64_file(dir, "memory.current", &c.usage);
		if (r == 0)
			r = read_u64_file(dir, "memory.max", &c.limit);
		if (r == 0)
			r = read_keyed_file(dir, "memory.events", keys, ARRAY_SIZE(keys));
	} else if (v == CG_V1) {
		const struct keyed keys[] = {
			{ "under_oom", &under },
			{ "oom_kill", &c.oom_kill },
		};

		r = read_u64_file(dir, "memory.usage_in_bytes", &c.usage);
		if (r == 0)
			r = read_u64_file(dir, "memory.limit_in_bytes", &c.limit);
		if (r == 0 && c.limit >= V1_UNLIMITED_MIN)
			c.limit = UINT64_MAX;
		if (r == 0)
			r = read_keyed_file(dir, "memory.oom_control", keys, ARRAY_SIZE(keys));
		if (r == 0)
			r = read_u64_file(dir, "memory.failcnt", &c.failcnt);
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

	p = path_join3(NULL, dir, "cgroup.procs");
	if (!p)
		return -ENOMEM;
	r = read_file_str(p, &buf);
	if (r < 0)
		return r;
	for (char *line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
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
 * SIGKILL what cgroup.procs lists. A PID read from the file may exit and be
 * reused by a process outside the cgroup before we signal it, so take a
 * pidfd first (5.3+) and signal only if the PID is still listed after
 * that: the pidfd then names the process inside. Returns how many remain.
 */
static int kill_listed(const char *dir)
{
	_cleanup_free_ pid_t *a = NULL, *b = NULL;
	_cleanup_free_ int *fds = NULL;
	unsigned na = 0, nb = 0;
	int r;

	r = read_procs(dir, &a, &na);
	if (r < 0 || na == 0)
		return r < 0 ? r : 0;
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

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Kill what is inside, wait (bounded) until cgroup.procs is empty, remove
 * the directory. Deleted through libcgroup with CGFLAG_DELETE_EMPTY_ONLY:
 * its default delete moves leftover tasks into the parent, i.e. into the
 * harness's own memcg, which is the one thing a run cgroup must not do.
 * Dead but unreaped children (zombies) are not listed in cgroup.procs and
 * do not keep the directory busy.
 */
static int remove_dir(const char *mount, const char *rel)
{
	_cleanup_(lcg_freep) struct cgroup *g = NULL;
	_cleanup_free_ char *dir = NULL;
	uint64_t t0 = now_ns();
	int r, left;

	dir = path_join3(NULL, mount, rel);
	if (!dir)
		return -ENOMEM;
	for (;;) {
		left = kill_listed(dir);
		if (left == -ENOENT)
			return 0;	/* already gone */
		if (left < 0)
			return left;
		if (left == 0)
			break;
		if (now_ns() - t0 > DESTROY_TIMEOUT_NS)
			return -EBUSY;
		sleep_ms(10);
	}
	r = lcg_init();
	if (r == 0)
		r = lcg_new(rel, &g, NULL);
	if (r < 0)
		return r;
	for (;;) {
		struct stat st;

		r = lcg_errno(cgroup_delete_cgroup_ext(g, CGFLAG_DELETE_EMPTY_ONLY));
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
	struct cg_where w = { 0 };
	int r;

	if (!cg)
		return 0;
	r = where_detect("/", &w);
	if (r < 0)
		return r;
	r = remove_dir(w.mount, cg->relpath);
	where_done(&w);
	return r;
}

void cg_destroy(struct oomlab_cg *cg)
{
	if (!cg)
		return;
	(void)cg_remove(cg);
	cg_free(cg);
}

/* Boot-time seconds at which the process started (/proc/PID/stat field 22). */
static int proc_start_boot_s(pid_t pid, double *ret)
{
	_cleanup_free_ char *buf = NULL;
	char p[64], *s;
	unsigned long long st;
	int r;

	snprintf(p, sizeof(p), "/proc/%d/stat", (int)pid);
	r = read_file_str(p, &buf);
	if (r < 0)
		return r;
	/* comm may hold spaces and parentheses: fields start after the last ')' */
	s = strrchr(buf, ')');
	if (!s)
		return -EINVAL;
	s++;
	/* s is at the space before field 3 (state); step to the one before 22 */
	for (int field = 3; field < 22; field++) {
		s = strchr(s + 1, ' ');
		if (!s)
			return -EINVAL;
	}
	if (sscanf(s, " %llu", &st) != 1)
		return -EINVAL;
	*ret = (double)st / (double)sysconf(_SC_CLK_TCK);
	return 0;
}

/*
 * Is "oomlab-<pid>-*" still owned? Stale when <pid> is gone, or when the
 * process now holding <pid> is not oomlab and started after the directory
 * was made (the PID was reused). A live creator that is not called oomlab
 * (a test binary using this module) started before its directory, so it
 * is left alone. Start time is in CLOCK_BOOTTIME ticks (since 4.17; before,
 * monotonic: the same unless suspended), the directory time in
 * CLOCK_REALTIME: compare both as boot-time seconds.
 */
static bool owner_alive(pid_t pid, const struct stat *st)
{
	_cleanup_free_ char *comm = NULL;
	struct timespec real, boot;
	double started, made;
	char p[64];

	if (pid == getpid())
		return true;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	snprintf(p, sizeof(p), "/proc/%d/comm", (int)pid);
	if (read_file_str(p, &comm) < 0)
		return false;
	if (!strcmp(comm, "oomlab\n"))
		return true;
	if (proc_start_boot_s(pid, &started) < 0)
		return true;	/* unsure: keep */
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
static int cleanup_in(const char *mount, const char *base_rel)
{
	_cleanup_free_ char *dir = NULL;
	struct dirent *de;
	DIR *d;
	int n = 0;

	dir = path_join3(NULL, mount, base_rel);
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
		if (errno || end == de->d_name + 7 || *end != '-' || pid <= 0 ||
		    pid > INT_MAX)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) < 0 || !S_ISDIR(st.st_mode))
			continue;
		if (owner_alive((pid_t)pid, &st))
			continue;
		if (asprintf(&rel, "%s/%s", strcmp(base_rel, "/") ? base_rel : "",
			     de->d_name) < 0) {
			rel = NULL;
			continue;
		}
		if (remove_dir(mount, rel) == 0)
			n++;
	}
	closedir(d);
	return n;
}

int cg_cleanup_stale(void)
{
	_cleanup_free_ char *base = NULL;
	struct cg_where w = { 0 };
	int r, n = 0;

	r = where_detect("/", &w);
	if (r < 0)
		return r;
	r = pick_base(&w, false, &base);
	if (r < 0)
		goto out;
	r = cleanup_in(w.mount, base);
	if (r < 0)
		goto out;
	n = r;
	/* v2: a run cgroup may be our sibling (see pick_base()), or ours. */
	if (w.version == CG_V2 && strcmp(base, w.rel)) {
		r = cleanup_in(w.mount, w.rel);
		if (r > 0)
			n += r;
	}
	r = n;
out:
	where_done(&w);
	return r;
}
