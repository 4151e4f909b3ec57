// SPDX-License-Identifier: MIT
/*
 * The "bench" JSON section (bench.h): a pure function of its inputs.
 */
#include <math.h>
#include <string.h>
#include <stdlib.h>

#include "bench.h"
#include "util.h"

static const char *const phase_names[SB_LAT_NPHASES] = {
	[SB_LAT_BELOW_LIMIT] = "below_limit",
	[SB_LAT_RECLAIM] = "reclaim",
	[SB_LAT_SWAP] = "swap",
	[SB_LAT_OOM] = "oom",
};

const char *bench_phase_name(enum sb_lat_phase p)
{
	return (unsigned)p < SB_LAT_NPHASES ? phase_names[p] : NULL;
}

static const char *const ev_names[BENCH_EV_NKINDS] = {
	[BENCH_EV_MEMCG_RECLAIM] = "memcg_reclaim",
	[BENCH_EV_DIRECT_RECLAIM] = "direct_reclaim",
	[BENCH_EV_THROTTLED] = "throttled",
	[BENCH_EV_OOM_EVENT] = "oom_event",
	[BENCH_EV_MARK_VICTIM] = "mark_victim",
	[BENCH_EV_KMSG_KILL] = "kmsg_kill",
	[BENCH_EV_USAGE_DROP] = "usage_drop",
	[BENCH_EV_PIDFD] = "pidfd",
	[BENCH_EV_REAPED] = "reaped",
};

const char *bench_ev_name(enum bench_ev_kind k)
{
	return (unsigned)k < BENCH_EV_NKINDS ? ev_names[k] : NULL;
}

/* json_int_t is 64-bit signed: larger is not a count we could have. */
static json_t *ju64(uint64_t v)
{
	return v > (uint64_t)INT64_MAX ? json_null() : json_integer((json_int_t)v);
}

/* json_object_set_new() takes a NULL value (allocation failure) and fails. */
static void jset(json_t *o, const char *k, json_t *v, bool *bad)
{
	if (!o || json_object_set_new(o, k, v) < 0)
		*bad = true;
}

static void jappend(json_t *a, json_t *v, bool *bad)
{
	if (!a || json_array_append_new(a, v) < 0)
		*bad = true;
}

/* ms from t0, 3 decimals (us: the trace text's resolution); null if unseen */
static json_t *jms(uint64_t t, uint64_t t0)
{
	double ms;

	if (!t)
		return json_null();
	ms = ((double)t - (double)t0) / 1e6;
	return json_real(round(ms * 1000.0) / 1000.0);
}

