// SPDX-License-Identifier: MIT
/*
 * oomlab suite: many runs of many profiles at once, across hosts or guest
 * kernels, with GNU parallel as the engine (no scheduler or ssh layer of
 * our own). The suite writes the job list, starts parallel once, and merges
 * what the jobs wrote:
 *
 *   <D>/jobs.tsv       one job a line: the arguments of an ordinary
 *                      `oomlab run` or `oomlab vm run`, tab-separated
 *   <D>/joblog         parallel --joblog (what --resume continues from)
 *   <D>/out/SEQ/       parallel --results: the job's stdout and stderr
 *   <D>/runs/SEQ/      the job's result documents (--results-dir)
 *   <D>/suite.json, summary.md, junit.xml, suite.tap
 *
 * Host jobs are one profile each; a VM job is one guest per kernel and
 * repeat running every profile (`oomlab vm run` gives the profiles that
 * panic the guest a boot of their own). Across hosts (--sshloginfile) the
 * binaries and the profiles go over with --basefile into a work directory
 * of the suite's own, results come back with --return: nothing needs to
 * be installed remotely but the libraries oomlab links (libcgroup, libcap,
 * inih, jansson) and rsync.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "admission.h"
#include "child.h"
#include "fileio.h"
#include "profile.h"
#include "suite.h"
#include "util.h"
#include "vm.h"

#define SUITE_MAX_KERNELS 16

struct sprofile {
	char *path;    /* as given (expanded from a directory) */
	char *abs;     /* local: the absolute path (jobs run in D) */
	char *staged;  /* remote: profiles/NNN/NAME.ini under D */
	char *error;   /* FILE:LINE: ... if invalid */
	uint64_t need; /* memory a host run of it may take */
	struct profile *p;
};

struct sjob {
	unsigned kernel;   /* index into kernels, VM jobs only */
	unsigned first, n; /* profiles[first .. first+n) (host: n = 1) */
};

struct suite {
	unsigned jobs, repeat, retries;
	bool resume, quiet, dry_run;
	const char *sshloginfile;
	const char *accel, *mem;
	char *dir;	     /* absolute */
	char self[PATH_MAX]; /* /proc/self/exe */
	struct sprofile *pr;
	unsigned npr;
	char *kernels[SUITE_MAX_KERNELS];     /* resolved versions */
	char *kernel_spec[SUITE_MAX_KERNELS]; /* as asked ("6.1") */
	unsigned nkernels;
	struct sjob *job;
	unsigned njobs;
};

static volatile sig_atomic_t suite_interrupted;

static void on_signal(int sig)
{
	suite_interrupted = sig;
}

static void usage(FILE *f)
{
	fputs("usage: oomlab suite [OPTIONS] PROFILE|DIR...\n"
	      "\n"
	      "  --jobs N            runs at once (default 1; per host with --sshloginfile)\n"
	      "  --repeat N          runs of each profile (default 1)\n"
	      "  --kernel LIST       VM matrix: one guest per kernel, e.g. 5.10,6.1,6.12,7\n"
	      "                      (a series means its newest cached or fetchable kernel)\n"
	      "  --sshloginfile F    run across the hosts in F (parallel's format)\n"
	      "  --retries N         rerun a failed job up to N times (on another host)\n"
	      "  --results-dir D     the suite's directory (default results/suite-TIME)\n"
	      "  --resume            continue the interrupted suite in --results-dir D\n"
	      "  --mem SIZE, --accel A   passed to oomlab vm run\n"
	      "  -q, --quiet         no summary on stdout\n"
	      "  --dry-run           print the jobs and the memory admission, run nothing\n"
	      "writes D/suite.json, D/summary.md, D/junit.xml, D/suite.tap\n"
	      "exit: the worst outcome: 0 pass, 1 fail, 2 broken, 77 all skipped\n",
	      f);
}

/* ---- small file helpers ---- */

typedef int (*report_fn)(const struct suite_report *r, FILE *f);

struct report_fill {
	report_fn fn;
	const struct suite_report *r;
};

static int fill_report(FILE *f, const void *arg)
{
	const struct report_fill *rf = arg;

	return rf->fn(rf->r, f);
}

/* fileio's write_atomic: a reader sees the old document or the new one */
static int write_report(const char *dir, const char *name, report_fn fn,
			const struct suite_report *r)
{
	_cleanup_free_ char *dst = NULL;
	struct report_fill rf = { .fn = fn, .r = r };

	if (asprintf(&dst, "%s/%s", dir, name) < 0)
		return -ENOMEM;
	return write_atomic(dst, 0644, fill_report, &rf);
}

