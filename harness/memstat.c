// SPDX-License-Identifier: MIT
/*
 * PSI and memory counter readers for the reclaim benchmark (memstat.h).
 */
#include <stdlib.h>
#include <string.h>

#include "memstat.h"
#include "util.h"

/* ---- PSI ---- */

/* "some avg10=0.00 avg60=0.00 avg300=0.00 total=125433" */
static int psi_parse_line(const char *s, struct psi_line *ret)
{
	struct psi_line l = { 0 };
	unsigned long long total;
	int n = 0;

	if (sscanf(s, " avg10=%lf avg60=%lf avg300=%lf total=%llu%n", &l.avg10, &l.avg60, &l.avg300,
		   &total, &n) != 4 ||
	    !n)
		return -EINVAL;
	l.total_us = total;
	*ret = l;
	return 0;
}

int psi_parse(const char *text, struct psi *ret)
{
	struct psi p = { 0 };
	const char *s = text;
	int r;

	while (*s) {
		const char *eol = strchrnul(s, '\n');

		if (!strncmp(s, "some ", 5)) {
			r = psi_parse_line(s + 4, &p.some);
			if (r < 0)
				return r;
			p.has_some = true;
		} else if (!strncmp(s, "full ", 5)) {
			r = psi_parse_line(s + 4, &p.full);
			if (r < 0)
				return r;
			p.has_full = true;
		} else if (eol != s) {
			return -EINVAL;
		}
		s = *eol ? eol + 1 : eol;
	}
	if (!p.has_some)
		return -EINVAL;
	*ret = p;
	return 0;
}

int psi_read(const char *path, struct psi *ret)
{
	_cleanup_free_ char *text = NULL;
	int r = read_file_str(path, &text);

	if (r < 0)
		return r;
	return psi_parse(text, ret);
}

static void psi_line_delta(const struct psi_line *a, const struct psi_line *b, struct psi_line *ret)
{
	*ret = *b;
	ret->total_us = b->total_us >= a->total_us ? b->total_us - a->total_us : 0;
}

void psi_delta(const struct psi *before, const struct psi *after, struct psi *ret)
{
	struct psi d = { 0 };

	d.has_some = before->has_some && after->has_some;
	d.has_full = before->has_full && after->has_full;
	if (d.has_some)
		psi_line_delta(&before->some, &after->some, &d.some);
	if (d.has_full)
		psi_line_delta(&before->full, &after->full, &d.full);
	*ret = d;
}

/* ---- counters ---- */

static const char *const counter_names[MC_N] = {
	[MC_PGSCAN] = "pgscan",
	[MC_PGSCAN_KSWAPD] = "pgscan_kswapd",
	[MC_PGSCAN_DIRECT] = "pgscan_direct",
	[MC_PGSCAN_KHUGEPAGED] = "pgscan_khugepaged",
	[MC_PGSCAN_PROACTIVE] = "pgscan_proactive",
	[MC_PGSCAN_ANON] = "pgscan_anon",
	[MC_PGSCAN_FILE] = "pgscan_file",
	[MC_PGSTEAL] = "pgsteal",
	[MC_PGSTEAL_KSWAPD] = "pgsteal_kswapd",
	[MC_PGSTEAL_DIRECT] = "pgsteal_direct",
	[MC_PGSTEAL_KHUGEPAGED] = "pgsteal_khugepaged",
	[MC_PGSTEAL_PROACTIVE] = "pgsteal_proactive",
	[MC_PGSTEAL_ANON] = "pgsteal_anon",
	[MC_PGSTEAL_FILE] = "pgsteal_file",
	[MC_PGREFILL] = "pgrefill",
	[MC_WORKINGSET_REFAULT_ANON] = "workingset_refault_anon",
	[MC_WORKINGSET_REFAULT_FILE] = "workingset_refault_file",
	[MC_PSWPIN] = "pswpin",
	[MC_PSWPOUT] = "pswpout",
	[MC_PGMAJFAULT] = "pgmajfault",
	[MC_THP_FAULT_ALLOC] = "thp_fault_alloc",
	[MC_THP_FAULT_FALLBACK] = "thp_fault_fallback",
	[MC_OOM_KILL] = "oom_kill",
	[MC_THP_FAULT_FALLBACK_CHARGE] = "thp_fault_fallback_charge",
	[MC_COMPACT_STALL] = "compact_stall",
	[MC_COMPACT_FAIL] = "compact_fail",
	[MC_COMPACT_SUCCESS] = "compact_success",
	[MC_VMSCAN_IMMEDIATE_RECLAIM] = "nr_vmscan_immediate_reclaim",
	[MC_VMSCAN_WRITE] = "nr_vmscan_write",
};

const char *mem_counter_name(enum mem_counter c)
{
	return (unsigned)c < MC_N ? counter_names[c] : NULL;
}

