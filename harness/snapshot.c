// SPDX-License-Identifier: MIT
/* snapshot: what the model needs, read just before the trigger. */
#include <string.h>

#include "groups.h"
#include "procfs.h"
#include "run-ctx.h"
#include "snapshot.h"
#include "svc-stage.h"
#include "util.h"
#include "verdict.h"

void snapshot(struct run_ctx *c)
{
	struct run *r = c->r;
	const uint64_t page = c->page_size;

	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];
		struct task_mem *t = &in->task;
		struct proc_snapshot s;

		if (proc_snapshot("/proc", in->pid, &s) < 0)
			continue;
		in->rss_bytes = s.rss_bytes;
		in->swap_bytes = s.swap_bytes;
		in->pgtables_bytes = s.pgtables_bytes;
		in->total_vm_bytes = s.vm_bytes;
		in->proc_oom_score = s.oom_score;
		in->oom_score_adj = s.oom_score_adj;
		in->nchild = s.nchildren;
		memcpy(in->child_pids, s.children, sizeof(in->child_pids));

		t->pid = in->pid;
		snprintf(t->name, sizeof(t->name), "%s", in->name);
		t->rss_pages = s.rss_bytes / page;
		t->swap_pages = s.swap_bytes / page;
		t->pgtables_bytes = s.pgtables_bytes;
		t->total_vm_pages = s.vm_bytes / page;
		t->oom_score_adj = s.oom_score_adj;
		t->has_oom_adj = in->spec->has_oom_adj;
		t->oom_adj = in->spec->oom_adj;
		t->nice = s.nice;
		t->uid = s.uid;
		t->cap_sys_admin = s.cap_eff & (1ULL << 21);
		t->cap_sys_rawio = s.cap_eff & (1ULL << 17);
		t->cap_sys_resource = s.cap_eff & (1ULL << 24);
		t->cpu_time_s = s.cpu_s;
		t->run_time_s = s.run_s;
		t->is_leader = true;
		for (unsigned j = 0; j < s.nchildren && j < ARRAY_SIZE(t->children_vm_pages); j++) {
			struct proc_snapshot cs;

			if (proc_snapshot("/proc", s.children[j], &cs) == 0)
				t->children_vm_pages[t->nchildren++] = cs.vm_bytes / page;
		}
	}
	if (c->p->has_init_hog) {
		/* claim 14: PID 1 must really be the biggest task for "never
		 * chosen" to mean anything (vm/init.sh holds init_hog) */
		struct proc_snapshot s1;
		char b1[16], b2[16];

		if (proc_snapshot("/proc", 1, &s1) < 0 || s1.rss_bytes < c->p->init_hog / 10 * 9)
			return run_set_outcome(r, OUTCOME_BROK,
					       "PID 1 should hold init_hog = %s "
					       "but holds %s",
					       format_size(c->p->init_hog, b1),
					       format_size(s1.rss_bytes, b2));
		run_note(r,
			 "PID 1 (%s) holds %s of RSS, more than any worker: the global "
			 "init is exempt (is_global_init), so the kernel must pass it over",
			 s1.comm, format_size(s1.rss_bytes, b1));
	}
	if (c->cg) {
		int e = groups_read_counters(c, &r->counters_before);

		svc_add_leaf_counters(r, &r->counters_before);

		if (e < 0)
			return run_set_outcome(r, OUTCOME_BROK,
					       "cannot read the memcg counters "
					       "of %s before the trigger: %s",
					       cg_path(c->cg), strerror(-e));
		/* memcg OOM: the kernel's totalpages is the memcg's max
		 * (mem_cgroup_get_max: limit + allowed swap; no swap here). */
		r->totalpages = (c->limit_now ? c->limit_now : c->p->memory_limit) / page;
	} else {
		proc_totalpages("/proc", &r->totalpages);
	}
	/* [group]s: the OOM domain's limit is totalpages, its tasks the candidates */
	groups_snapshot(c);
	if (run_stopped(r))
		return;
	svc_snapshot(c);
	verdict_predict(r);
}
