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
	int prio; /* syslog facility*8 + level, as the kernel gives */
	uint64_t seq;
	uint64_t usec;	 /* since boot */
	char flags;	 /* '-' or 'c' */
	const char *msg; /* points into the parsed buffer, not copied */
	size_t msg_len;
};

int kmsg_parse_record(const char *buf, size_t len, struct kmsg_record *ret);

enum oom_event_type {
	OOM_EV_NONE = 0,
	OOM_EV_INVOKED,	   /* "X invoked oom-killer: gfp_mask=..., oom_score_adj=A" */
	OOM_EV_CONSTRAINT, /* ">= 4.19: oom-kill:constraint=...,task=,pid=,uid=" */
	OOM_EV_SELECTED,   /* "Kill process N (X) score S or sacrifice child",
				 * "Out of Memory: Kill process N (X) score S and children." */
	OOM_EV_KILLED, /* "[Memory cgroup out of memory|Out of memory]: Killed process N (X) ..." */
	OOM_EV_REAPED, /* "oom_reaper: reaped process N (X), now anon-rss:..." */
	OOM_EV_GROUP,  /* "Tasks in /X are going to be killed due to memory.oom.group set" */
	OOM_EV_TASK_ROW,       /* a row of the "Tasks state" dump */
	OOM_EV_MEMCG_LIMIT,    /* "Task in /X killed as a result of limit of /Y" (<= 4.18) */
	OOM_EV_PANIC,	       /* "Kernel panic - not syncing: Out of memory..." */
	OOM_EV_MARKER,	       /* a line written by the harness (kmsg_write_marker) */
	OOM_EV_CPU,	       /* "CPU: N PID: N Comm: X Not tainted REL" (dump_stack
				 * after the trigger line; 2.6.x "Pid: N, comm: X ...") */
	OOM_EV_MEMCG_USAGE,    /* "memory: usage NkB, limit NkB, failcnt N" (also
				 * "swap:", "memory+swap:", "kmem:": see counter) */
	OOM_EV_PAGES_RAM,      /* Mem-Info "N pages RAM" (value) */
	OOM_EV_PAGES_RESERVED, /* Mem-Info "N pages reserved" (value) */
	OOM_EV_SWAP_TOTAL,     /* Mem-Info "Total swap = NkB" (value, kB) */
	OOM_EV_TASK_HEADER,    /* "[  pid  ]   uid  tgid total_vm ..." (see
				 * oom_parser.era_hint) */
			       /* the six above come only from oom_parser_line_ex() */
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
	pid_t pid; /* -1 if not given */
	char comm[64];
	bool memcg; /* memcg OOM (from "Memory cgroup out of memory" / constraint) */
	enum oom_constraint constraint;
	char oom_memcg[256];
	char task_memcg[256];
	bool has_score;
	long score; /* SELECTED: the era's score */
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
	long row_pgtables_bytes; /* nr_ptes(+nr_pmds) eras: pages * 4096 */
	long row_swapents;
	long row_rss_anon; /* >= 6.x rows only (added after 4.19) */
	long row_rss_file;
	long row_rss_shmem;
	char marker[128]; /* MARKER: text after "oomlab: " */
	long row_tgid;	  /* TASK_ROW: -1 when the layout has none */
	/* INVOKED: "gfp_mask=0xcc0(GFP_KERNEL)" value as printed, order */
	char gfp_mask[64];
	bool has_order;
	long order;
	/* KILLED/SELECTED: "Out of memory (oom_kill_allocating_task): ..." */
	bool allocating_task;
	/* KILLED: "Kill process N (X) sharing same memory" (2.6.36 - 4.x):
	 * a process on the victim's mm, killed with it */
	bool mm_sharer;
	/* CPU: the running kernel's release, as the dump_stack line gives it */
	char release[64];
	/* MEMCG_USAGE: which counter ("memory", "swap", "memory+swap", "kmem") */
	char counter[16];
	long usage_kb;
	long limit_kb;
	/* PAGES_RAM, PAGES_RESERVED, SWAP_TOTAL */
	long value;
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
 * What a prefix said about one captured line (oom_prefix_split). The
 * shapes are recognised, never parsed by name: a wall clock is kept as the
 * text the log gives ("Thu May 14 23:17:24 2020", "月  1月 26 10:11:12
 * 2025", "2020-05-08T14:05:27.745+08:00"), so any locale reads.
 */
enum oom_source {
	OOM_SRC_UNKNOWN = 0, /* the format does not say (dmesg, pasted text) */
	OOM_SRC_KERNEL,	     /* "host kernel: ", journal _TRANSPORT=kernel, a
				 * "kernel" column of an export */
	OOM_SRC_OTHER,	     /* another program's line ("host prog[12]: ") */
};

struct oom_prefix {
	const char *msg; /* the message, inside the line */
	bool any;	 /* some prefix was recognised */
	bool has_ktime;
	double ktime;  /* "[  162.598046]": seconds since boot */
	char wall[64]; /* wall-clock text, "" when the line has none */
	enum oom_source source;
};

/*
 * Export columns remembered across lines (Kibana/Grafana/CSV): where the
 * "kernel" source column was, so a line with another program there is
 * another program's. Zero-initialise per input.
 */
struct oom_prefix_state {
	int kernel_col; /* 0: not seen; else column index + 1 */
	char sep;	/* the export's separator once seen */
};

/*
 * Split a captured line into prefix and message: everything
 * oom_strip_prefix() skips plus caller ids ("[ T123]", "[C1]", 5.1+
 * CONFIG_PRINTK_CALLER), journalctl's short-monotonic "[ 12.3] host
 * kernel: ", and log-shipper exports ("DATE | kernel | MSG", CSV with
 * quotes). st may be NULL. The line must be NUL-terminated and is not
 * modified, except that a CSV-quoted message is unquoted into a copy that
 * st does not own: such lines come back with msg pointing into buf (size
 * bufsize), which the caller provides.
 */
void oom_prefix_split(const char *line, struct oom_prefix_state *st, char *buf, size_t bufsize,
		      struct oom_prefix *ret);

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
	unsigned int ncols; /* 0: no header seen */
	unsigned char col[OOM_PARSER_MAX_COLS];
	/* What the last header's columns say about the kernel: "rss_anon"
	 * (6.x), "pgtables_bytes" (4.15+), "nr_ptes" (3.8 - 4.14), "cpu
	 * oom_adj oom_score_adj" (2.6.36 - 3.7), "cpu oom_adj" (2.6.32 -
	 * 2.6.35), as the oldest version with those columns ("6.0", "4.15",
	 * "3.8", "2.6.36", "2.6.32") or "" when none was seen. */
	char era_hint[8];
};
void oom_parser_init(struct oom_parser *p);
int oom_parser_line(struct oom_parser *p, const char *msg, struct oom_event *ret);
/*
 * Like oom_parser_line, and also the report's other lines that an
 * assembler needs (OOM_EV_CPU, OOM_EV_MEMCG_USAGE, OOM_EV_PAGES_RAM,
 * OOM_EV_PAGES_RESERVED, OOM_EV_SWAP_TOTAL, OOM_EV_TASK_HEADER), which
 * oom_parser_line() leaves alone so its callers see what they always saw.
 */
int oom_parser_line_ex(struct oom_parser *p, const char *msg, struct oom_event *ret);
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

/* The kernel's spelling of c ("CONSTRAINT_MEMCG"); "unknown" for UNKNOWN. */
const char *oom_constraint_name(enum oom_constraint c);

#endif
