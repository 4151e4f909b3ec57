// SPDX-License-Identifier: MIT
#include <errno.h>
#include <string.h>

#include "taskjson.h"
#include "util.h"

json_t *task_mem_to_json(const struct task_mem *t)
{
	json_t *kids = json_array();

	for (unsigned i = 0; kids && i < t->nchildren && i < ARRAY_SIZE(t->children_vm_pages); i++)
		json_array_append_new(kids, json_integer((json_int_t)t->children_vm_pages[i]));
	return json_pack("{s:I,s:I,s:I,s:I,s:o*,s:i,s:b,s:i,s:i,s:I,s:b,s:b,s:b,s:f,s:f,"
			 "s:b,s:b}",
			 "rss_pages", (json_int_t)t->rss_pages, "swap_pages",
			 (json_int_t)t->swap_pages, "pgtables_bytes", (json_int_t)t->pgtables_bytes,
			 "total_vm_pages", (json_int_t)t->total_vm_pages, "children_vm_pages", kids,
			 "oom_score_adj", t->oom_score_adj, "has_oom_adj", t->has_oom_adj,
			 "oom_adj", t->oom_adj, "nice", t->nice, "uid", (json_int_t)t->uid,
			 "cap_sys_admin", t->cap_sys_admin, "cap_sys_resource", t->cap_sys_resource,
			 "cap_sys_rawio", t->cap_sys_rawio, "cpu_time_s", t->cpu_time_s,
			 "run_time_s", t->run_time_s, "is_leader", t->is_leader, "disjoint_cpuset",
			 t->disjoint_cpuset);
}

int task_mem_from_json(const json_t *o, struct task_mem *ret)
{
	struct task_mem t = { 0 };
	json_int_t rss, swap, pgt, vm, uid;
	json_t *kids = NULL;
	int adj, has_oom_adj, oom_adj, nice, admin, res, rawio, leader, cpuset;
	double cpu, run;
	size_t i;
	json_t *v;

	if (!o || json_unpack((json_t *)o,
			      "{s:I,s:I,s:I,s:I,s?o,s:i,s:b,s:i,s:i,s:I,s:b,s:b,s:b,s:F,s:F,"
			      "s:b,s:b}",
			      "rss_pages", &rss, "swap_pages", &swap, "pgtables_bytes", &pgt,
			      "total_vm_pages", &vm, "children_vm_pages", &kids, "oom_score_adj",
			      &adj, "has_oom_adj", &has_oom_adj, "oom_adj", &oom_adj, "nice", &nice,
			      "uid", &uid, "cap_sys_admin", &admin, "cap_sys_resource", &res,
			      "cap_sys_rawio", &rawio, "cpu_time_s", &cpu, "run_time_s", &run,
			      "is_leader", &leader, "disjoint_cpuset", &cpuset) < 0)
		return -EINVAL;
	t.rss_pages = (uint64_t)rss;
	t.swap_pages = (uint64_t)swap;
	t.pgtables_bytes = (uint64_t)pgt;
	t.total_vm_pages = (uint64_t)vm;
	json_array_foreach(kids, i, v)
	{
		if (t.nchildren >= ARRAY_SIZE(t.children_vm_pages))
			break;
		t.children_vm_pages[t.nchildren++] = (uint64_t)json_integer_value(v);
	}
	t.oom_score_adj = adj;
	t.has_oom_adj = has_oom_adj;
	t.oom_adj = oom_adj;
	t.nice = nice;
	t.uid = (uid_t)uid;
	t.cap_sys_admin = admin;
	t.cap_sys_resource = res;
	t.cap_sys_rawio = rawio;
	t.cpu_time_s = cpu;
	t.run_time_s = run;
	t.is_leader = leader;
	t.disjoint_cpuset = cpuset;
	*ret = t;
	return 0;
}
