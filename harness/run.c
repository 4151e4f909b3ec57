// SPDX-License-Identifier: MIT
/*
 * Small helpers on struct run shared by every stage: notes (explanations
 * and cross-check findings the verdict and results carry) and outcome
 * names. The orchestrator that fills struct run lives elsewhere.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
}

const char *outcome_name(enum outcome o)
{
	switch (o) {
	case OUTCOME_PASS:
		return "pass";
	case OUTCOME_FAIL:
		return "fail";
	case OUTCOME_BROK:
		return "broken";
	case OUTCOME_SKIP:
		return "skip";
	}
	return "unknown";
}
