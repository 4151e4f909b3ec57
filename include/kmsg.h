/* SPDX-License-Identifier: MIT */
/*
 * The kernel's own record of an OOM: /dev/kmsg reader and the parser of
 * OOM-killer lines of every kernel era (see DESIGN.md "Kernel log").
 *
 * The parser takes text and never touches the machine, so it is unit-tested
 * on captures. The reader takes a path (normally /dev/kmsg) so tests can feed
 * a file.
 */
#ifndef OOMLAB_KMSG_H
#define OOMLAB_KMSG_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

/* One /dev/kmsg record: "prio,seq,usec,flags;msg" (continuation lines
 * starting with a space, " KEY=value", are dropped). */
struct kmsg_record {
	int prio;		/* syslog facility*8 + level, as the kernel gives */
	uint64_t seq;
	uint64_t usec;		/* since boot */
	char flags;		/* '-' or 'c' */
	const char *msg;	/* points into the parsed buffer, not copied */
	size_t msg_len;
};

int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *ret);

enum oom_event_type {
	OOM_EV_NONE = 0,
	OOM_EV_INVOKED,		/* "X invoked oom-killer: gfp_mask=..., oom_score_adj=A" */
	OOM_EV_CONSTRAINT,	/* ">= 4.19: oom-kill:constraint=...,task=,pid=,uid=" */
	OOM_EV_SELECTED,	/* "Kill process N (X) score S or sacrifice child",
				 * "Out of Memory: Kill process N (X) score S and children." */
	OOM_EV_KILLED,		/* "[Memory cgroup out of memory|Out of memory]: Killed process N (X) ..." */
	OOM_EV_REAPED,		/* "oom_reaper: reaped process N (X), now anon-rss:..." */
	OOM_EV_GROUP,		/* "Tasks in /X are going to be killed due to memory.oom.group set" */
	OOM_EV_TASK_ROW,	/* a row of the "Tasks state" dump */
	OOM_EV_MEMCG_LIMIT,	/* "Task in /X killed as a result of limit of /Y" (<= 4.18) */
	OOM_EV_PANIC,		/* "Kernel panic - not syncing: Out of memory..." */
	OOM_EV_MARKER,		/* a line written by the harness (kmsg_write_marker) */
};

enum oom_constraint {
	OOM_CONSTRAINT_UNKNOWN = 0,
	OOM_CONSTRAINT_NONE,
	OOM_CONSTRAINT_CPUSET,
	OOM_CONSTRAINT_MEMORY_POLICY,
	OOM_CONSTRAINT_MEMCG,
};

struct oom_event {
	enum oom_event_type type;
	pid_t pid;		/* -1 if not given */
	char comm[64];
	bool memcg;		/* memcg OOM (from "Memory cgroup out of memory" / constraint) */
	enum oom_constraint constraint;
	char oom_memcg[256];
	char task_memcg[256];
	bool has_score;
	long score;		/* SELECTED: the era's score */
	bool has_uid;
	long uid;
	bool has_adj;
	long oom_score_adj;
	/* KILLED / REAPED (kB). Every number below is -1 when the line does
	 * not give it (older kernels print fewer fields). */
	long total_vm_kb;
	long anon_rss_kb;
	long file_rss_kb;
	long shmem_rss_kb;
	bool has_pgtables;
	long pgtables_kb;
	/* TASK_ROW: in pages as the kernel prints them */
	long row_total_vm;
	long row_rss;
	long row_pgtables_bytes;	/* nr_ptes(+nr_pmds) eras: pages * 4096 */
	long row_swapents;
	long row_rss_anon;	/* >= 6.x rows only (added after 4.19) */
	long row_rss_file;
	long row_rss_shmem;
	char marker[128];	/* MARKER: text after "oomlab: " */
};

/*
 * Parse one log message (no kmsg header, no "[ 12.34]" timestamp: see
 * oom_strip_prefix). Returns 1 and fills *ret if the line is an OOM event,
 * 0 if it is not, -EINVAL never (unknown lines are just not events).
 */
int oom_parse_line(const char *msg, struct oom_event *ret);
/*
 * Skip a dmesg "[  162.598046] " (or dmesg -T "[Thu May 14 23:17:24 2020] ")
 * timestamp, a "<4>" level, a syslog/journal "Mon DD HH:MM:SS host kernel: "
 * or rsyslog "2020-05-08T14:05:27.1+08:00 host kernel: " prefix, in any
 * combination; returns the message start.
 */
const char *oom_strip_prefix(const char *line);

/*
 * Stateful variant: remembers the columns of the last "Tasks state" header
 * ("[  pid  ]   uid  tgid total_vm ..."), because rows of different eras
 * cannot be told apart by their column count alone (2.6.36-3.7
 * "rss cpu oom_adj oom_score_adj" vs 3.8+ "rss nr_ptes swapents
 * oom_score_adj"). oom_parse_line() guesses by count and fills only the
 * columns every layout of that width agrees on. Zero-initialise or call
 * oom_parser_init(); the header line itself returns 0 (not an event).
 */
#define OOM_PARSER_MAX_COLS 24
struct oom_parser {
	unsigned int ncols;	/* 0: no header seen */
	unsigned char col[OOM_PARSER_MAX_COLS];
};
void oom_parser_init(struct oom_parser *p);
int oom_parser_line(struct oom_parser *p, const char *msg, struct oom_event *ret);
const char *oom_event_type_name(enum oom_event_type t);

/* Reader of /dev/kmsg (or a capture file in kmsg format). */
struct kmsg_reader;
/* Opens path O_RDONLY|O_NONBLOCK; seek_end: SEEK_END first (skip history). */
int kmsg_open(const char *path, bool seek_end, struct kmsg_reader **ret);
/*
 * Next record, or -EAGAIN when none is ready. -EPIPE means records were
 * overwritten before we read them: *lost is incremented and reading goes on.
 * The returned record's msg is valid until the next call, and is
 * NUL-terminated at msg_len (continuation lines cut off), so it can be
 * passed to oom_parse_line() as is. A capture file (not a character
 * device) is read line by line; lines starting with '#' are skipped and
 * its end reads as -EAGAIN.
 */
int kmsg_next(struct kmsg_reader *r, struct kmsg_record *ret);
uint64_t kmsg_lost(const struct kmsg_reader *r);
int kmsg_fd(const struct kmsg_reader *r);
void kmsg_close(struct kmsg_reader *r);
/* Write "oomlab: TEXT\n" to /dev/kmsg (path) to bracket a run; TEXT is one
 * line shorter than oom_event.marker, else -EINVAL. */
int kmsg_write_marker(const char *path, const char *text);

#endif
