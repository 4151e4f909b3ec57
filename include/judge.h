/* SPDX-License-Identifier: MIT */
/*
 * Judging a claim (profiles/claims/) on one run's result document (the
 * JSON of results.c), by the judge its profile names ([claim] judge =,
 * enum claim_judge in profile.h). A host run and one that came back from a
 * VM guest go through the same code. Pure: no I/O, nothing printed.
 */
#ifndef OOMLAB_JUDGE_H
#define OOMLAB_JUDGE_H

#include <stddef.h>

#include <jansson.h>

#include "badness.h"
#include "profile.h"

enum claim_answer {
	ANSWER_CONFIRMED, /* the kernel behaved as the claim says */
	ANSWER_REFUTED,	  /* it did not */
	ANSWER_SKIP,	  /* the run could not be done here */
	ANSWER_BROKEN,	  /* the harness failed: no answer */
};
#define CLAIM_ANSWERS 4

/* "CONFIRMED", "REFUTED", "SKIP", "BROKEN" */
const char *claim_answer_name(enum claim_answer a);

/* The claim's answer on one result document. */
enum claim_answer judge_answer(enum claim_judge j, const json_t *doc);

/*
 * Would era's model have behaved as claimed on this document's tasks (the
 * workers' model_input)? 1 holds, 0 fails, -1 not applicable (the judge
 * does not look at the ranking, or the run had no ranking: nothing to
 * replay, a panic, an allocation failure).
 */
int judge_model_holds(enum claim_judge j, const json_t *doc, enum oom_era era);

/* One line of evidence for answer a on doc into buf (always terminated). */
void judge_evidence(enum claim_judge j, enum claim_answer a, const json_t *doc, char *buf,
		    size_t len);

/* The string at key of object o, "" when missing or not a string. */
const char *json_str(const json_t *o, const char *key);

#endif