/*
 * Keys of older kernels that add into one of ours. Before 4.8 reclaim
 * was per zone and /proc/vmstat had pgscan_kswapd_normal, pgsteal_direct_dma32,
 * pgrefill_movable...; pgscan_direct_throttle is a count of throttling
 * events, not of pages, and is no scan. Before 5.9 workingset tracked
 * file pages only: workingset_refault.
 */
static int counter_of_key(const char *key, size_t len)
{
	static const struct {
		const char *prefix;
		enum mem_counter c;
	} zoned[] = {
		{ "pgscan_kswapd_", MC_PGSCAN_KSWAPD },
		{ "pgscan_direct_", MC_PGSCAN_DIRECT },
		{ "pgsteal_kswapd_", MC_PGSTEAL_KSWAPD },
		{ "pgsteal_direct_", MC_PGSTEAL_DIRECT },
		{ "pgrefill_", MC_PGREFILL },
	};

	for (unsigned i = 0; i < MC_N; i++)
		if (strlen(counter_names[i]) == len && !memcmp(key, counter_names[i], len))
			return (int)i;
	if (len == strlen("workingset_refault") && !memcmp(key, "workingset_refault", len))
		return MC_WORKINGSET_REFAULT_FILE;
	if (len == strlen("pgscan_direct_throttle") && !memcmp(key, "pgscan_direct_throttle", len))
		return -1;
	for (unsigned i = 0; i < ARRAY_SIZE(zoned); i++) {
		size_t pl = strlen(zoned[i].prefix);

		if (len > pl && !memcmp(key, zoned[i].prefix, pl))
			return (int)zoned[i].c;
	}
	return -1;
}

#define BIT(c) (1u << (c))

/*
 * pgscan/pgsteal: memory.stat (v2) has the totals. /proc/vmstat has none,
 * and its pgscan_kswapd/direct/... skip memcg limit reclaim (mm/vmscan.c
 * counts them only when !cgroup_reclaim(sc); measured here on 6.18: 0
 * after thousands of memcg reclaim scans) while pgscan_anon/file count
 * every scan: sum those where they exist, else the reclaimer kinds.
 */
static void derive_total(struct mem_counters *m, enum mem_counter total, enum mem_counter anon,
			 enum mem_counter first_kind, enum mem_counter last_kind)
{
	uint64_t sum = 0;
	bool any = false;

	if (m->have & BIT(total))
		return;
	if (m->have & (BIT(anon) | BIT(anon + 1))) {
		sum = m->v[anon] + m->v[anon + 1];
		any = true;
	} else {
		for (unsigned c = first_kind; c <= last_kind; c++)
			if (m->have & BIT(c)) {
				sum += m->v[c];
				any = true;
			}
	}
	if (any) {
		m->v[total] = sum;
		m->have |= BIT(total);
	}
}

int mem_counters_parse(const char *text, struct mem_counters *ret)
{
	struct mem_counters local = { 0 }, total = { 0 };
	const char *s = text;

	while (*s) {
		const char *eol = strchrnul(s, '\n'), *key = s, *sp;
		struct mem_counters *m = &local;
		unsigned long long v;
		char *end;
		int c;

		if (eol == s) {
			s = *eol ? eol + 1 : eol;
			continue;
		}
		sp = memchr(s, ' ', (size_t)(eol - s));
		if (!sp || sp == s)
			return -EINVAL;
		errno = 0;
		v = strtoull(sp + 1, &end, 10);
		if (errno || end == sp + 1 || end != eol || sp[1] == '-')
			return -EINVAL;
		/* cgroup v1: total_KEY is KEY summed over the subtree */
		if ((size_t)(sp - key) > 6 && !memcmp(key, "total_", 6)) {
			key += 6;
			m = &total;
		}
		c = counter_of_key(key, (size_t)(sp - key));
		if (c >= 0) {
			m->v[c] += v;
			m->have |= BIT(c);
		}
		s = *eol ? eol + 1 : eol;
	}
	for (unsigned c = 0; c < MC_N; c++)
		if (total.have & BIT(c)) {
			local.v[c] = total.v[c];
			local.have |= BIT(c);
		}
	derive_total(&local, MC_PGSCAN, MC_PGSCAN_ANON, MC_PGSCAN_KSWAPD, MC_PGSCAN_PROACTIVE);
	derive_total(&local, MC_PGSTEAL, MC_PGSTEAL_ANON, MC_PGSTEAL_KSWAPD, MC_PGSTEAL_PROACTIVE);
	*ret = local;
	return 0;
}

int mem_counters_read(const char *path, struct mem_counters *ret)
{
	_cleanup_free_ char *text = NULL;
	int r = read_file_str(path, &text);

	if (r < 0)
		return r;
	return mem_counters_parse(text, ret);
}

void mem_counters_delta(const struct mem_counters *before, const struct mem_counters *after,
			struct mem_counters *ret)
{
	struct mem_counters d = { .have = before->have & after->have };

	for (unsigned c = 0; c < MC_N; c++)
		if (d.have & BIT(c))
			d.v[c] = after->v[c] >= before->v[c] ? after->v[c] - before->v[c] : 0;
	*ret = d;
}
