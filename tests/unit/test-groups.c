// SPDX-License-Identifier: MIT
/*
 * Cgroup trees (issue 8): [group] parsing and its errors, the OOM domain
 * and its candidates, memory.oom.group's kill set, and kubelet's QoS
 * formula, each with worked numbers.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "groups.h"
#include "profile.h"
#include "qos.h"
#include "run.h"
#include "util.h"
#include "verdict.h"

#define PAGE 4096ULL

static struct profile *parse(const char *text)
{
	struct profile *p = NULL;
	struct profile_error e;
	char buf[512];

	if (profile_parse_string("g.ini", text, &p, &e) < 0)
		print_error("%s\n", profile_error_str(&e, buf, sizeof(buf)));
	assert_non_null(p);
	return p;
}

/* ---- parsing ---- */

static void test_parse_tree(void **state)
{
	struct profile *p = parse(
		"[profile]\nmemory_limit = 256M\ntrigger_group = c1\nnode_memory = 1G\n"
		"[group c1]\nparent = pod\nMemoryMax = 96M\nMemorySwapMax = 0\n"
		"[group pod]\nMemoryMax = 192M\nMemoryLow = 16M\nmemory_min = 8M\n"
		"memory_high = 180M\noom_group = yes\n"
		"[worker a]\nsize = 10M\ngroup = c1\nqos = burstable\nrequest = 32M\nlimit = 64M\n"
		"[worker b]\nsize = 10M\ngroup = pod\nOOMScoreAdjust = 500\nMemoryMax = 32M\n"
		"[worker c]\nsize = 10M\n");
	char buf[128];

	assert_int_equal(p->ngroups, 2);
	/* c1 comes first in the file, its parent after it */
	assert_string_equal(p->groups[0].name, "c1");
	assert_int_equal(p->groups[0].parent, 1);
	assert_int_equal(p->groups[0].depth, 2);
	assert_true(p->groups[0].has_swap_max);
	assert_int_equal(p->groups[0].swap_max, 0);
	assert_int_equal(p->groups[1].parent, PROFILE_GROUP_RUN);
	assert_int_equal(p->groups[1].depth, 1);
	assert_int_equal(p->groups[1].memory_limit, 192 * MIB);
	assert_int_equal(p->groups[1].memory_low, 16 * MIB);
	assert_int_equal(p->groups[1].memory_min, 8 * MIB);
	assert_int_equal(p->groups[1].memory_high, 180 * MIB);
	assert_true(p->groups[1].oom_group);
	assert_int_equal(p->trigger_group, 0);
	assert_string_equal(profile_group_path(p, 0, buf, sizeof(buf)), "pod/c1");
	assert_string_equal(profile_group_path(p, PROFILE_GROUP_RUN, buf, sizeof(buf)), "");
	assert_int_equal(p->workers[0].group, 0);
	assert_int_equal(p->workers[1].group, 1);
	assert_int_equal(p->workers[2].group, PROFILE_GROUP_RUN);
	/* 1000 - 1000 * 32M / 1G = 1000 - 31 (31.25 truncated) = 969 */
	assert_int_equal(p->workers[0].qos, QOS_BURSTABLE);
	assert_int_equal(p->workers[0].oom_score_adj, 969);
	assert_true(p->workers[0].has_memory_limit);
	assert_int_equal(p->workers[0].memory_limit, 64 * MIB);
	assert_int_equal(p->workers[1].oom_score_adj, 500);
	assert_int_equal(p->workers[1].memory_limit, 32 * MIB);
	assert_true(profile_group_within(p, 0, 1));
	assert_false(profile_group_within(p, 1, 0));
	assert_true(profile_group_within(p, PROFILE_GROUP_RUN, PROFILE_GROUP_RUN));
	assert_int_equal(p->nwarnings, 0);
	assert_false(p->needs_negative_adj);
	profile_free(p);
}

static void test_guaranteed_negative(void **state)
{
	struct profile *p = parse("[profile]\nmemory_limit = 256M\n"
				  "[worker g]\nsize = 10M\nqos = guaranteed\nlimit = 64M\n"
				  "[worker e]\nsize = 10M\nqos = besteffort\n");

	assert_int_equal(p->workers[0].oom_score_adj, -997);
	assert_int_equal(p->workers[1].oom_score_adj, 1000);
	/* -997 needs CAP_SYS_RESOURCE: VM mode here */
	assert_true(p->needs_negative_adj);
	profile_free(p);
}

