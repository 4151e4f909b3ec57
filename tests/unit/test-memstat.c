// SPDX-License-Identifier: MIT
/*
 * PSI and memory counter parsers on files captured on the 6.18 development
 * machine (tests/fixtures/trace/capture.sh: a 64M v1 memcg, 192M of page
 * cache, then an anon worker OOM-killed) and in a Debian 6.1 guest with
 * cgroup v2 and zram swap (tests/fixtures/memstat/guest-capture.ini: 2 x
 * 160M of anon through a 96M memcg), before and after.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include "memstat.h"
#include "util.h"

#define FIX "tests/fixtures/memstat/"

static void test_psi_host(void **state)
{
	struct psi a, b, d;

	assert_int_equal(psi_read(FIX "host-6.18.pressure.before", &a), 0);
	assert_int_equal(psi_read(FIX "host-6.18.pressure.after", &b), 0);
	assert_true(a.has_some && a.has_full);
	assert_int_equal(a.some.total_us, 764292);
	assert_int_equal(a.full.total_us, 143972);
	assert_true(a.some.avg10 > 0.17 && a.some.avg10 < 0.19);
	assert_true(a.some.avg60 > 0.23 && a.some.avg60 < 0.25);
	psi_delta(&a, &b, &d);
	assert_true(d.has_some && d.has_full);
	assert_int_equal(d.some.total_us, 823074 - 764292);
	assert_int_equal(d.full.total_us, 196787 - 143972);
	/* full stalls are a subset of some stalls */
	assert_true(d.full.total_us <= d.some.total_us);
}

static void test_psi_bad(void **state)
{
	struct psi p = { .some.total_us = 7 };

	assert_int_equal(psi_parse("", &p), -EINVAL);
	assert_int_equal(psi_parse("full avg10=0.00 avg60=0.00 avg300=0.00 total=1\n", &p),
			 -EINVAL);
	assert_int_equal(psi_parse("some avg10=x avg60=0.00 avg300=0.00 total=1\n", &p), -EINVAL);
	assert_int_equal(psi_parse("some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nbogus\n", &p),
			 -EINVAL);
	assert_int_equal(p.some.total_us, 7); /* untouched on failure */
	assert_int_equal(psi_read(FIX "no-such-file", &p), -ENOENT);
	/* a cpu-style file without "full" (< 5.13): some only */
	assert_int_equal(psi_parse("some avg10=1.50 avg60=0.00 avg300=0.00 total=42", &p), 0);
	assert_true(p.has_some);
	assert_false(p.has_full);
	assert_int_equal(p.some.total_us, 42);
}

static void test_vmstat_host(void **state)
{
	struct mem_counters a, b, d;

	assert_int_equal(mem_counters_read(FIX "host-6.18.vmstat.before", &a), 0);
	assert_int_equal(mem_counters_read(FIX "host-6.18.vmstat.after", &b), 0);
	mem_counters_delta(&a, &b, &d);
	/*
	 * memcg limit reclaim shows only in pgscan_anon/file: the reclaimer
	 * kinds stay 0 (mm/vmscan.c counts them only for global reclaim).
	 */
	assert_int_equal(d.v[MC_PGSCAN_KSWAPD], 0);
	assert_int_equal(d.v[MC_PGSCAN_DIRECT], 0);
	assert_int_equal(d.v[MC_PGSCAN_FILE], 290304 - 188928);
	assert_int_equal(d.v[MC_PGSCAN], 290304 - 188928);
	assert_int_equal(d.v[MC_PGSTEAL], 216064 - 133632);
	assert_int_equal(d.v[MC_WORKINGSET_REFAULT_FILE], 98304 - 49152);
	assert_int_equal(d.v[MC_OOM_KILL], 1);
	assert_int_equal(d.v[MC_PSWPOUT], 0);
	assert_int_equal(d.v[MC_THP_FAULT_ALLOC], 0);
	assert_int_equal(b.v[MC_THP_FAULT_ALLOC], 4088);
	assert_int_equal(b.v[MC_PGMAJFAULT], 751);
	/* every counter of the table is in 6.18's vmstat (pgscan derived) */
	assert_int_equal(b.have, (1u << MC_N) - 1);
	/* pgscan_direct_throttle is no scan; thp_fault_fallback_charge is counted apart */
	assert_int_equal(b.v[MC_THP_FAULT_FALLBACK], 0);
	/* the capture's 192M of written page cache: reclaim met dirty or
	 * writeback folios and marked them for immediate reclaim */
	assert_int_equal(d.v[MC_VMSCAN_IMMEDIATE_RECLAIM], 10752 - 9216);
	assert_int_equal(d.v[MC_THP_FAULT_FALLBACK_CHARGE], 0);
}

