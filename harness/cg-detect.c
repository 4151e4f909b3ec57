// SPDX-License-Identifier: MIT
/*
 * Where the memory controller is (v1, v2 or hybrid), where this process
 * sits in it, and where run cgroups go. Everything under a root so the
 * unit tests run on fake trees.
 */
#include <string.h>

#include "cg-impl.h"
#include "procfs.h"
#include "util.h"

void cg_where_done(struct cg_where *w)
{
	free(w->root);
	free(w->mount);
	free(w->rel);
	*w = (struct cg_where){ 0 };
}

char *cg_path_join3(const char *root, const char *a, const char *b)
{
	char *p = NULL;
	size_t rl = root ? strlen(root) : 0;

	while (rl > 0 && root[rl - 1] == '/')
		rl--;
	if (!b || !strcmp(b, "/"))
		b = "";
	if (asprintf(&p, "%.*s%s%s%s", (int)rl, rl ? root : "", a, (*b && *b != '/') ? "/" : "",
		     b) < 0)
		return NULL;
	/* a path of only the root ("/" + "" + "") must stay "/" */
	if (!*p) {
		free(p);
		p = strdup("/");
	}
	return p;
}

char *cg_where_dir(const struct cg_where *w, const char *rel)
{
	_cleanup_free_ char *m = cg_path_join3(w->root, w->mount, NULL);

	return m ? cg_path_join3(NULL, m, rel) : NULL;
}

bool cg_file_has_word(const char *dir, const char *file, const char *word)
{
	_cleanup_free_ char *p = NULL, *buf = NULL;

	p = cg_path_join3(NULL, dir, file);
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
int cg_where_detect(const char *root, struct cg_where *ret)
{
	_cleanup_free_ char *proc = NULL, *m1 = NULL, *m2 = NULL, *p1 = NULL, *p2 = NULL,
			    *dir = NULL, *r_dup = NULL;
	int r;

	if (!root || !*root)
		root = "/";
	proc = cg_path_join3(root, "/proc", NULL);
	r_dup = strdup(root);
	if (!proc || !r_dup)
		return -ENOMEM;
	r = proc_mount_find(proc, "cgroup", "memory", &m1);
	if (r == 0)
		r = proc_mount_find(proc, "cgroup2", NULL, &m2);
	if (r == 0)
		r = proc_cgroup_path(proc, "memory", &p1);
	if (r == 0)
		r = proc_cgroup_path(proc, NULL, &p2);
	if (r < 0)
		return r;
	if (m1 && p1) {
		*ret = (struct cg_where){
			.version = CG_V1,
			.mount = TAKE_PTR(m1),
			.rel = TAKE_PTR(p1),
		};
		goto found;
	}
	if (!m2 || !p2)
		return -EOPNOTSUPP;
	dir = cg_path_join3(root, m2, p2);
	if (!dir)
		return -ENOMEM;
	if (!cg_file_has_word(dir, "cgroup.controllers", "memory"))
		return -EOPNOTSUPP;
	*ret = (struct cg_where){
		.version = CG_V2,
		.mount = TAKE_PTR(m2),
		.rel = TAKE_PTR(p2),
	};
found:
	ret->fake = strspn(root, "/") != strlen(root);
	ret->root = TAKE_PTR(r_dup);
	return 0;
}

int cg_detect(const char *root, enum cg_version *ret_version, char **ret_dir)
{
	struct cg_where w = { 0 };
	char *dir;
	int r;

	r = cg_where_detect(root, &w);
	if (r < 0)
		return r;
	dir = cg_where_dir(&w, w.rel);
	if (!dir) {
		cg_where_done(&w);
		return -ENOMEM;
	}
	*ret_version = w.version;
	*ret_dir = dir;
	cg_where_done(&w);
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
 */
int cg_pick_base(const struct cg_where *w, bool try_enable, char **ret_rel)
{
	_cleanup_free_ char *dir = NULL, *sub = NULL;
	char *base;
	int r;

	if (w->version == CG_V1)
		goto mine;
	dir = cg_where_dir(w, w->rel);
	if (!dir)
		return -ENOMEM;
	if (cg_file_has_word(dir, "cgroup.subtree_control", "memory"))
		goto mine;
	if (!try_enable)
		goto parent;
	sub = cg_path_join3(NULL, dir, "cgroup.subtree_control");
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
