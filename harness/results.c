// SPDX-License-Identifier: MIT
/*
 * Results of a run: the JSON document (jansson), the table for humans,
 * TAP 13 and JUnit XML for CI. Field meanings: results/README.md.
 *
 * Nothing here prints to stderr: writers return 0 or -errno and the
 * caller logs. The printers write only to the FILE they are given.
 */
#include <ctype.h>
#include <fcntl.h>
#include <inttypes.h>
#include <jansson.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#include "fileio.h"
#include "groups.h"
#include "ptree.h"
#include "results.h"
#include "svc.h"
#include "taskjson.h"
#include "util.h"

#define OOMLAB_VERSION "0.1"
#define TABLE_WIDTH 100

/* "killed 2", "killed", "survives", "any": what the profile asked for. */
static const char *expect_str(const struct worker_spec *w, char buf[static 32])
{
	if (!w)
		return "any";
	switch (w->expect) {
	case EXPECT_KILLED_NTH:
		snprintf(buf, 32, "killed %u", w->expect_pos);
		return buf;
	case EXPECT_KILLED:
		return "killed";
	case EXPECT_SURVIVES:
		return "survives";
	case EXPECT_ANY:
		break;
	}
	return "any";
}

/* JSON null for a constraint the kernel did not name */
static const char *constraint_str(enum oom_constraint c)
{
	return c == OOM_CONSTRAINT_UNKNOWN ? NULL : oom_constraint_name(c);
}

/* "killed by SIGKILL", "dumped core (SIGSEGV)", "exited 0", "alive". */
static const char *exit_str(const struct instance *in, char buf[static 48])
{
	const char *sig;

	if (!in->died)
		return "alive";
	switch (in->exit_code) {
	case CLD_EXITED:
		snprintf(buf, 48, "exited %d", in->exit_status);
		return buf;
	case CLD_KILLED:
	case CLD_DUMPED:
		sig = sigabbrev_np(in->exit_status);
		if (sig)
			snprintf(buf, 48, "%s SIG%s",
				 in->exit_code == CLD_DUMPED ? "dumped core on" : "killed by", sig);
		else
			snprintf(buf, 48, "killed by signal %d", in->exit_status);
		return buf;
	}
	return "died";
}

static const char *profile_path(const struct run *r)
{
	return r->profile && r->profile->path ? r->profile->path : "(no profile)";
}

/* ---- JSON ---------------------------------------------------------------- */

/*
 * Strings from the kernel log and from comm are bytes, not necessarily
 * UTF-8 (comm is whatever the task set), and jansson rejects invalid
 * UTF-8: fall back to a copy with non-ASCII bytes replaced.
 */
static json_t *jstr(const char *s)
{
	json_t *j;
	char *copy;

	if (!s)
		return json_null();
	j = json_string(s);
	if (j)
		return j;
	copy = strdup(s);
	if (!copy)
		return NULL;
	for (char *p = copy; *p; p++)
		if ((unsigned char)*p >= 0x80)
			*p = '?';
	j = json_string(copy);
	free(copy);
	return j;
}

/* Empty string = not known = null. */
static json_t *jstr_or_null(const char *s)
{
	return s && *s ? jstr(s) : json_null();
}

static json_t *ju64(uint64_t v)
{
	if (v > (uint64_t)INT64_MAX) /* json_int_t is 64-bit signed */
		return json_null();
	return json_integer((json_int_t)v);
}

