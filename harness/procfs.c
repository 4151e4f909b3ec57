// SPDX-License-Identifier: MIT
/* /proc readers: the per-task numbers the badness model needs. */
#include <limits.h>
#include <string.h>
#include <sys/capability.h>

#include "procfs.h"
#include "util.h"

static int read_pid_file(const char *proc, pid_t pid, const char *name, char **ret)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%d/%s", proc, (int)pid, name);
	return read_file_str(path, ret);
}

/* "VmRSS:\t  1234 kB" -> bytes */
static uint64_t status_kb(const char *status, const char *key)
{
	const char *p = strstr(status, key);

	if (!p)
		return 0;
	p += strlen(key);
	return strtoull(p, NULL, 10) * 1024;
}

static double clk_tck(void)
{
	long t = sysconf(_SC_CLK_TCK);

	return t > 0 ? (double)t : 100.0;
}

static int uptime_s(const char *proc, double *ret)
{
	_cleanup_free_ char *buf = NULL;
	char path[PATH_MAX];
	int r;

	snprintf(path, sizeof(path), "%s/uptime", proc);
	r = read_file_str(path, &buf);
	if (r < 0)
		return r;
	*ret = strtod(buf, NULL);
	return 0;
}

int proc_snapshot(const char *proc, pid_t pid, struct proc_snapshot *ret)
{
	_cleanup_free_ char *status = NULL, *stat = NULL, *score = NULL, *adj = NULL,
			    *children = NULL;
	struct proc_snapshot s = { 0 };
	char subdir[64];
	const char *p;
	double up = 0;
	int r;

	r = read_pid_file(proc, pid, "status", &status);
	if (r < 0)
		return r;
	r = read_pid_file(proc, pid, "stat", &stat);
	if (r < 0)
		return r;
	s.rss_bytes = status_kb(status, "\nVmRSS:");
	s.swap_bytes = status_kb(status, "\nVmSwap:");
	s.pgtables_bytes = status_kb(status, "\nVmPTE:");
	s.vm_bytes = status_kb(status, "\nVmSize:");
	p = strstr(status, "\nUid:");
	if (p)
		s.uid = (uid_t)strtoul(p + 5, NULL, 10);
	p = strstr(status, "\nCapEff:");
	if (p)
		s.cap_eff = strtoull(p + 8, NULL, 16);
	p = strstr(status, "Name:");
	if (p) {
		p += 5;
		while (*p == '\t' || *p == ' ')
			p++;
		size_t n = strcspn(p, "\n");

		if (n >= sizeof(s.comm))
			n = sizeof(s.comm) - 1;
		memcpy(s.comm, p, n);
	}

	/* stat: "pid (comm) S ..." — comm may hold spaces and ')', so parse
	 * from the last ')'. Fields after it start at field 3 (state). */
	p = strrchr(stat, ')');
	if (!p)
		return -EINVAL;
	{
		unsigned long long f[64] = { 0 };
		long long sf[64] = { 0 };
		unsigned i = 3;
		char *end;

		p += 2; /* ") " */
		p++;	/* state char */
		while (*p && i < 30) {
			i++;
			sf[i] = strtoll(p, &end, 10);
			f[i] = (unsigned long long)sf[i];
			if (end == p)
				break;
			p = end;
		}
		/* utime 14, stime 15, nice 19, starttime 22 (man 5 proc) */
		s.cpu_s = (double)(f[14] + f[15]) / clk_tck();
		s.nice = (int)sf[19];
		if (uptime_s(proc, &up) == 0)
			s.run_s = up - (double)f[22] / clk_tck();
	}

	if (read_pid_file(proc, pid, "oom_score", &score) == 0)
		s.oom_score = strtol(score, NULL, 10);
	if (read_pid_file(proc, pid, "oom_score_adj", &adj) == 0)
		s.oom_score_adj = (int)strtol(adj, NULL, 10);

	snprintf(subdir, sizeof(subdir), "task/%d/children", (int)pid);
	if (read_pid_file(proc, pid, subdir, &children) == 0) {
		char *q = children, *end;

		while (s.nchildren < ARRAY_SIZE(s.children)) {
			long c = strtol(q, &end, 10);

			if (end == q)
				break;
			s.children[s.nchildren++] = (pid_t)c;
			q = end;
		}
	}
	*ret = s;
	return 0;
}

int proc_totalpages(const char *proc, uint64_t *ret)
{
	_cleanup_free_ char *buf = NULL;
	char path[PATH_MAX];
	long page = sysconf(_SC_PAGESIZE);
	int r;

	snprintf(path, sizeof(path), "%s/meminfo", proc);
	r = read_file_str(path, &buf);
	if (r < 0)
		return r;
	if (page <= 0)
		page = 4096;
	/* MemTotal is totalram_pages(); SwapTotal is total_swap_pages. */
	*ret = (status_kb(buf, "MemTotal:") + status_kb(buf, "\nSwapTotal:")) / (uint64_t)page;
	return 0;
}

bool proc_can_lower_adj(void)
{
	cap_t caps = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;

	if (!caps)
		return false;
	cap_get_flag(caps, CAP_SYS_RESOURCE, CAP_EFFECTIVE, &v);
	cap_free(caps);
	return v == CAP_SET;
}
