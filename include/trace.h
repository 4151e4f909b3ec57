/* SPDX-License-Identifier: MIT */
/*
 * The kernel's side of the reclaim benchmark: vmscan and oom trace events,
 * parsed from ftrace text (the `trace` / `trace_pipe` line format) and
 * paired begin/end per task into stall histograms, after mmtests' ftrace
 * pair-latency reports (which do it for global direct reclaim after the
 * run): here memcg reclaim too, throttling, and the OOM victims' marks and
 * reaping for the time-to-kill chain.
 *
 * A line, with the default trace options (irq-info on, record-tgid off):
 *
 *           cache-622     [000] .....   842.814682: mm_vmscan_throttled: nid=0 ...
 *   TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: FIELDS
 *
 * TASK may hold spaces and dashes (the PID is after the last dash before
 * the CPU column); with record-tgid a "(TGID)" column follows the PID;
 * without irq-info there are no FLAGS. With trace_clock mono the
 * timestamp is CLOCK_MONOTONIC, shown in microseconds.
 */
#ifndef OOMLAB_TRACE_H
#define OOMLAB_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "hist.h"

enum tr_kind {
	TR_MEMCG_RECLAIM_BEGIN, /* vmscan/mm_vmscan_memcg_reclaim_begin */
	TR_MEMCG_RECLAIM_END,
	TR_DIRECT_RECLAIM_BEGIN, /* vmscan/mm_vmscan_direct_reclaim_begin */
	TR_DIRECT_RECLAIM_END,
	TR_THROTTLED,	   /* vmscan/mm_vmscan_throttled (>= 5.16) */
	TR_MARK_VICTIM,	   /* oom/mark_victim */
	TR_START_REAPING,  /* oom/start_task_reaping */
	TR_FINISH_REAPING, /* oom/finish_task_reaping */
	/*
	 * The victim's own exit, for the kill chain's decomposition: the
	 * SIGKILL dequeued (signal/signal_deliver, in the victim), the exit
	 * begun (sched/sched_process_exit: on 6.18 it fires before exit_mm,
	 * measured 7 us after the signal with 512 MiB to free) and the
	 * victim's last context switch as a zombie (sched/sched_switch,
	 * prev_state Z or X; ktrace filters it to those): exit_mmap done,
	 * the pidfd readable (exit_notify), the parent woken.
	 */
	TR_SIGNAL_DELIVER,
	TR_PROCESS_EXIT,
	TR_TASK_DEAD,
	TR_NKINDS,
};

/* "vmscan", "mm_vmscan_memcg_reclaim_begin": what to enable for kind k. */
const char *tr_kind_system(enum tr_kind k);
const char *tr_kind_event(enum tr_kind k);

struct tr_event {
	enum tr_kind kind;
	int32_t pid; /* the task the event ran in (common_pid) */
	int32_t cpu;
	uint64_t ts_ns; /* the trace clock (mono: CLOCK_MONOTONIC) */
	char comm[16];
	/* fields, where the event has them (else 0) */
	int32_t victim;	       /* mark_victim, *_reaping: pid= */
	char victim_comm[16];  /* mark_victim: comm= (6.1 has it), else "" */
	uint64_t nr_reclaimed; /* *_reclaim_end */
	uint64_t delayed_us;   /* throttled: usect_delayed= (the kernel's spelling) */
	int32_t reason;	       /* throttled: enum vmscan_throttle_state, -1 unknown */
	int32_t sig;	       /* signal_deliver: sig= */
};

/*
 * One line. 0 and *ret filled; -ENOENT for a line that is no event of
 * ours (a comment, another event, a "LOST EVENTS" line, a sched_switch
 * that is not a task's last); -EINVAL for an
 * event of ours that does not parse. *ret untouched unless 0.
 */
int tr_parse_line(const char *line, size_t len, struct tr_event *ret);

/* An OOM victim as the trace saw it (0 = not seen). */
struct tr_victim {
	int32_t pid;
	char comm[16];
	uint64_t mark_ns;	/* mark_victim */
	uint64_t reap_start_ns; /* start_task_reaping (oom_reaper) */
	uint64_t reap_end_ns;	/* finish_task_reaping */
};

/* A task's exit as the trace saw it (0 = not seen), by pid. */
struct tr_exit {
	int32_t pid;
	uint64_t sigkill_ns; /* signal_deliver sig=9, the first */
	uint64_t exit_ns;    /* sched_process_exit */
	uint64_t dead_ns;    /* the last switch away, as a zombie */
};

struct tr_pending {
	int32_t pid;
	uint8_t direct; /* 0 memcg, 1 direct reclaim */
	uint64_t begin_ns;
};

/* One stall, for the bench timeline: the first TR_MAX_SPANS are kept. */
enum tr_span_kind {
	TR_SPAN_MEMCG,
	TR_SPAN_DIRECT,
	TR_SPAN_THROTTLED
};
#define TR_MAX_SPANS 4096

struct tr_span {
	uint64_t begin_ns, dur_ns;
	int32_t pid;
	char comm[16];
	enum tr_span_kind kind;
};

struct tr_stalls {
	struct hist memcg_reclaim; /* begin..end per task, ns */
	struct hist direct_reclaim;
	struct hist throttled;	 /* usect_delayed of each throttle, ns */
	uint64_t events;	 /* lines of ours accepted */
	uint64_t unpaired_begin; /* a begin whose end never came (or was lost) */
	uint64_t unpaired_end;	 /* an end without a begin (trace began mid-stall) */
	uint64_t lost;		 /* "[LOST N EVENTS]", or the trace file's
				  * header saying more were written than it
				  * holds: the buffer overran */
	uint64_t bad_lines;	 /* events of ours that did not parse */
	uint64_t first_stall_ns; /* the first reclaim begin or throttle, 0 = none */
	struct tr_victim *victims;
	size_t nvictims;
	struct tr_span *spans; /* in the order they ended */
	size_t nspans, cap_spans;
	uint64_t spans_dropped; /* past TR_MAX_SPANS */
	struct tr_exit *exits;
	size_t nexits, cap_exits;
	/* open begins, one per task and kind */
	struct tr_pending *pending;
	size_t npending, cap_pending, cap_victims;
};

/* Zero-initialized is ready; tr_stalls_free() releases the arrays. */
void tr_stalls_free(struct tr_stalls *st);
/* Add one event (events must come in time order per task). 0 or -ENOMEM. */
int tr_stalls_add(struct tr_stalls *st, const struct tr_event *ev);
/*
 * Parse a whole trace text (lines as tr_parse_line takes them) into st.
 * 0 or -ENOMEM; bad lines are counted, not fatal.
 */
int tr_stalls_parse_text(struct tr_stalls *st, const char *text, size_t len);
/* End of the trace: begins still open count as unpaired. */
void tr_stalls_finish(struct tr_stalls *st);
/* The victim entry of pid, or NULL. */
const struct tr_victim *tr_stalls_victim(const struct tr_stalls *st, int32_t pid);
/* The exit of pid, or NULL. */
const struct tr_exit *tr_stalls_exit(const struct tr_stalls *st, int32_t pid);

#endif