static void test_warnings(void **state)
{
	struct profile *p = parse("[profile]\nmemory_limit = 256M\n"
				  "[group pod]\nmemory_limit = 128M\n"		/* 3, 4 */
				  "[group c]\nparent = pod\nMemoryMax = 200M\n" /* 5-7 */
				  "[group big]\nmemory_limit = 300M\n"		/* 8, 9 */
				  "[worker w]\nsize = 10M\ngroup = c\nmemory_limit = 250M\n");

	assert_int_equal(p->nwarnings, 3);
	assert_string_equal(p->warnings[0], "g.ini:7: memory_limit: 200.0M is above pod's "
					    "128.0M: legal, but pod's limit is hit first");
	assert_string_equal(p->warnings[1],
			    "g.ini:9: memory_limit: 300.0M is above the "
			    "run's memory_limit = 256.0M: legal, but the run's limit is hit first");
	assert_string_equal(p->warnings[2], "g.ini:13: memory_limit: 250.0M is above c's "
					    "200.0M: legal, but c's limit is hit first");
	profile_free(p);
}

struct bad {
	const char *text;
	int line;
	const char *field;
	const char *msg; /* the whole message */
};

#define P "[profile]\nmemory_limit = 256M\n"
static const struct bad bads[] = {
	{ P "[worker w]\nsize = 1M\ngroup = pod\n", 5, "group",
	  "unknown group 'pod' (the profile has no [group NAME] section)" },
	{ P "[group a]\n[worker w]\nsize = 1M\ngroup = b\n", 6, "group", "unknown group 'b' (a)" },
	{ P "[group a]\nparent = b\n[group b]\nparent = a\n[worker w]\nsize = 1M\n", 4, "parent",
	  "the parents form a cycle: a -> b -> a" },
	{ P "[group a]\nparent = a\n[worker w]\nsize = 1M\n", 4, "parent",
	  "group a cannot be its own parent" },
	{ P "[group a]\nparent = x\n[worker w]\nsize = 1M\n", 4, "parent",
	  "unknown group 'x' (a)" },
	{ P "trigger_group = pod\n[group a]\n[worker w]\nsize = 1M\n", 3, "trigger_group",
	  "names no group: 'pod' (a)" },
	{ P "[worker w]\nsize = 1M\nqos = burstable\n", 5, "qos",
	  "burstable needs request = SIZE (kubelet's adj is 1000 - 1000*request/node_memory)" },
	{ P "[worker w]\nsize = 1M\nqos = guaranteed\n", 5, "qos",
	  "guaranteed needs limit = SIZE (its request equals its limit)" },
	{ P "[worker w]\nsize = 1M\nqos = guaranteed\nlimit = 8M\nrequest = 4M\n", 7, "request",
	  "guaranteed means request = limit (8.0M), not 4.0M" },
	{ P "[worker w]\nsize = 1M\nqos = besteffort\nrequest = 4M\n", 6, "request",
	  "qos = besteffort has no request or limit" },
	{ P "[worker w]\nsize = 1M\nqos = burstable\nrequest = 4M\noom_score_adj = 5\n", 7,
	  "oom_score_adj", "qos = burstable sets oom_score_adj (line 5): give one of them" },
	{ P "[worker w]\nsize = 1M\nqos = gold\n", 5, "qos",
	  "unknown QoS class 'gold' (guaranteed, burstable, besteffort)" },
	{ P "[worker w]\nsize = 1M\nrequest = 4M\n", 5, "request",
	  "only with qos = burstable or guaranteed" },
	{ P "[worker w]\nsize = 1M\nMemoryLow = 4M\n", 5, "MemoryLow",
	  "a worker's own cgroup takes MemoryMax= only: put MemoryLow= on a [group] and give "
	  "the worker group = NAME" },
	{ P "[worker w]\nsize = 1M\nlimit = 4M\nmemory_limit = 5M\n", 6, "memory_limit",
	  "given twice in this section (first at line 5)" },
	{ P "[group a]\nMemoryMax = 4M\nmemory_limit = 5M\n[worker w]\nsize = 1M\n", 5,
	  "memory_limit", "given twice in this section (first at line 4)" },
	{ P "[group a]\nOOMScoreAdjust = 5\n[worker w]\nsize = 1M\n", 4, "OOMScoreAdjust",
	  "a group has no oom_score_adj: set OOMScoreAdjust= on its workers" },
	{ P "[group a]\nsize = 5M\n[worker w]\nsize = 1M\n", 4, "size",
	  "unknown key in [group a]" },
	{ P "[group a]\n[group a]\n[worker w]\nsize = 1M\n", 4, "group",
	  "duplicate group name 'a' (first at line 3)" },
	{ P "[group]\n[worker w]\nsize = 1M\n", 3, "group", "[group] needs a name: [group NAME]" },
	{ P "[group w-w]\n[worker w]\nsize = 1M\n", 3, "group",
	  "'w-w' is the name of worker w's own cgroup (line 4) in the same parent" },
	{ P "trigger = limit\ntrigger_group = a\n[group a]\n[worker w]\nsize = 1M\n", 4,
	  "trigger_group", "trigger = limit steps a's memory_limit down, and a has none" },
	{ P "[group a]\nmemory_low = 0\n[worker w]\nsize = 1M\n", 4, "memory_low", "must be > 0" },
	{ P "[worker w]\nsize = 10M\nMemoryMax = 8M\n", 5, "memory_limit",
	  "8.0M is below the worker's size = 10.0M: its own cgroup would OOM during the ramp" },
};

