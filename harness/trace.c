// SPDX-License-Identifier: MIT
/*
 * ftrace text of the vmscan and oom events -> events -> stall histograms
 * and OOM victims (trace.h).
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "trace.h"
#include "util.h"

static const struct {
	const char *system, *event;
} kinds[TR_NKINDS] = {
	[TR_MEMCG_RECLAIM_BEGIN] = { "vmscan", "mm_vmscan_memcg_reclaim_begin" },
	[TR_MEMCG_RECLAIM_END] = { "vmscan", "mm_vmscan_memcg_reclaim_end" },
	[TR_DIRECT_RECLAIM_BEGIN] = { "vmscan", "mm_vmscan_direct_reclaim_begin" },
	[TR_DIRECT_RECLAIM_END] = { "vmscan", "mm_vmscan_direct_reclaim_end" },
	[TR_THROTTLED] = { "vmscan", "mm_vmscan_throttled" },
	[TR_MARK_VICTIM] = { "oom", "mark_victim" },
	[TR_START_REAPING] = { "oom", "start_task_reaping" },
	[TR_FINISH_REAPING] = { "oom", "finish_task_reaping" },
	[TR_SIGNAL_DELIVER] = { "signal", "signal_deliver" },
	[TR_PROCESS_EXIT] = { "sched", "sched_process_exit" },
	[TR_TASK_DEAD] = { "sched", "sched_switch" },
};

/* include/trace/events/vmscan.h, enum vmscan_throttle_state (5.16) */
static const char *const throttle_reasons[] = {
	"VMSCAN_THROTTLE_WRITEBACK",
	"VMSCAN_THROTTLE_ISOLATED",
	"VMSCAN_THROTTLE_NOPROGRESS",
	"VMSCAN_THROTTLE_CONGESTED",
};

const char *tr_kind_system(enum tr_kind k)
{
	return (unsigned)k < TR_NKINDS ? kinds[k].system : NULL;
}

const char *tr_kind_event(enum tr_kind k)
{
	return (unsigned)k < TR_NKINDS ? kinds[k].event : NULL;
}

