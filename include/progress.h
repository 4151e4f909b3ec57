/* SPDX-License-Identifier: MIT */
/*
 * A single status line redrawn in place on a terminal while a run ramps and
 * observes (issue 9: "long runs show live progress on a TTY"): the stage,
 * the latency phase, the memcg's usage against its limit, the kills so far
 * and the time since the run began. Nothing at all when the fd is not a
 * terminal, so logs and pipes never see carriage returns.
 *
 * It writes to the fd the caller hands it (the command's stderr): that is
 * its whole purpose, the one exception to "library code does not print".
 */
#ifndef OOMLAB_PROGRESS_H
#define OOMLAB_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct progress {
	int fd;
	bool on;	  /* fd is a terminal */
	bool shown;	  /* a line is on the screen now */
	uint64_t last_ns; /* last redraw */
	uint64_t every_ns;
};

/* On only if fd is a terminal (isatty). */
void progress_init(struct progress *p, int fd);
/*
 * "observe  reclaim  usage 95.8M/96.0M  kills 1  3.2 s" into buf (limit
 * UINT64_MAX or 0: no limit shown). Pure, for the tests.
 */
size_t progress_format(char *buf, size_t len, const char *stage, const char *phase, uint64_t usage,
		       uint64_t limit, unsigned kills, uint64_t elapsed_ns);
/* Redraw with line if on and every_ns (100 ms) passed since the last. */
void progress_show(struct progress *p, uint64_t now, const char *line);
/* Erase the line (before other output goes to the terminal, and at the end). */
void progress_clear(struct progress *p);

#endif
