// SPDX-License-Identifier: MIT
/*
 * runner: one profile, one run. The stages are in data-flow order below;
 * each takes the run context and either advances or sets a BROK/SKIP
 * outcome with a reason. Cleanup is one forward-only path at the end of
 * run_profile(): stop the trigger, kill what we started (by PID), remove the
 * cgroup, restore sysctls.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>

#include "cgroup.h"
#include "kmsg.h"
#include "pattern.h"
#include "procfs.h"
#include "runner.h"
#include "scoreboard.h"
#include "worker-spawn.h"
#include "util.h"
#include "verdict.h"

#define PAGE 4096ULL
#define PRESSURE_CHUNK "1M"
#define LIMIT_STEP (4 * MIB)
#define SETTLE_MS 150	/* after the last expected kill: late records */

volatile sig_atomic_t runner_interrupted;

struct sysctl_saved {
	char path[128];
	char old[64];
	bool set;
};

struct ctx {
	struct run *r;
	const struct profile *p;
	const struct run_opts *o;
	struct oomlab_cg *cg;
	int sb_fd;
	void *sb;
	unsigned nslots;
	struct kmsg_reader *km;
	char *wpath;
	char token[48];		/* marker token of this run */
	bool have_marker;
	uint64_t marker_usec;
	pid_t pressure_pid;
	int pressure_pidfd;
	unsigned pressure_slot;
	uint32_t go_gen;
	uint64_t t_start_ns;
	uint64_t deadline_ns;
	unsigned kills_wanted;
	struct oom_event pending_constraint;
	bool have_pending_constraint;
	char pending_constraint_line[512];
	struct sysctl_saved sysctls[PROFILE_MAX_SYSCTLS];
	uint64_t limit_now;
};

static void set_outcome(struct run *r, enum outcome o, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void set_outcome(struct run *r, enum outcome o, const char *fmt, ...)
{
	va_list ap;

	/* The first BROK/SKIP reason is the one that matters. */
	if (r->outcome == OUTCOME_BROK || r->outcome == OUTCOME_SKIP)
		return;
	r->outcome = o;
	va_start(ap, fmt);
	vsnprintf(r->reason, sizeof(r->reason), fmt, ap);
	va_end(ap);
}

static bool stopped(const struct run *r)
{
	return r->outcome == OUTCOME_BROK || r->outcome == OUTCOME_SKIP;
}

static double ms_since(uint64_t t0)
{
	return (double)(now_ns() - t0) / 1e6;
}

static struct sb_slot *slot(struct ctx *c, unsigned k)
{
	return sb_slot(c->sb, k);
}

/* ---- preflight: what this machine can run, decided before starting
 * anything, so a SKIP or a refused profile leaves nothing behind. ---- */

static const char *negative_adj_why(const struct profile *p, char *buf, size_t len)
{
	snprintf(buf, len, "the profile needs a negative oom_score_adj or oom_adj, and "
		 "this process lacks CAP_SYS_RESOURCE, so the kernel would refuse it: "
		 "run it in a VM (oomlab vm run %s)", p->path);
	return buf;
}

const char *runner_vm_only(const struct profile *p, char *buf, size_t len)
{
	if (p->trigger == TRIGGER_GLOBAL || p->trigger == TRIGGER_SYSRQ)
		snprintf(buf, len, "trigger = %s causes a global OOM: only inside a VM "
			 "(oomlab vm run %s)", trigger_name(p->trigger), p->path);
	else if (p->needs_vm)
		snprintf(buf, len, "the profile needs a VM (needs = vm): run it with "
			 "oomlab vm run %s", p->path);
	else if (p->nsysctls)
		snprintf(buf, len, "the profile sets sysctl %s: sysctl experiments run only "
			 "inside a VM", p->sysctls[0].name);
	else if (p->run_expect == RUN_EXPECT_PANIC)
		snprintf(buf, len, "the profile expects a kernel panic: only inside a VM");
	else if (p->has_swap)
		snprintf(buf, len, "swap = ... needs zram inside a VM (this host has no swap)");
	else if (p->needs_negative_adj && !proc_can_lower_adj())
		return negative_adj_why(p, buf, len);
	else
		return NULL;
	return buf;
}

static void preflight(struct ctx *c)
{
	const struct profile *p = c->p;
	struct run *r = c->r;
	bool global = p->trigger == TRIGGER_GLOBAL || p->trigger == TRIGGER_SYSRQ;

	char why[512];

	if (!c->o->in_vm) {
		if (runner_vm_only(p, why, sizeof(why)))
			return set_outcome(r, OUTCOME_SKIP, "%s", why);
		if (!p->has_memory_limit)
			return set_outcome(r, OUTCOME_BROK, "%s: memory_limit is required "
					   "on the host: every worker must run inside a memory "
					   "cgroup with a limit (a global OOM only in a VM)",
					   p->path);
	}
	/* inside a VM too: a guest without CAP_SYS_RESOURCE would refuse */
	if (p->needs_negative_adj && !proc_can_lower_adj())
		return set_outcome(r, OUTCOME_SKIP, "%s", negative_adj_why(p, why, sizeof(why)));
	if (global && p->has_memory_limit)
		return set_outcome(r, OUTCOME_BROK, "%s: trigger = %s is a global OOM: "
				   "memory_limit makes no sense with it", p->path,
				   trigger_name(p->trigger));
	if (!global) {
		_cleanup_free_ char *dir = NULL;
		int e = cg_detect("/", &r->cg_version, &dir);

		if (e < 0)
			return set_outcome(r, OUTCOME_SKIP, "no memory cgroup controller "
					   "found (%s): cannot confine the workers",
					   strerror(-e));
		if (p->oom_group && r->cg_version != CG_V2)
			return set_outcome(r, OUTCOME_SKIP, "oom_group needs cgroup v2 "
					   "(memory.oom.group); this machine's memory controller "
					   "is cgroup v1: run it in a VM");
	}
}

/* ---- sysctls (VM only): set, and put back what was there ---- */

static void sysctl_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/sys/%s", name);
	for (char *q = buf + strlen("/proc/sys/"); *q; q++)
		if (*q == '.')
			*q = '/';
}

