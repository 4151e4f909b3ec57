/* SPDX-License-Identifier: MIT */
/*
 * Readers of /proc/PID for the snapshot the model needs. Every reader takes
 * the proc root ("/proc" normally) so unit tests feed fixture trees.
 */
#ifndef OOMLAB_PROCFS_H
#define OOMLAB_PROCFS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct proc_snapshot {
	uint64_t rss_bytes;	/* VmRSS */
	uint64_t swap_bytes;	/* VmSwap */
	uint64_t pgtables_bytes; /* VmPTE */
	uint64_t vm_bytes;	/* VmSize */
	uid_t uid;		/* real uid */
	uint64_t cap_eff;	/* CapEff bits */
	long oom_score;		/* /proc/PID/oom_score */
	int oom_score_adj;
	int nice;		/* stat field 19 */
	double cpu_s;		/* utime+stime */
	double run_s;		/* now - starttime */
	char comm[16];
	unsigned nchildren;
	pid_t children[16];	/* /proc/PID/task/PID/children */
};

int proc_snapshot(const char *proc, pid_t pid, struct proc_snapshot *ret);
/* Total pages the global OOM killer uses: MemTotal + SwapTotal. */
int proc_totalpages(const char *proc, uint64_t *ret);
/* Whether we may set a negative oom_score_adj (CAP_SYS_RESOURCE). */
bool proc_can_lower_adj(void);

#endif
