/* SPDX-License-Identifier: MIT */
/*
 * PSI and memory counters for the reclaim benchmark: readers taking a
 * path (so tests feed them captured files), parsers of the text, and the
 * before/after delta.
 *
 * - PSI: /proc/pressure/memory (system-wide, >= 4.20) or a cgroup v2
 *   memory.pressure; "some" and "full" lines, total= in microseconds.
 * - Counters: /proc/vmstat, memory.stat (v1 or v2) and memory.events /
 *   memory.oom_control are all "key value" lines; one parser maps the
 *   keys of every source onto one table (enum mem_counter).
 */
#ifndef OOMLAB_MEMSTAT_H
#define OOMLAB_MEMSTAT_H

#include <stdbool.h>
#include <stdint.h>

struct psi_line {
	double avg10, avg60, avg300; /* percent */
	uint64_t total_us;
};

struct psi {
	bool has_some, has_full;
	struct psi_line some, full;
};

/* Parse the text of a pressure file. -EINVAL if it has no "some" line. */
int psi_parse(const char *text, struct psi *ret);
int psi_read(const char *path, struct psi *ret);
/*
 * ret = after - before for the totals (avgs: after's, they are already
 * windows). A line missing on either side is missing in ret.
 */
void psi_delta(const struct psi *before, const struct psi *after, struct psi *ret);

enum mem_counter {
	MC_PGSCAN, /* all reclaim scans (derived where no "pgscan" key) */
	MC_PGSCAN_KSWAPD,
	MC_PGSCAN_DIRECT,
	MC_PGSCAN_KHUGEPAGED,
	MC_PGSCAN_PROACTIVE,
	MC_PGSCAN_ANON,
	MC_PGSCAN_FILE,
	MC_PGSTEAL, /* all reclaimed pages (derived likewise) */
	MC_PGSTEAL_KSWAPD,
	MC_PGSTEAL_DIRECT,
	MC_PGSTEAL_KHUGEPAGED,
	MC_PGSTEAL_PROACTIVE,
	MC_PGSTEAL_ANON,
	MC_PGSTEAL_FILE,
	MC_PGREFILL,
	MC_WORKINGSET_REFAULT_ANON,
	MC_WORKINGSET_REFAULT_FILE,
	MC_PSWPIN,
	MC_PSWPOUT,
	MC_PGMAJFAULT,
	MC_THP_FAULT_ALLOC,
	MC_THP_FAULT_FALLBACK,
	MC_OOM_KILL,
	/*
	 * The thp and dirty-cache scenarios (issue 9): a huge page whose
	 * memcg charge failed and fell back to small pages (>= 5.9, its own
	 * counter beside thp_fault_fallback); compaction; folios reclaim met
	 * dirty or under writeback and left marked PG_reclaim
	 * (nr_vmscan_immediate_reclaim), and pages reclaim wrote out itself.
	 */
	MC_THP_FAULT_FALLBACK_CHARGE,
	MC_COMPACT_STALL,
	MC_COMPACT_FAIL,
	MC_COMPACT_SUCCESS,
	MC_VMSCAN_IMMEDIATE_RECLAIM,
	MC_VMSCAN_WRITE,
	MC_N,
};

struct mem_counters {
	uint64_t v[MC_N];
	uint32_t have; /* bit i: counter i was in the file (or derived) */
};

_Static_assert(MC_N <= 32, "have is a 32-bit mask");

/* The key a counter is reported under ("pgscan", "workingset_refault_anon"). */
const char *mem_counter_name(enum mem_counter c);

/*
 * Parse "key value" lines. Unknown keys are skipped; a line that is not
 * "key number" is -EINVAL. cgroup v1's hierarchical total_KEY wins over
 * KEY (the run's workers live in child groups).
 */
int mem_counters_parse(const char *text, struct mem_counters *ret);
int mem_counters_read(const char *path, struct mem_counters *ret);
/*
 * ret = after - before, for counters present in both. A counter that went
 * backwards (a cgroup recreated under the same name) is clamped to 0.
 */
void mem_counters_delta(const struct mem_counters *before, const struct mem_counters *after,
			struct mem_counters *ret);

#endif