static void sysctls_apply(struct ctx *c)
{
	for (unsigned i = 0; i < c->p->nsysctls; i++) {
		struct sysctl_saved *s = &c->sysctls[i];
		_cleanup_free_ char *old = NULL;
		int e;

		sysctl_path(c->p->sysctls[i].name, s->path, sizeof(s->path));
		e = read_file_str(s->path, &old);
		if (e < 0)
			return set_outcome(c->r, OUTCOME_SKIP, "sysctl %s: %s",
					   c->p->sysctls[i].name, strerror(-e));
		snprintf(s->old, sizeof(s->old), "%s", old);
		s->old[strcspn(s->old, "\n")] = 0;
		e = write_file_str(s->path, c->p->sysctls[i].value);
		if (e < 0)
			return set_outcome(c->r, OUTCOME_SKIP, "cannot set sysctl %s = %s: %s",
					   c->p->sysctls[i].name, c->p->sysctls[i].value,
					   strerror(-e));
		s->set = true;
	}
}

static void sysctls_restore(struct ctx *c)
{
	for (unsigned i = 0; i < c->p->nsysctls; i++)
		if (c->sysctls[i].set && write_file_str(c->sysctls[i].path, c->sysctls[i].old) < 0)
			log_warn("cannot restore %s to %s", c->sysctls[i].path, c->sysctls[i].old);
}

/* ---- plan: instances of the profile's workers ---- */

static void plan(struct ctx *c)
{
	struct run *r = c->r;

	for (unsigned w = 0; w < c->p->nworkers; w++) {
		const struct worker_spec *s = &c->p->workers[w];

		for (unsigned k = 1; k <= s->count; k++) {
			struct instance *in;

			if (r->ninst >= RUN_MAX_INSTANCES)
				return set_outcome(r, OUTCOME_BROK, "more than %d instances",
						   RUN_MAX_INSTANCES);
			in = &r->inst[r->ninst];
			in->spec = s;
			in->slot = r->ninst;
			in->pidfd = -1;
			in->kmsg_kill_idx = -1;
			if (s->count > 1)
				snprintf(in->name, sizeof(in->name), "%s.%u", s->name, k);
			else
				snprintf(in->name, sizeof(in->name), "%s", s->name);
			in->skip_ramp_wait = s->argv && !s->size;
			if (s->expect == EXPECT_KILLED || s->expect == EXPECT_KILLED_NTH)
				c->kills_wanted++;
			r->ninst++;
		}
	}
	/* A profile with no kill expectation still wants to see one kill. */
	if (!c->kills_wanted)
		c->kills_wanted = 1;
}

/* ---- scoreboard: created and touched by the harness first, so its pages
 * are charged to the harness's memcg, never to the workers'. ---- */

static int scoreboard_create(struct ctx *c, unsigned nslots)
{
	struct sb_header *h;
	uint64_t size = sb_map_size(nslots);
	int fd;

	fd = memfd_create("oomlab-scoreboard", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)size) < 0) {
		int e = errno;

		close(fd);
		return -e;
	}
	c->sb = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (c->sb == MAP_FAILED) {
		int e = errno;

		c->sb = NULL;
		close(fd);
		return -e;
	}
	memset(c->sb, 0, size);
	h = c->sb;
	h->magic = SB_MAGIC;
	h->version = SB_VERSION;
	h->nslots = nslots;
	c->sb_fd = fd;
	c->nslots = nslots;
	return 0;
}