static void test_memstat_v1_host(void **state)
{
	struct mem_counters a, b, d;

	assert_int_equal(mem_counters_read(FIX "host-6.18.memory.stat.v1.before", &a), 0);
	assert_int_equal(mem_counters_read(FIX "host-6.18.memory.stat.v1.after", &b), 0);
	mem_counters_delta(&a, &b, &d);
	/* v1's memory.stat has no scan/steal counters */
	assert_false(d.have & (1u << MC_PGSCAN));
	assert_false(d.have & (1u << MC_PGSTEAL));
	assert_true(d.have & (1u << MC_WORKINGSET_REFAULT_FILE));
	assert_int_equal(d.v[MC_WORKINGSET_REFAULT_FILE], 49152);
	assert_int_equal(d.v[MC_PGMAJFAULT], 0);
}

static void test_oom_control_v1(void **state)
{
	struct mem_counters a, b, d;

	assert_int_equal(mem_counters_read(FIX "host-6.18.memory.oom_control.before", &a), 0);
	assert_int_equal(mem_counters_read(FIX "host-6.18.memory.oom_control.after", &b), 0);
	mem_counters_delta(&a, &b, &d);
	assert_int_equal(d.have, 1u << MC_OOM_KILL);
	assert_int_equal(d.v[MC_OOM_KILL], 1);
}

/* v1 hierarchical totals win over the group's own counts. */
static void test_v1_total_wins(void **state)
{
	struct mem_counters m;

	assert_int_equal(mem_counters_parse("pgmajfault 2\nworkingset_refault_file 5\n"
					    "total_pgmajfault 7\ntotal_workingset_refault_file 9\n",
					    &m),
			 0);
	assert_int_equal(m.v[MC_PGMAJFAULT], 7);
	assert_int_equal(m.v[MC_WORKINGSET_REFAULT_FILE], 9);
}

/* cgroup v2 memory.stat (key names as 6.x prints them) keeps its totals. */
static void test_memstat_v2_keys(void **state)
{
	struct mem_counters m;

	assert_int_equal(mem_counters_parse("anon 1000\nfile 2000\npgscan 300\npgsteal 200\n"
					    "pgscan_kswapd 100\npgscan_direct 150\n"
					    "pgsteal_kswapd 90\npgrefill 40\npswpin 3\npswpout 5\n"
					    "thp_fault_alloc 1\n",
					    &m),
			 0);
	assert_int_equal(m.v[MC_PGSCAN], 300);
	assert_int_equal(m.v[MC_PGSTEAL], 200);
	assert_int_equal(m.v[MC_PSWPOUT], 5);
	assert_int_equal(m.v[MC_PGREFILL], 40);
	assert_false(m.have & (1u << MC_OOM_KILL));
}

/* Kernels before 4.8 counted per zone, before 5.9 one workingset_refault. */
static void test_old_vmstat_keys(void **state)
{
	struct mem_counters m;

	assert_int_equal(mem_counters_parse("pgscan_kswapd_dma32 10\npgscan_kswapd_normal 20\n"
					    "pgscan_direct_normal 5\npgscan_direct_throttle 99\n"
					    "pgsteal_direct_normal 4\npgrefill_normal 7\n"
					    "workingset_refault 12\n",
					    &m),
			 0);
	assert_int_equal(m.v[MC_PGSCAN_KSWAPD], 30);
	assert_int_equal(m.v[MC_PGSCAN_DIRECT], 5);
	assert_int_equal(m.v[MC_PGSCAN], 35);
	assert_int_equal(m.v[MC_PGSTEAL], 4);
	assert_int_equal(m.v[MC_PGREFILL], 7);
	assert_int_equal(m.v[MC_WORKINGSET_REFAULT_FILE], 12);
}

#define GUEST FIX "guest-6.1."

