// SPDX-License-Identifier: MIT
/*
 * bench-run: the latency phase and the bench section of one run.
 *
 * The phase word (sb_header.lat_phase) is what each worker files a fault
 * under when it returns. It is set here from what the kernel says, most
 * severe first:
 *   oom     the memcg's OOM notification (oomwatch) or a kill record in
 *           kmsg, until the expected kills are in;
 *   swap    /proc/vmstat pswpout moved since the last look (machine-wide:
 *           v1's memory.stat has no pswpout);
 *   reclaim the memcg's failcnt (v1) / memory.events max (v2) moved, or
 *           usage is within max(limit/64, 1 MiB) of the limit: every charge
 *           there goes through try_to_free_mem_cgroup_pages() first;
 *   below_limit otherwise.
 * A look costs a few file reads, so it is done at most every 5 ms.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-run.h"
#include "bench.h"
#include "cgroup.h"
#include "ktrace.h"
#include "memstat.h"
#include "oomwatch.h"
#include "run-ctx.h"
#include "util.h"

#define POLL_NS 5000000ULL

struct bench_run {
	bool full; /* oomlab bench: trace, PSI, counters, kill chain */
	struct oomwatch *ow;
	struct ktrace *kt;
	char missing[KTRACE_WHY_MAX + 64];
	struct mem_counters memcg0, sys0;
	bool have_memcg0, have_sys0;
	struct psi psi0;
	bool have_psi0, psi_system;
	char psi_path[600];
	uint64_t last_poll_ns, last_failcnt, last_pswpout;
	bool have_failcnt, have_pswpout;
	uint64_t first_oom_ns;
	unsigned noom;
	uint64_t oom_ns[RUN_MAX_KILLS]; /* each OOM notification */
	bool oom_over;
};

static uint64_t vmstat_pswpout(bool *ok)
{
	uint64_t v = 0;

	*ok = read_keyed_u64("/proc/vmstat", "pswpout", &v) == 0;
	return v;
}

static void memstat_path(const struct run_ctx *c, char *buf, size_t len)
{
	snprintf(buf, len, "%s/memory.stat", cg_path(c->cg));
}

void bench_run_start(struct run_ctx *c)
{
	struct bench_run *b;
	char path[600];

	if (!c->cg)
		return;
	b = calloc(1, sizeof(*b));
	if (!b)
		return;
	c->bench = b;
	b->full = c->o->bench;
	if (oomwatch_open(cg_path(c->cg), cg_version(c->cg) == CG_V2, &b->ow) < 0)
		b->ow = NULL; /* the kmsg kill still marks the OOM */
	b->last_pswpout = vmstat_pswpout(&b->have_pswpout);
	if (!b->full)
		return;

	memstat_path(c, path, sizeof(path));
	b->have_memcg0 = mem_counters_read(path, &b->memcg0) == 0;
	b->have_sys0 = mem_counters_read("/proc/vmstat", &b->sys0) == 0;
	/* v1 has no per-cgroup PSI: the system's, and the document says so */
	snprintf(b->psi_path, sizeof(b->psi_path), "%s/memory.pressure", cg_path(c->cg));
	b->have_psi0 = cg_version(c->cg) == CG_V2 && psi_read(b->psi_path, &b->psi0) == 0;
	if (!b->have_psi0) {
		snprintf(b->psi_path, sizeof(b->psi_path), "/proc/pressure/memory");
		b->psi_system = true;
		b->have_psi0 = psi_read(b->psi_path, &b->psi0) == 0;
	}

	{
		char why[KTRACE_WHY_MAX] = "";
		char name[64];
		uint32_t kinds = 0;
		pid_t self = getpid();
		int e;

		snprintf(name, sizeof(name), "oomlab-%d", (int)self);
		e = ktrace_open(NULL, name, &b->kt, &kinds, why);
		/* the harness and its future children (every worker, the
		 * pressure process): event-fork follows them */
		if (e == 0 && (e = ktrace_filter_pids(b->kt, &self, 1)) < 0)
			snprintf(why, sizeof(why), "cannot filter the trace to the run's tasks: %s",
				 strerror(-e));
		if (e == 0 && (e = ktrace_start(b->kt)) < 0)
			snprintf(why, sizeof(why), "cannot start tracing: %s", strerror(-e));
		if (e < 0) {
			snprintf(b->missing, sizeof(b->missing), "%s", why[0] ? why : strerror(-e));
			ktrace_close(b->kt);
			b->kt = NULL;
		}
	}
}

static enum sb_lat_phase phase_now(struct run_ctx *c, struct bench_run *b, uint64_t now)
{
	struct cg_counters cc;
	uint64_t sw;
	bool ok;

	if (!b->first_oom_ns && c->r->nkills)
		b->first_oom_ns = now;
	if (b->first_oom_ns && !b->oom_over)
		return SB_LAT_OOM;