/* ---- kmsg: the kernel's own record ---- */

/* Which worker a PID is: the worker itself (*ret_inst), or one of the
 * children it had at the snapshot (*ret_child_of); -1 for neither. */
static void pid_owner(const struct run *r, pid_t pid, int *ret_inst, int *ret_child_of)
{
	*ret_inst = *ret_child_of = -1;
	for (unsigned i = 0; i < r->ninst; i++) {
		const struct instance *in = &r->inst[i];

		if (in->pid == pid) {
			*ret_inst = (int)i;
			return;
		}
		for (unsigned j = 0; j < in->nchild; j++)
			if (in->child_pids[j] == pid)
				*ret_child_of = (int)i;
	}
}

/*
 * /dev/kmsg is the whole machine's log: other memcgs OOM too. A kill is
 * ours if the kernel says it happened in our memcg (>= 4.19 constraint
 * line), or, without that line (older kernels), if the PID is one we
 * started. A global OOM (VM) keeps every kill: the whole guest is ours.
 */
static bool kill_is_ours(const struct ctx *c, const struct oom_event *ev)
{
	const struct run *r = c->r;
	int inst, child_of;

	if (!c->cg)
		return true;
	if (c->have_pending_constraint && c->pending_constraint.pid == ev->pid &&
	    c->pending_constraint.task_memcg[0]) {
		size_t n = strlen(r->cgroup);

		return !strncmp(c->pending_constraint.task_memcg, r->cgroup, n) &&
		       (c->pending_constraint.task_memcg[n] == 0 ||
			c->pending_constraint.task_memcg[n] == '/');
	}
	if (ev->pid == c->pressure_pid)
		return true;
	pid_owner(r, ev->pid, &inst, &child_of);
	return inst >= 0 || child_of >= 0;
}

static void kill_record_add(struct ctx *c, const struct kmsg_record *rec,
			    const struct oom_event *ev)
{
	struct run *r = c->r;
	struct kill_record *k;

	if (r->nkills >= RUN_MAX_KILLS)
		return;
	if (!kill_is_ours(c, ev))
		return;
	k = &r->kills[r->nkills];
	memset(k, 0, sizeof(*k));
	k->killed = *ev;
	k->seq = rec->seq;
	k->usec = rec->usec;
	snprintf(k->line, sizeof(k->line), "%.*s", (int)rec->msg_len, rec->msg);
	if (c->have_pending_constraint && c->pending_constraint.pid == ev->pid) {
		k->constraint = c->pending_constraint;
		k->has_constraint = true;
		snprintf(k->constraint_line, sizeof(k->constraint_line), "%s",
			 c->pending_constraint_line);
	}
	c->have_pending_constraint = false;
	pid_owner(r, ev->pid, &k->instance, &k->child_of);
	/* A shared-mm worker dies with whichever of its mm sharers the kernel
	 * picked (all processes on the mm are SIGKILLed): that is its kill. */
	if (k->instance < 0 && k->child_of >= 0) {
		const struct worker_spec *s = r->inst[k->child_of].spec;

		if (pattern_has_flag(s->pattern, PATTERN_F_SHARED_MM))
			k->instance = k->child_of;
	}
	/* With memory.oom.group the kernel can log one task twice: only the
	 * first record of a PID counts. */
	for (unsigned i = 0; i < r->nkills; i++)
		if (r->kills[i].killed.pid == ev->pid)
			return;
	if (k->instance >= 0) {
		struct instance *in = &r->inst[k->instance];
		unsigned order = 0;

		for (unsigned i = 0; i < r->nkills; i++)
			if (r->kills[i].instance >= 0)
				order++;
		in->kill_order = order + 1;
		in->killed = true;
		in->kmsg_kill_idx = (int)r->nkills;
		if (c->have_marker)
			in->kill_ms = (double)(rec->usec - c->marker_usec) / 1000.0;
	}
	r->nkills++;
	if (c->o->on_event)
		c->o->on_event(r, RUN_EV_KILL, r->nkills - 1, NULL, c->o->arg);
}

