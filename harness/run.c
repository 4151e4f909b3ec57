// SPDX-License-Identifier: MIT
/*
 * Small helpers on struct run shared by every stage: notes (explanations
 * and cross-check findings the verdict and results carry) and outcome
 * names. The orchestrator that fills struct run lives elsewhere.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "run.h"
#include "util.h"

/*
 * Library code does not print, and a note that cannot be stored is not a
 * reason to abort a run: on ENOMEM or a full table the note is dropped,
 * and the last slot says so once.
 */
void run_note(struct run *r, const char *fmt, ...)
{
	va_list ap;
	char *s = NULL;
	int n;

	if (!r || !fmt)
		return;
	if (r->nnotes >= RUN_MAX_NOTES)
		return;
	if (r->nnotes == RUN_MAX_NOTES - 1) {
		s = strdup("(further notes dropped: table full)");
		if (s)
			r->notes[r->nnotes++] = s;
		return;
	}
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	r->notes[r->nnotes++] = s;
}

void run_free_notes(struct run *r)
{
	if (!r)
		return;
	for (unsigned i = 0; i < r->nnotes && i < RUN_MAX_NOTES; i++) {
		free(r->notes[i]);
		r->notes[i] = NULL;
	}
	r->nnotes = 0;
	json_decref(r->bench);
	r->bench = NULL;
	/* the services and trees are kept for the results until here */
	for (unsigned i = 0; i < r->ninst && i < RUN_MAX_INSTANCES; i++) {
		free(r->inst[i].svc);
		r->inst[i].svc = NULL;
		free(r->inst[i].tree);
		r->inst[i].tree = NULL;
	}
}

/* The outcomes and every spelling of them, in one place. */
static const struct {
	enum outcome o;
	const char *name;  /* results JSON "verdict", TAP, JUnit type */
	const char *word;  /* the four-letter word of a list (vm run) */
	const char *junit; /* JUnit element; a pass has none */
} outcomes[] = {
	{ OUTCOME_PASS, "pass", "PASS", NULL },
	{ OUTCOME_FAIL, "fail", "FAIL", "failure" },
	{ OUTCOME_BROK, "broken", "BROK", "error" },
	{ OUTCOME_SKIP, "skip", "SKIP", "skipped" },
};

static int outcome_idx(enum outcome o)
{
	for (size_t i = 0; i < ARRAY_SIZE(outcomes); i++)
		if (outcomes[i].o == o)
			return (int)i;
	return -1;
}

const char *outcome_name(enum outcome o)
{
	int i = outcome_idx(o);

	return i < 0 ? "unknown" : outcomes[i].name;
}

const char *outcome_word(enum outcome o)
{
	int i = outcome_idx(o);

	/* not an outcome at all: the harness is broken */
	return outcomes[i < 0 ? outcome_idx(OUTCOME_BROK) : i].word;
}

const char *outcome_junit(enum outcome o)
{
	int i = outcome_idx(o);

	return i < 0 ? NULL : outcomes[i].junit;
}

int outcome_parse(const char *name, enum outcome *ret)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(outcomes); i++)
		if (!strcmp(outcomes[i].name, name)) {
			*ret = outcomes[i].o;
			return 0;
		}
	return -EINVAL;
}

/* ms between two stage marks, 0 when either is missing */
static double stage_ms(uint64_t a, uint64_t b)
{
	return a && b > a ? (double)(b - a) / 1e6 : 0;
}

int run_timings_str(const struct run *r, uint64_t t_results_ns, char *buf, size_t len)
{
	const uint64_t *t = r->t_stage_ns;
	uint64_t killed = 0;
	int n;

	if (!t[RUN_T_START])
		return -ENODATA;
	/* the last kill the run waited for: its victim reaped (pidfd) */
	for (unsigned i = 0; i < r->ninst; i++)
		if (r->inst[i].killed && r->inst[i].reaped_ns > killed)
			killed = r->inst[i].reaped_ns;
	if (killed < t[RUN_T_TRIGGER] || killed > t[RUN_T_OBSERVE])
		killed = 0;
	n = snprintf(
		buf, len,
		"timings: start %.3f s; setup %.1f spawn %.1f ramp %.1f snapshot %.1f "
		"trigger %.1f kills %.1f settle %.1f teardown %.1f results %.1f ms",
		(double)t[RUN_T_START] / 1e9, stage_ms(t[RUN_T_START], t[RUN_T_SETUP]),
		stage_ms(t[RUN_T_SETUP], t[RUN_T_SPAWN]), stage_ms(t[RUN_T_SPAWN], t[RUN_T_RAMP]),
		stage_ms(t[RUN_T_RAMP], t[RUN_T_SNAPSHOT]),
		stage_ms(t[RUN_T_SNAPSHOT], t[RUN_T_TRIGGER]),
		stage_ms(t[RUN_T_TRIGGER], killed ? killed : t[RUN_T_OBSERVE]),
		killed ? stage_ms(killed, t[RUN_T_OBSERVE]) : 0,
		stage_ms(t[RUN_T_OBSERVE] ? t[RUN_T_OBSERVE] : t[RUN_T_SPAWN], t[RUN_T_TEARDOWN]),
		stage_ms(t[RUN_T_TEARDOWN], t_results_ns));
	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