static int copy_file(const char *src, const char *dst, mode_t mode)
{
	_cleanup_close_ int in = open(src, O_RDONLY | O_CLOEXEC), out = -1;
	char buf[65536];
	ssize_t n;

	if (in < 0)
		return -errno;
	out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	if (out < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -EIO;
	return n < 0 ? -errno : 0;
}

/* ---- inputs ---- */

static int add_path(struct suite *s, const char *path)
{
	struct sprofile *np = realloc(s->pr, (s->npr + 1) * sizeof(*np));

	if (!np)
		return -ENOMEM;
	s->pr = np;
	memset(&s->pr[s->npr], 0, sizeof(*np));
	if (!(s->pr[s->npr].path = strdup(path)))
		return -ENOMEM;
	s->npr++;
	return 0;
}

/* PROFILE or DIR (its *.ini, sorted); a missing file is reported broken
 * by the parser */
static int expand(struct suite *s, int n, char **args)
{
	char **v = NULL;
	size_t nv = 0;
	int e = 0;

	for (int i = 0; i < n && e >= 0; i++)
		e = ini_paths_add(args[i], &v, &nv);
	if (e > 0)
		e = 0;
	for (size_t k = 0; k < nv && !e; k++)
		e = add_path(s, v[k]);
	paths_free(v, nv);
	return e;
}

/* A host run may take its memory limit plus the harness itself (the
 * scoreboard, the pressure process's page tables; a few MiB). A profile
 * without a limit does not run on a host (it SKIPs before anything starts). */
#define HOST_HARNESS_NEED (32 * MIB)
/* QEMU's own memory beside the guest's (TCG's translation cache: 32 MiB by
 * default for a 1-CPU guest, plus the ROMs and the initramfs copy). */
#define QEMU_OVERHEAD (96 * MIB)

static void parse_profiles(struct suite *s)
{
	for (unsigned i = 0; i < s->npr; i++) {
		struct sprofile *sp = &s->pr[i];
		struct profile_error err = { 0 };
		char buf[700];
		int e = profile_parse_file(sp->path, &sp->p, &err);

		if (e < 0) {
			if (e == -EINVAL)
				profile_error_str(&err, buf, sizeof(buf));
			else
				snprintf(buf, sizeof(buf), "%s: %s", sp->path, strerror(-e));
			sp->error = strdup(buf);
			sp->p = NULL;
			fprintf(stderr, "%s\n", buf);
			continue;
		}
		sp->abs = realpath(sp->path, NULL);
		if (!sp->abs) {
			snprintf(buf, sizeof(buf), "%s: %s", sp->path, strerror(errno));
			sp->error = strdup(buf);
			continue;
		}
		sp->need = (sp->p->has_memory_limit ? sp->p->memory_limit : 0) + HOST_HARNESS_NEED;
	}
}

/* ---- the job list ---- */

static uint64_t vm_job_need(const struct suite *s);

static unsigned nvalid(const struct suite *s)
{
	unsigned n = 0;

	for (unsigned i = 0; i < s->npr; i++)
		n += !s->pr[i].error;
	return n;
}

/* The profile path a job names: the user's (local), the staged copy
 * relative to the work directory (remote). */
static const char *job_path(const struct suite *s, const struct sprofile *sp)
{
	return s->sshloginfile ? sp->staged : sp->abs;
}

/*
 * jobs.tsv: the same arguments give the same lines in the same order, so
 * --resume can check it continues the same suite, and parallel's seq
 * numbers (line numbers) name the runs/SEQ directories.
 */
static int write_jobs(struct suite *s, char **ret_text)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	unsigned per = s->nkernels ? 1 : nvalid(s);

	if (!f)
		return -ENOMEM;
	free(s->job);
	s->job = calloc((size_t)s->repeat * (s->nkernels ? s->nkernels : 1) * (per ? per : 1),
			sizeof(*s->job));
	s->njobs = 0;
	if (!s->job) {
		fclose(f);
		free(text);
		return -ENOMEM;
	}
	for (unsigned rep = 0; rep < s->repeat; rep++) {
		if (s->nkernels) {
			for (unsigned k = 0; k < s->nkernels && nvalid(s); k++) {
				unsigned seq = ++s->njobs;

				s->job[seq - 1] =
					(struct sjob){ .kernel = k, .first = 0, .n = s->npr };
				fprintf(f, "vm\trun\t--kernel\t%s\t--results-dir\truns/%u",
					s->kernels[k], seq);
				if (s->mem)
					fprintf(f, "\t--mem\t%s", s->mem);
				if (s->accel)
					fprintf(f, "\t--accel\t%s", s->accel);
				fprintf(f, "\t--wait-memfree\t%lluk",
					(unsigned long long)(vm_job_need(s) / KIB));
				for (unsigned i = 0; i < s->npr; i++)
					if (!s->pr[i].error)
						fprintf(f, "\t%s", job_path(s, &s->pr[i]));
				fputc('\n', f);
			}
			continue;
		}
		for (unsigned i = 0; i < s->npr; i++) {
			unsigned seq;

			if (s->pr[i].error)
				continue;
			seq = ++s->njobs;
			s->job[seq - 1] = (struct sjob){ .first = i, .n = 1 };
			fprintf(f, "run\t-q\t--results-dir\truns/%u\t--wait-memfree\t%lluk\t%s\n",
				seq, (unsigned long long)(s->pr[i].need / KIB),
				job_path(s, &s->pr[i]));
		}
	}
	if (fclose(f) == EOF) {
		free(text);
		return -ENOMEM;
	}
	*ret_text = text;
	return 0;
}

/* Tabs and newlines separate the job list's columns and lines. */
static bool path_ok(const char *p)
{
	return !strpbrk(p, "\t\n");
}