static void test_bad(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(bads); i++) {
		struct profile *p = (struct profile *)0x1;
		struct profile_error e;
		char buf[512];
		int r = profile_parse_string("b.ini", bads[i].text, &p, &e);

		profile_error_str(&e, buf, sizeof(buf));
		if (r != -EINVAL || e.line != bads[i].line || strcmp(e.field, bads[i].field) ||
		    strcmp(e.msg, bads[i].msg))
			print_error("case %zu: got r=%d \"%s\"\n", i, r, buf);
		assert_int_equal(r, -EINVAL);
		assert_ptr_equal(p, (struct profile *)0x1);
		assert_int_equal(e.line, bads[i].line);
		assert_string_equal(e.field, bads[i].field);
		assert_string_equal(e.msg, bads[i].msg);
	}
}

/* ---- kubelet's formula ---- */

static void test_kubelet(void **state)
{
	/* MemTotal of this machine: 24684096 kB */
	const uint64_t node = 24684096ULL * 1024;
	static const struct {
		uint64_t request, capacity;
		int adj;
	} cases[] = {
		/* 1000 * 2G / 24.1G = 84.96 -> 84: 916 */
		{ 2 * GIB, 24684096ULL * 1024, 916 },
		{ 512 * MIB, GIB, 500 },
		/* request 0: 1000 is besteffort's, so 999 */
		{ 0, GIB, 999 },
		/* 1M of 1G: 1000 - 0 (0.98 truncated) = 1000 -> 999 */
		{ MIB, GIB, 999 },
		/* 4/1000 of the node: 996 */
		{ 4 * MIB, 1000 * MIB, 996 },
		/* request = capacity: 0, clamped up to 1000 + -997 = 3 */
		{ GIB, GIB, 3 },
		{ 3 * GIB, 2 * GIB, 3 },
		{ 996 * MIB, 1000 * MIB, 4 },
		{ 997 * MIB, 1000 * MIB, 3 },
	};
	int adj = 12345;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		assert_int_equal(qos_oom_score_adj(QOS_BURSTABLE, cases[i].request,
						   cases[i].capacity, &adj),
				 0);
		if (adj != cases[i].adj)
			print_error("case %zu: %d\n", i, adj);
		assert_int_equal(adj, cases[i].adj);
	}
	assert_int_equal(qos_oom_score_adj(QOS_GUARANTEED, 0, 0, &adj), 0);
	assert_int_equal(adj, -997);
	assert_int_equal(qos_oom_score_adj(QOS_BESTEFFORT, GIB, node, &adj), 0);
	assert_int_equal(adj, 1000);
	adj = 7;
	assert_int_equal(qos_oom_score_adj(QOS_BURSTABLE, GIB, 0, &adj), -EINVAL);
	assert_int_equal(qos_oom_score_adj(QOS_NONE, GIB, node, &adj), -EINVAL);
	assert_int_equal(adj, 7);
	assert_string_equal(qos_systemd_alias("MemoryMax"), "memory_limit");
	assert_string_equal(qos_systemd_alias("OOMScoreAdjust"), "oom_score_adj");
	assert_null(qos_systemd_alias("memorymax"));
}