/* Parse an unsigned decimal at *s; advances *s. */
static int parse_u64_at(const char **s, const char *end, uint64_t *ret)
{
	const char *p = *s;
	uint64_t v = 0;

	if (p >= end || !isdigit((unsigned char)*p))
		return -EINVAL;
	for (; p < end && isdigit((unsigned char)*p); p++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*s = p;
	*ret = v;
	return 0;
}

/* The value of " key=" within [s, end): its start, or NULL. */
static const char *field(const char *s, const char *end, const char *key)
{
	size_t kl = strlen(key);

	for (const char *p = s; p + kl + 1 <= end; p++) {
		if ((p == s || p[-1] == ' ') && !memcmp(p, key, kl) && p[kl] == '=')
			return p + kl + 1;
	}
	return NULL;
}

static int field_u64(const char *s, const char *end, const char *key, uint64_t *ret)
{
	const char *v = field(s, end, key);

	if (!v)
		return -EINVAL;
	return parse_u64_at(&v, end, ret);
}

/*
 * "842.814682" -> ns. The fraction has as many digits as the clock shows
 * (6 for the ns clocks printed in usecs); raw counter clocks have none.
 */
static int parse_ts(const char *s, const char *end, uint64_t *ret)
{
	uint64_t sec, frac = 0, scale = 1000000000ULL;
	const char *p = s;

	if (parse_u64_at(&p, end, &sec) < 0)
		return -EINVAL;
	if (p < end && *p == '.') {
		const char *f = ++p;

		if (parse_u64_at(&p, end, &frac) < 0 || p - f > 9)
			return -EINVAL;
		for (long i = 0; i < p - f; i++)
			scale /= 10;
		frac *= scale;
	}
	if (p != end || sec > UINT64_MAX / 1000000000ULL)
		return -EINVAL;
	*ret = sec * 1000000000ULL + frac;
	return 0;
}

static int parse_fields(struct tr_event *ev, const char *s, const char *end)
{
	uint64_t v;

	switch (ev->kind) {
	case TR_MEMCG_RECLAIM_END:
	case TR_DIRECT_RECLAIM_END:
		return field_u64(s, end, "nr_reclaimed", &ev->nr_reclaimed);
	case TR_THROTTLED: {
		const char *r = field(s, end, "reason");

		ev->reason = -1;
		if (r)
			for (unsigned i = 0; i < ARRAY_SIZE(throttle_reasons); i++) {
				size_t l = strlen(throttle_reasons[i]);

				if ((size_t)(end - r) >= l && !memcmp(r, throttle_reasons[i], l))
					ev->reason = (int32_t)i;
			}
		return field_u64(s, end, "usect_delayed", &ev->delayed_us);
	}
	case TR_MARK_VICTIM: {
		const char *c = field(s, end, "comm");

		if (c) {
			size_t l = 0;

			while (c + l < end && c[l] != ' ' && l < sizeof(ev->victim_comm) - 1)
				l++;
			memcpy(ev->victim_comm, c, l);
		}
	}
		/* fall through */
	case TR_START_REAPING:
	case TR_FINISH_REAPING:
	case TR_PROCESS_EXIT:
		if (field_u64(s, end, "pid", &v) < 0 || v > INT32_MAX)
			return -EINVAL;
		ev->victim = (int32_t)v;
		return 0;
	case TR_SIGNAL_DELIVER:
		/* delivered to the task the line runs in */
		if (field_u64(s, end, "sig", &v) < 0 || v > INT32_MAX)
			return -EINVAL;
		ev->sig = (int32_t)v;
		ev->victim = ev->pid;
		return 0;
	case TR_TASK_DEAD: {
		/* only a task's last switch is ours: any other is no event */
		const char *st = field(s, end, "prev_state");

		if (!st || (*st != 'Z' && *st != 'X'))
			return -ENOENT;
		if (field_u64(s, end, "prev_pid", &v) < 0 || v > INT32_MAX)
			return -EINVAL;
		ev->victim = (int32_t)v;
		return 0;
	}
	default:
		return 0;
	}
}

int tr_parse_line(const char *line, size_t len, struct tr_event *ret)
{
	const char *end = line + len, *p, *cpu_open = NULL, *dash = NULL, *ts, *ev_name, *colon;
	struct tr_event ev = { .reason = -1 };
	uint64_t v;
	int kind = -1, r;

	while (end > line && (end[-1] == '\n' || end[-1] == '\r'))
		end--;
	p = line;
	while (p < end && *p == ' ')
		p++;
	if (p == end || *p == '#')
		return -ENOENT;
	/* The event name: the first ": NAME: " after the timestamp. Find the
	 * CPU column "[ddd]" first: TASK-PID precedes it. */
	for (const char *q = p; q + 2 < end; q++) {
		if (*q != '[' || q == p || q[-1] != ' ')
			continue;
		const char *d = q + 1;

		while (d < end && isdigit((unsigned char)*d))
			d++;
		if (d > q + 1 && d < end && *d == ']') {
			cpu_open = q;
			break;
		}
	}
	if (!cpu_open)
		return -ENOENT; /* "CPU:1 [LOST 12 EVENTS]" and the like */
	/* which event? cheap check before the careful parse */
	for (unsigned k = 0; k < TR_NKINDS; k++) {
		size_t l = strlen(kinds[k].event);

		for (const char *q = cpu_open; q + l + 2 <= end; q++)
			if (q[-1] == ' ' && !memcmp(q, kinds[k].event, l) && q[l] == ':' &&
			    q[-2] == ':') {
				kind = (int)k;
				ev_name = q;
				break;
			}
		if (kind >= 0)
			break;
	}
	if (kind < 0)
		return -ENOENT;
	ev.kind = (enum tr_kind)kind;

	/* TASK-PID, optionally followed by " (TGID)" or " (-------)" */
	{
		const char *tp_end = cpu_open;

		while (tp_end > p && tp_end[-1] == ' ')
			tp_end--;
		if (tp_end > p && tp_end[-1] == ')') {
			const char *o = tp_end - 1;

			while (o > p && *o != '(')
				o--;
			tp_end = o;
			while (tp_end > p && tp_end[-1] == ' ')
				tp_end--;
		}
		for (const char *q = tp_end - 1; q > p; q--)
			if (*q == '-') {
				dash = q;
				break;
			}
		if (!dash)
			return -EINVAL;
		{
			const char *n = dash + 1;

			if (parse_u64_at(&n, tp_end, &v) < 0 || n != tp_end || v > INT32_MAX)
				return -EINVAL;
			ev.pid = (int32_t)v;
		}
		{
			size_t cl = (size_t)(dash - p);

			if (cl >= sizeof(ev.comm))
				cl = sizeof(ev.comm) - 1;
			memcpy(ev.comm, p, cl);
		}
	}
	{
		const char *c = cpu_open + 1;

		if (parse_u64_at(&c, end, &v) < 0 || v > INT32_MAX)
			return -EINVAL;
		ev.cpu = (int32_t)v;
	}
	/* the timestamp ends at the ':' before " NAME:" */
	colon = ev_name - 2;
	ts = colon;
	while (ts > cpu_open && ts[-1] != ' ')
		ts--;
	if (parse_ts(ts, colon, &ev.ts_ns) < 0)
		return -EINVAL;
	p = ev_name + strlen(kinds[kind].event) + 1;
	r = parse_fields(&ev, p, end);
	if (r < 0)
		return r == -ENOENT ? r : -EINVAL;
	*ret = ev;
	return 0;
}

/* ---- pairing ---- */

void tr_stalls_free(struct tr_stalls *st)
{
	free(st->victims);
	free(st->pending);
	free(st->spans);
	free(st->exits);
	st->victims = NULL;
	st->pending = NULL;
	st->spans = NULL;
	st->nspans = st->cap_spans = 0;
	st->exits = NULL;
	st->nexits = st->cap_exits = 0;
	st->nvictims = st->npending = st->cap_victims = st->cap_pending = 0;
}

static int grow(void **arr, size_t *cap, size_t n, size_t elem)
{
	size_t nc;
	void *na;

	if (n < *cap)
		return 0;
	nc = *cap ? *cap * 2 : 16;
	na = realloc(*arr, nc * elem);
	if (!na)
		return -ENOMEM;
	*arr = na;
	*cap = nc;
	return 0;
}

static struct tr_victim *victim_get(struct tr_stalls *st, int32_t pid)
{
	struct tr_victim *v;

	for (size_t i = 0; i < st->nvictims; i++)
		if (st->victims[i].pid == pid)
			return &st->victims[i];
	if (grow((void **)&st->victims, &st->cap_victims, st->nvictims, sizeof(*v)) < 0)
		return NULL;
	v = &st->victims[st->nvictims++];
	*v = (struct tr_victim){ .pid = pid };
	return v;
}

const struct tr_victim *tr_stalls_victim(const struct tr_stalls *st, int32_t pid)
{
	for (size_t i = 0; i < st->nvictims; i++)
		if (st->victims[i].pid == pid)
			return &st->victims[i];
	return NULL;
}

static struct tr_exit *exit_get(struct tr_stalls *st, int32_t pid)
{
	struct tr_exit *x;

	for (size_t i = 0; i < st->nexits; i++)
		if (st->exits[i].pid == pid)
			return &st->exits[i];
	if (grow((void **)&st->exits, &st->cap_exits, st->nexits, sizeof(*x)) < 0)
		return NULL;
	x = &st->exits[st->nexits++];
	*x = (struct tr_exit){ .pid = pid };
	return x;
}

const struct tr_exit *tr_stalls_exit(const struct tr_stalls *st, int32_t pid)
{
	for (size_t i = 0; i < st->nexits; i++)
		if (st->exits[i].pid == pid)
			return &st->exits[i];
	return NULL;
}

static struct tr_pending *pending_find(struct tr_stalls *st, int32_t pid, uint8_t direct)
{
	for (size_t i = 0; i < st->npending; i++)
		if (st->pending[i].pid == pid && st->pending[i].direct == direct)
			return &st->pending[i];
	return NULL;
}

static void first_stall(struct tr_stalls *st, uint64_t ts)
{
	if (!st->first_stall_ns || ts < st->first_stall_ns)
		st->first_stall_ns = ts;
}

/* The timeline marks each stall where it happened: keep the first ones
 * (bounded: a reclaim storm has hundreds of thousands). */
static int span_add(struct tr_stalls *st, const struct tr_event *ev, enum tr_span_kind kind,
		    uint64_t begin_ns, uint64_t dur_ns)
{
	struct tr_span *sp;

	if (st->nspans >= TR_MAX_SPANS) {
		st->spans_dropped++;
		return 0;
	}
	if (grow((void **)&st->spans, &st->cap_spans, st->nspans, sizeof(*sp)) < 0)
		return -ENOMEM;
	sp = &st->spans[st->nspans++];
	*sp = (struct tr_span){
		.begin_ns = begin_ns, .dur_ns = dur_ns, .pid = ev->pid, .kind = kind
	};
	memcpy(sp->comm, ev->comm, sizeof(sp->comm));
	return 0;
}

int tr_stalls_add(struct tr_stalls *st, const struct tr_event *ev)
{
	uint8_t direct = ev->kind == TR_DIRECT_RECLAIM_BEGIN || ev->kind == TR_DIRECT_RECLAIM_END;
	struct tr_pending *pd;
	struct tr_victim *v;
	struct tr_exit *x;

	switch (ev->kind) {
	case TR_MEMCG_RECLAIM_BEGIN:
	case TR_DIRECT_RECLAIM_BEGIN:
		first_stall(st, ev->ts_ns);
		pd = pending_find(st, ev->pid, direct);
		if (pd) {
			/* the end was lost (buffer overrun): restart the pair */
			st->unpaired_begin++;
			pd->begin_ns = ev->ts_ns;
			break;
		}
		if (grow((void **)&st->pending, &st->cap_pending, st->npending, sizeof(*pd)) < 0)
			return -ENOMEM;
		st->pending[st->npending++] = (struct tr_pending){ .pid = ev->pid,
								   .direct = direct,
								   .begin_ns = ev->ts_ns };
		break;
	case TR_MEMCG_RECLAIM_END:
	case TR_DIRECT_RECLAIM_END:
		pd = pending_find(st, ev->pid, direct);
		if (!pd) {
			st->unpaired_end++;
			break;
		}
		hist_record(direct ? &st->direct_reclaim : &st->memcg_reclaim,
			    ev->ts_ns >= pd->begin_ns ? ev->ts_ns - pd->begin_ns : 0);
		if (span_add(st, ev, direct ? TR_SPAN_DIRECT : TR_SPAN_MEMCG, pd->begin_ns,
			     ev->ts_ns >= pd->begin_ns ? ev->ts_ns - pd->begin_ns : 0) < 0)
			return -ENOMEM;
		*pd = st->pending[--st->npending];
		break;
	case TR_THROTTLED:
		/* the event comes after the sleep: it started delayed_us earlier */
		first_stall(st,
			    ev->ts_ns - (ev->delayed_us * 1000 <= ev->ts_ns ? ev->delayed_us * 1000
									    : ev->ts_ns));
		hist_record(&st->throttled, ev->delayed_us * 1000);
		if (span_add(st, ev, TR_SPAN_THROTTLED,
			     ev->ts_ns - (ev->delayed_us * 1000 <= ev->ts_ns ? ev->delayed_us * 1000
									     : ev->ts_ns),
			     ev->delayed_us * 1000) < 0)
			return -ENOMEM;
		break;
	case TR_MARK_VICTIM:
	case TR_START_REAPING:
	case TR_FINISH_REAPING:
		v = victim_get(st, ev->victim);
		if (!v)
			return -ENOMEM;
		if (ev->kind == TR_MARK_VICTIM) {
			if (!v->mark_ns)
				v->mark_ns = ev->ts_ns;
			/* the line's task is the one whose charge failed, often not
			 * the victim: only comm= names the victim */
			if (!v->comm[0])
				memcpy(v->comm, ev->victim_comm, sizeof(v->comm));
		} else if (ev->kind == TR_START_REAPING) {
			if (!v->reap_start_ns)
				v->reap_start_ns = ev->ts_ns;
		} else {
			v->reap_end_ns = ev->ts_ns;
		}
		break;
	case TR_SIGNAL_DELIVER:
	case TR_PROCESS_EXIT:
	case TR_TASK_DEAD:
		/* other signals are no exits */
		if (ev->kind == TR_SIGNAL_DELIVER && ev->sig != 9)
			return 0;
		x = exit_get(st, ev->victim);
		if (!x)
			return -ENOMEM;
		if (ev->kind == TR_SIGNAL_DELIVER && !x->sigkill_ns)
			x->sigkill_ns = ev->ts_ns;
		else if (ev->kind == TR_PROCESS_EXIT && !x->exit_ns)
			x->exit_ns = ev->ts_ns;
		else if (ev->kind == TR_TASK_DEAD)
			x->dead_ns = ev->ts_ns;
		break;
	default:
		return 0;
	}
	st->events++;
	return 0;
}

int tr_stalls_parse_text(struct tr_stalls *st, const char *text, size_t len)
{
	const char *s = text, *end = text + len;

	while (s < end) {
		const char *eol = memchr(s, '\n', (size_t)(end - s));
		struct tr_event ev;
		int r;

		if (!eol)
			eol = end;
		r = tr_parse_line(s, (size_t)(eol - s), &ev);
		if (r == 0) {
			r = tr_stalls_add(st, &ev);
			if (r < 0)
				return r;
		} else if (r == -EINVAL) {
			st->bad_lines++;
		} else {
			/* "CPU:1 [LOST 12 EVENTS]" (trace_pipe and trace alike) */
			static const char hdr[] = "# entries-in-buffer/entries-written: ";
			const char *l = memmem(s, (size_t)(eol - s), "[LOST ", 6);
			uint64_t n, in;

			if (l) {
				l += 6;
				if (parse_u64_at(&l, eol, &n) == 0)
					st->lost += n;
			} else if ((size_t)(eol - s) > sizeof(hdr) - 1 &&
				   !memcmp(s, hdr, sizeof(hdr) - 1)) {
				/* the trace file's header: written beyond what the ring
				 * holds were overwritten, oldest first */
				l = s + sizeof(hdr) - 1;
				if (parse_u64_at(&l, eol, &in) == 0 && l < eol && *l++ == '/' &&
				    parse_u64_at(&l, eol, &n) == 0 && n > in)
					st->lost += n - in;
			}
		}
		s = eol + 1;
	}
	return 0;
}

void tr_stalls_finish(struct tr_stalls *st)
{
	st->unpaired_begin += st->npending;
	st->npending = 0;
}
