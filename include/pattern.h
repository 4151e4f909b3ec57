/* SPDX-License-Identifier: MIT */
/*
 * Allocation patterns of oomlab-worker. One file per pattern under
 * stressors/, each exporting one `const struct pattern` (its run function),
 * and one line per pattern in the table in stressors/patterns.c (its name,
 * help, options and flags), which oomlab links too: the profile parser,
 * spawn, the runner and claims read it. Adding a pattern is one file and
 * one line.
 */
#ifndef OOMLAB_PATTERN_H
#define OOMLAB_PATTERN_H

#include <stdbool.h>
#include <stdint.h>

#include "scoreboard.h"

/* the run's cgroup, its groups, one leaf per worker and the pressure's */
#define PATTERN_MAX_OOM_COUNTERS 1042 /* RUN_MAX_INSTANCES + PROFILE_MAX_GROUPS + 2 */

struct worker_opts {
	const char *name;     /* comm, <= 15 chars */
	uint64_t size;	      /* bytes to reach */
	uint64_t ramp_bps;    /* bytes/s, 0 = as fast as possible */
	int64_t hold_ms;      /* -1 = hold until signalled */
	unsigned cycles;      /* free/re-touch cycles after reaching size */
	const char *dir;      /* file pattern: directory for its file */
	unsigned children;    /* fork-tree: number of children */
	uint64_t parent_size; /* fork-tree: bytes the parent holds itself */
	/* pressure: files with an "oom_kill N" line, their kills summed (v1
	 * counts a kill only in the victim's own memcg: one file per memcg) */
	const char *oom_counter[PATTERN_MAX_OOM_COUNTERS];
	unsigned noom_counters;
	/* pressure: a v1 memcg directory whose OOM notification says when
	 * to read those (stressors/pressure.c); NULL: after every step */
	const char *oom_notify;
	uint64_t chunk;	      /* pressure: bytes per step */
	struct sb_slot *slot; /* never NULL: a private dummy when standalone */
	bool quiet;
	bool standalone;   /* slot is the dummy: nobody will say "go on" */
	char *const *argv; /* init: the command after "--", NULL if none */
};

/*
 * A pattern in two halves. What the harness and the worker both need to
 * know (name, help, which options it takes, how it behaves) is one line of
 * the table in stressors/patterns.c, an object both binaries link. What
 * only the worker runs is the pattern file's own descriptor, `struct
 * pattern`, which the table reaches through a weak reference: oomlab does
 * not link the pattern files, so there it is NULL (pattern_info.worker).
 */
struct pattern {
	int (*run)(const struct worker_opts *o); /* 0 or -errno */
};

/* Options beyond size, ramp and hold (which every pattern takes). */
enum pattern_opt {
	PATTERN_OPT_CYCLES = 1 << 0,	  /* cycles = N / --cycles: free and re-touch */
	PATTERN_OPT_CHILDREN = 1 << 1,	  /* children = N / --children */
	PATTERN_OPT_PARENT_SIZE = 1 << 2, /* parent_size = SIZE / --parent-size */
	PATTERN_OPT_DIR = 1 << 3,	  /* --dir: where its file goes (worker only) */
	PATTERN_OPT_OOM_COUNTER = 1 << 4, /* --oom-counter (pressure) */
	PATTERN_OPT_CHUNK = 1 << 5,	  /* --chunk (pressure) */
	PATTERN_OPT_COMMAND = 1 << 6,	  /* the command after "--" (init) */
};

enum pattern_flag {
	/* reports bytes, phase and fault latency in its scoreboard slot
	 * (every pattern does; a `command` worker does not) */
	PATTERN_F_SCOREBOARD = 1 << 0,
	/* its children share its mm (CLONE_VM): the kernel SIGKILLs every
	 * process on a victim's mm, so the kill of a sharer is its own kill */
	PATTERN_F_SHARED_MM = 1 << 1,
	/* started by the harness itself (pressure, init): no profile names it */
	PATTERN_F_INTERNAL = 1 << 2,
	/* may run without --size (pressure grows until the OOM) */
	PATTERN_F_UNBOUNDED = 1 << 3,
	/* What the kernel can take back of --size before the trigger (the
	 * profile's validation; none of them: anonymous memory, swappable):
	 * clean page cache, dropped under pressure; */
	PATTERN_F_PAGE_CACHE = 1 << 4,
	/* shmem pages: swappable like anon, never dropped; */
	PATTERN_F_SHMEM = 1 << 5,
	/* mlocked pages: unevictable, neither dropped nor swapped */
	PATTERN_F_MLOCKED = 1 << 6,
};

struct pattern_info {
	const char *name;
	const char *help;
	unsigned opts;		      /* enum pattern_opt */
	unsigned flags;		      /* enum pattern_flag */
	const struct pattern *worker; /* the run half; NULL in oomlab */
};

/* A worker that names no pattern and no command runs this one. */
#define PATTERN_DEFAULT "page-touch"

extern const struct pattern_info pattern_table[];
extern const unsigned pattern_count;
/* The table entry named name, NULL if none. */
const struct pattern_info *pattern_find(const char *name);
/* pattern_find(name)'s flags & flag; false for NULL or unknown names. */
bool pattern_has_flag(const char *name, unsigned flag);
/* pattern_find(name)'s opts & opt; false for NULL or unknown names. */
bool pattern_takes(const char *name, unsigned opt);

/*
 * Shared by patterns (stressors/touch.c): touch [p, p+len) one page at a
 * time, honouring ramp_bps, recording fault latency and bytes_touched into
 * the slot (*touched grows by the bytes touched). Returns 0, or -EINTR when
 * a stop (signal or slot->stop) cut it short.
 */
int touch_range(const struct worker_opts *o, char *p, uint64_t len, uint64_t *touched);
/* After ramp: set HOLDING, run cycles, hold for hold_ms or forever. */
int hold_phase(const struct worker_opts *o, void (*retouch)(void *), void *arg);
void slot_set_phase(struct sb_slot *s, enum sb_phase ph);
void slot_fail(struct sb_slot *s, int err);

#endif