static void test_guest_v2(void **state)
{
	struct mem_counters a, b, d;
	struct psi pa, pb, pd;

	/* the run cgroup's memory.stat: v2 has the totals and counts memcg
	 * reclaim as direct (the allocating task reclaims) */
	assert_int_equal(mem_counters_read(GUEST "memory.stat.before", &a), 0);
	assert_int_equal(mem_counters_read(GUEST "memory.stat.after", &b), 0);
	mem_counters_delta(&a, &b, &d);
	assert_int_equal(d.v[MC_PGSCAN], 82174);
	assert_int_equal(d.v[MC_PGSCAN_DIRECT], 82174);
	assert_int_equal(d.v[MC_PGSCAN_KSWAPD], 0);
	assert_int_equal(d.v[MC_PGSTEAL], 33225);
	assert_int_equal(d.v[MC_WORKINGSET_REFAULT_ANON], 65);
	assert_int_equal(d.v[MC_PGMAJFAULT], 55);
	/* 6.1's memory.stat has no swap-in/out events: /proc/vmstat has */
	assert_false(d.have & (1u << MC_PSWPOUT));

	assert_int_equal(mem_counters_read(GUEST "vmstat.before", &a), 0);
	assert_int_equal(mem_counters_read(GUEST "vmstat.after", &b), 0);
	mem_counters_delta(&a, &b, &d);
	assert_int_equal(d.v[MC_PSWPOUT], 33224);
	assert_int_equal(d.v[MC_PSWPIN], 65);
	/* global pgscan_direct stays 0 for memcg reclaim here too */
	assert_int_equal(d.v[MC_PGSCAN_DIRECT], 0);
	assert_int_equal(d.v[MC_PGSCAN_ANON], 82174);
	assert_int_equal(d.v[MC_PGSCAN], 82174);
	assert_int_equal(d.v[MC_OOM_KILL], 0);

	/* per-cgroup PSI (v2): one task stalling is a full stall */
	assert_int_equal(psi_read(GUEST "memory.pressure.before", &pa), 0);
	assert_int_equal(psi_read(GUEST "memory.pressure.after", &pb), 0);
	psi_delta(&pa, &pb, &pd);
	assert_int_equal(pd.some.total_us, 2185877);
	assert_int_equal(pd.full.total_us, 2185877);
	assert_int_equal(psi_read(GUEST "pressure.after", &pb), 0);
	assert_int_equal(pb.full.total_us, 2163409);
	/* the root's files parse too (root memory.stat: >= 5.x) */
	assert_int_equal(mem_counters_read(GUEST "root.memory.stat.after", &b), 0);
	assert_int_equal(psi_read(GUEST "root.memory.pressure.after", &pb), 0);
}

static void test_counters_bad(void **state)
{
	struct mem_counters m = { .v[MC_PGSCAN] = 7 }, a = { 0 }, b = { 0 }, d;

	assert_int_equal(mem_counters_parse("pgscan\n", &m), -EINVAL);
	assert_int_equal(mem_counters_parse("pgscan x\n", &m), -EINVAL);
	assert_int_equal(mem_counters_parse("pgscan -1\n", &m), -EINVAL);
	assert_int_equal(mem_counters_parse("pgscan 1 2\n", &m), -EINVAL);
	assert_int_equal(m.v[MC_PGSCAN], 7); /* untouched on failure */
	assert_int_equal(mem_counters_read(FIX "no-such-file", &m), -ENOENT);
	/* a counter that went backwards: 0, not a wrap */
	assert_int_equal(mem_counters_parse("pswpout 10\n", &a), 0);
	assert_int_equal(mem_counters_parse("pswpout 4\npswpin 1\n", &b), 0);
	mem_counters_delta(&a, &b, &d);
	assert_int_equal(d.have, 1u << MC_PSWPOUT);
	assert_int_equal(d.v[MC_PSWPOUT], 0);
	assert_string_equal(mem_counter_name(MC_WORKINGSET_REFAULT_ANON),
			    "workingset_refault_anon");
	assert_null(mem_counter_name(MC_N));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_psi_host),	cmocka_unit_test(test_psi_bad),
		cmocka_unit_test(test_vmstat_host),	cmocka_unit_test(test_memstat_v1_host),
		cmocka_unit_test(test_oom_control_v1),	cmocka_unit_test(test_v1_total_wins),
		cmocka_unit_test(test_memstat_v2_keys), cmocka_unit_test(test_guest_v2),
		cmocka_unit_test(test_old_vmstat_keys), cmocka_unit_test(test_counters_bad),
	};

	return cmocka_run_group_tests_name("memstat", tests, NULL, NULL);
}
