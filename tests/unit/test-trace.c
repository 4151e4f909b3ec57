// SPDX-License-Identifier: MIT
/*
 * ftrace text parsing and begin/end pairing, on a trace captured on the
 * 6.18 development machine (tests/fixtures/trace/capture.sh): a 64M v1
 * memcg, the file pattern's 192M of page cache (276 memcg reclaims, 6
 * writeback throttles), then an anon worker OOM-killed (mark_victim).
 * Also a Debian 6.1 guest's global OOM (test_pair_guest). The expected
 * figures come from pairing the files with awk.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "trace.h"
#include "util.h"

#define FIXTURE "tests/fixtures/trace/memcg-reclaim-oom.trace"

static int parse(const char *line, struct tr_event *ev)
{
	return tr_parse_line(line, strlen(line), ev);
}

static void assert_within(uint64_t got, uint64_t want, double rel)
{
	double err = got > want ? (double)(got - want) : (double)(want - got);

	if (err > rel * (double)want)
		fail_msg("got %llu, want %llu", (unsigned long long)got, (unsigned long long)want);
}

static void test_parse_lines(void **state)
{
	struct tr_event ev;

	/* as captured (irq-info flags, mono clock) */
	assert_int_equal(
		parse("           cache-622     [000] .....   842.813555: "
		      "mm_vmscan_memcg_reclaim_begin: order=0 gfp_flags=GFP_HIGHUSER_MOVABLE\n",
		      &ev),
		0);
	assert_int_equal(ev.kind, TR_MEMCG_RECLAIM_BEGIN);
	assert_int_equal(ev.pid, 622);
	assert_int_equal(ev.cpu, 0);
	assert_string_equal(ev.comm, "cache");
	assert_int_equal(ev.ts_ns, 842813555000ULL);

	assert_int_equal(parse("           cache-622     [001] .N...   820.558114: "
			       "mm_vmscan_memcg_reclaim_end: nr_reclaimed=256",
			       &ev),
			 0);
	assert_int_equal(ev.kind, TR_MEMCG_RECLAIM_END);
	assert_int_equal(ev.nr_reclaimed, 256);
	assert_int_equal(ev.cpu, 1);

	assert_int_equal(
		parse("           cache-622     [001] .....   842.819189: mm_vmscan_throttled: "
		      "nid=0 usec_timeout=100000 usect_delayed=4000 "
		      "reason=VMSCAN_THROTTLE_WRITEBACK",
		      &ev),
		0);
	assert_int_equal(ev.kind, TR_THROTTLED);
	assert_int_equal(ev.delayed_us, 4000);
	assert_int_equal(ev.reason, 0);

	assert_int_equal(
		parse("            anon-654     [001] ...1.   843.202273: mark_victim: pid=654 "
		      "comm=anon total-vm=133472kB anon-rss=65152kB file-rss:1420kB "
		      "shmem-rss:0kB uid=0 pgtables=164kB oom_score_adj=0",
		      &ev),
		0);
	assert_int_equal(ev.kind, TR_MARK_VICTIM);
	assert_int_equal(ev.victim, 654);
	assert_string_equal(ev.victim_comm, "anon");

	/* a comm with spaces and dashes, record-tgid on, no irq-info, ns digits */
	assert_int_equal(parse(" kworker/u8:2-events unbound-1234 (   1234) [003]  17.123456789: "
			       "mm_vmscan_direct_reclaim_end: nr_reclaimed=32",
			       &ev),
			 0);
	assert_int_equal(ev.kind, TR_DIRECT_RECLAIM_END);
	assert_int_equal(ev.pid, 1234);
	assert_string_equal(ev.comm, "kworker/u8:2-ev"); /* 15 chars kept */
	assert_int_equal(ev.ts_ns, 17123456789ULL);
	assert_int_equal(ev.cpu, 3);

	/* pre-6.x mark_victim had only pid= */
	assert_int_equal(
		parse("   oom_reaper-33      [000] .....  9.000100: mark_victim: pid=77", &ev), 0);
	assert_int_equal(ev.victim, 77);
	assert_string_equal(ev.victim_comm, "");
}

