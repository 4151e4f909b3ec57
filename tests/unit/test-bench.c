// SPDX-License-Identifier: MIT
/*
 * The bench JSON section from the pieces measured on this machine: the
 * trace fixture's stalls and victim, the PSI and counter fixtures' deltas
 * (tests/fixtures/trace/capture.sh), two workers' slot histograms.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "bench.h"
#include "util.h"

#define FIX "tests/fixtures/memstat/host-6.18."
#define TRACE "tests/fixtures/trace/memcg-reclaim-oom.trace"
#define T0 842800000000ULL /* "the trigger", 13.555 ms before the first stall */

static struct hist_rec *slot_lat(uint64_t base, unsigned phases)
{
	struct hist_rec *lat = calloc(SB_LAT_NPHASES, sizeof(*lat));

	assert_non_null(lat);
	for (unsigned p = 0; p < SB_LAT_NPHASES; p++)
		if (phases & (1u << p))
			for (uint64_t i = 0; i < 1000; i++)
				hist_rec_record_excl(&lat[p], base * (p + 1) + i * 10);
	return lat;
}

/* "a/b/0/c": object keys and array indexes (worker names hold dots) */
static json_t *get(json_t *o, const char *path)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *k = strtok_r(buf, "/", &save); k && o; k = strtok_r(NULL, "/", &save))
		o = json_is_array(o) ? json_array_get(o, (size_t)atoi(k)) : json_object_get(o, k);
	if (!o)
		fail_msg("no %s", path);
	return o;
}

static long long geti(json_t *o, const char *path)
{
	json_t *v = get(o, path);

	if (!json_is_integer(v))
		fail_msg("%s is not an integer", path);
	return json_integer_value(v);
}

static double getr(json_t *o, const char *path)
{
	json_t *v = get(o, path);

	if (!json_is_real(v))
		fail_msg("%s is not a real", path);
	return json_real_value(v);
}

static void assert_near(double got, double want)
{
	if (got < want - 1e-9 || got > want + 1e-9)
		fail_msg("got %.6f, want %.6f", got, want);
}

struct world {
	char *text;
	struct tr_stalls st;
	struct psi pa, pb, pd;
	struct mem_counters va, vb, vd, ma, mb, md;
	struct hist_rec *lat[2];
	struct bench_worker w[2];
	struct bench_kill kill;
	uint64_t rss[2][2];
	struct bench_sample tl[2];
	struct bench_event ev[2];
	struct bench_in in;
};

static void world_init(struct world *x)
{
	memset(x, 0, sizeof(*x));
	assert_int_equal(read_file_str(TRACE, &x->text), 0);
	assert_int_equal(tr_stalls_parse_text(&x->st, x->text, strlen(x->text)), 0);
	tr_stalls_finish(&x->st);
	assert_int_equal(psi_read(FIX "pressure.before", &x->pa), 0);
	assert_int_equal(psi_read(FIX "pressure.after", &x->pb), 0);
	psi_delta(&x->pa, &x->pb, &x->pd);
	assert_int_equal(mem_counters_read(FIX "vmstat.before", &x->va), 0);
	assert_int_equal(mem_counters_read(FIX "vmstat.after", &x->vb), 0);
	mem_counters_delta(&x->va, &x->vb, &x->vd);
	assert_int_equal(mem_counters_read(FIX "memory.stat.v1.before", &x->ma), 0);
	assert_int_equal(mem_counters_read(FIX "memory.stat.v1.after", &x->mb), 0);
	mem_counters_delta(&x->ma, &x->mb, &x->md);
	/* cache: below the limit only; anon: below the limit, then reclaim */
	x->lat[0] = slot_lat(2000, 1u << SB_LAT_BELOW_LIMIT);
	x->lat[1] = slot_lat(3000, (1u << SB_LAT_BELOW_LIMIT) | (1u << SB_LAT_RECLAIM));
	x->w[0] = (struct bench_worker){ .name = "cache.1", .lat = x->lat[0] };
	x->w[1] = (struct bench_worker){ .name = "anon.1", .lat = x->lat[1] };
	x->kill = (struct bench_kill){
		.victim = "anon.1",
		.pid = 654,
		.oom_event_ns = 843202000000ULL,
		.kmsg_ns = 843203000000ULL,
		.pidfd_ns = 843204500000ULL,
		.usage_drop_ns = 843205000000ULL,
	};
	x->rss[0][0] = 64 * MIB;
	x->rss[0][1] = 10 * MIB;
	x->rss[1][0] = 60 * MIB;
	x->rss[1][1] = 0;
	x->tl[0] = (struct bench_sample){ .t_ns = T0,
					  .usage_bytes = 60 * MIB,
					  .rss_bytes = x->rss[0] };
	x->tl[1] = (struct bench_sample){ .t_ns = T0 + 500000000ULL,
					  .usage_bytes = 63 * MIB,
					  .rss_bytes = x->rss[1] };
	x->in = (struct bench_in){
		.t0_ns = T0,
		.workers = x->w,
		.nworkers = 2,
		.stalls = &x->st,
		.psi_delta = &x->pd,
		.psi_system = true,
		.memcg_delta = &x->md,
		.system_delta = &x->vd,
		.kills = &x->kill,
		.nkills = 1,
		.timeline = x->tl,
		.ntimeline = 2,
		.timeline_every_ns = 5000000,
		.events = x->ev,
		.nevents = 2,
	};
	/* before the trigger: negative; a stall has its length */
	x->ev[0] = (struct bench_event){ .t_ns = T0 - 1500000,
					 .dur_ns = 42000,
					 .kind = BENCH_EV_MEMCG_RECLAIM,
					 .pid = 622,
					 .task = "cache" };
	x->ev[1] = (struct bench_event){
		.t_ns = x->kill.kmsg_ns, .kind = BENCH_EV_KMSG_KILL, .pid = 654, .task = "anon.1"
	};
}