/* ---- the OOM domain and the model restricted to it ---- */

/*
 * DESIGN.md, measured here: a 96M child group inside a 256M parent;
 * pressure inside the child killed the child's biggest task and spared a
 * bigger adj-900 task outside it.
 */
static const char nested[] =
	"[profile]\nmemory_limit = 512M\ntrigger_group = child\n"
	"[group parent]\nmemory_limit = 256M\n"
	"[group child]\nparent = parent\nmemory_limit = 96M\n"
	"[worker small]\nsize = 30M\ngroup = child\nexpect = survives\n"
	"[worker big]\nsize = 50M\ngroup = child\nexpect = killed 1\n"
	"[worker outside]\nsize = 120M\ngroup = parent\noom_score_adj = 900\nexpect = survives\n";

static void add(struct run *r, const struct profile *p, unsigned w, uint64_t mib, int adj)
{
	struct instance *in = &r->inst[r->ninst++];

	snprintf(in->name, sizeof(in->name), "%s", p->workers[w].name);
	in->spec = &p->workers[w];
	in->pid = 100 + (pid_t)r->ninst;
	in->kmsg_kill_idx = -1;
	in->task.pid = in->pid;
	snprintf(in->task.name, sizeof(in->task.name), "%s", p->workers[w].name);
	in->task.rss_pages = mib * MIB / PAGE;
	in->task.oom_score_adj = adj;
	in->task.is_leader = true;
	in->oom_score_adj = adj;
}

static struct run *new_run(const struct profile *p)
{
	struct run *r = calloc(1, sizeof(*r));

	assert_non_null(r);
	r->profile = p;
	r->era = OOM_ERA_4_17;
	snprintf(r->kernel, sizeof(r->kernel), "6.18.44");
	r->cg_version = CG_V1;
	return r;
}

static bool has_note(const struct run *r, const char *s)
{
	for (unsigned i = 0; i < r->nnotes; i++)
		if (strstr(r->notes[i], s))
			return true;
	return false;
}

static void dump(const struct run *r)
{
	for (unsigned i = 0; i < r->nnotes; i++)
		print_message("  note: %s\n", r->notes[i]);
}

static void test_nested_domain(void **state)
{
	struct profile *p = parse(nested);
	struct run *r = new_run(p);
	/* usage at the snapshot: run, parent, child (index 1 + group) */
	uint64_t usage[3] = { 202 * MIB, 202 * MIB, 82 * MIB };
	struct oom_domain d;

	add(r, p, 0, 30, 0);
	add(r, p, 1, 50, 0);
	add(r, p, 2, 120, 900);
	/* child: 96 - 82 = 14M left; parent: 256 - 202 = 54M: child's is hit */
	assert_int_equal(groups_oom_domain(p, p->trigger_group, 512 * MIB, usage, &d), 0);
	assert_int_equal(d.group, 1);
	assert_int_equal(d.limit, 96 * MIB);
	assert_int_equal(d.headroom, 14 * MIB);
	assert_int_equal(verdict_domain(r, 512 * MIB, usage, PAGE), 0);
	assert_int_equal(r->totalpages, 24576);
	verdict_predict(r);
	/* big: 12800 pages; small 7680; outside would score
	 * 30720 + 900 * (24576 / 1000 = 24) = 52320, but is no candidate */
	assert_int_equal(r->inst[1].predicted_rank, 1);
	assert_int_equal(r->inst[0].predicted_rank, 2);
	assert_int_equal(r->inst[2].predicted_rank, 0);
	assert_true(r->inst[2].outside_domain);
	assert_false(r->inst[0].outside_domain);
	assert_true(r->inst[2].predicted.points > r->inst[1].predicted.points);

	/* the kernel did as measured: big killed, outside spared */
	r->inst[1].killed = r->inst[1].died = true;
	r->inst[1].kill_order = 1;
	r->kills[0].killed.pid = r->inst[1].pid;
	r->kills[0].instance = 1;
	r->nkills = 1;
	r->counters_after.oom_kill = 1;
	verdict_decide(r);
	if (r->outcome != OUTCOME_PASS)
		dump(r);
	assert_int_equal(r->outcome, OUTCOME_PASS);
	assert_true(has_note(r, "OOM domain: child (limit 96.0M, totalpages=24576, 14.0M left "
				"at the snapshot): the kernel ranks its 2 task(s) only; not in "
				"child's domain: outside (parent)"));
	run_free_notes(r);
	free(r);
	profile_free(p);
}