json_t *bench_hist_json(const struct hist *h)
{
	json_t *o = json_object(), *b = json_array();
	struct hist_summary s;
	bool bad = !o || !b;

	hist_summarize(h, &s);
	jset(o, "count", ju64(s.count), &bad);
	jset(o, "mean_ns", ju64(s.mean_ns), &bad);
	jset(o, "min_ns", ju64(s.min_ns), &bad);
	jset(o, "p50_ns", ju64(s.p50_ns), &bad);
	jset(o, "p90_ns", ju64(s.p90_ns), &bad);
	jset(o, "p99_ns", ju64(s.p99_ns), &bad);
	jset(o, "p999_ns", ju64(s.p999_ns), &bad);
	jset(o, "max_ns", ju64(s.max_ns), &bad);
	for (unsigned i = 0; i < HIST_BUCKETS && !bad; i++) {
		json_t *e;

		if (!h->counts[i])
			continue;
		e = json_array();
		jappend(e, ju64(hist_bucket_lo(i)), &bad);
		jappend(e, ju64(hist_bucket_hi(i)), &bad);
		jappend(e, ju64(h->counts[i]), &bad);
		jappend(b, e, &bad);
	}
	jset(o, "buckets", b, &bad);
	if (bad) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* {PHASE: H} of phase histograms h[SB_LAT_NPHASES] */
static json_t *phases_json(const struct hist *h, bool *bad)
{
	json_t *o = json_object();

	for (unsigned p = 0; p < SB_LAT_NPHASES; p++)
		jset(o, phase_names[p], bench_hist_json(&h[p]), bad);
	return o;
}

static json_t *counters_json(const struct mem_counters *m, bool *bad)
{
	json_t *o;

	if (!m)
		return json_null();
	o = json_object();
	for (unsigned c = 0; c < MC_N; c++)
		if (m->have & (1u << c))
			jset(o, mem_counter_name(c), ju64(m->v[c]), bad);
	return o;
}

static json_t *stalls_json(const struct bench_in *in, bool *bad)
{
	const struct tr_stalls *st = in->stalls;
	json_t *o = json_object();

	if (!st) {
		jset(o, "missing",
		     json_string(in->stalls_missing ? in->stalls_missing : "not traced"), bad);
		return o;
	}
	jset(o, "memcg_reclaim", bench_hist_json(&st->memcg_reclaim), bad);
	jset(o, "direct_reclaim", bench_hist_json(&st->direct_reclaim), bad);
	jset(o, "throttled", bench_hist_json(&st->throttled), bad);
	jset(o, "unpaired_begin", ju64(st->unpaired_begin), bad);
	jset(o, "unpaired_end", ju64(st->unpaired_end), bad);
	jset(o, "lost", ju64(st->lost), bad);
	return o;
}

static json_t *psi_json(const struct bench_in *in, bool *bad)
{
	const struct psi *p = in->psi_delta;
	json_t *o;

	if (!p || !p->has_some)
		return json_null();
	o = json_object();
	jset(o, "scope", json_string(in->psi_system ? "system" : "cgroup"), bad);
	jset(o, "some_us", ju64(p->some.total_us), bad);
	jset(o, "full_us", p->has_full ? ju64(p->full.total_us) : json_null(), bad);
	return o;
}

static json_t *kill_json(const struct bench_in *in, size_t i, bool *bad)
{
	const struct bench_kill *k = &in->kills[i];
	const struct tr_victim *v = in->stalls ? tr_stalls_victim(in->stalls, k->pid) : NULL;
	const struct tr_exit *x = in->stalls ? tr_stalls_exit(in->stalls, k->pid) : NULL;
	uint64_t first = k->first_reclaim_ns;
	json_t *o = json_object();

	if (!first && i == 0 && in->stalls)
		first = in->stalls->first_stall_ns;
	jset(o, "victim", json_string(k->victim ? k->victim : ""), bad);
	jset(o, "pid", json_integer(k->pid), bad);
	jset(o, "first_reclaim_ms", jms(first, in->t0_ns), bad);
	jset(o, "oom_event_ms", jms(k->oom_event_ns, in->t0_ns), bad);
	jset(o, "mark_victim_ms", jms(v ? v->mark_ns : 0, in->t0_ns), bad);
	jset(o, "kmsg_ms", jms(k->kmsg_ns, in->t0_ns), bad);
	/* the victim's side: SIGKILL taken, exit begun, last switch (pidfd
	 * readable in the kernel); pidfd_ms - dead_ms is the harness's part */
	jset(o, "sigkill_ms", jms(x ? x->sigkill_ns : 0, in->t0_ns), bad);
	jset(o, "exit_ms", jms(x ? x->exit_ns : 0, in->t0_ns), bad);
	jset(o, "dead_ms", jms(x ? x->dead_ns : 0, in->t0_ns), bad);
	/* poll_ms > dead_ms: the harness was busy elsewhere when the victim
	 * died; else pidfd_ms - dead_ms is its wake-up from poll */
	jset(o, "poll_ms", jms(k->poll_ns, in->t0_ns), bad);
	jset(o, "pidfd_ms", jms(k->pidfd_ns, in->t0_ns), bad);
	jset(o, "usage_drop_ms", jms(k->usage_drop_ns, in->t0_ns), bad);
	jset(o, "reaped_ms", jms(v ? v->reap_end_ns : 0, in->t0_ns), bad);
	return o;
}

static json_t *sample_json(const struct bench_in *in, const struct bench_sample *s, bool *bad)
{
	json_t *o = json_object(), *rss = json_object();

	jset(o, "t_ms", jms(s->t_ns, in->t0_ns), bad);
	jset(o, "usage_bytes", ju64(s->usage_bytes), bad);
	for (size_t w = 0; s->rss_bytes && w < in->nworkers; w++)
		jset(rss, in->workers[w].name, ju64(s->rss_bytes[w]), bad);
	jset(o, "rss_bytes", rss, bad);
	return o;
}

static json_t *event_json(const struct bench_in *in, const struct bench_event *e, bool *bad)
{
	json_t *o = json_object();
	const char *k = bench_ev_name(e->kind);

	jset(o, "t_ms", jms(e->t_ns, in->t0_ns), bad);
	jset(o, "kind", k ? json_string(k) : json_null(), bad);
	jset(o, "task", e->task ? json_string(e->task) : json_null(), bad);
	jset(o, "pid", e->pid ? json_integer(e->pid) : json_null(), bad);
	jset(o, "dur_ms", e->dur_ns ? json_real(round((double)e->dur_ns / 1e3) / 1e3) : json_null(),
	     bad);
	return o;
}

int bench_json(const struct bench_in *in, json_t **ret)
{
	struct hist *all = NULL, *one = NULL;
	json_t *o = json_object(), *pw = json_object(), *kc = json_array(), *tl = json_array();
	json_t *sd = json_object(), *ev = json_array(), *ti = json_object();
	bool bad = !o || !pw || !kc || !tl || !sd || !ev || !ti;

	/* 15 KiB each: off the stack */
	all = calloc(SB_LAT_NPHASES, sizeof(*all));
	one = calloc(SB_LAT_NPHASES, sizeof(*one));
	if (!all || !one)
		bad = true;
	for (size_t w = 0; !bad && w < in->nworkers; w++) {
		json_t *wo = json_object();

		for (unsigned p = 0; p < SB_LAT_NPHASES; p++) {
			one[p] = (struct hist){ 0 };
			hist_add_rec(&one[p], &in->workers[w].lat[p]);
			hist_merge(&all[p], &one[p]);
		}
		jset(wo, "phases", phases_json(one, &bad), &bad);
		jset(pw, in->workers[w].name, wo, &bad);
	}
	if (!bad)
		jset(o, "phases", phases_json(all, &bad), &bad);
	jset(o, "per_worker", pw, &bad);
	pw = NULL;
	jset(o, "stalls", stalls_json(in, &bad), &bad);
	jset(o, "psi", psi_json(in, &bad), &bad);
	jset(sd, "memcg", counters_json(in->memcg_delta, &bad), &bad);
	jset(sd, "system", counters_json(in->system_delta, &bad), &bad);
	jset(o, "stat_delta", sd, &bad);
	sd = NULL;
	for (size_t i = 0; i < in->nkills; i++)
		jappend(kc, kill_json(in, i, &bad), &bad);
	jset(o, "kill_chain", kc, &bad);
	kc = NULL;
	for (size_t i = 0; i < in->ntimeline; i++)
		jappend(tl, sample_json(in, &in->timeline[i], &bad), &bad);
	jset(o, "timeline", tl, &bad);
	tl = NULL;
	for (size_t i = 0; i < in->nevents; i++)
		jappend(ev, event_json(in, &in->events[i], &bad), &bad);
	jset(o, "events", ev, &bad);
	ev = NULL;
	jset(ti, "every_ms", json_real((double)in->timeline_every_ns / 1e6), &bad);
	jset(ti, "decimations", json_integer(in->timeline_decimations), &bad);
	jset(ti, "events_dropped", ju64(in->events_dropped), &bad);
	jset(o, "timeline_info", ti, &bad);
	ti = NULL;
	free(all);
	free(one);
	if (bad) {
		json_decref(o);
		return -ENOMEM;
	}
	*ret = o;
	return 0;
}

static double hms(const json_t *o, const char *k)
{
	return json_number_value(json_object_get(o, k)) / 1e3;
}

void bench_print_table(const json_t *bench, FILE *out)
{
	const json_t *ph = json_object_get(bench, "phases");
	const json_t *st = json_object_get(bench, "stalls");
	const json_t *psi = json_object_get(bench, "psi");
	const json_t *kc = json_object_get(bench, "kill_chain");
	static const char *const stalls[] = { "memcg_reclaim", "direct_reclaim", "throttled" };
	static const char *const chain[] = { "first_reclaim_ms", "oom_event_ms", "mark_victim_ms",
					     "kmsg_ms",		 "sigkill_ms",	 "exit_ms",
					     "dead_ms",		 "poll_ms",	 "pidfd_ms",
					     "usage_drop_ms",	 "reaped_ms" };
	size_t i;
	const json_t *k;

	fprintf(out, "%-14s %10s %10s %10s %10s %10s %10s  (fault latency, us)\n", "phase", "count",
		"p50", "p90", "p99", "p99.9", "max");
	for (unsigned p = 0; p < SB_LAT_NPHASES; p++) {
		const json_t *h = json_object_get(ph, bench_phase_name(p));

		fprintf(out,
			"%-14s %10" JSON_INTEGER_FORMAT " %10.1f %10.1f %10.1f %10.1f %10.1f\n",
			bench_phase_name(p), json_integer_value(json_object_get(h, "count")),
			hms(h, "p50_ns"), hms(h, "p90_ns"), hms(h, "p99_ns"), hms(h, "p999_ns"),
			hms(h, "max_ns"));
	}
	if (json_object_get(st, "missing")) {
		fprintf(out, "stalls: missing: %s\n",
			json_string_value(json_object_get(st, "missing")));
	} else {
		for (i = 0; i < ARRAY_SIZE(stalls); i++) {
			const json_t *h = json_object_get(st, stalls[i]);

			fprintf(out,
				"%-14s %10" JSON_INTEGER_FORMAT
				" %10.1f %10.1f %10.1f %10.1f %10.1f  (stall)\n",
				stalls[i], json_integer_value(json_object_get(h, "count")),
				hms(h, "p50_ns"), hms(h, "p90_ns"), hms(h, "p99_ns"),
				hms(h, "p999_ns"), hms(h, "max_ns"));
		}
	}
	if (json_is_object(psi))
		fprintf(out,
			"psi (%s): some %" JSON_INTEGER_FORMAT " us, full %" JSON_INTEGER_FORMAT
			" us\n",
			json_string_value(json_object_get(psi, "scope")),
			json_integer_value(json_object_get(psi, "some_us")),
			json_integer_value(json_object_get(psi, "full_us")));
	json_array_foreach(kc, i, k)
	{
		fprintf(out, "kill %s:", json_string_value(json_object_get(k, "victim")));
		for (size_t j = 0; j < ARRAY_SIZE(chain); j++) {
			const json_t *v = json_object_get(k, chain[j]);

			if (json_is_number(v))
				fprintf(out, " %.*s %.3f", (int)(strlen(chain[j]) - 3), chain[j],
					json_number_value(v));
		}
		fputc('\n', out);
	}
}
