/* SPDX-License-Identifier: MIT */
/*
 * oomlab explain: captured OOM reports of any era and format -> one event
 * per killed task, with the kernel's choice checked against its era's
 * badness model (docs/explain.md).
 *
 * Three layers, each usable alone:
 *  - the assembler (explain-event.c): kernel messages in, events out. It
 *    knows nothing of files: the run's observe stage can feed it
 *    /dev/kmsg records as they come (oom_asm_line with the record's usec);
 *  - the model check (explain-model.c): a report's task table re-ranked
 *    under badness.h;
 *  - the input layer (explain-input.c): a stream of dmesg / journal /
 *    syslog / export text in, kernel messages in order out.
 */
#ifndef OOMLAB_EXPLAIN_H
#define OOMLAB_EXPLAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "badness.h"
#include "kmsg.h"

/* What the log says about when a line was printed. */
struct oom_line_meta {
	bool has_ktime;
	double ktime;  /* seconds since boot (the kernel's timestamp) */
	char wall[64]; /* wall-clock text as the log gives it, or "" */
};

/* One row of the report's task table ("Tasks state"), as printed. */
struct oom_task {
	pid_t pid;
	pid_t tgid;	     /* -1: the layout has none */
	long uid;	     /* -1: none */
	long total_vm;	     /* pages */
	long rss;	     /* pages: anon + file + shmem */
	long pgtables_bytes; /* -1: none */
	long swapents;	     /* -1: none */
	bool has_adj;
	long adj;
	char comm[32];
};

#define OOM_REPORT_CANDIDATES 10

struct oom_candidate {
	unsigned rank; /* 1 = the model's victim */
	pid_t pid;
	char comm[32];
	long uid;
	long rss_pages;
	long swapents;	     /* -1: none */
	long pgtables_bytes; /* -1: none */
	bool has_adj;
	long adj;
	bool unkillable;
	double points;	   /* the era's badness */
	double margin_pct; /* rank 1: lead over rank 2; else behind rank 1,
			    * in % of totalpages (verdict.c's unit) */
};

struct oom_model {
	bool ran; /* a task table was there to rank */
	enum oom_era era;
	const char *era_from; /* "version", "log", "option" */
	bool has_totalpages;
	uint64_t totalpages;
	bool has_predicted;
	pid_t predicted_pid;
	char predicted_comm[32];
	int agrees;    /* 1, 0, or -1 when it cannot be said */
	char why[384]; /* "" when it agrees and nothing is to say */
};

struct oom_trigger {
	bool present; /* an "invoked oom-killer" line was seen */
	char comm[64];
	pid_t pid; /* from "CPU: N PID: N Comm:", -1 */
	char gfp_mask[64];
	bool has_order;
	long order;
	bool has_adj;
	long adj;
	char release[64]; /* the kernel's, from the same line, or "" */
};

/* One killed task. Numbers are -1 and strings "" when the log lacks them. */
struct oom_report {
	unsigned oom; /* 1-based: which OOM of the input; a group
		       * kill's events share it */
	pid_t pid;
	char comm[64];
	bool has_uid;
	long uid;
	bool has_constraint;
	enum oom_constraint constraint;
	bool has_oom_memcg;
	char oom_memcg[256];
	bool has_memcg;
	char memcg[256]; /* task_memcg; "Task in /X" (< 4.19); oom.group path */
	bool memcg_oom;	 /* the memcg's OOM, by the log's own words */
	long anon_rss_kb, file_rss_kb, shmem_rss_kb, total_vm_kb, pgtables_kb;
	bool has_adj;
	long oom_score_adj;
	bool has_ktime;
	double ktime;
	char wall[64];
	struct oom_trigger trigger;
	bool group_kill;
	bool has_selected; /* "Kill process N (X) score S or sacrifice child" */
	pid_t selected_pid;
	char selected_comm[64];
	bool has_score;
	long score;
	bool allocating_task; /* vm.oom_kill_allocating_task chose it */
	bool mm_sharer;	      /* killed as a sharer of the victim's mm */
	long memcg_usage_kb, memcg_limit_kb;
	bool reaped;
	long reaped_anon_kb, reaped_file_kb, reaped_shmem_kb;
	unsigned ntasks; /* rows of the report's task table */
	unsigned ncand;
	struct oom_candidate cand[OOM_REPORT_CANDIDATES];
	struct oom_model model;
};