static void test_parse_not_ours(void **state)
{
	struct tr_event ev = { .pid = 99 };

	assert_int_equal(parse("# tracer: nop", &ev), -ENOENT);
	assert_int_equal(parse("", &ev), -ENOENT);
	assert_int_equal(parse("CPU:1 [LOST 12 EVENTS]", &ev), -ENOENT);
	assert_int_equal(parse("  bash-1 [000] .....  1.000000: sched_switch: prev_comm=bash", &ev),
			 -ENOENT);
	/* ours, but broken */
	assert_int_equal(parse("  bash-x [000] .....  1.000000: mm_vmscan_memcg_reclaim_end: "
			       "nr_reclaimed=1",
			       &ev),
			 -EINVAL);
	assert_int_equal(parse("  bash-1 [000] .....  1.0000000000: mm_vmscan_memcg_reclaim_end: "
			       "nr_reclaimed=1",
			       &ev),
			 -EINVAL);
	assert_int_equal(parse("  bash-1 [000] .....  1.000000: mm_vmscan_memcg_reclaim_end: "
			       "nr_reclaimed=",
			       &ev),
			 -EINVAL);
	assert_int_equal(parse("  bash-1 [000] .....  1.000000: mark_victim: comm=x", &ev),
			 -EINVAL);
	assert_int_equal(ev.pid, 99); /* untouched */
}

static void test_pair_fixture(void **state)
{
	_cleanup_free_ char *text = NULL;
	struct tr_stalls st = { 0 };
	struct hist_summary s;
	const struct tr_victim *v;

	assert_int_equal(read_file_str(FIXTURE, &text), 0);
	assert_int_equal(tr_stalls_parse_text(&st, text, strlen(text)), 0);
	tr_stalls_finish(&st);
	assert_int_equal(st.bad_lines, 0);
	assert_int_equal(st.lost, 0);
	assert_int_equal(st.unpaired_begin, 0);
	assert_int_equal(st.unpaired_end, 0);
	assert_int_equal(st.events, 276 * 2 + 6 + 1);

	hist_summarize(&st.memcg_reclaim, &s);
	assert_int_equal(s.count, 276);
	assert_int_equal(st.memcg_reclaim.sum_ns, 119769000ULL);
	assert_int_equal(s.min_ns, 5000);
	assert_int_equal(s.max_ns, 29287000);
	assert_within(s.p50_ns, 42000, 0.01);
	assert_within(s.p90_ns, 68000, 0.01);
	assert_within(s.p99_ns, 23229000, 0.01);
	assert_int_equal(st.direct_reclaim.count, 0); /* a memcg's limit, not the machine's */

	hist_summarize(&st.throttled, &s);
	assert_int_equal(s.count, 6);
	assert_int_equal(st.throttled.sum_ns, (0 + 0 + 4000 + 28000 + 32000 + 8000) * 1000ULL);
	assert_int_equal(s.max_ns, 32000000);
	/* every pair and throttle is a span of the timeline */
	assert_int_equal(st.nspans, 276 + 6);

	/* the first stall: the first memcg reclaim begin */
	assert_int_equal(st.first_stall_ns, 842813555000ULL);

	assert_int_equal(st.nvictims, 1);
	v = tr_stalls_victim(&st, 654);
	assert_non_null(v);
	assert_string_equal(v->comm, "anon");
	assert_int_equal(v->mark_ns, 843202273000ULL);
	/*
	 * No reaping: the victim exited before the oom_reaper's delay (2 s
	 * since 2022's e4a38402c36e) ran out, and the reaper skips an mm
	 * whose exit already tore it down.
	 */
	assert_int_equal(v->reap_start_ns, 0);
	assert_null(tr_stalls_victim(&st, 622));
	tr_stalls_free(&st);
	tr_stalls_free(&st); /* twice is harmless */
}

/*
 * A Debian 6.1 guest out of memory (tests/fixtures/trace/guest-capture.ini,
 * trace_pipe, no pid filter): global direct reclaim by the harness's
 * pressure process, oomlab itself and the tracing sed, reclaiming nothing
 * (no swap, the root fs is in RAM), then the kill of "big". mark_victim
 * runs in the task whose allocation failed (sed), not the victim's.
 */
