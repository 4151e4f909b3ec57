/* SPDX-License-Identifier: MIT */
/*
 * Verdict: compare what the profile expected with what the kernel did, and
 * explain every difference with the model's numbers (ties, margins,
 * /proc oom_score misleading inside a memcg, cross-check disagreements).
 */
#ifndef OOMLAB_VERDICT_H
#define OOMLAB_VERDICT_H

#include "run.h"

/*
 * Predict: fill inst[].predicted and predicted_rank (1-based among the
 * instances; 0 = never chosen) from inst[].task with r->era (resolved from
 * r->kernel when AUTO) and r->totalpages. Index order is taken as the
 * kernel's scan order for ties.
 */
void verdict_predict(struct run *r);
/*
 * For a profile with [group]s: where the OOM happens (groups_oom_domain
 * for trigger_group with usage[] as there, run_limit the run cgroup's
 * limit now), r->totalpages from that memcg's limit. verdict_predict then
 * ranks only the domain's candidates. -EINVAL when no limit applies.
 */
int verdict_domain(struct run *r, uint64_t run_limit, const uint64_t *usage, uint64_t page);
/*
 * Decide r->outcome (unless already BROK/SKIP) and add notes. Looks at:
 * expectations of each instance, kill order, kill records vs deaths vs
 * memcg counters (distinct PIDs).
 */
void verdict_decide(struct run *r);
/*
 * Margin between the instances predicted at rank_a and rank_b, in % of
 * totalpages (2.6.36-3.7 scores are per mille already); NAN if either rank
 * is absent.
 */
double verdict_margin_pct(const struct run *r, unsigned rank_a, unsigned rank_b);

#endif