static void kmsg_drain(struct ctx *c)
{
	struct kmsg_record rec;
	struct oom_event ev;
	int e;

	if (!c->km)
		return;
	while ((e = kmsg_next(c->km, &rec)) != -EAGAIN) {
		char msg[1024];

		if (e == -EPIPE)
			continue;
		if (e < 0)
			break;
		snprintf(msg, sizeof(msg), "%.*s", (int)rec.msg_len, rec.msg);
		if (oom_parse_line(msg, &ev) <= 0)
			continue;
		switch (ev.type) {
		case OOM_EV_MARKER:
			if (strstr(ev.marker, c->token) && strstr(ev.marker, "trigger")) {
				c->have_marker = true;
				c->marker_usec = rec.usec;
			}
			break;
		case OOM_EV_CONSTRAINT:
			c->pending_constraint = ev;
			c->have_pending_constraint = true;
			snprintf(c->pending_constraint_line, sizeof(c->pending_constraint_line),
				 "%.*s", (int)sizeof(c->pending_constraint_line) - 1, msg);
			break;
		case OOM_EV_KILLED:
			kill_record_add(c, &rec, &ev);
			break;
		case OOM_EV_PANIC:
			c->r->panicked = true;
			break;
		default:
			break;
		}
	}
	c->r->kmsg_lost = kmsg_lost(c->km);
}

/* ---- deaths: pidfd + waitid ---- */