static void test_pair_guest(void **state)
{
	_cleanup_free_ char *text = NULL;
	struct tr_stalls st = { 0 };
	struct hist_summary s;
	const struct tr_victim *v;

	assert_int_equal(read_file_str("tests/fixtures/trace/guest-6.1-global-oom.trace", &text),
			 0);
	assert_int_equal(tr_stalls_parse_text(&st, text, strlen(text)), 0);
	tr_stalls_finish(&st);
	assert_int_equal(st.bad_lines, 0);
	hist_summarize(&st.direct_reclaim, &s);
	assert_int_equal(s.count, 46);
	assert_int_equal(st.direct_reclaim.sum_ns, 85767000ULL);
	assert_int_equal(s.min_ns, 160000);
	assert_int_equal(s.max_ns, 32381000);
	assert_within(s.p50_ns, 181000, 0.01);
	assert_int_equal(st.memcg_reclaim.count, 0);
	/* sed's last begin: the stream ended (teardown) before its end */
	assert_int_equal(st.unpaired_begin, 1);
	assert_int_equal(st.unpaired_end, 0);
	assert_int_equal(st.first_stall_ns, 3497986000ULL);
	assert_int_equal(st.nvictims, 1);
	v = tr_stalls_victim(&st, 91);
	assert_non_null(v);
	assert_string_equal(v->comm, "big");
	assert_int_equal(v->mark_ns, 3536685000ULL);
	assert_null(tr_stalls_victim(&st, 93));
	tr_stalls_free(&st);
}

/*
 * Lines in the kernel's print formats (events/vmscan/.../format, 6.18) for
 * what neither capture shows: interleaved pairs of two tasks, the reaper,
 * lost events, a trace that starts mid-stall.
 */
static void test_pair_synthetic(void **state)
{
	static const char text[] =
		"# entries-in-buffer/entries-written: 14/20   #P:2\n"
		"          a-10 [000] .....   1.000000: mm_vmscan_memcg_reclaim_end: nr_reclaimed=1\n"
		"          a-10 [000] .....   1.000010: mm_vmscan_direct_reclaim_begin: order=0 "
		"gfp_flags=GFP_HIGHUSER_MOVABLE\n"
		"          b-11 [001] .....   1.000020: mm_vmscan_direct_reclaim_begin: order=0 "
		"gfp_flags=GFP_HIGHUSER_MOVABLE\n"
		"          b-11 [001] .....   1.000520: mm_vmscan_direct_reclaim_end: nr_reclaimed=32\n"
		"          a-10 [000] .....   1.002010: mm_vmscan_direct_reclaim_end: nr_reclaimed=12\n"
		"CPU:1 [LOST 7 EVENTS]\n"
		"          b-11 [001] .....   1.003000: mm_vmscan_memcg_reclaim_begin: order=0 "
		"gfp_flags=GFP_KERNEL\n"
		"          b-11 [001] .....   1.004000: mm_vmscan_memcg_reclaim_begin: order=0 "
		"gfp_flags=GFP_KERNEL\n"
		"          b-11 [001] .....   1.004100: mm_vmscan_memcg_reclaim_end: nr_reclaimed=4\n"
		"          a-10 [000] ...1.   1.005000: mark_victim: pid=11 comm=b total-vm=1kB\n"
		"   oom_reaper-33 [000] .....   3.005000: start_task_reaping: pid=11\n"
		"   oom_reaper-33 [000] .....   3.005900: finish_task_reaping: pid=11\n"
		"          a-10 [000] .....   3.100000: mm_vmscan_memcg_reclaim_begin: order=0 "
		"gfp_flags=GFP_KERNEL\n";
	struct tr_stalls st = { 0 };
	const struct tr_victim *v;

	assert_int_equal(tr_stalls_parse_text(&st, text, sizeof(text) - 1), 0);
	tr_stalls_finish(&st);
	assert_int_equal(st.direct_reclaim.count, 2);
	assert_int_equal(st.direct_reclaim.min_ns, 500000);
	assert_int_equal(st.direct_reclaim.max_ns, 2000000);
	assert_int_equal(st.memcg_reclaim.count, 1);
	assert_int_equal(st.memcg_reclaim.max_ns, 100000); /* the restarted pair */
	assert_int_equal(st.unpaired_end, 1);
	assert_int_equal(st.unpaired_begin, 2); /* one overwritten, one open at the end */
	assert_int_equal(st.lost, 7 + 6);	/* the LOST line, and 20 written but 14 held */
	assert_int_equal(st.first_stall_ns, 1000010000ULL);
	v = tr_stalls_victim(&st, 11);
	assert_non_null(v);
	assert_string_equal(v->comm, "b");
	assert_int_equal(v->mark_ns, 1005000000ULL);
	assert_int_equal(v->reap_start_ns, 3005000000ULL);
	assert_int_equal(v->reap_end_ns, 3005900000ULL);
	/* the timeline's stalls, in the order they ended, each where it began */
	assert_int_equal(st.nspans, 3);
	assert_int_equal(st.spans[0].kind, TR_SPAN_DIRECT);
	assert_int_equal(st.spans[0].begin_ns, 1000020000ULL);
	assert_int_equal(st.spans[0].dur_ns, 500000);
	assert_string_equal(st.spans[0].comm, "b");
	assert_int_equal(st.spans[1].pid, 10);
	assert_int_equal(st.spans[1].dur_ns, 2000000);
	assert_int_equal(st.spans[2].kind, TR_SPAN_MEMCG);
	assert_int_equal(st.spans[2].begin_ns, 1004000000ULL);
	assert_int_equal(st.spans_dropped, 0);
	tr_stalls_free(&st);
}

