/* SPDX-License-Identifier: MIT */
/* `oomlab bench`: a run with the reclaim benchmark's section, --repeat N
 * (a summary with intervals per scenario), --compare A.json B.json
 * (docs/bench.md). */
#ifndef OOMLAB_BENCH_CMD_H
#define OOMLAB_BENCH_CMD_H

/* argv[0] is "bench"; the exit code (0, 1, 2, 77 as for run). */
int bench_main(int argc, char **argv);

#endif
