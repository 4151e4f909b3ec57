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
 *
 * For `oomlab bench` it also samples the timeline (every 5 ms, every 1 ms
 * while a kill is in flight, decimated past 1024 samples: the run memcg's usage and each worker's leaf usage, else its RSS from
 * /proc/PID/statm, through fds kept open and read with pread) and probes
 * each victim's usage drop: from the first sign of a kill (the OOM
 * notification, a kmsg kill record, a death) its memory is read every
 * round, and the observe loop polls every 1 ms instead of 5 until the drop
 * is seen (bench_run_wait_ms).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench-run.h"
#include "bench-timeline.h"
#include "bench.h"
#include "cgroup.h"
#include "ktrace.h"
#include "memstat.h"
#include "oomwatch.h"
#include "progress.h"
#include "run-ctx.h"
#include "util.h"

#define POLL_NS 5000000ULL
#define TL_EVERY_NS 5000000ULL /* a timeline sample every 5 ms */
#define TL_FAST_NS 1000000ULL  /* and every 1 ms while a kill is in flight */
#define TL_MAX_CELLS 65536     /* samples x workers kept: ~2 MiB of JSON */
#define TL_MAX_SAMPLES 1024    /* 5 s at 5 ms, then decimated */
#define TL_MAX_EVENTS 8192
/* the fast cadence after a sign of a kill ends here if no drop comes (a
 * victim whose memory is page cache stays charged after its death) */
#define FAST_NS 300000000ULL

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
	bool saw_reclaim;		       /* the phase was reclaim at least once */
	uint64_t usage_peak, usage_now, limit; /* usage_now: the last read */
	/* the timeline and the usage drop (full only) */
	bool have_tl;
	struct bench_tl tl;
	int usage_fd;			     /* the run memcg's usage, -1 */
	int mem_fd[RUN_MAX_INSTANCES];	     /* each worker's leaf usage or statm, -1 */
	bool mem_statm[RUN_MAX_INSTANCES];   /* mem_fd is /proc/PID/statm (pages) */
	bool mem_tried[RUN_MAX_INSTANCES];   /* statm is opened once the pid exists */
	uint64_t mem_now[RUN_MAX_INSTANCES]; /* last read */
	uint64_t mem_peak[RUN_MAX_INSTANCES];
	uint64_t drop_ns[RUN_MAX_INSTANCES]; /* the usage drop seen, 0 */
	unsigned ndrops;
	unsigned kill_signs; /* notifications + kmsg kills + deaths seen so far */
	uint64_t fast_until_ns;
	enum sb_lat_phase phase;
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

static int open_knob(const struct oomlab_cg *cg, enum cg_knob k)
{
	const char *f = cg_knob_file(k, cg_version(cg));
	char path[600];

	if (!f)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", cg_path(cg), f);
	return open(path, O_RDONLY | O_CLOEXEC);
}

/* One number at the start of a small file, re-read from offset 0: cgroupfs
 * and /proc files regenerate their text on a read at 0 (seq_file), so one
 * open fd serves the whole run at the cost of one pread. 0 when gone (a
 * dead task's statm: ESRCH). */