static void test_kind_names(void **state)
{
	assert_string_equal(tr_kind_system(TR_THROTTLED), "vmscan");
	assert_string_equal(tr_kind_event(TR_FINISH_REAPING), "finish_task_reaping");
	assert_string_equal(tr_kind_system(TR_MARK_VICTIM), "oom");
	assert_null(tr_kind_event(TR_NKINDS));
}

/*
 * A victim's exit, lines as captured here (6.18, trace clock mono): a
 * 512 MiB process SIGKILLed; sched_process_exit fires 8 us after the
 * signal (6.18 moved it before exit_mm), the last switch as a zombie
 * 413 ms later, when exit_mmap was done. Other signals and switches of
 * live tasks are no exits.
 */
static void test_exit_chain(void **state)
{
	static const char text[] =
		"         python3-28402   [000] d..1. 11038.996026: signal_deliver: sig=9 errno=0 "
		"code=0 sa_handler=0 sa_flags=0\n"
		"         python3-28402   [000] ..... 11038.996034: sched_process_exit: "
		"comm=python3 pid=28402 prio=120 group_dead=true\n"
		"         python3-28285   [001] d..1. 11039.001000: signal_deliver: sig=17 errno=0 "
		"code=1 sa_handler=0 sa_flags=0\n"
		"         python3-28285   [001] d..2. 11039.002000: sched_switch: prev_comm=python3 "
		"prev_pid=28285 prev_prio=120 prev_state=S ==> next_comm=swapper/1 next_pid=0 "
		"next_prio=120\n"
		"         python3-28402   [000] d..2. 11039.409319: sched_switch: prev_comm=python3 "
		"prev_pid=28402 prev_prio=120 prev_state=Z ==> next_comm=python3 next_pid=28285 "
		"next_prio=120\n";
	struct tr_stalls st = { 0 };
	const struct tr_exit *x;
	struct tr_event ev;

	(void)state;
	assert_int_equal(parse("         python3-28402   [000] d..1. 11038.996026: signal_deliver: "
			       "sig=9 errno=0 code=0 sa_handler=0 sa_flags=0",
			       &ev),
			 0);
	assert_int_equal(ev.kind, TR_SIGNAL_DELIVER);
	assert_int_equal(ev.sig, 9);
	assert_int_equal(ev.victim, 28402);
	assert_int_equal(tr_stalls_parse_text(&st, text, sizeof(text) - 1), 0);
	assert_int_equal(st.bad_lines, 0);
	assert_int_equal(st.nexits, 1);
	assert_null(tr_stalls_exit(&st, 28285));
	x = tr_stalls_exit(&st, 28402);
	assert_non_null(x);
	assert_int_equal(x->sigkill_ns, 11038996026000ULL);
	assert_int_equal(x->exit_ns, 11038996034000ULL);
	assert_int_equal(x->dead_ns, 11039409319000ULL);
	/* a live task's switch is no event; a last one without its pid is broken */
	assert_int_equal(parse("  a-1 [000] ..... 1.000000: sched_switch: prev_comm=a prev_pid=1 "
			       "prev_prio=120 prev_state=R+ ==> next_comm=b next_pid=2",
			       &ev),
			 -ENOENT);
	assert_int_equal(parse("  a-1 [000] ..... 1.000000: sched_switch: prev_comm=a "
			       "prev_state=Z ==> next_comm=b next_pid=2",
			       &ev),
			 -EINVAL);
	tr_stalls_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_lines),    cmocka_unit_test(test_parse_not_ours),
		cmocka_unit_test(test_pair_fixture),   cmocka_unit_test(test_pair_guest),
		cmocka_unit_test(test_pair_synthetic), cmocka_unit_test(test_kind_names),
		cmocka_unit_test(test_exit_chain),
	};

	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