static void world_free(struct world *x)
{
	tr_stalls_free(&x->st);
	free(x->lat[0]);
	free(x->lat[1]);
	free(x->text);
}

static void test_section(void **state)
{
	struct world x;
	json_t *b = NULL, *bk;
	long long sum = 0;

	world_init(&x);
	assert_int_equal(bench_json(&x.in, &b), 0);

	/* phases: the two workers merged; every phase present */
	assert_int_equal(geti(b, "phases/below_limit/count"), 2000);
	assert_int_equal(geti(b, "phases/reclaim/count"), 1000);
	assert_int_equal(geti(b, "phases/swap/count"), 0);
	assert_int_equal(geti(b, "phases/oom/count"), 0);
	assert_int_equal(json_array_size(get(b, "phases/oom/buckets")), 0);
	/* anon's reclaim faults: 6000 + 10 i ns, i < 1000: p50 ~ 10990 */
	assert_int_equal(geti(b, "phases/reclaim/max_ns"), 6000 + 9990);
	assert_true(geti(b, "phases/reclaim/p50_ns") > 10880);
	assert_true(geti(b, "phases/reclaim/p50_ns") < 11100);
	/* below_limit merged: cache 2000.., anon 3000.. */
	assert_int_equal(geti(b, "phases/below_limit/max_ns"), 3000 + 9990);
	assert_int_equal(geti(b, "per_worker/cache.1/phases/below_limit/count"), 1000);
	assert_int_equal(geti(b, "per_worker/cache.1/phases/reclaim/count"), 0);
	assert_int_equal(geti(b, "per_worker/anon.1/phases/reclaim/count"), 1000);
	assert_int_equal(geti(b, "per_worker/anon.1/phases/below_limit/max_ns"), 3000 + 9990);

	/* stalls from the trace fixture */
	assert_int_equal(geti(b, "stalls/memcg_reclaim/count"), 276);
	assert_int_equal(geti(b, "stalls/memcg_reclaim/max_ns"), 29287000);
	assert_int_equal(geti(b, "stalls/memcg_reclaim/min_ns"), 5000);
	assert_int_equal(geti(b, "stalls/throttled/count"), 6);
	assert_int_equal(geti(b, "stalls/direct_reclaim/count"), 0);
	assert_int_equal(geti(b, "stalls/unpaired_begin"), 0);
	assert_int_equal(geti(b, "stalls/lost"), 0);
	bk = get(b, "stalls/memcg_reclaim/buckets");
	for (size_t i = 0; i < json_array_size(bk); i++) {
		json_t *e = json_array_get(bk, i);

		assert_int_equal(json_array_size(e), 3);
		assert_true(json_integer_value(json_array_get(e, 0)) <
			    json_integer_value(json_array_get(e, 1)));
		sum += json_integer_value(json_array_get(e, 2));
	}
	assert_int_equal(sum, 276);

	/* PSI: system-wide on this v1 host */
	assert_string_equal(json_string_value(get(b, "psi/scope")), "system");
	assert_int_equal(geti(b, "psi/some_us"), 823074 - 764292);
	assert_int_equal(geti(b, "psi/full_us"), 196787 - 143972);

	/* counters: what each file has */
	assert_int_equal(geti(b, "stat_delta/system/pgscan"), 290304 - 188928);
	assert_int_equal(geti(b, "stat_delta/system/oom_kill"), 1);
	assert_int_equal(geti(b, "stat_delta/memcg/workingset_refault_file"), 49152);
	assert_null(json_object_get(get(b, "stat_delta/memcg"), "pgscan"));

	/* the kill chain, ms from T0; the trace gives the mark, no reaping */
	assert_int_equal(json_array_size(get(b, "kill_chain")), 1);
	assert_string_equal(json_string_value(get(b, "kill_chain/0/victim")), "anon.1");
	assert_int_equal(geti(b, "kill_chain/0/pid"), 654);
	assert_near(getr(b, "kill_chain/0/first_reclaim_ms"), 13.555);
	assert_near(getr(b, "kill_chain/0/oom_event_ms"), 402.0);
	assert_near(getr(b, "kill_chain/0/mark_victim_ms"), 402.273);
	assert_near(getr(b, "kill_chain/0/kmsg_ms"), 403.0);
	assert_near(getr(b, "kill_chain/0/pidfd_ms"), 404.5);
	assert_near(getr(b, "kill_chain/0/usage_drop_ms"), 405.0);
	assert_true(json_is_null(get(b, "kill_chain/0/reaped_ms")));

	/* timeline */
	assert_int_equal(json_array_size(get(b, "timeline")), 2);
	assert_near(getr(b, "timeline/1/t_ms"), 500.0);
	assert_int_equal(geti(b, "timeline/1/usage_bytes"), 63 * MIB);
	assert_int_equal(geti(b, "timeline/0/rss_bytes/anon.1"), 10 * MIB);
	assert_int_equal(geti(b, "timeline/1/rss_bytes/anon.1"), 0);
	assert_near(getr(b, "timeline_info/every_ms"), 5.0);
	assert_int_equal(geti(b, "timeline_info/decimations"), 0);

	/* events on the same axis */
	assert_int_equal(json_array_size(get(b, "events")), 2);
	assert_near(getr(b, "events/0/t_ms"), -1.5);
	assert_string_equal(json_string_value(get(b, "events/0/kind")), "memcg_reclaim");
	assert_near(getr(b, "events/0/dur_ms"), 0.042);
	assert_string_equal(json_string_value(get(b, "events/1/kind")), "kmsg_kill");
	assert_string_equal(json_string_value(get(b, "events/1/task")), "anon.1");
	assert_int_equal(geti(b, "events/1/pid"), 654);
	assert_true(json_is_null(get(b, "events/1/dur_ms")));
	json_decref(b);
	world_free(&x);
}

