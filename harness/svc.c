// SPDX-License-Identifier: MIT
/* svc: a command worker's leaf memcg, its workdir and its output. */
#define _XOPEN_SOURCE_EXTENDED 1
#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "svc.h"
#include "util.h"

bool svc_wanted(const struct worker_spec *s)
{
	return s->argv != NULL;
}

int svc_workdir_create(char **ret)
{
	char tmpl[] = SVC_WORKDIR_PREFIX "XXXXXX";
	char *d;

	if (!mkdtemp(tmpl))
		return -errno;
	/* services drop to their own users (postgres, redis, www-data) and
	 * make their data directories here; the sticky bit keeps one user's
	 * files from another */
	if (chmod(tmpl, 01777) < 0) {
		int e = errno;

		rmdir(tmpl);
		return -e;
	}
	d = strdup(tmpl);
	if (!d) {
		rmdir(tmpl);
		return -ENOMEM;
	}
	*ret = d;
	return 0;
}

static int rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	if (flag == FTW_DP)
		return rmdir(path) < 0 && errno != ENOENT ? -errno : 0;
	return unlink(path) < 0 && errno != ENOENT ? -errno : 0;
}

int svc_workdir_remove(const char *dir)
{
	struct stat st;
	int r;

	if (!dir || strncmp(dir, SVC_WORKDIR_PREFIX, strlen(SVC_WORKDIR_PREFIX)) ||
	    strstr(dir, ".."))
		return -EINVAL;
	if (lstat(dir, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	/* FTW_PHYS: a symlink a service left is removed, never followed */
	r = nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS | FTW_MOUNT);
	return r < 0 ? -errno : r;
}

/* s with "{workdir}" and "{profiledir}" replaced (a NULL value: kept). */
static char *expand_one(const char *s, const char *workdir, const char *profiledir)
{
	static const char *const keys[] = { "{workdir}", "{profiledir}" };
	const char *vals[] = { workdir, profiledir };
	size_t len = strlen(s) + 1;
	char *out, *o;

	for (size_t k = 0; k < ARRAY_SIZE(keys); k++)
		for (const char *p = s; vals[k] && (p = strstr(p, keys[k])); p += strlen(keys[k]))
			len += strlen(vals[k]);
	out = malloc(len);
	if (!out)
		return NULL;
	for (o = out; *s;) {
		size_t k;

		for (k = 0; k < ARRAY_SIZE(keys); k++)
			if (vals[k] && !strncmp(s, keys[k], strlen(keys[k])))
				break;
		if (k < ARRAY_SIZE(keys)) {
			o = stpcpy(o, vals[k]);
			s += strlen(keys[k]);
		} else {
			*o++ = *s++;
		}
	}
	*o = 0;
	return out;
}

char **svc_expand(char *const *argv, const char *workdir, const char *profiledir)
{
	size_t n = 0;
	char **v;

	if (!argv)
		return NULL;
	while (argv[n])
		n++;
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		v[i] = expand_one(argv[i], workdir, profiledir);
		if (!v[i]) {
			svc_argv_free(v);
			return NULL;
		}
	}
	return v;
}

void svc_argv_free(char **argv)
{
	if (!argv)
		return;
	for (char **a = argv; *a; a++)
		free(*a);
	free(argv);
}

int svc_leaf_create(struct oomlab_cg *parent, const char *inst_name, uint64_t limit,
		    struct oomlab_cg **ret)
{
	struct cg_setting set = { CG_KNOB_MAX, limit };
	char name[32];

	snprintf(name, sizeof(name), "w-%s", inst_name);
	return cg_create_child(parent, name, &set, limit ? 1 : 0, ret);
}

uint64_t svc_leaf_usage(const struct oomlab_cg *leaf)
{
	struct cg_counters c;

	if (!leaf || cg_read_counters(cg_path(leaf), cg_version(leaf), &c) < 0)
		return 0;
	return c.usage;
}

unsigned svc_leaf_pids(const struct oomlab_cg *leaf, pid_t *ret, unsigned max)
{
	_cleanup_free_ pid_t *pids = NULL;
	unsigned n = 0;

	if (!leaf || cg_pids(leaf, &pids, &n) < 0)
		return 0;
	if (n > max)
		n = max;
	memcpy(ret, pids, n * sizeof(*pids));
	return n;
}

static void signal_leaf(const struct oomlab_cg *leaf, int sig)
{
	_cleanup_free_ pid_t *pids = NULL;
	unsigned n = 0;

	if (cg_pids(leaf, &pids, &n) < 0)
		return;
	for (unsigned i = 0; i < n; i++) {
		/* a PID listed in our leaf is one of ours: pidfd, then the
		 * signal, so a PID recycled in between is never hit */
		int fd = (int)syscall(SYS_pidfd_open, pids[i], 0);

		if (fd < 0)
			continue;
		syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0);
		close(fd);
	}
}

unsigned svc_leaf_stop(struct oomlab_cg **leaf, uint64_t grace_ms)
{
	uint64_t until = now_ns() + grace_ms * 1000000ULL;
	unsigned left = 0;

	if (!*leaf)
		return 0;
	signal_leaf(*leaf, SIGTERM);
	for (;;) {
		pid_t p[4];

		left = svc_leaf_pids(*leaf, p, ARRAY_SIZE(p));
		if (!left || now_ns() >= until)
			break;
		usleep(20000);
	}
	cg_destroyp(leaf);
	return left;
}

int svc_output_fd(const char *name)
{
	char n[64];
	int fd;

	snprintf(n, sizeof(n), "oomlab-out-%s", name);
	fd = memfd_create(n, MFD_CLOEXEC);
	return fd < 0 ? -errno : fd;
}