/* ---- assembler ---- */

typedef void (*oom_report_fn)(const struct oom_report *rep, void *arg);
struct oom_assembler;

/*
 * era: OOM_ERA_AUTO takes it from the report (the kernel release of the
 * "CPU: ... Comm:" line, else the shape of its lines). fn is called once
 * per killed task, in the order of the kills, when the event is complete
 * (its OOM is over: a later OOM began, or oom_asm_flush()).
 */
int oom_asm_new(enum oom_era era, oom_report_fn fn, void *arg, struct oom_assembler **ret);
/* One kernel message (prefix stripped, see oom_prefix_split). */
void oom_asm_line(struct oom_assembler *a, const char *msg, const struct oom_line_meta *m);
/* Lines are missing here (a grep "--", records lost): a task table this
 * cuts is marked truncated. */
void oom_asm_gap(struct oom_assembler *a);
/* Emit every pending event (an idle follower: the OOM may go on). */
void oom_asm_flush(struct oom_assembler *a);
/* The input ended: close the OOM in progress and emit everything. */
void oom_asm_end(struct oom_assembler *a);
/* OOM reports that ended without any kill line (no event for them). */
unsigned oom_asm_killless(const struct oom_assembler *a);
void oom_asm_free(struct oom_assembler *a);

/* ---- model check ---- */

struct oom_model_in {
	const struct oom_task *tasks;
	unsigned ntasks;
	bool truncated;	      /* gap in the table, or more rows than kept */
	enum oom_era force;   /* OOM_ERA_AUTO: from release or shape */
	const char *release;  /* "" when unknown */
	const char *era_hint; /* the table header's (oom_parser.era_hint) */
	bool shape_4_19;      /* an oom-kill: line or "UID:..pgtables" kill line */
	bool shape_old;	      /* "... and children." (<= 2.6.35 selection line) */
	bool memcg_oom;
	long limit_kb;				       /* the memcg's "memory: ... limit", -1 */
	long pages_ram, pages_reserved, swap_total_kb; /* Mem-Info, -1 */
	bool has_constraint;
	enum oom_constraint constraint;
	pid_t chosen_pid; /* the kernel's pick: selected, else first kill */
	pid_t killed_pid; /* this event's */
	bool allocating_task;
	bool group;
	const char *group_memcg;
	bool mm_sharer;
	const pid_t *earlier; /* victims of earlier OOMs of the input */
	unsigned nearlier;
};

void oom_model_check(const struct oom_model_in *in, struct oom_model *ret_model,
		     struct oom_candidate *ret_cand, unsigned max, unsigned *ret_n);

/* ---- input layer ---- */

struct explain_stats {
	uint64_t lines;	       /* physical lines (or journal records) read */
	uint64_t unreadable;   /* NUL bytes, longer than EXPLAIN_LINE_MAX, bad JSON */
	uint64_t other_source; /* other programs' lines, by the format's word */
	uint64_t joined;       /* wrapped fragments joined to the line before */
	uint64_t dropped;      /* lines of a newest-first input beyond the buffer */
	bool reversed;	       /* newest-first input, read in reverse */
};

/* Lines longer than this are counted unreadable and skipped. */
#define EXPLAIN_LINE_MAX (64 * 1024)

/*
 * Read one input (fd: a file, a pipe) to its end, feeding the assembler
 * in the kernel's order; stats are added to *st. Memory stays bounded
 * whatever the input (a newest-first export is buffered, its OOM lines
 * only, up to 64 MiB). 0 or -errno (a read error).
 */
int explain_read_fd(int fd, struct oom_assembler *a, struct explain_stats *st);

/* ---- output ---- */

/* jansson dump flag for reals: kernel times have 14 significant digits
 * ("4650180.470877"); the default 17 prints "...0000001" */
#define EXPLAIN_JSON_REALS JSON_REAL_PRECISION(15)
/* One event as the JSON object of docs/explain.md (jansson json_t *). */
void *explain_report_json(const struct oom_report *rep);
/* The human table of one event. */
void explain_report_print(const struct oom_report *rep, FILE *f);

/* `oomlab explain [--json FILE|-] [--follow] [--model ERA] [FILE...]` */
int explain_main(int argc, char **argv);

#endif