static bool reap(struct ctx *c, struct instance *in)
{
	siginfo_t si = { 0 };

	if (in->died || in->pidfd < 0)
		return in->died;
	if (waitid(P_PIDFD, (id_t)in->pidfd, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
		return false;
	in->died = true;
	in->exit_code = si.si_code;
	in->exit_status = si.si_status;
	if (!in->kill_ms && c->r->t_trigger_ns)
		in->kill_ms = ms_since(c->r->t_trigger_ns);
	close(in->pidfd);
	in->pidfd = -1;
	return true;
}

static unsigned deaths(const struct run *r)
{
	unsigned n = 0;

	for (unsigned i = 0; i < r->ninst; i++)
		n += r->inst[i].died;
	return n;
}

/* Victims so far: dead workers, plus logged kills of their children (a
 * fork-tree child sacrificed for its parent counts as a victim). */
static unsigned victims(const struct run *r)
{
	unsigned n = deaths(r);

	for (unsigned i = 0; i < r->nkills; i++)
		if (r->kills[i].instance < 0 && r->kills[i].child_of >= 0)
			n++;
	return n;
}

/* ---- spawn ---- */

static void spawn_all(struct ctx *c)
{
	struct run *r = c->r;

	for (unsigned i = 0; i < r->ninst && !stopped(r); i++) {
		struct instance *in = &r->inst[i];
		char **argv, err[400];
		struct spawn_req req = {
			.name = in->name,
			.spec = in->spec,
			.cg = c->cg,
			.sb_fd = in->spec->argv ? -1 : c->sb_fd,
			.slot = in->slot,
			.quiet = !c->o->verbose,
			.deadline_ns = c->deadline_ns,
			.interrupted = &runner_interrupted,
		};
		enum spawn_fail fail;
		int e;

		if (in->spec->start_delay_ms) {
			struct timespec ts = {
				.tv_sec = (time_t)(in->spec->start_delay_ms / 1000),
				.tv_nsec = (long)(in->spec->start_delay_ms % 1000) * 1000000L,
			};
			nanosleep(&ts, NULL);
		}
		argv = worker_argv(c->wpath, in->spec, in->name);
		if (!argv)
			return set_outcome(r, OUTCOME_BROK, "out of memory");
		req.argv = argv;
		e = spawn_instance(&req, &in->pid, &in->pidfd, &fail, err, sizeof(err));
		argv_free(argv);
		if (e < 0)
			return set_outcome(r, fail == SPAWN_REFUSED ? OUTCOME_SKIP : OUTCOME_BROK,
					   "%s", err);
		log_debug("spawned %s pid %d", in->name, (int)in->pid);
	}
}

/* ---- ramp: every worker reaches its size under the limit and holds ---- */

static bool ramped(struct ctx *c, struct instance *in)
{
	if (in->skip_ramp_wait)
		return true;
	if (!in->spec->argv) {
		uint32_t ph = __atomic_load_n(&slot(c, in->slot)->phase, __ATOMIC_ACQUIRE);

		return ph == SB_PHASE_HOLDING || ph == SB_PHASE_DONE || ph == SB_PHASE_FREEING;
	}
	/* A command worker says nothing: wait until its RSS reaches 90% of
	 * the size the profile gives it. */
	{
		struct proc_snapshot s;

		if (proc_snapshot("/proc", in->pid, &s) < 0)
			return false;
		return s.rss_bytes >= in->spec->size / 10 * 9;
	}
}

/* What an instance holds now: its scoreboard slot, or RSS for a command. */
static uint64_t instance_bytes(struct ctx *c, const struct instance *in)
{
	struct proc_snapshot s;

	if (!in->spec->argv)
		return __atomic_load_n(&slot(c, in->slot)->bytes_touched, __ATOMIC_RELAXED);
	return proc_snapshot("/proc", in->pid, &s) == 0 ? s.rss_bytes : 0;
}

static void ramp(struct ctx *c)
{
	struct run *r = c->r;
	uint64_t t0 = now_ns(), last_report = 0;

	for (;;) {
		unsigned ready = 0;

		if (runner_interrupted)
			return set_outcome(r, OUTCOME_BROK, "interrupted by signal %d during "
					   "ramp-up", (int)runner_interrupted);
		kmsg_drain(c);
		for (unsigned i = 0; i < r->ninst; i++) {
			struct instance *in = &r->inst[i];
			struct sb_slot *s = slot(c, in->slot);

			if (reap(c, in)) {
				if (in->killed)
					return set_outcome(r, OUTCOME_BROK, "%s was OOM-killed during "
							   "ramp-up, before the trigger: the workers do "
							   "not fit %s", in->name,
							   c->p->has_memory_limit ? "memory_limit" :
							   "the machine's memory");
				return set_outcome(r, OUTCOME_BROK, "%s ended during ramp-up "
						   "(%s %d)", in->name,
						   in->exit_code == CLD_EXITED ? "exit status" : "signal",
						   in->exit_status);
			}
			if (!in->spec->argv &&
			    __atomic_load_n(&s->phase, __ATOMIC_ACQUIRE) == SB_PHASE_ALLOC_FAILED) {
				if (c->p->run_expect == RUN_EXPECT_ALLOC_FAIL) {
					r->alloc_failed = true;
					run_note(r, "%s: allocation failed at %" PRIu64 " bytes: %s",
						 in->name, s->bytes_touched, strerror(s->err));
					return;
				}
				return set_outcome(r, OUTCOME_BROK, "%s could not allocate (%s) at "
						   "%" PRIu64 " of %" PRIu64 " bytes", in->name,
						   strerror(s->err), s->bytes_touched, s->target_bytes);
			}
			ready += ramped(c, in);
		}
		if (c->o->on_event && now_ns() - last_report > 100000000ULL) {
			uint64_t touched[RUN_MAX_INSTANCES];

			for (unsigned i = 0; i < r->ninst; i++)
				touched[i] = instance_bytes(c, &r->inst[i]);
			c->o->on_event(r, RUN_EV_RAMP, 0, touched, c->o->arg);
			last_report = now_ns();
		}
		if (ready == r->ninst)
			break;
		if (now_ns() > c->deadline_ns)
			return set_outcome(r, OUTCOME_BROK, "workers did not reach their sizes "
					   "within timeout (%u of %u ready)", ready, r->ninst);
		usleep(2000);
	}
	r->ramp_ms = ms_since(t0);
	if (c->o->on_event) {
		uint64_t touched[RUN_MAX_INSTANCES];

		for (unsigned i = 0; i < r->ninst; i++)
			touched[i] = instance_bytes(c, &r->inst[i]);
		c->o->on_event(r, RUN_EV_RAMPED, 0, touched, c->o->arg);
	}
}

/* ---- snapshot: what the model needs, read just before the trigger ---- */

static void snapshot(struct ctx *c)
{
	struct run *r = c->r;

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
		t->rss_pages = s.rss_bytes / PAGE;
		t->swap_pages = s.swap_bytes / PAGE;
		t->pgtables_bytes = s.pgtables_bytes;
		t->total_vm_pages = s.vm_bytes / PAGE;
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
				t->children_vm_pages[t->nchildren++] = cs.vm_bytes / PAGE;
		}
	}
	if (c->p->has_init_hog) {
		/* claim 14: PID 1 must really be the biggest task for "never
		 * chosen" to mean anything (vm/init.sh holds init_hog) */
		struct proc_snapshot s1;
		char b1[16], b2[16];

		if (proc_snapshot("/proc", 1, &s1) < 0 || s1.rss_bytes < c->p->init_hog / 10 * 9)
			return set_outcome(r, OUTCOME_BROK, "PID 1 should hold init_hog = %s but "
					   "holds %s", format_size(c->p->init_hog, b1),
					   format_size(s1.rss_bytes, b2));
		run_note(r, "PID 1 (%s) holds %s of RSS, more than any worker: the global "
			 "init is exempt (is_global_init), so the kernel must pass it over",
			 s1.comm, format_size(s1.rss_bytes, b1));
	}
	if (c->cg) {
		cg_read_counters(cg_path(c->cg), r->cg_version, &r->counters_before);
		/* memcg OOM: the kernel's totalpages is the memcg's max
		 * (mem_cgroup_get_max: limit + allowed swap; no swap here). */
		r->totalpages = (c->limit_now ? c->limit_now : c->p->memory_limit) / PAGE;
	} else {
		proc_totalpages("/proc", &r->totalpages);
	}
	verdict_predict(r);
}

/* ---- trigger ---- */