/* remote: the binaries and profiles under D, sent with --basefile */
static int stage(struct suite *s)
{
	char p[2 * PATH_MAX], dir[PATH_MAX + 64];
	int e;

	snprintf(dir, sizeof(dir), "%s/bin", s->dir);
	e = mkdir_p(dir, 0755);
	if (e < 0)
		return e;
	snprintf(p, sizeof(p), "%s/oomlab", dir);
	e = copy_file(s->self, p, 0755);
	if (e < 0)
		return e;
	{
		char w[PATH_MAX + 16];
		const char *slash = strrchr(s->self, '/');

		snprintf(w, sizeof(w), "%.*s/oomlab-worker", (int)(slash - s->self), s->self);
		snprintf(p, sizeof(p), "%s/oomlab-worker", dir);
		e = copy_file(w, p, 0755);
		if (e < 0)
			return e;
	}
	for (unsigned i = 0; i < s->npr; i++) {
		struct sprofile *sp = &s->pr[i];
		const char *b = strrchr(sp->path, '/');

		if (sp->error)
			continue;
		if (asprintf(&sp->staged, "profiles/%03u/%s", i, b ? b + 1 : sp->path) < 0) {
			sp->staged = NULL;
			return -ENOMEM;
		}
		snprintf(dir, sizeof(dir), "%s/profiles/%03u", s->dir, i);
		e = mkdir_p(dir, 0755);
		snprintf(p, sizeof(p), "%s/%s", s->dir, sp->staged);
		if (e < 0 || (e = copy_file(sp->path, p, 0644)) < 0)
			return e;
	}
	return 0;
}

/* ---- memory admission ---- */

static uint64_t mem_available(void)
{
	uint64_t kb = 0;

	return read_keyed_u64("/proc/meminfo", "MemAvailable:", &kb) == 0 ? kb * KIB : 0;
}

/* A guest job: the guest's memory (sized from the profiles it runs, or
 * --mem) plus QEMU's own; the same for every kernel. */
static uint64_t vm_job_need(const struct suite *s)
{
	struct profile **ps = calloc(s->npr ? s->npr : 1, sizeof(*ps));
	unsigned n = 0;
	uint64_t m = 0;

	if (!ps)
		return 0;
	for (unsigned i = 0; i < s->npr; i++)
		if (s->pr[i].p)
			ps[n++] = s->pr[i].p;
	if (!s->mem || parse_size(s->mem, &m) < 0)
		m = vm_guest_mem(ps, n);
	free(ps);
	return m + QEMU_OVERHEAD;
}

/*
 * What a job may take: a host run its limit (plus the harness), a guest
 * its memory plus QEMU's. Each job waits for its own need (--wait-memfree,
 * admission.h: the suite's jobs share D/admission, so jobs started together
 * do not all count the same free memory). parallel --memfree, one threshold
 * for all, gets the smallest need: no job starts while not even that is
 * free, and parallel still kills the youngest job (requeued) if free memory
 * falls under half of it. With the largest need there (as before), one big
 * profile held every small one back.
 */
static void job_needs(const struct suite *s, uint64_t *ret_min, uint64_t *ret_max)
{
	uint64_t lo = 0, hi = 0;

	if (s->nkernels) {
		lo = hi = vm_job_need(s);
	} else {
		for (unsigned i = 0; i < s->npr; i++) {
			if (!s->pr[i].p)
				continue;
			if (!lo || s->pr[i].need < lo)
				lo = s->pr[i].need;
			if (s->pr[i].need > hi)
				hi = s->pr[i].need;
		}
	}
	*ret_min = lo;
	*ret_max = hi;
}

/* ---- running parallel ---- */

/*
 * The jobs parallel runs right now (its children, each in a process group
 * of its own), as pidfds: after an interrupt, parallel may exit before they
 * have, and the suite must not return before they removed their cgroups.
 */
static unsigned job_pidfds(pid_t parallel, int *fds, unsigned max)
{
	_cleanup_free_ char *list = NULL;
	char p[64];
	unsigned n = 0;

	snprintf(p, sizeof(p), "/proc/%d/task/%d/children", (int)parallel, (int)parallel);
	if (read_file_str(p, &list) < 0)
		return 0;
	for (char *save, *t = strtok_r(list, " \n", &save); t && n < max;
	     t = strtok_r(NULL, " \n", &save)) {
		long pid;
		int fd;

		if (parse_int(t, 1, INT32_MAX, &pid) < 0)
			continue;
		fd = (int)syscall(SYS_pidfd_open, (pid_t)pid, 0);
		if (fd >= 0)
			fds[n++] = fd;
	}
	return n;
}

/*
 * Wait for parallel. On SIGINT/SIGTERM/SIGHUP (a ^C reaches only us:
 * parallel has a process group of its own), pass one SIGINT on: parallel
 * starts no more jobs and sends the running ones --termseq (INT, TERM after
 * 2 s, KILL after 4 s; `oomlab run` removes its cgroup on INT, `oomlab vm
 * run` kills its QEMU). Then wait for those jobs too, up to 10 s.
 */