static json_t *jreal(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* json_object_set_new() takes a NULL value (allocation failure) and fails. */
static void jset(json_t *o, const char *k, json_t *v, bool *bad)
{
	if (json_object_set_new(o, k, v) < 0)
		*bad = true;
}

static void jappend(json_t *a, json_t *v, bool *bad)
{
	if (json_array_append_new(a, v) < 0)
		*bad = true;
}

static json_t *caps_json(const struct worker_spec *w, bool *bad)
{
	json_t *a;

	if (!w)
		return json_null();
	switch (w->caps) {
	case CAPS_INHERIT:
		return json_string("inherit");
	case CAPS_NONE:
		return json_string("none");
	case CAPS_ALL:
		return json_string("all");
	case CAPS_LIST:
		break;
	}
	a = json_array();
	if (!a)
		return NULL;
	for (unsigned i = 0; i < w->ncaps && i < PROFILE_MAX_CAPS; i++) {
		char *name = cap_to_name(w->cap_list[i]);

		jappend(a, jstr(name), bad);
		cap_free(name);
	}
	return a;
}

static json_t *argv_json(char *const *argv, bool *bad)
{
	json_t *a;

	if (!argv)
		return json_null();
	a = json_array();
	if (!a)
		return NULL;
	for (; *argv; argv++)
		jappend(a, jstr(*argv), bad);
	return a;
}

/* A worker's process tree (ptree.h): each process with its rss, adj,
 * points, fate and model input (so any era can be replayed per process);
 * the worker's kill names the process it was. */
static json_t *tree_json(const struct instance *in, bool *bad)
{
	const struct ptree *t = in->tree;
	json_t *a = json_array();

	for (unsigned i = 0; a && i < t->n; i++) {
		const struct ptree_proc *p = &t->p[i];
		json_t *o = json_object();

		jset(o, "pid", json_integer(p->pid), bad);
		jset(o, "ppid", json_integer(p->ppid), bad);
		jset(o, "comm", jstr(p->comm), bad);
		jset(o, "depth", json_integer(p->depth), bad);
		jset(o, "rss_bytes", ju64(p->rss_bytes), bad);
		jset(o, "oom_score_adj", json_integer(p->oom_score_adj), bad);
		jset(o, "points", p->points.unkillable ? json_null() : jreal(p->points.points),
		     bad);
		jset(o, "first_candidate", json_boolean((int)i == t->top), bad);
		jset(o, "fate", jstr(ptree_fate_name(p->fate)), bad);
		jset(o, "kill", p->kill_order ? json_integer(p->kill_order) : json_null(), bad);
		jset(o, "model_input", task_mem_to_json(&p->task), bad);
		jappend(a, o, bad);
	}
	return a;
}

static json_t *worker_json(const struct instance *in, bool *bad)
{
	const struct worker_spec *w = in->spec;
	json_t *o = json_object();
	char ebuf[32], xbuf[48];

	if (!o)
		return NULL;
	jset(o, "name", jstr(in->name), bad);
	jset(o, "pid", in->pid > 0 ? json_integer(in->pid) : json_null(), bad);
	jset(o, "pattern", jstr(w ? w->pattern : NULL), bad);
	jset(o, "command", argv_json(w ? w->argv : NULL, bad), bad);
	jset(o, "oom_score_adj", json_integer(in->oom_score_adj), bad);
	jset(o, "nice", w ? json_integer(w->nice) : json_null(), bad);
	/* the uid the model saw; the profile's when the task never started */
	jset(o, "uid", json_integer(w && w->has_user ? w->uid : in->task.uid), bad);
	jset(o, "caps", caps_json(w, bad), bad);
	jset(o, "size_bytes", w ? ju64(w->size) : json_null(), bad);
	jset(o, "rss_bytes_at_trigger", ju64(in->rss_bytes), bad);
	jset(o, "swap_bytes_at_trigger", ju64(in->swap_bytes), bad);
	jset(o, "pgtables_bytes_at_trigger", ju64(in->pgtables_bytes), bad);
	jset(o, "total_vm_bytes_at_trigger", ju64(in->total_vm_bytes), bad);
	jset(o, "proc_oom_score", json_integer(in->proc_oom_score), bad);
	jset(o, "predicted_points", jreal(in->predicted.points), bad);
	jset(o, "predicted_unkillable", json_boolean(in->predicted.unkillable), bad);
	jset(o, "predicted_why", jstr(in->predicted.why), bad);
	jset(o, "predicted_rank",
	     in->predicted_rank ? json_integer(in->predicted_rank) : json_null(), bad);
	jset(o, "expect", json_string(expect_str(w, ebuf)), bad);
	jset(o, "killed", json_boolean(in->killed), bad);
	jset(o, "kill_order", in->kill_order ? json_integer(in->kill_order) : json_null(), bad);
	jset(o, "kill_ms", in->killed ? jreal(in->kill_ms) : json_null(), bad);
	jset(o, "exit", json_string(exit_str(in, xbuf)), bad);
	{
		json_t *kids = json_array();

		for (unsigned j = 0; kids && j < in->nchild; j++)
			json_array_append_new(kids, json_integer(in->child_pids[j]));
		jset(o, "children", kids, bad);
	}
	jset(o, "children_dead", json_integer(in->child_dead), bad);
	if (in->tree) {
		const struct ptree *t = in->tree;
		int first = -1;

		for (unsigned i = 0; i < t->n; i++)
			if (t->p[i].kill_order &&
			    (first < 0 || t->p[i].kill_order < t->p[first].kill_order))
				first = (int)i;
		jset(o, "killed_pid", first >= 0 ? json_integer(t->p[first].pid) : json_null(),
		     bad);
		jset(o, "killed_comm", first >= 0 ? jstr(t->p[first].comm) : json_null(), bad);
		jset(o, "tree", tree_json(in, bad), bad);
	}
	/* what the model saw: lets any era be replayed on this file later */
	jset(o, "model_input", in->pid > 0 ? task_mem_to_json(&in->task) : json_null(), bad);
	return o;
}

static json_t *kill_json(const struct run *r, unsigned i, bool *bad)
{
	const struct kill_record *k = &r->kills[i];
	const struct oom_event *e = &k->killed;
	const char *cons = k->has_constraint ? constraint_str(k->constraint.constraint) : NULL;
	json_t *o = json_object();
	bool ours = k->instance >= 0 && (unsigned)k->instance < r->ninst;

	if (!o)
		return NULL;
	jset(o, "order", json_integer(i + 1), bad);
	jset(o, "pid", json_integer(e->pid), bad);
	jset(o, "name", jstr(e->comm), bad);
	jset(o, "instance", ours ? jstr(r->inst[k->instance].name) : json_null(), bad);
	jset(o, "seq", ju64(k->seq), bad);
	jset(o, "usec", ju64(k->usec), bad);
	jset(o, "memcg", json_boolean(e->memcg), bad);
	jset(o, "constraint", jstr(cons), bad);
	jset(o, "oom_memcg",
	     k->has_constraint ? jstr_or_null(k->constraint.oom_memcg) : json_null(), bad);
	jset(o, "task_memcg",
	     k->has_constraint ? jstr_or_null(k->constraint.task_memcg) : json_null(), bad);
	jset(o, "line", jstr(k->line), bad);
	jset(o, "constraint_line",
	     k->has_constraint ? jstr_or_null(k->constraint_line) : json_null(), bad);
	jset(o, "total_vm_kb", json_integer(e->total_vm_kb), bad);
	jset(o, "anon_rss_kb", json_integer(e->anon_rss_kb), bad);
	jset(o, "file_rss_kb", json_integer(e->file_rss_kb), bad);
	jset(o, "shmem_rss_kb", json_integer(e->shmem_rss_kb), bad);
	/* UID, pgtables and oom_score_adj appeared in the line during 5.x */
	jset(o, "pgtables_kb", e->has_pgtables ? json_integer(e->pgtables_kb) : json_null(), bad);
	jset(o, "uid", e->has_uid ? json_integer(e->uid) : json_null(), bad);
	jset(o, "oom_score_adj", e->has_adj ? json_integer(e->oom_score_adj) : json_null(), bad);
	return o;
}

/*
 * [group]s: each worker's group ("pod/c1", null for the run's own
 * cgroup), whether it was a candidate of the OOM domain, whether
 * memory.oom.group takes it with the victim; the tree and the domain.
 */
static void worker_group_json(const struct run *r, const struct instance *in, json_t *o, bool *bad)
{
	const struct profile *p = r->profile;
	char path[256];
	int g = in->spec ? in->spec->group : PROFILE_GROUP_RUN;

	if (!o || !p || !p->ngroups)
		return;
	jset(o, "group", g >= 0 ? jstr(profile_group_path(p, g, path, sizeof(path))) : json_null(),
	     bad);
	jset(o, "in_domain", json_boolean(!in->outside_domain), bad);
	jset(o, "group_kill", json_boolean(in->group_kill), bad);
}

static json_t *group_mem_json(const struct group_mem *m, bool *bad)
{
	if (!m->have)
		return json_null();
	return json_pack("{s:o,s:o,s:o}", "anon_bytes", ju64(m->anon), "file_bytes", ju64(m->file),
			 "swap_bytes", ju64(m->swap));
}

static json_t *groups_json(const struct run *r, bool *bad)
{
	const struct profile *p = r->profile;
	json_t *a = json_array();
	char path[256];

	for (unsigned i = 0; a && i < p->ngroups; i++) {
		const struct group_spec *g = &p->groups[i];
		json_t *o = json_object();

		if (!o)
			continue;
		jset(o, "name", jstr(g->name), bad);
		jset(o, "path", jstr(profile_group_path(p, (int)i, path, sizeof(path))), bad);
		jset(o, "parent", g->parent >= 0 ? jstr(p->groups[g->parent].name) : json_null(),
		     bad);
		jset(o, "memory_limit_bytes",
		     g->has_memory_limit ? ju64(g->memory_limit) : json_null(), bad);
		jset(o, "memory_high_bytes",
		     g->has_memory_high ? ju64(g->memory_high) : json_null(), bad);
		jset(o, "memory_low_bytes", g->has_memory_low ? ju64(g->memory_low) : json_null(),
		     bad);
		jset(o, "memory_min_bytes", g->has_memory_min ? ju64(g->memory_min) : json_null(),
		     bad);
		jset(o, "swap_max_bytes", g->has_swap_max ? ju64(g->swap_max) : json_null(), bad);
		jset(o, "oom_group", json_boolean(g->oom_group), bad);
		jset(o, "expect", jstr(g->expect_protected ? "protected" : "any"), bad);
		jset(o, "memory_at_snapshot", group_mem_json(&r->group_before[i], bad), bad);
		jset(o, "memory_at_end", group_mem_json(&r->group_after[i], bad), bad);
		jappend(a, o, bad);
	}
	return a;
}

static json_t *domain_json(const struct run *r, bool *bad)
{
	const struct profile *p = r->profile;
	char path[256];
	json_t *o;

	if (!r->has_domain || !p)
		return json_null();
	o = json_object();
	if (!o)
		return NULL;
	jset(o, "group",
	     r->domain_group >= 0 ? jstr(profile_group_path(p, r->domain_group, path, sizeof(path)))
				  : json_null(),
	     bad);
	jset(o, "name", jstr(r->domain_group >= 0 ? p->groups[r->domain_group].name : "run"), bad);
	jset(o, "limit_bytes", ju64(r->domain_limit), bad);
	jset(o, "headroom_bytes", ju64(r->domain_headroom), bad);
	jset(o, "oom_group_kill",
	     r->has_oom_group_kill
		     ? jstr(r->oom_group_kill >= 0 ? p->groups[r->oom_group_kill].name : "run")
		     : json_null(),
	     bad);
	return o;
}

static json_t *counters_json(const struct cg_counters *c, bool *bad)
{
	json_t *o = json_object();

	if (!o)
		return NULL;
	jset(o, "cgroup_version", c->version ? json_integer(c->version) : json_null(), bad);
	jset(o, "usage_bytes", ju64(c->usage), bad);
	/* UINT64_MAX ("max") does not fit a JSON integer: null = unlimited */
	jset(o, "limit_bytes", ju64(c->limit), bad);
	jset(o, "oom", ju64(c->oom), bad);
	jset(o, "oom_kill", ju64(c->oom_kill), bad);
	jset(o, "oom_group_kill", ju64(c->oom_group_kill), bad);
	jset(o, "failcnt", ju64(c->failcnt), bad);
	jset(o, "under_oom", json_boolean(c->under_oom), bad);
	return o;
}

struct json_t *results_json(const struct run *r)
{
	const struct profile *p = r->profile;
	json_t *doc, *a, *c;
	bool bad = false;

	doc = json_object();
	if (!doc)
		return NULL;
	jset(doc, "oomlab_version", json_string(OOMLAB_VERSION), &bad);
	jset(doc, "profile", jstr(p ? p->path : NULL), &bad);
	jset(doc, "description", jstr(p ? p->description : NULL), &bad);
	if (p && p->claim)
		jset(doc, "claim",
		     json_pack("{s:i,s:o}", "id", p->claim_id, "text", jstr(p->claim)), &bad);
	else
		jset(doc, "claim", json_null(), &bad);
	jset(doc, "kernel", jstr_or_null(r->kernel), &bad);
	jset(doc, "era",
	     json_pack("{s:s?,s:b}", "model", oom_era_name(r->era), "forced", r->era_forced), &bad);
	jset(doc, "cgroup_version",
	     r->cg_version != CG_NONE ? json_integer(r->cg_version) : json_null(), &bad);
	jset(doc, "cgroup", jstr_or_null(r->cgroup), &bad);
	jset(doc, "memory_limit_bytes",
	     p && p->has_memory_limit ? ju64(p->memory_limit) : json_null(), &bad);
	jset(doc, "oom_group", json_boolean(p && p->oom_group), &bad);
	jset(doc, "totalpages", ju64(r->totalpages), &bad);
	jset(doc, "trigger", p ? json_string(trigger_name(p->trigger)) : json_null(), &bad);
	jset(doc, "trigger_used", jstr(r->trigger_used), &bad);
	jset(doc, "timeout_ms", p ? ju64(p->timeout_ms) : json_null(), &bad);
	jset(doc, "verdict", json_string(outcome_name(r->outcome)), &bad);
	jset(doc, "exit_code", json_integer(r->outcome), &bad);
	jset(doc, "reason", jstr_or_null(r->reason), &bad);

	a = json_array();
	for (unsigned i = 0; a && i < r->nnotes && i < RUN_MAX_NOTES; i++)
		jappend(a, jstr(r->notes[i]), &bad);
	jset(doc, "notes", a, &bad);

	jset(doc, "ramp_ms", jreal(r->ramp_ms), &bad);
	jset(doc, "spawn_ms", jreal(r->spawn_ms), &bad);
	jset(doc, "snapshot_ms", jreal(r->snapshot_ms), &bad);
	jset(doc, "ranked_ms", jreal(r->ranked_ms), &bad);
	jset(doc, "wall_ms", jreal(r->wall_ms), &bad);

	a = json_array();
	for (unsigned i = 0; a && i < r->ninst && i < RUN_MAX_INSTANCES; i++) {
		json_t *w = worker_json(&r->inst[i], &bad);

		worker_group_json(r, &r->inst[i], w, &bad);
		jappend(a, w, &bad);
	}
	jset(doc, "workers", a, &bad);
	if (p && p->ngroups) {
		jset(doc, "groups", groups_json(r, &bad), &bad);
		jset(doc, "domain", domain_json(r, &bad), &bad);
	}

	a = json_array();
	for (unsigned i = 0; a && i < r->nkills && i < RUN_MAX_KILLS; i++)
		jappend(a, kill_json(r, i, &bad), &bad);
	jset(doc, "kills", a, &bad);

	c = json_object();
	if (c) {
		jset(c, "before", counters_json(&r->counters_before, &bad), &bad);
		jset(c, "after", counters_json(&r->counters_after, &bad), &bad);
	}
	jset(doc, "counters", c, &bad);

	jset(doc, "kmsg_lost", ju64(r->kmsg_lost), &bad);
	jset(doc, "panicked", json_boolean(r->panicked), &bad);
	jset(doc, "alloc_failed", json_boolean(r->alloc_failed), &bad);
	if (r->bench)
		jset(doc, "bench", json_incref(r->bench), &bad);

	if (bad) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* ---- files (written through fileio's write_atomic*) ----------------------- */

static int fill_json(FILE *f, const void *data)
{
	const json_t *doc = data;

	if (json_dumpf(doc, f, JSON_INDENT(2) | JSON_REAL_PRECISION(12)) < 0)
		return -EIO;
	if (fputc('\n', f) == EOF)
		return -EIO;
	return 0;
}

/* Keep a file name to [A-Za-z0-9._+-]: kernel releases can hold anything. */
static void name_sanitize(char *s)
{
	for (; *s; s++)
		if (!(('a' <= *s && *s <= 'z') || ('A' <= *s && *s <= 'Z') ||
		      ('0' <= *s && *s <= '9') || strchr("._+-", *s)))
			*s = '_';
}

/*
 * <profile basename without .ini>-<kernel>-<YYYYmmdd-HHMMSS>-<pid>: the
 * stem of a result's name. The same profile twice in one second of one
 * process (or a guest, whose PIDs repeat from boot to boot) gives the same
 * stem, so the name is taken with write_atomic_unique: -2, -3, ... and
 * never a result overwritten.
 */
static int default_stem(const struct run *r, char **ret)
{
	_cleanup_free_ char *base = NULL, *kern = NULL;
	const char *pp = r->profile && r->profile->path ? r->profile->path : "run";
	const char *slash = strrchr(pp, '/');
	char stamp[32];
	struct tm tm;
	time_t now = time(NULL);
	size_t len;
	char *stem;

	base = strdup(slash ? slash + 1 : pp);
	kern = strdup(*r->kernel ? r->kernel : "unknown");
	if (!base || !kern)
		return -ENOMEM;
	len = strlen(base);
	if (len > 4 && !strcmp(base + len - 4, ".ini"))
		base[len - 4] = 0;
	name_sanitize(base);
	name_sanitize(kern);
	/* UTC: results from CI runners in several zones sort together */
	if (!gmtime_r(&now, &tm) || !strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm))
		return -EINVAL;
	if (asprintf(&stem, "%s-%s-%s-%d", base, kern, stamp, (int)getpid()) < 0)
		return -ENOMEM;
	*ret = stem;
	return 0;
}

int results_write_json(const struct run *r, const char *dir, const char *path, char **ret_path)
{
	_cleanup_free_ char *target = NULL, *pcopy = NULL, *stem = NULL;
	json_t *doc = NULL;
	int ret;

	if (path) {
		target = strdup(path);
		pcopy = strdup(path);
		if (!target || !pcopy)
			return -ENOMEM;
		dir = dirname(pcopy);
	} else {
		if (!dir)
			dir = "results";
		ret = default_stem(r, &stem);
		if (ret < 0)
			return ret;
	}
	ret = mkdir_p(dir, 0755);
	if (ret < 0)
		return ret;
	doc = results_json(r);
	if (!doc)
		return -ENOMEM;
	/* --json FILE is the user's own name: replaced, like any output */
	if (path)
		ret = write_atomic(target, 0644, fill_json, doc);
	else
		ret = write_atomic_unique(dir, stem, ".json", 0644, fill_json, doc, &target);
	json_decref(doc);
	if (ret < 0)
		return ret;
	if (ret_path)
		*ret_path = TAKE_PTR(target);
	return 0;
}

int results_write_json_doc(const char *dir, const char *name, const char *json, size_t len,
			   char **ret_path)
{
	_cleanup_free_ char *stem = strdup(name);
	struct wbuf wb = { json, len };
	size_t n;
	int ret;

	if (!stem)
		return -ENOMEM;
	n = strlen(stem);
	if (n > 5 && !strcmp(stem + n - 5, ".json"))
		stem[n - 5] = 0;
	ret = mkdir_p(dir, 0755);
	if (ret < 0)
		return ret;
	return write_atomic_unique(dir, stem, ".json", 0644, write_fill_buf, &wb, ret_path);
}

/* ---- the table ----------------------------------------------------------- */

/* The kernels each model stands for, as people read it. */
static const char *era_range(enum oom_era era)
{
	return era == OOM_ERA_AUTO ? "auto" : oom_era_info(era)->range;
}

/* Keep the tail of a long path: the leaf is what tells runs apart. */
static const char *elide(const char *s, size_t max, char *buf, size_t len)
{
	size_t n = strlen(s);

	if (n <= max || max < 4 || max >= len)
		return s;
	snprintf(buf, len, "..%s", s + n - (max - 2));
	return buf;
}

/*
 * Points are pages on >= 3.8 (margin in % of totalpages, as the kernel
 * adds adj * totalpages / 1000) and per-mille of totalpages on 2.6.36-3.7;
 * the 2.6.35 score has no unit to compare against (oom_era_info's unit).
 */
static bool margin_pct(const struct run *r, double a, double b, double *ret)
{
	double pct;

	if (r->era == OOM_ERA_AUTO || oom_era_info(r->era)->unit == OOM_UNIT_VM_SCALED)
		return false;
	pct = oom_margin_pct(r->era, a, b, r->totalpages);
	if (isnan(pct))
		return false;
	*ret = pct;
	return true;
}

static void print_margin(const struct run *r, FILE *out)
{
	const struct instance *v = NULL, *ru = NULL;
	double pct;

	for (unsigned i = 0; i < r->ninst; i++) {
		if (r->inst[i].predicted_rank == 1)
			v = &r->inst[i];
		else if (r->inst[i].predicted_rank == 2)
			ru = &r->inst[i];
	}
	if (!v || !ru)
		return;
	if (margin_pct(r, v->predicted.points, ru->predicted.points, &pct))
		fprintf(out, "margin: victim %s vs runner-up %s: %.1f%% of the %s\n", v->name,
			ru->name, pct, r->cg_version != CG_NONE ? "limit" : "memory");
	else
		fprintf(out, "margin: victim %s (%.0f) vs runner-up %s (%.0f)\n", v->name,
			v->predicted.points, ru->name, ru->predicted.points);
}

/* Word-wrap text under a "  - " bullet to TABLE_WIDTH columns. */
static void print_wrapped(FILE *out, const char *bullet, const char *text)
{
	size_t indent = strlen(bullet), col = indent;
	const char *s = text;

	fputs(bullet, out);
	while (*s) {
		size_t w = strcspn(s, " \n");

		if (col > indent && col + 1 + w > TABLE_WIDTH) {
			fprintf(out, "\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			fputc(' ', out);
			col++;
		}
		fwrite(s, 1, w, out);
		col += w;
		s += w;
		while (*s == ' ' || *s == '\n')
			s++;
	}
	fputc('\n', out);
}

static const char *actual_str(const struct instance *in, char buf[static 48])
{
	if (in->killed && in->kill_order) {
		snprintf(buf, 48, "killed %u", in->kill_order);
		return buf;
	}
	if (in->killed)
		return "killed";
	if (!in->died)
		return in->pid > 0 ? "survived" : "not run";
	/* died without a kernel kill record: say how, briefly */
	if (in->exit_code == CLD_EXITED)
		snprintf(buf, 48, "exited %d", in->exit_status);
	else if (sigabbrev_np(in->exit_status))
		snprintf(buf, 48, "SIG%s", sigabbrev_np(in->exit_status));
	else
		snprintf(buf, 48, "signal %d", in->exit_status);
	return buf;
}

void results_print_table(const struct run *r, FILE *out)
{
	const struct profile *p = r->profile;
	char b1[16], b2[16], b3[48], b4[32], path[80], verdict[16];
	unsigned others = 0;
	size_t j;

	fprintf(out, "profile %s  kernel %s  model %s%s\n",
		elide(profile_path(r), 60, path, sizeof(path)), *r->kernel ? r->kernel : "?",
		era_range(r->era), r->era_forced ? " (forced)" : "");
	if (p && p->claim)
		print_wrapped(out, "claim: ", p->claim);
	if (r->cg_version != CG_NONE)
		fprintf(out, "cgroup v%d %s", r->cg_version,
			elide(*r->cgroup ? r->cgroup : "?", 70, path, sizeof(path)));
	else
		fputs("no memcg", out);
	if (p && p->has_memory_limit)
		fprintf(out, "  limit %s", format_size(p->memory_limit, b1));
	fputc('\n', out);
	if (p)
		fprintf(out, "trigger %s", trigger_name(p->trigger));
	if (r->trigger_used && (!p || strcmp(r->trigger_used, trigger_name(p->trigger))))
		fprintf(out, p ? " (used %s)" : "trigger %s", r->trigger_used);
	fprintf(out, "%stotalpages %" PRIu64 "  ramp %.0f ms  wall %.0f ms\n",
		p || r->trigger_used ? "  " : "", r->totalpages, r->ramp_ms, r->wall_ms);

	if (r->has_domain && p) {
		char gp[256];

		fprintf(out, "OOM domain %s (%s, limit %s)%s%s\n",
			r->domain_group >= 0 ? p->groups[r->domain_group].name : "run",
			r->domain_group >= 0
				? profile_group_path(p, r->domain_group, gp, sizeof(gp))
				: "the run's cgroup",
			format_size(r->domain_limit, b1),
			r->has_oom_group_kill ? "  oom.group " : "",
			r->has_oom_group_kill ? groups_name(p, r->oom_group_kill) : "");
	}
	if (r->ninst) {
		fprintf(out, "%-15s %5s %5s %8s %9s %9s %5s  %-10s %-10s %8s%s\n", "worker", "adj",
			"nice", "size", "rss@trig", "points", "pred", "expect", "actual", "kill_ms",
			p && p->ngroups ? "  group" : "");
	}
	for (unsigned i = 0; i < r->ninst && i < RUN_MAX_INSTANCES; i++) {
		const struct instance *in = &r->inst[i];
		char pts[24], pred[12], kms[16];

		if (in->predicted.unkillable)
			snprintf(pts, sizeof(pts), "never");
		else
			snprintf(pts, sizeof(pts), "%.0f", in->predicted.points);
		if (in->predicted_rank)
			snprintf(pred, sizeof(pred), "%u", in->predicted_rank);
		else
			snprintf(pred, sizeof(pred), "-");
		if (in->killed && isfinite(in->kill_ms))
			snprintf(kms, sizeof(kms), "%.1f", in->kill_ms);
		else
			snprintf(kms, sizeof(kms), "-");
		fprintf(out, "%-15s %5d %5d %8s %9s %9s %5s  %-10s %-10s %8s", in->name,
			in->oom_score_adj, in->spec ? in->spec->nice : 0,
			format_size(in->spec ? in->spec->size : 0, b1),
			format_size(in->rss_bytes, b2), pts, pred, expect_str(in->spec, b4),
			actual_str(in, b3), kms);
		if (p && p->ngroups) {
			char gp[256];
			int g = in->spec ? in->spec->group : PROFILE_GROUP_RUN;

			fprintf(out, "  %s%s%s",
				g >= 0 ? profile_group_path(p, g, gp, sizeof(gp)) : "-",
				in->outside_domain ? " (outside)" : "",
				in->group_kill ? " (oom.group)" : "");
		}
		fputc('\n', out);
		if (in->tree && in->tree->n) {
			char tree[PTREE_MAX * 100];

			ptree_format(in->tree, "    ", tree, sizeof(tree));
			fputs(tree, out);
		}
	}
	/* the pressure process and strangers the kernel killed too */
	for (unsigned i = 0; i < r->nkills && i < RUN_MAX_KILLS; i++) {
		const struct kill_record *k = &r->kills[i];

		if (k->instance >= 0 && (unsigned)k->instance < r->ninst)
			continue;
		fprintf(out, "%s%s (pid %d, kill %u)",
			others++ ? ", " : "also killed: ", k->killed.comm, (int)k->killed.pid,
			i + 1);
	}
	if (others)
		fputc('\n', out);
	print_margin(r, out);
	if (r->kmsg_lost)
		fprintf(out, "kernel log: %" PRIu64 " records lost\n", r->kmsg_lost);
	for (unsigned i = 0; i < r->nnotes && i < RUN_MAX_NOTES; i++)
		if (r->notes[i])
			print_wrapped(out, "  - ", r->notes[i]);
	for (j = 0; j + 1 < sizeof(verdict) && outcome_name(r->outcome)[j]; j++)
		verdict[j] = (char)toupper((unsigned char)outcome_name(r->outcome)[j]);
	verdict[j] = 0;
	if (r->outcome == OUTCOME_PASS || !*r->reason)
		fprintf(out, "verdict: %s (exit %d)\n", verdict, r->outcome);
	else
		fprintf(out, "verdict: %s (exit %d): %s\n", verdict, r->outcome, r->reason);
}

/* ---- TAP ----------------------------------------------------------------- */

/* A TAP description ends at '#' (directive) and at the end of the line. */
static void tap_desc(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '#')
			fputs("\\#", out);
		else if (*s == '\\')
			fputs("\\\\", out);
		else if (*s == '\n' || *s == '\r')
			fputc(' ', out);
		else
			fputc(*s, out);
	}
}

/* A YAML double-quoted scalar. */
static void yaml_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", out);
		else if (c == '\t')
			fputs("\\t", out);
		else if (c < 0x20 || c == 0x7f)
			fprintf(out, "\\x%02x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

void results_print_tap(struct run *const *runs, unsigned n, FILE *out)
{
	fputs("TAP version 13\n", out);
	fprintf(out, "1..%u\n", n);
	for (unsigned i = 0; i < n; i++) {
		const struct run *r = runs[i];

		fprintf(out, "%s %u - ",
			r->outcome == OUTCOME_PASS || r->outcome == OUTCOME_SKIP ? "ok" : "not ok",
			i + 1);
		tap_desc(out, profile_path(r));
		if (r->outcome == OUTCOME_SKIP) {
			fputs(" # SKIP ", out);
			tap_desc(out, *r->reason ? r->reason : "skipped");
		}
		fputc('\n', out);
		if (r->outcome == OUTCOME_PASS || r->outcome == OUTCOME_SKIP)
			continue;
		fputs("  ---\n", out);
		fprintf(out, "  verdict: %s\n", outcome_name(r->outcome));
		fputs("  reason: ", out);
		yaml_str(out, r->reason);
		fputs("\n  kernel: ", out);
		yaml_str(out, r->kernel);
		fputc('\n', out);
		if (r->nnotes) {
			fputs("  notes:\n", out);
			for (unsigned j = 0; j < r->nnotes && j < RUN_MAX_NOTES; j++) {
				fputs("    - ", out);
				yaml_str(out, r->notes[j] ? r->notes[j] : "");
				fputc('\n', out);
			}
		}
		fputs("  ...\n", out);
	}
}

/* ---- JUnit --------------------------------------------------------------- */

/*
 * XML 1.0 forbids control characters other than tab, LF and CR even as
 * character references, so they become '?'. In attributes LF/CR/tab are
 * written as references, else attribute normalisation turns them into
 * spaces.
 */
static void xml_esc(FILE *out, const char *s, bool attr)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", out);
			break;
		case '<':
			fputs("&lt;", out);
			break;
		case '>':
			fputs("&gt;", out);
			break;
		case '"':
			fputs("&quot;", out);
			break;
		case '\'':
			fputs("&apos;", out);
			break;
		case '\n':
		case '\r':
		case '\t':
			if (attr)
				fprintf(out, "&#%d;", c);
			else
				fputc(c, out);
			break;
		default:
			fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
		}
	}
}

