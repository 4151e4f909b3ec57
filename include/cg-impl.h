/* SPDX-License-Identifier: MIT */
/*
 * Internal to the cgroup module (cgroup.c, cg-detect.c, cg-stale.c,
 * cg-lcg.c): where the memory controller is, and the libcgroup adapter.
 * Other modules use cgroup.h.
 */
#ifndef OOMLAB_CG_IMPL_H
#define OOMLAB_CG_IMPL_H

#include <stdbool.h>

#include "cgroup.h"

/* Where the memory controller is and where we sit in it. */
struct cg_where {
	enum cg_version version;
	char *root;  /* "/" or a fake tree (unit tests) */
	char *mount; /* mount point without the root prefix */
	char *rel;   /* our cgroup inside the hierarchy, "/" at the top */
	/*
	 * root is not "/": a plain directory tree, not a cgroupfs libcgroup
	 * knows (it reads the real /proc/self/mounts), so the adapter does
	 * plain mkdir/write/rmdir there.
	 */
	bool fake;
};

void cg_where_done(struct cg_where *w);
/*
 * A v1 memory mount wins over cgroup2 (hybrid); cgroup2 only if memory is
 * in our cgroup.controllers. -EOPNOTSUPP when neither.
 */
int cg_where_detect(const char *root, struct cg_where *ret);
/* root + a + b without doubled slashes; root NULL, "/" or "" adds nothing. */
char *cg_path_join3(const char *root, const char *a, const char *b);
/* The directory of hierarchy path rel: root + mount + rel. */
char *cg_where_dir(const struct cg_where *w, const char *rel);
/* Is word a token of the space-separated file dir/file? */
bool cg_file_has_word(const char *dir, const char *file, const char *word);
/*
 * Where run cgroups go, as a hierarchy path (see cg-detect.c).
 * try_enable false: only look (stale cleanup).
 */
int cg_pick_base(const struct cg_where *w, bool try_enable, char **ret_rel);

/* Kill what is in hierarchy path rel, wait until empty, remove it (cgroup.c). */
int cg_remove_dir(const struct cg_where *w, const char *rel);

/* ---- the libcgroup adapter (cg-lcg.c) ---- */

struct cg_value {
	const char *file; /* "memory.max" */
	char text[32];
};

/*
 * Create hierarchy path rel with the values written in order. -EEXIST
 * if the directory exists (libcgroup's create succeeds on one: it is not
 * ours); on failure nothing created is left.
 */
int cg_lcg_create(const struct cg_where *w, const char *rel, const struct cg_value *vals,
		  unsigned n);
/* Write one value of an existing cgroup. */
int cg_lcg_write(const struct cg_where *w, const char *rel, const char *file, const char *text);
/* Remove rel if it holds no task (never moves tasks to the parent). */
int cg_lcg_delete_empty(const struct cg_where *w, const char *rel);

#endif
