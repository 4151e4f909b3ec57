// SPDX-License-Identifier: MIT
/* rlimits: a worker's rlimit.* keys, set in the child; the mlock check. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/resource.h>

#include "pattern.h"
#include "rlimits.h"
#include "util.h"

static const struct {
	const char *name;
	int resource;
	bool is_size;
} rlimits[WORKER_RLIMIT_COUNT] = {
	[WORKER_RLIMIT_MEMLOCK] = { "memlock", RLIMIT_MEMLOCK, true },
	[WORKER_RLIMIT_AS] = { "as", RLIMIT_AS, true },
	[WORKER_RLIMIT_NOFILE] = { "nofile", RLIMIT_NOFILE, false },
};

int rlimit_lookup(const char *name, enum worker_rlimit *ret)
{
	for (unsigned i = 0; i < WORKER_RLIMIT_COUNT; i++)
		if (!strcmp(rlimits[i].name, name)) {
			*ret = (enum worker_rlimit)i;
			return 0;
		}
	return -ENOENT;
}

const char *rlimit_key(enum worker_rlimit k)
{
	static const char *keys[WORKER_RLIMIT_COUNT] = {
		[WORKER_RLIMIT_MEMLOCK] = "rlimit.memlock",
		[WORKER_RLIMIT_AS] = "rlimit.as",
		[WORKER_RLIMIT_NOFILE] = "rlimit.nofile",
	};

	return (unsigned)k < WORKER_RLIMIT_COUNT ? keys[k] : "rlimit.?";
}

int rlimit_resource(enum worker_rlimit k)
{
	return rlimits[k].resource;
}

int rlimit_parse(enum worker_rlimit k, const char *v, uint64_t *ret, char *why, size_t len)
{
	uint64_t b;
	long n;

	if (!strcmp(v, "unlimited") || !strcmp(v, "infinity")) {
		*ret = UINT64_MAX;
		return 0;
	}
	if (rlimits[k].is_size) {
		if (parse_size(v, &b) < 0) {
			snprintf(why, len, "'%s' is not a size or 'unlimited' (use e.g. 64M)", v);
			return -EINVAL;
		}
		*ret = b;
		return 0;
	}
	/* RLIMIT_NOFILE cannot exceed fs.nr_open (1048576 by default), and
	 * a process with no fd at all cannot even exec its program */
	if (parse_int(v, 1, 1 << 20, &n) < 0) {
		snprintf(why, len, "'%s' is not a count in 1..%d or 'unlimited'", v, 1 << 20);
		return -EINVAL;
	}
	*ret = (uint64_t)n;
	return 0;
}

const char *rlimit_format(enum worker_rlimit k, uint64_t v, char *buf, size_t len)
{
	char b[16];

	if (v == UINT64_MAX)
		snprintf(buf, len, "unlimited");
	else if (rlimits[k].is_size)
		snprintf(buf, len, "%s", format_size(v, b));
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

static rlim_t to_rlim(uint64_t v)
{
	return v == UINT64_MAX ? RLIM_INFINITY : (rlim_t)v;
}

static uint64_t from_rlim(rlim_t v)
{
	return v == RLIM_INFINITY ? UINT64_MAX : (uint64_t)v;
}

int rlimits_apply(const struct worker_spec *w, enum worker_rlimit *ret_which)
{
	for (unsigned i = 0; i < WORKER_RLIMIT_COUNT; i++) {
		const struct worker_rlimit_setting *s = &w->rlimits[i];
		struct rlimit rl;

		if (!s->set)
			continue;
		rl.rlim_cur = rl.rlim_max = to_rlim(s->value);
		if (setrlimit(rlimits[i].resource, &rl) < 0) {
			*ret_which = (enum worker_rlimit)i;
			return -errno;
		}
	}
	return 0;
}

int rlimit_env_read(struct rlimit_env *ret)
{
	struct rlimit_env e = { 0 };
	cap_flag_value_t v;
	cap_t caps;

	for (unsigned i = 0; i < WORKER_RLIMIT_COUNT; i++) {
		struct rlimit rl;

		if (getrlimit(rlimits[i].resource, &rl) < 0)
			return -errno;
		e.soft[i] = from_rlim(rl.rlim_cur);
		e.hard[i] = from_rlim(rl.rlim_max);
	}
	caps = cap_get_proc();
	if (!caps)
		return -errno;
	v = CAP_CLEAR;
	cap_get_flag(caps, CAP_IPC_LOCK, CAP_EFFECTIVE, &v);
	e.cap_ipc_lock = v == CAP_SET;
	v = CAP_CLEAR;
	cap_get_flag(caps, CAP_SYS_RESOURCE, CAP_EFFECTIVE, &v);
	e.cap_sys_resource = v == CAP_SET;
	cap_free(caps);
	*ret = e;
	return 0;
}

/* Does w keep CAP_IPC_LOCK across its exec? */
static bool keeps_ipc_lock(const struct worker_spec *w, const struct rlimit_env *env)
{
	bool listed = false;

	if (!env->cap_ipc_lock || w->caps == CAPS_NONE)
		return false;
	for (unsigned i = 0; i < w->ncaps; i++)
		listed |= w->cap_list[i] == CAP_IPC_LOCK;
	if (w->caps == CAPS_LIST && !listed)
		return false;
	/* a non-root uid keeps capabilities only through the ambient set,
	 * which worker-spawn raises for an explicit caps list or caps = all;
	 * with caps inherited, setuid() clears them */
	if (w->has_user && w->uid != 0 && w->caps == CAPS_INHERIT)
		return false;
	return true;
}

bool rlimit_mlock_short(const struct worker_spec *w, const struct rlimit_env *env, char *why,
			size_t len)
{
	const struct worker_rlimit_setting *s = &w->rlimits[WORKER_RLIMIT_MEMLOCK];
	uint64_t limit = s->set ? s->value : env->soft[WORKER_RLIMIT_MEMLOCK];
	char b1[16], b2[16];

	if (!pattern_has_flag(w->pattern, PATTERN_F_MLOCKED) || limit == UINT64_MAX ||
	    limit >= w->size || keeps_ipc_lock(w, env))
		return false;
	snprintf(why, len,
		 "%s locks %s but RLIMIT_MEMLOCK is %s and it has no CAP_IPC_LOCK (%s): "
		 "mlock() fails past the limit; set rlimit.memlock = %s (or caps = ipc_lock)",
		 w->name, format_size(w->size, b1), format_size(limit, b2),
		 w->caps == CAPS_NONE	      ? "caps = none"
		 : w->has_user && w->uid != 0 ? "user is not root"
					      : "not in its capabilities",
		 format_size(w->size, b1));
	return true;
}

bool rlimit_unsettable(const struct worker_spec *w, const struct rlimit_env *env, char *why,
		       size_t len)
{
	if (env->cap_sys_resource)
		return false;
	for (unsigned i = 0; i < WORKER_RLIMIT_COUNT; i++) {
		const struct worker_rlimit_setting *s = &w->rlimits[i];
		char b1[24], b2[24];

		if (!s->set || s->value <= env->hard[i])
			continue;
		snprintf(why, len,
			 "%s: %s = %s is above this host's hard limit %s, and raising a hard "
			 "limit needs CAP_SYS_RESOURCE, which the harness does not have "
			 "(VM mode has it)",
			 w->name, rlimit_key((enum worker_rlimit)i),
			 rlimit_format((enum worker_rlimit)i, s->value, b1, sizeof(b1)),
			 rlimit_format((enum worker_rlimit)i, env->hard[i], b2, sizeof(b2)));
		return true;
	}
	return false;
}
