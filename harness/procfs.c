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

int proc_stat_parse(const char *text, struct proc_stat *ret)
{
	struct proc_stat st = { 0 };
	const char *open, *close, *p;
	unsigned long long f[23] = { 0 };
	size_t n;

	/*
	 * "PID (COMM) S F4 F5 ...": comm is the task's name, which may hold
	 * spaces and ')' (up to 15 bytes, TASK_COMM_LEN), so it ends at the
	 * last ')' of the line.
	 */
	open = strchr(text, '(');
	close = strrchr(text, ')');
	if (!open || !close || close < open || close[1] != ' ' || !close[2] || close[3] != ' ')
		return -EINVAL;
	n = (size_t)(close - open - 1);
	if (n >= sizeof(st.comm))
		n = sizeof(st.comm) - 1;
	memcpy(st.comm, open + 1, n);
	st.state = close[2];
	p = close + 3;
	/* fields 4..22; nice (19) is the only signed one we keep */
	for (unsigned i = 4; i <= 22; i++) {
		char *end;

		errno = 0;
		if (i == 19)
			f[i] = (unsigned long long)strtoll(p, &end, 10);
		else
			f[i] = strtoull(p, &end, 10);
		if (end == p || errno)
			return -EINVAL;
		p = end;
	}
	st.ppid = (pid_t)f[4];
	st.utime = f[14];
	st.stime = f[15];
	st.nice = (int)(long long)f[19];
	st.starttime = f[22];
	*ret = st;
	return 0;
}

int proc_stat_read(const char *proc, pid_t pid, struct proc_stat *ret)
{
	_cleanup_free_ char *buf = NULL;
	int r;

	r = read_pid_file(proc, pid, "stat", &buf);
	if (r < 0)
		return r;
	return proc_stat_parse(buf, ret);
}

int proc_snapshot(const char *proc, pid_t pid, struct proc_snapshot *ret)
{
	_cleanup_free_ char *status = NULL, *stat = NULL, *score = NULL, *adj = NULL,
			    *children = NULL;
	struct proc_snapshot s = { 0 };
	struct proc_stat st;
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

	r = proc_stat_parse(stat, &st);
	if (r < 0)
		return r;
	s.cpu_s = (double)(st.utime + st.stime) / clk_tck();
	s.nice = st.nice;
	if (uptime_s(proc, &up) == 0)
		s.run_s = up - (double)st.starttime / clk_tck();

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

/* /proc/self/mounts escapes space, tab, newline and backslash as \\ooo. */
static void unescape_octal(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = 0;
}

int proc_mount_find(const char *proc, const char *fstype, const char *opt, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	char path[PATH_MAX], *save = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/self/mounts", proc);
	r = read_file_str(path, &buf);
	if (r < 0)
		return r;
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f[4], *s2 = NULL;
		unsigned n = 0;

		for (char *t = strtok_r(line, " ", &s2); t && n < 4; t = strtok_r(NULL, " ", &s2))
			f[n++] = t;
		if (n < 4 || strcmp(f[2], fstype) || (opt && !has_token(f[3], opt, ",")))
			continue;
		unescape_octal(f[1]);
		*ret = strdup(f[1]);
		return *ret ? 0 : -ENOMEM;
	}
	*ret = NULL;
	return 0;
}

int proc_cgroup_path(const char *proc, const char *ctrl, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	char path[PATH_MAX], *save = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/self/cgroup", proc);
	r = read_file_str(path, &buf);
	if (r < 0)
		return r;
	/* "ID:CONTROLLERS:PATH"; the unified hierarchy is "0::PATH" (4.5+) */
	for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *c1 = strchr(line, ':'), *c2;

		if (!c1)
			continue;
		c2 = strchr(c1 + 1, ':');
		if (!c2 || c2[1] != '/')
			continue;
		*c1 = *c2 = 0;
		if (ctrl ? !has_token(c1 + 1, ctrl, ",") : (strcmp(line, "0") || c1[1]))
			continue;
		*ret = strdup(c2 + 1);
		return *ret ? 0 : -ENOMEM;
	}
	*ret = NULL;
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