	sw = vmstat_pswpout(&ok);
	if (ok && b->have_pswpout && sw > b->last_pswpout) {
		b->last_pswpout = sw;
		return SB_LAT_SWAP;
	}
	if (cg_read_counters(cg_path(c->cg), cg_version(c->cg), &cc) < 0)
		return SB_LAT_BELOW_LIMIT;
	if (b->have_failcnt && cc.failcnt > b->last_failcnt) {
		b->last_failcnt = cc.failcnt;
		return SB_LAT_RECLAIM;
	}
	b->last_failcnt = cc.failcnt;
	b->have_failcnt = true;
	if (cc.limit != UINT64_MAX && cc.limit) {
		uint64_t margin = cc.limit / 64 > (1ULL << 20) ? cc.limit / 64 : 1ULL << 20;

		if (cc.usage + margin >= cc.limit)
			return SB_LAT_RECLAIM;
	}
	return SB_LAT_BELOW_LIMIT;
}

void bench_run_poll(struct run_ctx *c)
{
	struct bench_run *b = c->bench;
	uint64_t now = now_ns();
	enum sb_lat_phase p;
	uint64_t n = 0;

	if (!b || !c->sb)
		return;
	/* the notification's time is a kill-chain figure: every round (a
	 * read of a non-blocking eventfd or one small file) */
	if (b->ow && oomwatch_check(b->ow, &n) == 0 && n) {
		for (uint64_t i = 0; i < n && b->noom < RUN_MAX_KILLS; i++)
			b->oom_ns[b->noom++] = now;
		if (!b->first_oom_ns)
			b->first_oom_ns = now;
	}
	if (now - b->last_poll_ns < POLL_NS)
		return;
	b->last_poll_ns = now;
	p = phase_now(c, b, now);
	__atomic_store_n(&((struct sb_header *)c->sb)->lat_phase, (uint32_t)p, __ATOMIC_RELAXED);
}

int bench_run_fd(const struct run_ctx *c, short *ret_events)
{
	if (!c->bench || !c->bench->ow)
		return -1;
	*ret_events = oomwatch_events(c->bench->ow);
	return oomwatch_fd(c->bench->ow);
}

void bench_run_oom_over(struct run_ctx *c)
{
	if (c->bench)
		c->bench->oom_over = true;
}

static void finish_full(struct run_ctx *c, struct bench_run *b)
{
	struct run *r = c->r;
	struct bench_worker w[RUN_MAX_INSTANCES];
	struct bench_kill k[RUN_MAX_KILLS];
	struct mem_counters m1, s1, md, sd;
	struct psi p1, pd;
	struct tr_stalls st = { 0 };
	bool have_st = false;
	struct bench_in in = { .t0_ns = r->t_trigger_ns };
	char path[600];
	json_t *doc = NULL;
	unsigned nk = 0;

	for (unsigned i = 0; i < r->ninst; i++)
		w[i] = (struct bench_worker){ .name = r->inst[i].name,
					      .lat = run_slot(c, r->inst[i].slot)->lat };
	in.workers = w;
	in.nworkers = r->ninst;

	if (b->kt) {
		int e = ktrace_stop(b->kt);

		if (e == 0)
			e = ktrace_collect(b->kt, &st);
		if (e < 0)
			snprintf(b->missing, sizeof(b->missing), "cannot read the trace of %s: %s",
				 ktrace_dir(b->kt), strerror(-e));
		else
			have_st = true;
	}
	in.stalls = have_st ? &st : NULL;
	in.stalls_missing = b->missing[0] ? b->missing : "tracefs is not available";

	if (b->have_psi0 && psi_read(b->psi_path, &p1) == 0) {
		psi_delta(&b->psi0, &p1, &pd);
		in.psi_delta = &pd;
		in.psi_system = b->psi_system;
	}
	memstat_path(c, path, sizeof(path));
	if (b->have_memcg0 && mem_counters_read(path, &m1) == 0) {
		mem_counters_delta(&b->memcg0, &m1, &md);
		in.memcg_delta = &md;
	}
	if (b->have_sys0 && mem_counters_read("/proc/vmstat", &s1) == 0) {
		mem_counters_delta(&b->sys0, &s1, &sd);
		in.system_delta = &sd;
	}

	/* The kill chain, in the order the kernel killed. kmsg times are the
	 * kernel's clock: placed on ours through the trigger's marker, written
	 * just before t_trigger_ns. */
	for (unsigned i = 0; i < r->nkills && nk < RUN_MAX_KILLS; i++) {
		const struct kill_record *kr = &r->kills[i];
		const struct instance *v = kr->instance >= 0 ? &r->inst[kr->instance] : NULL;

		if (!v)
			continue;
		k[nk] = (struct bench_kill){
			.victim = v->name,
			.pid = v->pid,
			.oom_event_ns = nk < b->noom ? b->oom_ns[nk] : 0,
			.pidfd_ns = v->reaped_ns,
		};
		if (c->att.have_marker && kr->usec >= c->att.marker_usec)
			k[nk].kmsg_ns = r->t_trigger_ns + (kr->usec - c->att.marker_usec) * 1000;
		nk++;
	}
	in.kills = k;
	in.nkills = nk;

	if (bench_json(&in, &doc) == 0)
		r->bench = doc;
	else
		run_note(r, "cannot build the bench section: out of memory");
	tr_stalls_free(&st);
}

void bench_run_finish(struct run_ctx *c)
{
	struct bench_run *b = c->bench;

	if (!b)
		return;
	if (b->full && c->sb)
		finish_full(c, b);
	ktrace_close(b->kt);
	oomwatch_close(b->ow);
	free(b);
	c->bench = NULL;
}