static int start_pressure(struct ctx *c, const char *counter)
{
	char *argv[] = { c->wpath, "--pattern", "pressure", "--name", "oomlab-pressure",
			 "--chunk", PRESSURE_CHUNK, "--oom-counter", (char *)counter, NULL };
	struct spawn_req req = {
		.name = "oomlab-pressure",
		.cg = c->cg,
		.argv = argv,
		.sb_fd = c->sb_fd,
		.slot = c->pressure_slot,
		.quiet = !c->o->verbose,
		.deadline_ns = c->deadline_ns,
		.interrupted = &runner_interrupted,
	};
	enum spawn_fail fail;
	char err[400];
	int e;

	/*
	 * The pressure process must be the last candidate the kernel picks:
	 * its memfd pages are not in its RSS, so its badness is tiny; where we
	 * may (a VM, CAP_SYS_RESOURCE) we also give it -999 — still killable,
	 * so the memcg never holds only unkillable tasks.
	 */
	if (proc_can_lower_adj()) {
		req.set_adj = true;
		req.adj = -999;
	}
	e = spawn_instance(&req, &c->pressure_pid, &c->pressure_pidfd, &fail, err, sizeof(err));
	if (e < 0)
		set_outcome(c->r, OUTCOME_BROK, "cannot start the pressure process: %s", err);
	return e;
}

static void stop_pressure(struct ctx *c)
{
	if (c->pressure_pid <= 0)
		return;
	__atomic_store_n(&slot(c, c->pressure_slot)->stop, 1, __ATOMIC_RELEASE);
	kill(c->pressure_pid, SIGKILL);
	if (c->pressure_pidfd >= 0) {
		siginfo_t si;

		waitid(P_PIDFD, (id_t)c->pressure_pidfd, &si, WEXITED);
		close(c->pressure_pidfd);
	}
	c->pressure_pid = 0;
	c->pressure_pidfd = -1;
}

static int limit_step(struct ctx *c)
{
	struct cg_counters cnt;
	int e;

	e = cg_read_counters(cg_path(c->cg), c->r->cg_version, &cnt);
	if (e < 0)
		return e;
	c->limit_now = cnt.usage > LIMIT_STEP * 2 ? cnt.usage - LIMIT_STEP : cnt.usage / 2;
	c->r->totalpages = c->limit_now / PAGE;
	return cg_set_limit(c->cg, c->limit_now);
}

static void trigger(struct ctx *c)
{
	struct run *r = c->r;
	char marker[128];
	int e;

	snprintf(marker, sizeof(marker), "%s trigger %s", c->token, trigger_name(c->p->trigger));
	if (kmsg_write_marker("/dev/kmsg", marker) < 0)
		run_note(r, "could not write a marker to /dev/kmsg: kill times are taken "
			 "from waitid, not from the kernel's timestamps");
	r->t_trigger_ns = now_ns();
	r->trigger_used = trigger_name(c->p->trigger);
	if (c->o->on_event)
		c->o->on_event(r, RUN_EV_TRIGGER, 0, NULL, c->o->arg);

	switch (c->p->trigger) {
	case TRIGGER_LIMIT:
		e = limit_step(c);
		if (e == -EBUSY && r->cg_version == CG_V1) {
			/* v1: lowering memory.limit_in_bytes below usage reclaims
			 * and then fails with EBUSY: it never OOM-kills. */
			cg_set_limit(c->cg, c->p->memory_limit);
			c->limit_now = c->p->memory_limit;
			r->totalpages = c->limit_now / PAGE;
			run_note(r, "trigger = limit: cgroup v1 refuses a limit below usage "
				 "(EBUSY) instead of OOM-killing, so the pressure trigger was "
				 "used");
			r->trigger_used = "pressure (limit on v1)";
			start_pressure(c, cg_oom_counter_file(c->cg));
		} else if (e < 0) {
			set_outcome(r, OUTCOME_BROK, "cannot lower the memory limit: %s",
				    strerror(-e));
		}
		break;
	case TRIGGER_SYSRQ:
		e = write_file_str("/proc/sysrq-trigger", "f");
		if (e < 0)
			set_outcome(r, OUTCOME_BROK, "sysrq-f: %s", strerror(-e));
		break;
	case TRIGGER_GLOBAL:
		start_pressure(c, "/proc/vmstat");
		break;
	case TRIGGER_PRESSURE:
	default:
		start_pressure(c, cg_oom_counter_file(c->cg));
		break;
	}
}

/* After a kill, ask the trigger for the next one. */
static void trigger_next(struct ctx *c)
{
	if (c->pressure_pid > 0) {
		c->go_gen++;
		__atomic_store_n(&slot(c, c->pressure_slot)->go_gen, c->go_gen, __ATOMIC_RELEASE);
	} else if (c->p->trigger == TRIGGER_LIMIT) {
		limit_step(c);
	} else if (c->p->trigger == TRIGGER_SYSRQ) {
		write_file_str("/proc/sysrq-trigger", "f");
	}
}

