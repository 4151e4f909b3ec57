// SPDX-License-Identifier: MIT
/*
 * The libcgroup adapter: every call into libcgroup, and the places where
 * libcgroup's defaults do not suit a harness, in one file:
 * - it logs to stdout by default: library code here does not print;
 * - cgroup_create_cgroup() succeeds on an existing directory: refuse it
 *   first (it is not ours);
 * - cgroup_modify_cgroup() writes every value a handle holds: one fresh
 *   handle per write;
 * - its default delete moves leftover tasks into the parent, i.e. into
 *   the harness's own memcg: delete with CGFLAG_DELETE_EMPTY_ONLY;
 * - cgroup_attach_task_pid() writes v1 "tasks" (one thread): cg_attach()
 *   in cgroup.c writes cgroup.procs itself, see there.
 * libcgroup finds hierarchies in the real /proc/self/mounts, so on a fake
 * tree (w->fake, unit tests) the same steps are plain mkdir, write, rmdir.
 */
#include <dirent.h>
#include <fcntl.h>
#include <libcgroup.h>
#include <pthread.h>
#include <string.h>
#include <sys/stat.h>

#include "cg-impl.h"
#include "util.h"

static pthread_once_t lcg_once = PTHREAD_ONCE_INIT;
static int lcg_init_r;

static void lcg_init_once(void)
{
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
	int r;

	r = lcg_init();
	if (r < 0)
		return r;
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

static bool dir_exists(const char *dir)
{
	struct stat st;

	return stat(dir, &st) == 0;
}

/* Fake trees: the file a kernel would make, written like a knob. */
static int fake_write(const char *dir, const char *file, const char *text)
{
	_cleanup_free_ char *p = cg_path_join3(NULL, dir, file);
	_cleanup_close_ int fd = -1;
	size_t n = strlen(text);

	if (!p)
		return -ENOMEM;
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, text, n) != (ssize_t)n)
		return -EIO;
	return 0;
}

static int fake_create(const char *dir, const struct cg_value *vals, unsigned n)
{
	int r;

	if (mkdir(dir, 0755) < 0)
		return -errno;
	r = fake_write(dir, "cgroup.procs", "");
	for (unsigned i = 0; r == 0 && i < n; i++)
		r = fake_write(dir, vals[i].file, vals[i].text);
	return r;
}

/* A cgroupfs directory goes with its files; a fake one must be emptied. */
static int fake_delete(const char *dir)
{
	_cleanup_free_ char *p = NULL, *procs = NULL;
	struct dirent *de;
	DIR *d;

	p = cg_path_join3(NULL, dir, "cgroup.procs");
	if (!p)
		return -ENOMEM;
	if (read_file_str(p, &procs) == 0 && *procs)
		return -EBUSY;
	d = opendir(dir);
	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_type == DT_REG)
			unlinkat(dirfd(d), de->d_name, 0);
	closedir(d);
	return rmdir(dir) < 0 ? -errno : 0;
}

int cg_lcg_create(const struct cg_where *w, const char *rel, const struct cg_value *vals,
		  unsigned n)
{
	_cleanup_(lcg_freep) struct cgroup *g = NULL;
	_cleanup_free_ char *dir = NULL;
	struct cgroup_controller *c;
	int r;

	dir = cg_where_dir(w, rel);
	if (!dir)
		return -ENOMEM;
	if (dir_exists(dir))
		return -EEXIST;
	if (w->fake) {
		r = fake_create(dir, vals, n);
		goto out;
	}
	r = lcg_new(rel, &g, &c);
	for (unsigned i = 0; r == 0 && i < n; i++)
		r = lcg_errno(cgroup_add_value_string(c, vals[i].file, vals[i].text));
	if (r < 0)
		return r;
	/*
	 * v2: libcgroup enables memory in the subtree_control of every
	 * directory between the mount root and the new cgroup; cg_pick_base()
	 * made sure these are already on, so those writes change nothing.
	 */
	/*
	 * ignore_ownership: libcgroup would chown every file of the new
	 * directory to the handle's control uid/gid, which we never set (no
	 * change: we are root and the files are root's); 35 files a v1 memcg,
	 * the most of a leaf's cost with 512 workers (measured: 14% of the
	 * harness's CPU time in the many-workers run).
	 */
	r = lcg_errno(cgroup_create_cgroup(g, 1));
out:
	/* a failed value write may leave the directory made */
	if (r < 0 && dir_exists(dir)) {
		if (w->fake)
			fake_delete(dir);
		else
			rmdir(dir);
	}
	return r;
}

int cg_lcg_write(const struct cg_where *w, const char *rel, const char *file, const char *text)
{
	_cleanup_(lcg_freep) struct cgroup *g = NULL;
	struct cgroup_controller *c;
	int r;

	if (w->fake) {
		_cleanup_free_ char *dir = cg_where_dir(w, rel);

		if (!dir)
			return -ENOMEM;
		if (!dir_exists(dir))
			return -ENOENT;
		return fake_write(dir, file, text);
	}
	/* A fresh handle: cgroup_modify_cgroup() writes every value it holds. */
	r = lcg_new(rel, &g, &c);
	if (r < 0)
		return r;
	r = lcg_errno(cgroup_add_value_string(c, file, text));
	if (r < 0)
		return r;
	return lcg_errno(cgroup_modify_cgroup(g));
}

int cg_lcg_delete_empty(const struct cg_where *w, const char *rel)
{
	_cleanup_(lcg_freep) struct cgroup *g = NULL;
	_cleanup_free_ char *dir = NULL;
	int r;

	if (w->fake) {
		dir = cg_where_dir(w, rel);
		return dir ? fake_delete(dir) : -ENOMEM;
	}
	r = lcg_new(rel, &g, NULL);
	if (r < 0)
		return r;
	return lcg_errno(cgroup_delete_cgroup_ext(g, CGFLAG_DELETE_EMPTY_ONLY));
}