/* A pure function: the same inputs give the same text. */
static void test_pure(void **state)
{
	struct world x;
	json_t *a = NULL, *b = NULL;
	char *sa, *sb;

	world_init(&x);
	assert_int_equal(bench_json(&x.in, &a), 0);
	assert_int_equal(bench_json(&x.in, &b), 0);
	sa = json_dumps(a, JSON_SORT_KEYS | JSON_COMPACT);
	sb = json_dumps(b, JSON_SORT_KEYS | JSON_COMPACT);
	assert_non_null(sa);
	assert_string_equal(sa, sb);
	free(sa);
	free(sb);
	json_decref(a);
	json_decref(b);
	world_free(&x);
}

/* Without tracefs, PSI or counters the section says so and stays whole. */
static void test_missing(void **state)
{
	struct bench_in in = { .stalls_missing = "tracefs is not mounted and cannot be" };
	json_t *b = NULL;

	assert_int_equal(bench_json(&in, &b), 0);
	assert_string_equal(json_string_value(get(b, "stalls/missing")),
			    "tracefs is not mounted and cannot be");
	assert_true(json_is_null(get(b, "psi")));
	assert_true(json_is_null(get(b, "stat_delta/memcg")));
	assert_true(json_is_null(get(b, "stat_delta/system")));
	assert_int_equal(geti(b, "phases/below_limit/count"), 0);
	assert_int_equal(json_object_size(get(b, "per_worker")), 0);
	assert_int_equal(json_array_size(get(b, "kill_chain")), 0);
	assert_int_equal(json_array_size(get(b, "timeline")), 0);
	json_decref(b);
	assert_string_equal(bench_phase_name(SB_LAT_SWAP), "swap");
	assert_null(bench_phase_name(SB_LAT_NPHASES));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_section),
		cmocka_unit_test(test_pure),
		cmocka_unit_test(test_missing),
	};

	return cmocka_run_group_tests_name("bench", tests, NULL, NULL);
}
