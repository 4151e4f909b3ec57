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
	uint64_t rss_bytes;	 /* VmRSS */
	uint64_t swap_bytes;	 /* VmSwap */
	uint64_t pgtables_bytes; /* VmPTE */
	uint64_t vm_bytes;	 /* VmSize */
	uid_t uid;		 /* real uid */
	uint64_t cap_eff;	 /* CapEff bits */
	long oom_score;		 /* /proc/PID/oom_score */
	int oom_score_adj;
	int nice;     /* stat field 19 */
	double cpu_s; /* utime+stime */
	double run_s; /* now - starttime */
	char comm[16];
	unsigned nchildren;
	pid_t children[16]; /* /proc/PID/task/PID/children */
};

/*
 * The fields of /proc/PID/stat that oomlab reads (man 5 proc numbering).
 * Times are in clock ticks (sysconf(_SC_CLK_TCK)); starttime counts from
 * boot (CLOCK_BOOTTIME since 4.17, monotonic before).
 */
struct proc_stat {
	char comm[16];	    /* field 2, without the parentheses */
	char state;	    /* field 3: R S D Z X ... */
	pid_t ppid;	    /* field 4 */
	uint64_t utime;	    /* field 14 */
	uint64_t stime;	    /* field 15 */
	int nice;	    /* field 19 */
	uint64_t starttime; /* field 22 */
};

/* Parse the text of a /proc/PID/stat file. -EINVAL if it is not one. */
int proc_stat_parse(const char *text, struct proc_stat *ret);
/* Read and parse PROC/PID/stat. */
int proc_stat_read(const char *proc, pid_t pid, struct proc_stat *ret);

int proc_snapshot(const char *proc, pid_t pid, struct proc_snapshot *ret);
/* Total pages the global OOM killer uses: MemTotal + SwapTotal. */
int proc_totalpages(const char *proc, uint64_t *ret);
/*
 * First mount of type fstype ("cgroup", "cgroup2") in PROC/self/mounts
 * whose options include opt (NULL: any), unescaped. *ret = NULL (and 0)
 * when there is none.
 */
int proc_mount_find(const char *proc, const char *fstype, const char *opt, char **ret);
/*
 * This process's path in a cgroup hierarchy, from PROC/self/cgroup: the
 * v1 hierarchy with controller ctrl ("memory"), or the unified one ("0::")
 * when ctrl is NULL. *ret = NULL (and 0) when not listed.
 */
int proc_cgroup_path(const char *proc, const char *ctrl, char **ret);

/* Whether we may set a negative oom_score_adj (CAP_SYS_RESOURCE). */
bool proc_can_lower_adj(void);

#endif
