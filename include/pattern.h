/* SPDX-License-Identifier: MIT */
/*
 * Allocation patterns of oomlab-worker. One file per pattern under
 * stressors/, each exporting one `const struct pattern`, all listed in the
 * table in stressors/patterns.c. Adding a pattern is one file and one line.
 */
#ifndef OOMLAB_PATTERN_H
#define OOMLAB_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#include "scoreboard.h"

struct worker_opts {
	const char *name;	/* comm, <= 15 chars */
	uint64_t size;		/* bytes to reach */
	uint64_t ramp_bps;	/* bytes/s, 0 = as fast as possible */
	int64_t hold_ms;	/* -1 = hold until signalled */
	unsigned cycles;	/* free/re-touch cycles after reaching size */
	const char *dir;	/* file pattern: directory for its file */
	unsigned children;	/* fork-tree: number of children */
	uint64_t parent_size;	/* fork-tree: bytes the parent holds itself */
	const char *oom_counter; /* pressure: file with an "oom_kill N" line */
	uint64_t chunk;		/* pressure: bytes per step */
	struct sb_slot *slot;	/* never NULL: a private dummy when standalone */
	bool quiet;
	bool standalone;	/* slot is the dummy: nobody will say "go on" */
	char *const *argv;	/* init: the command after "--", NULL if none */
};

struct pattern {
	const char *name;
	const char *help;
	int (*run)(const struct worker_opts *o); /* 0 or -errno */
};

extern const struct pattern *const pattern_table[];
extern const unsigned pattern_count;
const struct pattern *pattern_find(const char *name);

/*
 * Shared by patterns (stressors/touch.c): touch [p, p+len) one page at a
 * time, honouring ramp_bps, recording fault latency and bytes_touched into
 * the slot (*touched grows by the bytes touched). Returns 0, or -EINTR when
 * a stop (signal or slot->stop) cut it short.
 */
int touch_range(const struct worker_opts *o, char *p, uint64_t len,
		uint64_t *touched);
/* After ramp: set HOLDING, run cycles, hold for hold_ms or forever. */
int hold_phase(const struct worker_opts *o, void (*retouch)(void *), void *arg);
void slot_set_phase(struct sb_slot *s, enum sb_phase ph);
void slot_fail(struct sb_slot *s, int err);

#endif