static int wait_parallel(struct child_process *cp)
{
	int fds[256];
	unsigned nfds = 0;
	bool sent = false;

	for (;;) {
		int r = child_try_wait(cp);

		if (r < 0)
			return r;
		if (r == 1)
			break;
		if (suite_interrupted && !sent) {
			nfds = job_pidfds(cp->pid, fds, ARRAY_SIZE(fds));
			child_kill(cp, SIGINT);
			sent = true;
		}
		usleep(20000);
	}
	for (unsigned i = 0; i < nfds; i++) {
		struct pollfd pfd = { .fd = fds[i], .events = POLLIN };

		/* a pidfd is readable once its process has exited */
		if (poll(&pfd, 1, 10000) == 0)
			log_warn("a job (pidfd %d) still runs 10 s after the interrupt", fds[i]);
		close(fds[i]);
	}
	return 0;
}

#define MAX_ARGS 64

static int run_parallel(struct suite *s, uint64_t memfree)
{
	char *argv[MAX_ARGS];
	char jobs[32], retries[32], memf[32], joblog[PATH_MAX + 16], cmd[PATH_MAX];
	char wd[PATH_MAX];
	unsigned n = 0;
	int st, e;

	snprintf(jobs, sizeof(jobs), "%u", s->jobs);
	snprintf(joblog, sizeof(joblog), "%s/joblog", s->dir);
	argv[n++] = "parallel";
	argv[n++] = "--will-cite";
	argv[n++] = "--jobs";
	argv[n++] = jobs;
	argv[n++] = "--joblog";
	argv[n++] = joblog;
	argv[n++] = "--results";
	argv[n++] = "out/{#}/";
	argv[n++] = "--colsep";
	argv[n++] = "\t";
	argv[n++] = "--termseq";
	argv[n++] = "INT,2000,TERM,2000,KILL,25";
	if (s->retries) {
		snprintf(retries, sizeof(retries), "%u", s->retries + 1);
		argv[n++] = "--retries";
		argv[n++] = retries;
	}
	if (s->resume)
		argv[n++] = "--resume";
	if (memfree) {
		snprintf(memf, sizeof(memf), "%lluk", (unsigned long long)(memfree / KIB));
		argv[n++] = "--memfree";
		argv[n++] = memf;
	}
	if (s->sshloginfile) {
		/* a work directory of this suite's own on each host: several
		 * suites (or both ends of a loopback test) never share one */
		const char *b = strrchr(s->dir, '/');

		snprintf(wd, sizeof(wd), ".oomlab-suite/%s", b ? b + 1 : s->dir);
		argv[n++] = "--sshloginfile";
		argv[n++] = (char *)s->sshloginfile;
		argv[n++] = "--workdir";
		argv[n++] = wd;
		argv[n++] = "--basefile";
		argv[n++] = "bin/oomlab";
		argv[n++] = "--basefile";
		argv[n++] = "bin/oomlab-worker";
		for (unsigned i = 0; i < s->npr && n + 8 < MAX_ARGS; i++)
			if (s->pr[i].staged) {
				argv[n++] = "--basefile";
				argv[n++] = s->pr[i].staged;
			}
		argv[n++] = "--return";
		argv[n++] = "runs/{#}";
		argv[n++] = "--cleanup";
		snprintf(cmd, sizeof(cmd), "bin/oomlab");
	} else {
		snprintf(cmd, sizeof(cmd), "%s", s->self);
	}
	argv[n++] = "-a";
	argv[n++] = "jobs.tsv";
	argv[n++] = cmd;
	argv[n] = NULL;
	if (s->sshloginfile && n + 1 >= MAX_ARGS)
		return -E2BIG;

	/*
	 * parallel in a process group of its own, its own files under D (not
	 * the user's ~/.parallel), killed if we die. A ^C reaches only us; we
	 * pass one SIGINT on, on which parallel stops starting jobs and sends
	 * the running ones --termseq (INT, then TERM, then KILL after 4 s:
	 * `oomlab run` removes its cgroup on INT, `oomlab vm run` its QEMU).
	 */
	{
		char ph[PATH_MAX + 32], adm[PATH_MAX + 32];
		/* the jobs' admission ledger (admission.h); remote jobs do not
		 * get it (parallel passes no environment without --env), and
		 * there each job waits for its own need alone */
		char *env[] = { ph, adm, NULL };
		struct child_process cp = CHILD_PROCESS_INIT;

		snprintf(ph, sizeof(ph), "PARALLEL_HOME=%s/.parallel", s->dir);
		snprintf(adm, sizeof(adm), ADMISSION_ENV "=%s/admission", s->dir);
		mkdir(ph + strlen("PARALLEL_HOME="), 0700);
		cp.argv = argv;
		cp.env = env;
		cp.cwd = s->dir; /* basefiles and returns are relative to it */
		cp.in = CHILD_IO_NULL;
		cp.new_pgrp = true;
		cp.pdeathsig = true;
		e = child_start(&cp);
		if (e < 0) {
			child_release(&cp);
			return e;
		}
		e = wait_parallel(&cp);
		st = cp.status;
		child_release(&cp);
		if (e < 0)
			return e;
	}
	/* parallel exits with the number of failed jobs (up to 100), 101 for
	 * more, 255 on its own errors; the joblog and documents tell the rest */
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Did job seq leave a document for each profile it ran? (An interrupted
 * run writes none: a document is a finished run.) */
static bool job_done(const struct suite *s, unsigned seq)
{
	const struct sjob *job = &s->job[seq - 1];
	char dir[PATH_MAX + 32], **docs = NULL;
	unsigned nd = 0, want = 0;

	for (unsigned i = job->first; i < job->first + job->n; i++)
		want += !s->pr[i].error;
	snprintf(dir, sizeof(dir), "%s/runs/%u", s->dir, seq);
	if (suite_list_docs(dir, &docs, &nd) < 0)
		return false;
	for (unsigned i = 0; i < nd; i++)
		free(docs[i]);
	free(docs);
	return want && nd >= want;
}

/*
 * --resume: parallel --resume skips the jobs its joblog (and its --results
 * directory) lists. Rewrite the joblog with exactly the jobs that finished
 * (a document for each of their profiles): a job killed mid-run is
 * dropped and its out/SEQ removed, so it runs again; a job that finished
 * just before parallel was killed, and so was never logged, is logged.
 */
static int resume_prepare(struct suite *s)
{
	_cleanup_free_ char *text = NULL, *path = NULL, *tmp = NULL;
	_cleanup_free_ char **by_seq = calloc(s->njobs + 1, sizeof(char *));
	FILE *f;
	int e;

	if (!by_seq || asprintf(&path, "%s/joblog", s->dir) < 0 ||
	    asprintf(&tmp, "%s.resume", path) < 0)
		return -ENOMEM;
	e = read_file_str(path, &text);
	if (e < 0 && e != -ENOENT)
		return e;
	/* each job's own line, as parallel wrote it */
	for (char *save, *l = text ? strtok_r(text, "\n", &save) : NULL; l;
	     l = strtok_r(NULL, "\n", &save)) {
		char num[16];
		long k;

		snprintf(num, sizeof(num), "%.*s", (int)strcspn(l, "\t"), l);
		if (parse_int(num, 1, s->njobs, &k) == 0)
			by_seq[k] = l;
	}
	f = fopen(tmp, "we");
	if (!f)
		return -errno;
	fputs("Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand\n", f);
	for (unsigned seq = 1; seq <= s->njobs; seq++) {
		char od[PATH_MAX + 32];

		if (!job_done(s, seq)) {
			snprintf(od, sizeof(od), "%s/out/%u", s->dir, seq);
			vm_rmtree(od);
		} else if (by_seq[seq]) {
			fprintf(f, "%s\n", by_seq[seq]);
		} else {
			fprintf(f, "%u\t:\t0\t0\t0\t0\t0\t0\t(finished before the interruption)\n",
				seq);
		}
	}
	if (fclose(f) == EOF || rename(tmp, path) < 0) {
		e = -errno;
		unlink(tmp);
		return e;
	}
	return 0;
}

/* ---- merging ---- */

static struct suite_entry *entry_for(struct suite_report *r, unsigned cap, const char *profile,
				     const char *kernel, const char *host, const char *error)
{
	struct suite_entry *e;

	for (unsigned i = 0; i < r->n; i++) {
		e = &r->e[i];
		if (!strcmp(e->profile, profile) && !strcmp(e->host, host) &&
		    (r->vm ? !strcmp(e->kernel, kernel ?: "") : true))
			return e;
	}
	if (r->n >= cap)
		return NULL;
	e = &r->e[r->n];
	memset(e, 0, sizeof(*e));
	e->profile = strdup(profile);
	e->kernel = strdup(kernel ?: "");
	e->host = strdup(host);
	e->error = error ? strdup(error) : NULL;
	if (!e->profile || !e->kernel || !e->host || (error && !e->error)) {
		suite_entry_free(e);
		return NULL;
	}
	r->n++;
	return e;
}

/* "4/ssh -F cfg root@hostA" -> "hostA"; ":" -> "local" */
static void host_name(const char *sshlogin, char *buf, size_t len)
{
	const char *s = sshlogin, *sp, *at;

	if (!*s || !strcmp(s, ":")) {
		snprintf(buf, len, "local");
		return;
	}
	sp = strrchr(s, ' ');
	s = sp ? sp + 1 : s;
	if ((sp = strchr(s, '/')) && !strchr(sp + 1, '/'))
		s = sp + 1;
	at = strrchr(s, '@');
	snprintf(buf, len, "%s", at ? at + 1 : s);
}

/* Last non-empty line of a job's stderr (ssh's message, oomlab's error). */
static char *job_stderr_line(const struct suite *s, unsigned seq)
{
	_cleanup_free_ char *text = NULL;
	char p[PATH_MAX + 32];
	char *end, *l;

	snprintf(p, sizeof(p), "%s/out/%u/stderr", s->dir, seq);
	if (read_file_str(p, &text) < 0)
		return NULL;
	end = text + strlen(text);
	while (end > text && (end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\r'))
		*--end = '\0';
	l = strrchr(text, '\n');
	return *text ? strdup(l ? l + 1 : text) : NULL;
}

static int merge(const struct suite *s, struct suite_report *r)
{
	_cleanup_free_ char *log = NULL, *path = NULL;
	struct suite_job *jl = NULL;
	unsigned njl = 0, cap;
	char host[256];
	int e = 0;

	cap = s->npr * (s->nkernels ? s->nkernels : 1) * 64 + 16;
	r->e = calloc(cap, sizeof(*r->e));
	if (!r->e)
		return -ENOMEM;
	if (asprintf(&path, "%s/joblog", s->dir) < 0)
		return -ENOMEM;
	if (read_file_str(path, &log) == 0 && suite_joblog_parse(log, &jl, &njl) < 0)
		return -ENOMEM;

	/* a row for every profile in the order given, even if nothing ran
	 * yet (interrupted); an invalid one is broken in every column, with
	 * its FILE:LINE error. Across hosts the columns come from the joblog. */
	for (unsigned i = 0; i < s->npr; i++)
		for (unsigned k = 0; k < (s->nkernels ? s->nkernels : 1); k++)
			if ((s->pr[i].error || !s->sshloginfile) &&
			    !entry_for(r, cap, s->pr[i].path, s->nkernels ? s->kernels[k] : NULL,
				       "local", s->pr[i].error))
				return -ENOMEM;

	for (unsigned seq = 1; seq <= s->njobs; seq++) {
		const struct sjob *job = &s->job[seq - 1];
		const struct suite_job *j = NULL;
		const char *kernel = s->nkernels ? s->kernels[job->kernel] : NULL;
		char dir[PATH_MAX + 32], **docs = NULL;
		unsigned nd = 0;
		bool *seen = calloc(job->n ? job->n : 1, sizeof(*seen));

		if (!seen)
			return -ENOMEM;
		for (unsigned i = 0; i < njl; i++)
			if (jl[i].seq == seq)
				j = &jl[i];
		host_name(j ? j->host : ":", host, sizeof(host));
		snprintf(dir, sizeof(dir), "%s/runs/%u", s->dir, seq);
		e = suite_list_docs(dir, &docs, &nd);
		for (unsigned d = 0; e == 0 && d < nd; d++) {
			struct suite_doc doc;
			unsigned pi = job->first;
			struct suite_entry *en;

			if (suite_doc_read(docs[d], &doc) < 0) {
				log_warn("%s: not a result document; ignored", docs[d]);
				continue;
			}
			/* which of the job's profiles: the document names it as
			 * the job did */
			for (unsigned i = job->first; i < job->first + job->n; i++)
				if (!s->pr[i].error && doc.profile &&
				    !strcmp(doc.profile, job_path(s, &s->pr[i])))
					pi = i;
			if (pi - job->first < job->n)
				seen[pi - job->first] = true;
			en = entry_for(r, cap, s->pr[pi].path, kernel ? kernel : doc.kernel, host,
				       NULL);
			if (!en ||
			    suite_entry_add_run(en, doc.v, docs[d], doc.reason, doc.wall_ms) < 0)
				e = -ENOMEM;
			else if (!en->kernel[0] && doc.kernel) {
				free(en->kernel);
				en->kernel = strdup(doc.kernel);
			}
			suite_doc_free(&doc);
		}
		for (unsigned d = 0; d < nd; d++)
			free(docs[d]);
		free(docs);
		/*
		 * A profile the job ran without a document: the job could not
		 * run it (ssh failed, the guest died, oomlab could not start).
		 * Not after an interruption: an interrupted run is no result,
		 * --resume runs it.
		 */
		for (unsigned i = 0; e == 0 && i < job->n; i++) {
			const struct sprofile *sp = &s->pr[job->first + i];
			_cleanup_free_ char *why = NULL, *line = NULL;
			struct suite_entry *en;

			if (seen[i] || sp->error || !j || j->signal || suite_interrupted)
				continue;
			line = job_stderr_line(s, seq);
			if (asprintf(&why, "job %u exited %d without a result%s%s", seq, j->exitval,
				     line ? ": " : "", line ? line : "") < 0)
				why = NULL;
			en = entry_for(r, cap, sp->path, kernel, host, NULL);
			if (!en ||
			    suite_entry_add_run(en, OUTCOME_BROK, NULL, why, j->runtime * 1000) < 0)
				e = -ENOMEM;
		}
		free(seen);
		if (e < 0)
			break;
	}
	free(jl);
	for (unsigned i = 0; i < r->n; i++)
		suite_entry_stats(&r->e[i]);
	return e;
}

/* ---- kernels ---- */

static int resolve_kernels(struct suite *s, const char *list)
{
	_cleanup_free_ char *copy = strdup(list);

	if (!copy)
		return -ENOMEM;
	for (char *save, *k = strtok_r(copy, ",", &save); k; k = strtok_r(NULL, ",", &save)) {
		char err[1024];
		char *ver = NULL;
		int e;

		if (s->nkernels >= SUITE_MAX_KERNELS) {
			log_err(0, "--kernel: at most %d kernels", SUITE_MAX_KERNELS);
			return -E2BIG;
		}
		log_info("kernel %s: resolving (cache, then Debian's archive)", k);
		e = vm_kernel_resolve(k, &ver, err, sizeof(err));
		if (e < 0) {
			log_err(0, "--kernel %s: %s", k, err);
			return e;
		}
		if (!path_ok(ver)) {
			free(ver);
			return -EINVAL;
		}
		log_info("kernel %s: %s", k, ver);
		s->kernel_spec[s->nkernels] = strdup(k);
		s->kernels[s->nkernels++] = ver;
	}
	return 0;
}

/* D/runs: `oomlab vm run --results-dir runs/N` creates only the last part */
static int mkdir_runs(const struct suite *s)
{
	char p[PATH_MAX + 8];

	snprintf(p, sizeof(p), "%s/runs", s->dir);
	return mkdir(p, 0755) < 0 && errno != EEXIST ? -errno : 0;
}

/* ---- the command ---- */

static int abs_dir(const char *d, char **ret)
{
	char cwd[PATH_MAX];

	if (*d == '/')
		return (*ret = strdup(d)) ? 0 : -ENOMEM;
	if (!getcwd(cwd, sizeof(cwd)))
		return -errno;
	return asprintf(ret, "%s/%s", cwd, d) < 0 ? -ENOMEM : 0;
}

static void suite_free(struct suite *s)
{
	for (unsigned i = 0; i < s->npr; i++) {
		free(s->pr[i].path);
		free(s->pr[i].staged);
		free(s->pr[i].abs);
		free(s->pr[i].error);
		profile_free(s->pr[i].p);
	}
	free(s->pr);
	for (unsigned k = 0; k < s->nkernels; k++) {
		free(s->kernels[k]);
		free(s->kernel_spec[k]);
	}
	free(s->job);
	free(s->dir);
}

int suite_main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "jobs", required_argument, NULL, 'j' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "sshloginfile", required_argument, NULL, 'S' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "retries", required_argument, NULL, 'R' },
		{ "resume", no_argument, NULL, 'c' },
		{ "results-dir", required_argument, NULL, 'd' },
		{ "mem", required_argument, NULL, 'm' },
		{ "accel", required_argument, NULL, 'a' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct suite s = { .jobs = 1, .repeat = 1 };
	struct suite_report rep = { 0 };
	const char *dir = NULL, *kernels = NULL;
	_cleanup_free_ char *jobs_text = NULL, *old_jobs = NULL, *jobs_path = NULL;
	char def_dir[64];
	uint64_t t0 = now_ns(), memfree, maxneed, avail;
	int c, e, rc = 2, prc;
	long l;

	optind = 1;
	while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
		case 'r':
		case 'R':
			if (parse_int(optarg, c == 'R' ? 0 : 1, 10000, &l) < 0) {
				log_err(0, "--%s %s: a number",
					c == 'j'   ? "jobs"
					: c == 'r' ? "repeat"
						   : "retries",
					optarg);
				return 2;
			}
			*(c == 'j' ? &s.jobs : c == 'r' ? &s.repeat : &s.retries) = (unsigned)l;
			break;
		case 'S':
			s.sshloginfile = optarg;
			break;
		case 'k':
			kernels = optarg;
			break;
		case 'c':
			s.resume = true;
			break;
		case 'd':
			dir = optarg;
			break;
		case 'm':
			s.mem = optarg;
			break;
		case 'a':
			s.accel = optarg;
			break;
		case 'q':
			s.quiet = true;
			break;
		case 'n':
			s.dry_run = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	if (s.resume && !dir) {
		log_err(0, "--resume continues a suite: name it with --results-dir D");
		return 2;
	}
	if (s.sshloginfile && access(s.sshloginfile, R_OK) < 0) {
		log_err(-errno, "--sshloginfile %s", s.sshloginfile);
		return 2;
	}
	{
		_cleanup_free_ char *self = NULL;

		if (self_exe(&self) < 0 || strlen(self) >= sizeof(s.self)) {
			log_err(-errno, "cannot find oomlab's own binary");
			return 2;
		}
		strcpy(s.self, self);
	}
	if (!dir) {
		time_t now = time(NULL);
		struct tm tm;

		strftime(def_dir, sizeof(def_dir), "results/suite-%Y%m%d-%H%M%S",
			 localtime_r(&now, &tm));
		dir = def_dir;
	}
	if (abs_dir(dir, &s.dir) < 0 || !path_ok(s.dir))
		goto out;

	if (expand(&s, argc - optind, argv + optind) < 0) {
		log_err(-errno, "cannot read the profiles");
		goto out;
	}
	for (unsigned i = 0; i < s.npr; i++)
		if (!path_ok(s.pr[i].path)) {
			log_err(0, "%s: a tab or newline in a profile path", s.pr[i].path);
			goto out;
		}
	/* an invalid profile is reported broken; the others still run */
	parse_profiles(&s);
	if (kernels && resolve_kernels(&s, kernels) < 0)
		goto out;

	if (s.dry_run) {
		s.resume = false;
	} else if ((e = mkdir_p(s.dir, 0755)) < 0 || (e = mkdir_runs(&s)) < 0) {
		log_err(e, "--results-dir %s", s.dir);
		goto out;
	}
	if (s.sshloginfile && !s.dry_run && (e = stage(&s)) < 0) {
		log_err(e, "cannot stage the binaries and profiles in %s", s.dir);
		goto out;
	}
	if (write_jobs(&s, &jobs_text) < 0 || asprintf(&jobs_path, "%s/jobs.tsv", s.dir) < 0)
		goto out;
	if (s.dry_run) {
		/* nothing written: the plan only */
	} else if (read_file_str(jobs_path, &old_jobs) == 0) {
		if (!s.resume) {
			log_err(0,
				"%s holds a suite already: --resume continues it, or name "
				"another --results-dir",
				s.dir);
			goto out;
		}
		if (strcmp(old_jobs, jobs_text)) {
			log_err(0,
				"--resume: the jobs differ from those %s started with "
				"(same profiles, --repeat and --kernel needed)",
				s.dir);
			goto out;
		}
		if ((e = resume_prepare(&s)) < 0) {
			log_err(e, "--resume: cannot read %s/joblog", s.dir);
			goto out;
		}
	} else {
		_cleanup_close_ int fd =
			open(jobs_path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
		size_t len = strlen(jobs_text);

		if (fd < 0 || write(fd, jobs_text, len) != (ssize_t)len) {
			log_err(-errno, "cannot write %s", jobs_path);
			goto out;
		}
		s.resume = false; /* nothing to resume: a fresh start */
	}

	job_needs(&s, &memfree, &maxneed);
	avail = mem_available();
	if (avail && maxneed > avail - avail / 10) {
		char b1[16], b2[16];

		/* the run itself SKIPs a limit the machine cannot hold (with the
		 * figures); its wait starts it once no job of ours runs */
		log_warn("admission: a job may need %s, %s is available: jobs start one "
			 "at a time when memory is free",
			 format_size(maxneed, b1), format_size(avail, b2));
	} else if (avail && maxneed * s.jobs > avail) {
		char b1[16], b2[16];

		log_info("admission: %u jobs x %s exceed the %s available: jobs wait for "
			 "free memory (parallel --memfree, then each job's --wait-memfree)",
			 s.jobs, format_size(maxneed, b1), format_size(avail, b2));
	}
	/* parallel would wait for ever */
	if (avail && memfree > avail - avail / 10)
		memfree = avail / 2;
	if (s.dry_run && memfree) {
		char b1[16], b2[16];

		log_info("admission: parallel --memfree %s (the smallest job's need); each job "
			 "waits for its own (--wait-memfree, up to %s)",
			 format_size(memfree, b1), format_size(maxneed, b2));
	}
	if (!s.quiet)
		log_info("suite %s: %u job%s (%u profile%s%s), %u at once%s", s.dir, s.njobs,
			 s.njobs == 1 ? "" : "s", nvalid(&s), nvalid(&s) == 1 ? "" : "s",
			 s.npr > nvalid(&s) ? ", invalid ones broken" : "", s.jobs,
			 s.sshloginfile ? " per host" : "");

	{
		struct sigaction sa = { .sa_handler = on_signal };

		sigemptyset(&sa.sa_mask);
		sigaction(SIGINT, &sa, NULL);
		sigaction(SIGTERM, &sa, NULL);
		sigaction(SIGHUP, &sa, NULL);
		signal(SIGPIPE, SIG_IGN);
	}
	if (s.dry_run) {
		printf("%s", jobs_text);
		rc = 0;
		goto out;
	}
	prc = s.njobs ? run_parallel(&s, memfree) : 0;
	if (prc < 0) {
		log_err(prc, "cannot run GNU parallel (apt-get install parallel)");
		goto out;
	}
	if (prc == 127) {
		log_err(0, "cannot run GNU parallel (apt-get install parallel)");
		goto out;
	}

	rep.jobs = s.jobs;
	rep.vm = s.nkernels > 0;
	rep.interrupted = suite_interrupted != 0;
	if (merge(&s, &rep) < 0) {
		log_err(-ENOMEM, "cannot merge the results");
		goto out;
	}
	rep.wall_ms = (double)(now_ns() - t0) / 1e6;
	{
		_cleanup_free_ char *jl = NULL;

		if (asprintf(&jl, "%s/joblog", s.dir) < 0)
			goto out;
		rep.joblog = jl;
		if ((e = write_report(s.dir, "suite.json", suite_report_json, &rep)) < 0 ||
		    (e = write_report(s.dir, "summary.md", suite_report_markdown, &rep)) < 0 ||
		    (e = write_report(s.dir, "junit.xml", suite_report_junit, &rep)) < 0 ||
		    (e = write_report(s.dir, "suite.tap", suite_report_tap, &rep)) < 0) {
			log_err(e, "cannot write the suite's documents in %s", s.dir);
			goto out;
		}
		rep.joblog = NULL;
	}
	if (!s.quiet) {
		suite_report_markdown(&rep, stdout);
		printf("\nsuite: %s/suite.json (summary.md, junit.xml, suite.tap)\n", s.dir);
	}
	if (rep.interrupted)
		log_err(0,
			"interrupted: running jobs killed; `oomlab suite --resume "
			"--results-dir %s` with the same arguments continues",
			s.dir);
	rc = suite_report_exit(&rep);
out:
	for (unsigned i = 0; i < rep.n; i++)
		suite_entry_free(&rep.e[i]);
	free(rep.e);
	suite_free(&s);
	return rc;
}