/* Which of the workers' children died with them (claims 8 and 9): gone
 * from /proc, or a zombie waiting for its reaper. */
static void children_dead(struct run *r)
{
	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];

		in->child_dead = 0;
		for (unsigned j = 0; j < in->nchild; j++) {
			_cleanup_free_ char *stat = NULL;
			char path[64];
			const char *p;

			snprintf(path, sizeof(path), "/proc/%d/stat", (int)in->child_pids[j]);
			if (read_file_str(path, &stat) < 0) {
				in->child_dead++;
				continue;
			}
			p = strrchr(stat, ')');
			if (p && (p[2] == 'Z' || p[2] == 'X'))
				in->child_dead++;
		}
	}
}

/* ---- observe: deaths, the kernel's record, until the expected victims
 * are dead, the pressure process itself dies, or the timeout hits ---- */

static void observe(struct ctx *c)
{
	struct run *r = c->r;
	unsigned seen_deaths = 0, stepped_for = 0;
	uint64_t settle_until = 0, last_go = 0;

	for (;;) {
		struct pollfd pfd[RUN_MAX_INSTANCES + 2];
		unsigned n = 0, d;
		bool pressure_dead = false;
		uint32_t ph;

		for (unsigned i = 0; i < r->ninst; i++)
			if (r->inst[i].pidfd >= 0)
				pfd[n++] = (struct pollfd){ .fd = r->inst[i].pidfd, .events = POLLIN };
		if (c->pressure_pidfd >= 0)
			pfd[n++] = (struct pollfd){ .fd = c->pressure_pidfd, .events = POLLIN };
		if (c->km)
			pfd[n++] = (struct pollfd){ .fd = kmsg_fd(c->km), .events = POLLIN };
		poll(pfd, n, 5);

		kmsg_drain(c);
		for (unsigned i = 0; i < r->ninst; i++)
			reap(c, &r->inst[i]);
		if (c->pressure_pidfd >= 0) {
			siginfo_t si = { 0 };

			if (waitid(P_PIDFD, (id_t)c->pressure_pidfd, &si, WEXITED | WNOHANG) == 0 &&
			    si.si_pid) {
				close(c->pressure_pidfd);
				c->pressure_pidfd = -1;
				c->pressure_pid = 0;
				pressure_dead = true;
			}
		}
		if (pressure_dead) {
			run_note(r, "the pressure process itself was killed: no candidate the "
				 "kernel preferred was left");
			if (!settle_until)
				settle_until = now_ns() + SETTLE_MS * 1000000ULL;
		}
		if (r->panicked && !settle_until)
			settle_until = now_ns() + SETTLE_MS * 1000000ULL;

		d = victims(r);
		if (d > seen_deaths) {
			seen_deaths = d;
			if (d >= c->kills_wanted || deaths(r) == r->ninst) {
				stop_pressure(c);
				if (!settle_until)
					settle_until = now_ns() + SETTLE_MS * 1000000ULL;
			}
		}
		/* The pressure process paused after a kill; once the victims it
		 * saw have died, let it go on. */
		if (c->pressure_pid > 0 && !settle_until) {
			ph = __atomic_load_n(&slot(c, c->pressure_slot)->phase, __ATOMIC_ACQUIRE);
			if (ph == SB_PHASE_PAUSED && now_ns() - last_go > 2000000ULL) {
				bool pending = false;

				for (unsigned i = 0; i < r->ninst; i++)
					if (r->inst[i].killed && !r->inst[i].died)
						pending = true;
				if (!pending || now_ns() - last_go > 500000000ULL) {
					trigger_next(c);
					last_go = now_ns();
				}
			}
		} else if (!c->pressure_pid && !settle_until && d > stepped_for &&
			   (c->p->trigger == TRIGGER_LIMIT || c->p->trigger == TRIGGER_SYSRQ)) {
			/* limit / sysrq: one step per victim, once it is dead */
			trigger_next(c);
			stepped_for = d;
		}
		if (settle_until && now_ns() >= settle_until)
			break;
		if (runner_interrupted) {
			set_outcome(r, OUTCOME_BROK, "interrupted by signal %d",
				    (int)runner_interrupted);
			break;
		}
		if (now_ns() > c->deadline_ns) {
			run_note(r, "timeout: %u of the %u expected kills happened within %" PRIu64
				 " ms", d, c->kills_wanted, c->p->timeout_ms);
			break;
		}
	}
	kmsg_drain(c);
	if (c->cg)
		cg_read_counters(cg_path(c->cg), r->cg_version, &r->counters_after);
	children_dead(r);
}

/* ---- teardown: kill what we started, by PID ---- */

