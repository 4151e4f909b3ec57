// SPDX-License-Identifier: MIT
/*
 * The bench timeline (bench-timeline.h): a bounded sample buffer that
 * decimates by two when full, and the events on the same axis.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "bench-timeline.h"

int bench_tl_init(struct bench_tl *tl, size_t nworkers, size_t cap, uint64_t every_ns,
		  size_t max_ev)
{
	struct bench_tl t = { .nworkers = nworkers, .every_ns = every_ns, .max_ev = max_ev };

	if (!every_ns)
		return -EINVAL;
	t.cap = cap < 2 ? 2 : cap + (cap & 1);
	t.s = calloc(t.cap, sizeof(*t.s));
	/* one more than needed so a worker-less timeline still allocates */
	t.rss = calloc(t.cap * nworkers + 1, sizeof(*t.rss));
	if (!t.s || !t.rss) {
		free(t.s);
		free(t.rss);
		return -ENOMEM;
	}
	*tl = t;
	return 0;
}

void bench_tl_free(struct bench_tl *tl)
{
	if (!tl)
		return;
	free(tl->s);
	free(tl->rss);
	free(tl->ev);
	*tl = (struct bench_tl){ 0 };
}

bool bench_tl_due(const struct bench_tl *tl, uint64_t now)
{
	return !tl->n || now - tl->last_ns >= tl->every_ns;
}

/* Keep samples 0, 2, 4, ...: the span stays, the step doubles. */
static void decimate(struct bench_tl *tl)
{
	size_t k = 0;

	for (size_t i = 0; i < tl->n; i += 2, k++) {
		tl->s[k] = tl->s[i];
		if (tl->nworkers)
			memmove(tl->rss + k * tl->nworkers, tl->rss + i * tl->nworkers,
				tl->nworkers * sizeof(*tl->rss));
		tl->s[k].rss_bytes = tl->rss + k * tl->nworkers;
	}
	tl->n = k;
	/* the next sample is due every_ns after the last one kept */
	tl->last_ns = tl->s[k - 1].t_ns;
	tl->every_ns *= 2;
	tl->decimations++;
}

int bench_tl_add(struct bench_tl *tl, uint64_t t_ns, uint64_t usage, const uint64_t *rss)
{
	uint64_t *row;

	if (tl->n && t_ns < tl->last_ns)
		return -EINVAL;
	if (tl->n == tl->cap)
		decimate(tl);
	row = tl->rss + tl->n * tl->nworkers;
	if (rss)
		memcpy(row, rss, tl->nworkers * sizeof(*row));
	else
		memset(row, 0, tl->nworkers * sizeof(*row));
	tl->s[tl->n] =
		(struct bench_sample){ .t_ns = t_ns, .usage_bytes = usage, .rss_bytes = row };
	tl->n++;
	tl->last_ns = t_ns;
	return 0;
}

int bench_tl_event(struct bench_tl *tl, const struct bench_event *ev)
{
	if (tl->nev >= tl->max_ev) {
		tl->ev_dropped++;
		return 0;
	}
	if (tl->nev == tl->cap_ev) {
		size_t nc = tl->cap_ev ? tl->cap_ev * 2 : 64;
		struct bench_event *na;

		if (nc > tl->max_ev)
			nc = tl->max_ev;
		na = realloc(tl->ev, nc * sizeof(*na));
		if (!na)
			return -ENOMEM;
		tl->ev = na;
		tl->cap_ev = nc;
	}
	tl->ev[tl->nev++] = *ev;
	return 0;
}

void bench_tl_sort_events(struct bench_tl *tl)
{
	/* insertion sort: stable, and the events come nearly in order (the
	 * trace's stalls first, then a few kill-chain instants) */
	for (size_t i = 1; i < tl->nev; i++) {
		struct bench_event e = tl->ev[i];
		size_t j = i;

		for (; j > 0 && tl->ev[j - 1].t_ns > e.t_ns; j--)
			tl->ev[j] = tl->ev[j - 1];
		tl->ev[j] = e;
	}
}
