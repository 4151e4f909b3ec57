/* SPDX-License-Identifier: MIT */
/*
 * A worker is a process tree (issue 8): every worker lives in a leaf memcg
 * of its own, so its memory, parent and children alike, is that leaf's
 * usage, and the processes in the leaf are its tree. The kernel ranks
 * processes, not trees (mm/oom_kill.c select_bad_process walks tasks): each
 * process of a tree is a candidate of its own, with its own rss and
 * oom_score_adj (inherited at fork, or set by the service itself, as
 * postgres's postmaster does with PG_OOM_ADJUST_VALUE).
 *
 * Everything here but ptree_read() is pure: tests/unit/test-ptree.c feeds
 * it /proc trees captured from real services under tests/fixtures/proc/.
 */
#ifndef OOMLAB_PTREE_H
#define OOMLAB_PTREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "badness.h"

#define PTREE_MAX 32

enum ptree_fate {
	PTREE_ALIVE = 0, /* still there when observing ended */
	PTREE_KILLED,	 /* the kernel's OOM killer logged its kill */
	PTREE_GONE,	 /* gone for another reason (exited, teardown) */
};

struct ptree_proc {
	pid_t pid, ppid;
	char comm[16];
	unsigned depth;	      /* 0 = the worker's own process (or an orphan) */
	struct task_mem task; /* the model's input, pages */
	uint64_t rss_bytes;
	int oom_score_adj;     /* read back from /proc: the service may set its own */
	long oom_score;	       /* /proc/PID/oom_score (machine-scaled) */
	struct badness points; /* under the run's model */
	enum ptree_fate fate;
	unsigned kill_order; /* 1-based among the run's kills; 0 = none */
};

struct ptree {
	unsigned n;
	struct ptree_proc p[PTREE_MAX];
	unsigned truncated; /* processes beyond PTREE_MAX, not kept */
	int top;	    /* ptree_score's answer: the first candidate, -1 */
};

/*
 * Read PROC/PID for each of pids (a leaf's cgroup.procs) into *ret, in
 * tree order (ptree_order). A PID that is gone by now is skipped.
 */
int ptree_read(const char *proc, const pid_t *pids, unsigned n, uint64_t page_size,
	       struct ptree *ret);
/* Parents before their children, depth-first, siblings by PID; depth set.
 * root: the worker's own PID (a process whose parent is not in the tree
 * is a root too: reparented orphans). */
void ptree_order(struct ptree *t, pid_t root);
/*
 * Each process's children_vm_pages from its children in the tree: <= 2.6.35
 * badness() added half of each child's total_vm (a child with an mm of its
 * own, walking p->children), so the 2.6.35 model needs them per process
 * (claim 8). Call after ptree_order.
 */
void ptree_children_vm(struct ptree *t);
/*
 * Score every process under era's model with totalpages, and return the
 * index of the one the kernel would take first from this tree (the
 * highest points among the killable; ties: the first in tree order, as
 * the kernel's task walk meets a parent before the children it forked),
 * or -1 if every process is unkillable (or the tree is empty). Also
 * stored in t->top.
 */
int ptree_score(struct ptree *t, enum oom_era era, uint64_t totalpages);
/* Index of pid in t, -1. */
int ptree_find(const struct ptree *t, pid_t pid);
/* Sum of the processes' rss. */
uint64_t ptree_rss(const struct ptree *t);

/*
 * Which of n leaves a killed task belongs to: by the kernel's own
 * task_memcg (>= 4.19 "oom-kill:" line; leaves[i] as the kernel logs
 * them, "/a/oomlab-1-x/w-db"), else by its PID in trees[i]. -1: none.
 */
int ptree_owner(const char *const *leaves, const struct ptree *const *trees, unsigned n, pid_t pid,
		const char *task_memcg);

/* One line per process, indented by depth:
 * "  postgres   4711 rss   21.4M adj     0 points   5477 killed #1" */
size_t ptree_format(const struct ptree *t, const char *indent, char *buf, size_t len);
const char *ptree_fate_name(enum ptree_fate f); /* "alive", "killed", "gone" */

#endif
