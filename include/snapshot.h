/* SPDX-License-Identifier: MIT */
/*
 * snapshot: what the model needs, read just before the trigger: each
 * worker's /proc numbers (rss, swap, pgtables, oom_score, adj, nice, caps,
 * cpu, children), the memcg counters, totalpages; then the prediction
 * (verdict_predict). A counter the harness cannot read is BROK.
 */
#ifndef OOMLAB_SNAPSHOT_H
#define OOMLAB_SNAPSHOT_H

struct run_ctx;

void snapshot(struct run_ctx *c);

#endif