/* The parent fills first: the OOM is the parent's, outside is a candidate. */
static void test_parent_hit_first(void **state)
{
	struct profile *p = parse(nested);
	struct run *r = new_run(p);
	/* child 82M of 96M (14M left), parent 250M of 256M (6M left) */
	uint64_t usage[3] = { 250 * MIB, 250 * MIB, 82 * MIB };

	add(r, p, 0, 30, 0);
	add(r, p, 1, 50, 0);
	add(r, p, 2, 165, 900);
	assert_int_equal(verdict_domain(r, 512 * MIB, usage, PAGE), 0);
	assert_int_equal(r->domain_group, 0);
	assert_int_equal(r->totalpages, 65536);
	verdict_predict(r);
	/* outside: 42240 + 900 * 65536 / 1000 = 101222 pages: first */
	assert_int_equal(r->inst[2].predicted_rank, 1);
	assert_false(r->inst[2].outside_domain);

	/* equal headroom: the lower counter, met first, fails */
	usage[1] = 242 * MIB;
	assert_int_equal(verdict_domain(r, 512 * MIB, usage, PAGE), 0);
	assert_int_equal(r->domain_group, 1);
	run_free_notes(r);
	free(r);
	profile_free(p);
}

/* A kill outside the domain contradicts the model: explained as such. */
static void test_outside_killed(void **state)
{
	struct profile *p = parse(nested);
	struct run *r = new_run(p);
	uint64_t usage[3] = { 202 * MIB, 202 * MIB, 82 * MIB };

	add(r, p, 0, 30, 0);
	add(r, p, 1, 50, 0);
	add(r, p, 2, 120, 900);
	assert_int_equal(verdict_domain(r, 512 * MIB, usage, PAGE), 0);
	verdict_predict(r);
	r->inst[2].killed = r->inst[2].died = true;
	r->inst[2].kill_order = 1;
	r->kills[0].killed.pid = r->inst[2].pid;
	r->kills[0].instance = 2;
	r->nkills = 1;
	r->counters_after.oom_kill = 1;
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_true(has_note(r, "outside is in parent, outside child's domain: an OOM in "
				"child cannot choose it, so a limit above child was hit"));
	run_free_notes(r);
	free(r);
	profile_free(p);
}

/* Sibling pods: pressure in one never ranks the other's tasks. */
static void test_siblings(void **state)
{
	struct profile *p = parse("[profile]\nmemory_limit = 512M\ntrigger_group = a\n"
				  "[group a]\nmemory_limit = 128M\n"
				  "[group b]\nmemory_limit = 128M\n"
				  "[worker a1]\nsize = 40M\ngroup = a\n"
				  "[worker b1]\nsize = 90M\ngroup = b\n");
	struct run *r = new_run(p);
	uint64_t usage[3] = { 130 * MIB, 40 * MIB, 90 * MIB };

	add(r, p, 0, 40, 0);
	add(r, p, 1, 90, 0);
	assert_int_equal(verdict_domain(r, 512 * MIB, usage, PAGE), 0);
	assert_int_equal(r->domain_group, 0);
	verdict_predict(r);
	assert_int_equal(r->inst[0].predicted_rank, 1);
	assert_true(r->inst[1].outside_domain);
	run_free_notes(r);
	free(r);
	profile_free(p);
}

/*
 * oom.group on a container inside a pod: the victim's container dies
 * whole (the -1000 task excepted), the pod's other container lives; the
 * highest oom.group memcg up to the domain wins.
 */