static uint64_t pread_u64(int fd)
{
	char buf[64];
	ssize_t n;

	if (fd < 0)
		return 0;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

static void timeline_open(struct run_ctx *c, struct bench_run *b)
{
	const struct run *r = c->r;
	size_t cap = TL_MAX_SAMPLES;

	if (r->ninst && cap * r->ninst > TL_MAX_CELLS)
		cap = TL_MAX_CELLS / r->ninst;
	b->have_tl = bench_tl_init(&b->tl, r->ninst, cap, TL_EVERY_NS, TL_MAX_EVENTS) == 0;
	b->usage_fd = open_knob(c->cg, CG_KNOB_CURRENT);
	/* a worker's leaf holds all of it (children, page cache, shmem); a
	 * service's leaf is svc's: its RSS from /proc, once it runs */
	for (unsigned i = 0; i < r->ninst && i < RUN_MAX_INSTANCES; i++)
		if (c->leaf[i])
			b->mem_fd[i] = open_knob(c->leaf[i], CG_KNOB_CURRENT);
}

/* Each worker's memory now; page is the size of statm's unit. */
static void read_workers(struct run_ctx *c, struct bench_run *b, bool only_pending)
{
	const struct run *r = c->r;

	for (unsigned i = 0; i < r->ninst && i < RUN_MAX_INSTANCES; i++) {
		const struct instance *in = &r->inst[i];

		if (only_pending && b->drop_ns[i])
			continue;
		if (b->mem_fd[i] < 0 && !b->mem_tried[i] && in->pid > 0) {
			char path[64];

			b->mem_tried[i] = true;
			snprintf(path, sizeof(path), "/proc/%d/statm", (int)in->pid);
			b->mem_fd[i] = open(path, O_RDONLY | O_CLOEXEC);
			b->mem_statm[i] = b->mem_fd[i] >= 0;
		}
		if (b->mem_statm[i]) {
			/* statm: "size resident ...", in pages */
			char buf[128], *p;
			ssize_t n = pread(b->mem_fd[i], buf, sizeof(buf) - 1, 0);

			b->mem_now[i] = 0;
			if (n > 0) {
				buf[n] = '\0';
				p = strchr(buf, ' ');
				if (p)
					b->mem_now[i] = strtoull(p + 1, NULL, 10) * c->page_size;
			}
		} else if (b->mem_fd[i] >= 0) {
			b->mem_now[i] = pread_u64(b->mem_fd[i]);
		}
		if (b->mem_now[i] > b->mem_peak[i])
			b->mem_peak[i] = b->mem_now[i];
	}
}

/*
 * The usage drop: after the trigger, a worker whose memory fell by at least
 * 3/4 of what it held (its size, or its peak if that is less) has had its
 * pages uncharged: exit_mmap() of the killed task, or the oom_reaper's
 * unmap before it (mm/oom_kill.c). Survivors hold theirs, so only victims
 * are looked at in the kill chain.
 */
static void check_drops(struct run_ctx *c, struct bench_run *b, uint64_t now)
{
	const struct run *r = c->r;

	if (!r->t_trigger_ns)
		return;
	for (unsigned i = 0; i < r->ninst && i < RUN_MAX_INSTANCES; i++) {
		uint64_t held = b->mem_peak[i];
		uint64_t size = r->inst[i].spec ? r->inst[i].spec->size : 0;

		if (b->drop_ns[i] || !held || (b->mem_fd[i] < 0 && !r->inst[i].died))
			continue;
		if (size && size < held)
			held = size;
		if (b->mem_peak[i] - b->mem_now[i] >= held / 4 * 3) {
			b->drop_ns[i] = now;
			b->ndrops++;
		}
	}
}

/* A new sign of a kill (notification, kmsg record, death): probe fast. */
static void kill_signs(struct run_ctx *c, struct bench_run *b, uint64_t now)
{
	const struct run *r = c->r;
	unsigned n = b->noom + r->nkills;

	for (unsigned i = 0; i < r->ninst; i++)
		n += r->inst[i].died;
	if (n > b->kill_signs) {
		b->kill_signs = n;
		b->fast_until_ns = now + FAST_NS;
	}
}

/* A victim is known (killed per kmsg, or dead) whose drop is not seen yet,
 * or an OOM is signalled whose victim is not known yet. */
static bool fast_now(const struct run_ctx *c, const struct bench_run *b, uint64_t now)
{
	const struct run *r = c->r;
	unsigned known = 0;

	if (!b->have_tl || !r->t_trigger_ns || now >= b->fast_until_ns)
		return false;
	for (unsigned i = 0; i < r->ninst && i < RUN_MAX_INSTANCES; i++) {
		const struct instance *in = &r->inst[i];

		if (!in->died && in->kmsg_kill_idx < 0)
			continue;
		known++;
		if (!b->drop_ns[i])
			return true;
	}
	return !known && (b->noom || r->nkills);
}

static void timeline_poll(struct run_ctx *c, struct bench_run *b, uint64_t now)
{
	bool fast, due = b->have_tl && bench_tl_due(&b->tl, now);
	unsigned drops = b->ndrops;

	kill_signs(c, b, now);
	fast = fast_now(c, b, now);
	/* the kill is what the timeline is for: finer samples around it */
	if (fast && !due && b->have_tl && now - b->tl.last_ns >= TL_FAST_NS)
		due = true;
	if (!due && !fast)
		return;
	read_workers(c, b, !due);
	check_drops(c, b, now);
	/* the reading that saw a drop is a sample too: the plot's curve then
	 * passes through the usage_drop mark (the others hold what they held) */
	if (b->ndrops > drops && b->have_tl)
		due = true;
	if (due) {
		uint64_t u = pread_u64(b->usage_fd);

		bench_tl_add(&b->tl, now, u, b->mem_now);
	}
}

int bench_run_wait_ms(const struct run_ctx *c, int normal_ms)
{
	const struct bench_run *b = c->bench;

	return b && fast_now(c, b, now_ns()) ? 1 : normal_ms;
}

/* What a worker can charge at most: its size, each fork-tree child's and
 * its parent_size, count times (overestimated rather than under: a false
 * BROK would refuse a good profile). */
static uint64_t worker_fill(const struct worker_spec *w)
{
	return (w->size * (1 + (uint64_t)w->children) + w->parent_size) * w->count;
}

static bool expects_kill(const struct profile *p)
{
	for (unsigned i = 0; i < p->nworkers; i++)
		if (p->workers[i].expect == EXPECT_KILLED ||
		    p->workers[i].expect == EXPECT_KILLED_NTH)
			return true;
	return false;
}

int bench_reaches_reclaim(const struct profile *p, char *why, size_t len)
{
	uint64_t sum = 0;
	char a[16], b[16];

	/* no memcg (a global OOM in a guest): the machine's reclaim, which the
	 * trigger drives */
	if (!p->has_memory_limit || expects_kill(p))
		return 1;
	for (unsigned i = 0; i < p->nworkers; i++) {
		const struct worker_spec *w = &p->workers[i];

		if (!w->size)
			return -1; /* a command without a size: known after the ramp */
		/* a worker's own limit is a memcg it can fill by itself */
		if (w->has_memory_limit &&
		    w->size * (1 + (uint64_t)w->children) + w->parent_size >= w->memory_limit)
			return 1;
		sum += worker_fill(w);
	}
	for (unsigned g = 0; g < p->ngroups; g++) {
		uint64_t in = 0;

		if (!p->groups[g].has_memory_limit)
			continue;
		for (unsigned i = 0; i < p->nworkers; i++)
			if (profile_group_within(p, p->workers[i].group, (int)g))
				in += worker_fill(&p->workers[i]);
		if (in >= p->groups[g].memory_limit)
			return 1;
	}
	if (sum >= p->memory_limit)
		return 1;
	snprintf(why, len,
		 "the benchmark cannot reach reclaim: memory_limit %s is more than the "
		 "workers can fill (%s in all), and no worker expects a kill, so nothing "
		 "else fills the memcg",
		 format_size(p->memory_limit, a), format_size(sum, b));
	return 0;
}

void bench_run_check(struct run_ctx *c)
{
	char why[400];

	if (c->o->bench && bench_reaches_reclaim(c->p, why, sizeof(why)) == 0)
		run_set_outcome(c->r, OUTCOME_BROK, "%s", why);
}

void bench_run_ramped(struct run_ctx *c)
{
	const struct bench_run *b = c->bench;
	char u[16], l[16], h[16];
	uint64_t held = 0;
	char why[8];

	/* only what validation left open, or a prediction the kernel did not
	 * follow: the workers were to fill the memcg by themselves */
	if (!b || !b->full || b->saw_reclaim || bench_reaches_reclaim(c->p, why, sizeof(why)) != -1)
		return;
	for (unsigned i = 0; i < c->r->ninst && i < RUN_MAX_INSTANCES; i++)
		held += b->mem_peak[i];
	run_set_outcome(c->r, OUTCOME_BROK,
			"the benchmark cannot reach reclaim: the memcg's usage peaked at %s of its "
			"limit %s during the ramp (the workers held %s), and no worker expects a "
			"kill, so nothing else fills it",
			format_size(b->usage_peak, u), format_size(b->limit, l),
			format_size(held, h));
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
	b->usage_fd = -1;
	for (unsigned i = 0; i < RUN_MAX_INSTANCES; i++)
		b->mem_fd[i] = -1;
	if (oomwatch_open(cg_path(c->cg), cg_version(c->cg) == CG_V2, &b->ow) < 0)
		b->ow = NULL; /* the kmsg kill still marks the OOM */
	b->last_pswpout = vmstat_pswpout(&b->have_pswpout);
	if (!b->full)
		return;

	timeline_open(c, b);
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
	b->usage_now = cc.usage;
	b->limit = cc.limit;
	if (cc.usage > b->usage_peak)
		b->usage_peak = cc.usage;
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
	if (b->full)
		timeline_poll(c, b, now);
	if (now - b->last_poll_ns < POLL_NS)
		return;
	b->last_poll_ns = now;
	p = phase_now(c, b, now);
	b->phase = p;
	b->saw_reclaim |= p == SB_LAT_RECLAIM;
	__atomic_store_n(&((struct sb_header *)c->sb)->lat_phase, (uint32_t)p, __ATOMIC_RELAXED);
	if (c->o->progress) {
		char line[160];

		progress_format(line, sizeof(line), c->r->t_trigger_ns ? "observe" : "ramp",
				bench_phase_name(p),
				b->usage_fd >= 0 ? pread_u64(b->usage_fd) : b->usage_now, b->limit,
				c->r->nkills, now - c->t_start_ns);
		progress_show(c->o->progress, now, line);
	}
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

static void ev_add(struct bench_run *b, enum bench_ev_kind kind, uint64_t t, uint64_t dur,
		   int32_t pid, const char *task)
{
	struct bench_event e = { .t_ns = t, .dur_ns = dur, .kind = kind, .pid = pid, .task = task };

	if (t)
		bench_tl_event(&b->tl, &e);
}

/* Everything the timeline marks, from the trace and the kill chain. */
static void timeline_events(struct bench_run *b, const struct tr_stalls *st,
			    const struct bench_kill *k, unsigned nk)
{
	static const enum bench_ev_kind span_kind[] = {
		[TR_SPAN_MEMCG] = BENCH_EV_MEMCG_RECLAIM,
		[TR_SPAN_DIRECT] = BENCH_EV_DIRECT_RECLAIM,
		[TR_SPAN_THROTTLED] = BENCH_EV_THROTTLED,
	};

	for (size_t i = 0; st && i < st->nspans; i++) {
		const struct tr_span *sp = &st->spans[i];

		ev_add(b, span_kind[sp->kind], sp->begin_ns, sp->dur_ns, sp->pid, sp->comm);
	}
	/* a notification is the memcg's, not a task's */
	for (unsigned i = 0; i < b->noom; i++)
		ev_add(b, BENCH_EV_OOM_EVENT, b->oom_ns[i], 0, 0, NULL);
	for (unsigned i = 0; i < nk; i++) {
		const struct tr_victim *v = st ? tr_stalls_victim(st, k[i].pid) : NULL;

		ev_add(b, BENCH_EV_MARK_VICTIM, v ? v->mark_ns : 0, 0, k[i].pid, k[i].victim);
		ev_add(b, BENCH_EV_KMSG_KILL, k[i].kmsg_ns, 0, k[i].pid, k[i].victim);
		ev_add(b, BENCH_EV_USAGE_DROP, k[i].usage_drop_ns, 0, k[i].pid, k[i].victim);
		ev_add(b, BENCH_EV_PIDFD, k[i].pidfd_ns, 0, k[i].pid, k[i].victim);
		ev_add(b, BENCH_EV_REAPED, v ? v->reap_end_ns : 0, 0, k[i].pid, k[i].victim);
	}
	bench_tl_sort_events(&b->tl);
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
	/* a run stopped before its trigger: times from the start */
	struct bench_in in = { .t0_ns = r->t_trigger_ns ? r->t_trigger_ns : c->t_start_ns };
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
			.usage_drop_ns =
				kr->instance < RUN_MAX_INSTANCES ? b->drop_ns[kr->instance] : 0,
			.poll_ns = v->reaped_poll_ns,
		};
		if (c->att.have_marker && kr->usec >= c->att.marker_usec)
			k[nk].kmsg_ns = r->t_trigger_ns + (kr->usec - c->att.marker_usec) * 1000;
		nk++;
	}
	in.kills = k;
	in.nkills = nk;
	if (b->have_tl) {
		timeline_events(b, have_st ? &st : NULL, k, nk);
		in.timeline = b->tl.s;
		in.ntimeline = b->tl.n;
		in.timeline_every_ns = b->tl.every_ns;
		in.timeline_decimations = b->tl.decimations;
		in.events = b->tl.ev;
		in.nevents = b->tl.nev;
		in.events_dropped = b->tl.ev_dropped + (have_st ? st.spans_dropped : 0);
	}

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
	if (b->usage_fd >= 0)
		close(b->usage_fd);
	for (unsigned i = 0; i < RUN_MAX_INSTANCES; i++)
		if (b->mem_fd[i] >= 0)
			close(b->mem_fd[i]);
	if (b->have_tl)
		bench_tl_free(&b->tl);
	progress_clear(c->o->progress);
	free(b);
	c->bench = NULL;
}