static void teardown(struct ctx *c)
{
	struct run *r = c->r;

	stop_pressure(c);
	for (unsigned i = 0; i < r->ninst; i++) {
		struct instance *in = &r->inst[i];
		siginfo_t si;

		if (in->pidfd < 0)
			continue;
		/* pidfd_send_signal cannot hit a recycled PID. */
		if (syscall(SYS_pidfd_send_signal, in->pidfd, SIGKILL, NULL, 0) < 0)
			kill(in->pid, SIGKILL);
		waitid(P_PIDFD, (id_t)in->pidfd, &si, WEXITED);
		close(in->pidfd);
		in->pidfd = -1;
	}
	cg_destroy(c->cg);
	c->cg = NULL;
	if (c->sb) {
		munmap(c->sb, sb_map_size(c->nslots));
		c->sb = NULL;
	}
	if (c->sb_fd >= 0)
		close(c->sb_fd);
	c->sb_fd = -1;
	kmsg_close(c->km);
	c->km = NULL;
	sysctls_restore(c);
	free(c->wpath);
	c->wpath = NULL;
}

static void kernel_release(struct run *r)
{
	struct utsname u;

	if (uname(&u) == 0)
		snprintf(r->kernel, sizeof(r->kernel), "%s", u.release);
}

static void cgroup_tag(const char *path, char *buf, size_t len)
{
	const char *b = strrchr(path, '/');
	size_t i;

	b = b ? b + 1 : path;
	for (i = 0; i + 1 < len && b[i] && b[i] != '.' && i < 24; i++)
		buf[i] = (b[i] >= 'a' && b[i] <= 'z') || (b[i] >= '0' && b[i] <= '9') ||
					 (b[i] >= 'A' && b[i] <= 'Z') || b[i] == '-'
				 ? b[i]
				 : '_';
	buf[i] = 0;
}

int run_profile(const struct profile *p, const struct run_opts *o, struct run *r)
{
	struct ctx c = {
		.r = r, .p = p, .o = o, .sb_fd = -1, .pressure_pidfd = -1,
	};
	char tag[32];
	int e;

	r->profile = p;
	r->outcome = OUTCOME_PASS;
	r->in_vm = o->in_vm;
	c.t_start_ns = now_ns();
	kernel_release(r);
	r->era = o->era != OOM_ERA_AUTO ? o->era : oom_era_from_release(r->kernel);
	r->era_forced = o->era != OOM_ERA_AUTO;
	c.deadline_ns = c.t_start_ns + p->timeout_ms * 1000000ULL;
	snprintf(c.token, sizeof(c.token), "run-%d-%" PRIu64, (int)getpid(), c.t_start_ns % 1000000);

	preflight(&c);
	if (stopped(r))
		goto verdict;
	plan(&c);
	if (stopped(r))
		goto verdict;
	e = worker_path(&c.wpath);
	if (e < 0) {
		set_outcome(r, OUTCOME_BROK, "cannot find oomlab-worker next to oomlab: %s",
			    strerror(-e));
		goto verdict;
	}
	sysctls_apply(&c);
	if (stopped(r))
		goto out;

	if (p->trigger != TRIGGER_GLOBAL && p->trigger != TRIGGER_SYSRQ) {
		cg_cleanup_stale();
		cgroup_tag(p->path, tag, sizeof(tag));
		e = cg_create(tag, p->memory_limit, p->oom_group, p->has_swap ? p->swap : CG_SWAP_DEFAULT, &c.cg);
		if (e < 0) {
			set_outcome(r, OUTCOME_BROK, "cannot create the run's memory cgroup: %s",
				    strerror(-e));
			goto out;
		}
		snprintf(r->cgroup, sizeof(r->cgroup), "%s", cg_relpath(c.cg));
		c.limit_now = p->memory_limit;
	}
	c.pressure_slot = r->ninst;
	e = scoreboard_create(&c, r->ninst + 1);
	if (e < 0) {
		set_outcome(r, OUTCOME_BROK, "cannot create the scoreboard: %s", strerror(-e));
		goto out;
	}
	e = kmsg_open("/dev/kmsg", true, &c.km);
	if (e < 0)
		run_note(r, "cannot read /dev/kmsg (%s): the kill order comes from waitid "
			 "only, without the kernel's own record", strerror(-e));

	spawn_all(&c);
	if (stopped(r))
		goto out;
	ramp(&c);
	if (stopped(r) || r->alloc_failed)
		goto out;
	snapshot(&c);
	if (stopped(r))
		goto out;
	trigger(&c);
	if (stopped(r))
		goto out;
	observe(&c);
out:
	teardown(&c);
verdict:
	r->t_end_ns = now_ns();
	r->wall_ms = (double)(r->t_end_ns - c.t_start_ns) / 1e6;
	verdict_decide(r);
	return 0;
}
