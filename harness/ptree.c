// SPDX-License-Identifier: MIT
/* ptree: a worker's process tree, read once and ranked per process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procfs.h"
#include "ptree.h"
#include "util.h"

int ptree_read(const char *proc, const pid_t *pids, unsigned n, uint64_t page_size,
	       struct ptree *ret)
{
	struct ptree t = { 0 };

	for (unsigned i = 0; i < n; i++) {
		struct ptree_proc *p;
		struct proc_snapshot s;
		struct proc_stat st;

		if (proc_snapshot(proc, pids[i], &s) < 0 || proc_stat_read(proc, pids[i], &st) < 0)
			continue; /* gone since cgroup.procs was read */
		if (t.n >= PTREE_MAX) {
			t.truncated++;
			continue;
		}
		p = &t.p[t.n++];
		p->pid = pids[i];
		p->ppid = st.ppid;
		snprintf(p->comm, sizeof(p->comm), "%s", s.comm);
		p->rss_bytes = s.rss_bytes;
		p->oom_score_adj = s.oom_score_adj;
		p->oom_score = s.oom_score;
		p->task = (struct task_mem){
			.pid = pids[i],
			.rss_pages = s.rss_bytes / page_size,
			.swap_pages = s.swap_bytes / page_size,
			.pgtables_bytes = s.pgtables_bytes,
			.total_vm_pages = s.vm_bytes / page_size,
			.oom_score_adj = s.oom_score_adj,
			.nice = s.nice,
			.uid = s.uid,
			.cap_sys_admin = s.cap_eff & (1ULL << 21),
			.cap_sys_rawio = s.cap_eff & (1ULL << 17),
			.cap_sys_resource = s.cap_eff & (1ULL << 24),
			.cpu_time_s = s.cpu_s,
			.run_time_s = s.run_s,
			.is_leader = true,
		};
		snprintf(p->task.name, sizeof(p->task.name), "%s", s.comm);
	}
	t.top = -1;
	*ret = t;
	return 0;
}

static bool in_tree(const struct ptree *t, pid_t pid)
{
	return ptree_find(t, pid) >= 0;
}

static int by_pid(const void *a, const void *b)
{
	const struct ptree_proc *x = a, *y = b;

	return (x->pid > y->pid) - (x->pid < y->pid);
}

static void visit(const struct ptree *src, pid_t pid, unsigned depth, bool *done, struct ptree *dst)
{
	int i = ptree_find(src, pid);

	if (i < 0 || done[i] || depth > PTREE_MAX)
		return;
	done[i] = true;
	dst->p[dst->n] = src->p[i];
	dst->p[dst->n++].depth = depth;
	for (unsigned j = 0; j < src->n; j++)
		if (src->p[j].ppid == pid && !done[j])
			visit(src, src->p[j].pid, depth + 1, done, dst);
}

void ptree_order(struct ptree *t, pid_t root)
{
	struct ptree src = *t, dst = { .truncated = t->truncated, .top = -1 };
	bool done[PTREE_MAX] = { false };

	qsort(src.p, src.n, sizeof(src.p[0]), by_pid);
	visit(&src, root, 0, done, &dst);
	/* roots whose parent is outside the tree: a daemon that double-forked
	 * (reparented to a subreaper or init) is still the worker's */
	for (unsigned i = 0; i < src.n; i++)
		if (!done[i] && !in_tree(&src, src.p[i].ppid))
			visit(&src, src.p[i].pid, 0, done, &dst);
	for (unsigned i = 0; i < src.n; i++) /* cycles cannot happen; be safe */
		if (!done[i])
			visit(&src, src.p[i].pid, 0, done, &dst);
	*t = dst;
}

void ptree_children_vm(struct ptree *t)
{
	for (unsigned i = 0; i < t->n; i++) {
		struct task_mem *m = &t->p[i].task;

		m->nchildren = 0;
		for (unsigned j = 0; j < t->n; j++)
			if (j != i && t->p[j].ppid == t->p[i].pid &&
			    m->nchildren < ARRAY_SIZE(m->children_vm_pages))
				m->children_vm_pages[m->nchildren++] = t->p[j].task.total_vm_pages;
	}
}

int ptree_score(struct ptree *t, enum oom_era era, uint64_t totalpages)
{
	int best = -1;

	for (unsigned i = 0; i < t->n; i++) {
		struct ptree_proc *p = &t->p[i];

		p->points = oom_badness(era, &p->task, totalpages);
		if (p->points.unkillable)
			continue;
		if (best < 0 || p->points.points > t->p[best].points.points)
			best = (int)i;
	}
	t->top = best;
	return best;
}

int ptree_find(const struct ptree *t, pid_t pid)
{
	for (unsigned i = 0; i < t->n; i++)
		if (t->p[i].pid == pid)
			return (int)i;
	return -1;
}

uint64_t ptree_rss(const struct ptree *t)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < t->n; i++)
		sum += t->p[i].rss_bytes;
	return sum;
}

static bool path_under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	return n && !strncmp(path, dir, n) && (path[n] == 0 || path[n] == '/');
}

int ptree_owner(const char *const *leaves, const struct ptree *const *trees, unsigned n, pid_t pid,
		const char *task_memcg)
{
	if (task_memcg && *task_memcg)
		for (unsigned i = 0; i < n; i++)
			if (leaves[i] && path_under(task_memcg, leaves[i]))
				return (int)i;
	for (unsigned i = 0; i < n; i++)
		if (trees[i] && ptree_find(trees[i], pid) >= 0)
			return (int)i;
	return -1;
}

const char *ptree_fate_name(enum ptree_fate f)
{
	switch (f) {
	case PTREE_KILLED:
		return "killed";
	case PTREE_GONE:
		return "gone";
	case PTREE_ALIVE:
	default:
		return "alive";
	}
}

size_t ptree_format(const struct ptree *t, const char *indent, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = 0;
	for (unsigned i = 0; i < t->n && off < len; i++) {
		const struct ptree_proc *p = &t->p[i];
		char rss[16], pts[32], fate[24];
		int w;

		if (p->points.unkillable)
			snprintf(pts, sizeof(pts), "never");
		else
			snprintf(pts, sizeof(pts), "%.0f", p->points.points);
		if (p->fate == PTREE_KILLED && p->kill_order)
			snprintf(fate, sizeof(fate), "killed #%u", p->kill_order);
		else
			snprintf(fate, sizeof(fate), "%s", ptree_fate_name(p->fate));
		w = snprintf(buf + off, len - off, "%s%*s%-15s %7d rss %7s adj %5d points %6s %s\n",
			     indent, (int)(2 * p->depth), "", p->comm, (int)p->pid,
			     format_size(p->rss_bytes, rss), p->oom_score_adj, pts, fate);
		if (w < 0)
			break;
		off += (size_t)w;
	}
	if (off >= len && len)
		off = len - 1;
	if (t->truncated && off < len) {
		int w = snprintf(buf + off, len - off, "%s(%u more processes not shown)\n", indent,
				 t->truncated);

		if (w > 0)
			off += (size_t)w < len - off ? (size_t)w : len - off - 1;
	}
	return off;
}
