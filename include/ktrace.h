/* SPDX-License-Identifier: MIT */
/*
 * A private tracefs instance for the reclaim benchmark, through libtracefs:
 * instances/NAME with trace_clock mono (CLOCK_MONOTONIC, the axis kmsg and
 * the workers' timestamps share), the events of trace.h enabled, filtered
 * to the run's tasks, read back as text into tr_stalls, removed at the end.
 *
 * Without tracefs (not mounted and cannot be, no root, an event missing)
 * the calls fail with -errno and fill `why` with what is missing, so the
 * bench can say why its stalls are absent and carry on.
 */
#ifndef OOMLAB_KTRACE_H
#define OOMLAB_KTRACE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "trace.h"

#define KTRACE_WHY_MAX 256

struct ktrace;

/*
 * Create instances/NAME under tracing_dir (NULL: the system's tracefs,
 * mounted at /sys/kernel/tracing if it is not yet), clock mono, tracing
 * off, every event of enum tr_kind enabled that this kernel has (*ret_kinds:
 * bit k set for each enabled; mm_vmscan_throttled needs >= 5.16). An
 * instance of that name left by a killed run is removed first.
 */
int ktrace_open(const char *tracing_dir, const char *name, struct ktrace **ret, uint32_t *ret_kinds,
		char why[static KTRACE_WHY_MAX]);
/*
 * Trace only these tasks and their future children (set_event_pid,
 * options/event-fork), plus the oom_reaper kthread, whose events the
 * reaping ones are. Without a call: every task on the machine.
 */
int ktrace_filter_pids(struct ktrace *t, const pid_t *pids, size_t n);
int ktrace_start(struct ktrace *t);
int ktrace_stop(struct ktrace *t);
/* Parse what the instance's buffer holds ("trace") into st. */
int ktrace_collect(struct ktrace *t, struct tr_stalls *st);
/* Remove the instance and free; NULL is fine. */
void ktrace_close(struct ktrace *t);
/* instances/NAME's directory (for messages and tests). */
const char *ktrace_dir(const struct ktrace *t);

#endif
