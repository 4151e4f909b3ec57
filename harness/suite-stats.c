// SPDX-License-Identifier: MIT
/*
 * oomlab suite: what a series of runs of one profile says. A pass rate
 * alone hides how little 3 runs know; the Wilson score interval says it
 * (5 passes of 5 is [0.57, 1], not [1, 1]) and stays inside [0, 1] where
 * the textbook normal interval does not.
 */
#include <math.h>
#include <string.h>

#include "suite.h"
#include "util.h"

#define Z95 1.959963984540054

void suite_wilson(unsigned k, unsigned n, double *ret_lo, double *ret_hi)
{
	double p, z2, denom, centre, half;

	if (n == 0 || k > n) {
		*ret_lo = 0;
		*ret_hi = 1;
		return;
	}
	p = (double)k / n;
	z2 = Z95 * Z95;
	denom = 1 + z2 / n;
	centre = (p + z2 / (2.0 * n)) / denom;
	half = Z95 * sqrt(p * (1 - p) / n + z2 / (4.0 * n * n)) / denom;
	*ret_lo = fmax(0, centre - half);
	*ret_hi = fmin(1, centre + half);
}

const char *suite_status_name(enum suite_status s)
{
	switch (s) {
	case SUITE_STABLE:
		return "stable";
	case SUITE_FLAKY:
		return "flaky";
	case SUITE_BROKEN:
		return "broken";
	default:
		return "skipped";
	}
}

int suite_entry_add_run(struct suite_entry *e, enum outcome v, const char *path, const char *reason,
			double wall_ms)
{
	struct suite_run *nr = realloc(e->runs, (e->nruns + 1) * sizeof(*nr));
	struct suite_run r = { .v = v, .wall_ms = wall_ms };

	if (!nr)
		return -ENOMEM;
	e->runs = nr;
	if ((path && !(r.path = strdup(path))) || (reason && !(r.reason = strdup(reason)))) {
		free(r.path);
		return -ENOMEM;
	}
	e->runs[e->nruns++] = r;
	return 0;
}

/*
 * stable: every run that did not skip gave the same verdict (all PASS, or
 * all FAIL: a kernel that reliably disagrees is not flaky); flaky: the
 * verdicts differ; broken: the profile is invalid, or every run was BROK
 * (the harness never could do its part); skipped: nothing but SKIPs.
 */
void suite_entry_stats(struct suite_entry *e)
{
	unsigned counted, kinds;

	e->pass = e->fail = e->broken = e->skip = 0;
	for (unsigned i = 0; i < e->nruns; i++) {
		switch (e->runs[i].v) {
		case OUTCOME_PASS:
			e->pass++;
			break;
		case OUTCOME_FAIL:
			e->fail++;
			break;
		case OUTCOME_BROK:
			e->broken++;
			break;
		default:
			e->skip++;
			break;
		}
	}
	counted = e->pass + e->fail + e->broken;
	kinds = (e->pass > 0) + (e->fail > 0) + (e->broken > 0);
	e->pass_rate = counted ? (double)e->pass / counted : -1;
	suite_wilson(e->pass, counted, &e->ci_lo, &e->ci_hi);
	if (e->error)
		e->status = SUITE_BROKEN;
	else if (!counted)
		e->status = SUITE_SKIPPED;
	else if (kinds > 1)
		e->status = SUITE_FLAKY;
	else if (e->broken)
		e->status = SUITE_BROKEN;
	else
		e->status = SUITE_STABLE;
}

void suite_entry_free(struct suite_entry *e)
{
	for (unsigned i = 0; i < e->nruns; i++) {
		free(e->runs[i].path);
		free(e->runs[i].reason);
	}
	free(e->runs);
	free(e->profile);
	free(e->kernel);
	free(e->host);
	free(e->error);
	memset(e, 0, sizeof(*e));
}