struct junit_set {
	struct run *const *runs;
	unsigned n;
};

static int fill_junit(FILE *f, const void *data)
{
	const struct junit_set *js = data;
	unsigned fails = 0, errors = 0, skips = 0;
	double total_ms = 0;

	for (unsigned i = 0; i < js->n; i++) {
		const struct run *r = js->runs[i];

		fails += r->outcome == OUTCOME_FAIL;
		errors += r->outcome == OUTCOME_BROK;
		skips += r->outcome == OUTCOME_SKIP;
		if (isfinite(r->wall_ms))
			total_ms += r->wall_ms;
	}
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f,
		"<testsuite name=\"oomlab\" tests=\"%u\" failures=\"%u\" errors=\"%u\" "
		"skipped=\"%u\" time=\"%.3f\">\n",
		js->n, fails, errors, skips, total_ms / 1000.0);
	for (unsigned i = 0; i < js->n; i++) {
		const struct run *r = js->runs[i];
		const char *tag = NULL;

		fputs("  <testcase classname=\"oomlab.", f);
		xml_esc(f, *r->kernel ? r->kernel : "unknown", true);
		fputs("\" name=\"", f);
		xml_esc(f, profile_path(r), true);
		fprintf(f, "\" time=\"%.3f\">\n", isfinite(r->wall_ms) ? r->wall_ms / 1000.0 : 0.0);
		tag = outcome_junit(r->outcome);
		if (tag) {
			fprintf(f, "    <%s message=\"", tag);
			xml_esc(f, r->reason, true);
			fprintf(f, "\" type=\"%s\"/>\n", outcome_name(r->outcome));
		}
		if (r->nnotes) {
			fputs("    <system-out>", f);
			for (unsigned j = 0; j < r->nnotes && j < RUN_MAX_NOTES; j++) {
				xml_esc(f, r->notes[j] ? r->notes[j] : "", false);
				fputc('\n', f);
			}
			fputs("</system-out>\n", f);
		}
		fputs("  </testcase>\n", f);
	}
	fputs("</testsuite>\n", f);
	return ferror(f) ? -EIO : 0;
}

int results_write_junit(struct run *const *runs, unsigned n, const char *path)
{
	struct junit_set js = { .runs = runs, .n = n };

	if (!path)
		return -EINVAL;
	return write_atomic(path, 0644, fill_junit, &js);
}