static void test_oom_group(void **state)
{
	struct profile *p = parse("[profile]\nmemory_limit = 512M\ntrigger_group = pod\n"
				  "[group pod]\nmemory_limit = 200M\n"
				  "[group c1]\nparent = pod\noom_group = yes\n"
				  "[group c2]\nparent = pod\n"
				  "[worker main]\nsize = 60M\ngroup = c1\n"
				  "[worker helper]\nsize = 10M\ngroup = c1\n"
				  "[worker keeper]\nsize = 5M\ngroup = c1\n"
				  "[worker other]\nsize = 40M\ngroup = c2\n");
	struct run *r = new_run(p);
	uint64_t usage[4] = { 115 * MIB, 115 * MIB, 75 * MIB, 40 * MIB };
	int og = -5;

	add(r, p, 0, 60, 0);
	add(r, p, 1, 10, 0);
	add(r, p, 2, 5, -1000);
	add(r, p, 3, 40, 0);
	assert_int_equal(verdict_domain(r, 512 * MIB, usage, PAGE), 0);
	assert_int_equal(r->domain_group, 0);
	verdict_predict(r);
	assert_int_equal(r->inst[0].predicted_rank, 1);
	assert_true(r->has_oom_group_kill);
	assert_int_equal(r->oom_group_kill, 1);
	assert_false(r->inst[0].group_kill); /* the victim itself */
	assert_true(r->inst[1].group_kill);
	assert_false(r->inst[2].group_kill); /* -1000 */
	assert_false(r->inst[3].group_kill); /* another container */

	/* pod too: the highest one up to the domain wins */
	p->groups[0].oom_group = true;
	assert_true(groups_oom_group(p, 1, 0, &og));
	assert_int_equal(og, 0);
	/* but not above the domain */
	assert_true(groups_oom_group(p, 1, 1, &og));
	assert_int_equal(og, 1);
	/* none set: only the victim */
	p->groups[0].oom_group = p->groups[1].oom_group = false;
	og = -5;
	assert_false(groups_oom_group(p, 1, 0, &og));
	assert_int_equal(og, -5);
	/* the run's own cgroup: [profile] oom_group */
	p->oom_group = true;
	assert_true(groups_oom_group(p, 1, PROFILE_GROUP_RUN, &og));
	assert_int_equal(og, PROFILE_GROUP_RUN);
	run_free_notes(r);
	free(r);
	profile_free(p);
}

/* expect = protected: kept >= 90% of the snapshot's pages passes, less fails. */
static void test_protected(void **state)
{
	struct profile *p = parse("[profile]\nmemory_limit = 96M\n"
				  "[group safe]\nmemory_min = 32M\nexpect = protected\n"
				  "[group plain]\n"
				  "[worker s]\nsize = 24M\ngroup = safe\n"
				  "[worker v]\nsize = 24M\ngroup = plain\noom_score_adj = 500\n"
				  "expect = killed 1\n");
	struct run *r = new_run(p);

	add(r, p, 0, 24, 0);
	add(r, p, 1, 24, 500);
	verdict_predict(r);
	r->inst[1].killed = r->inst[1].died = true;
	r->inst[1].kill_order = 1;
	r->kills[0].killed.pid = r->inst[1].pid;
	r->kills[0].instance = 1;
	r->nkills = 1;
	r->counters_after.oom_kill = 1;
	r->group_before[0] = (struct group_mem){ .have = true, .anon = 24 * MIB };
	r->group_after[0] = (struct group_mem){ .have = true, .anon = 22 * MIB, .swap = 2 * MIB };
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_PASS);
	assert_non_null(strstr(r->reason, "group safe kept its pages as expected"));
	run_free_notes(r);

	r->outcome = OUTCOME_PASS;
	r->reason[0] = 0;
	r->group_after[0] = (struct group_mem){ .have = true, .anon = 20 * MIB, .swap = 4 * MIB };
	verdict_decide(r);
	assert_int_equal(r->outcome, OUTCOME_FAIL);
	assert_string_equal(r->reason, "group safe was expected to keep its pages but holds 20.0M "
				       "of the 24.0M it had at the snapshot (swap 4.0M)");
	run_free_notes(r);
	free(r);
	profile_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_tree),	 cmocka_unit_test(test_guaranteed_negative),
		cmocka_unit_test(test_warnings),	 cmocka_unit_test(test_bad),
		cmocka_unit_test(test_kubelet),		 cmocka_unit_test(test_nested_domain),
		cmocka_unit_test(test_parent_hit_first), cmocka_unit_test(test_outside_killed),
		cmocka_unit_test(test_siblings),	 cmocka_unit_test(test_oom_group),
		cmocka_unit_test(test_protected),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
