// SPDX-License-Identifier: MIT
/* sysctls (VM only): set, and put back what was there. */
#include <string.h>

#include "run-ctx.h"
#include "sysctls.h"
#include "util.h"

static void sysctl_path(const char *name, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/sys/%s", name);
	for (char *q = buf + strlen("/proc/sys/"); *q; q++)
		if (*q == '.')
			*q = '/';
}

void sysctls_apply(struct run_ctx *c)
{
	for (unsigned i = 0; i < c->p->nsysctls; i++) {
		struct sysctl_saved *s = &c->sysctls[i];
		_cleanup_free_ char *old = NULL;
		int e;

		sysctl_path(c->p->sysctls[i].name, s->path, sizeof(s->path));
		e = read_file_str(s->path, &old);
		if (e < 0)
			return run_set_outcome(c->r, OUTCOME_SKIP, "sysctl %s: %s",
					       c->p->sysctls[i].name, strerror(-e));
		snprintf(s->old, sizeof(s->old), "%s", old);
		s->old[strcspn(s->old, "\n")] = 0;
		e = write_file_str(s->path, c->p->sysctls[i].value);
		if (e < 0)
			return run_set_outcome(c->r, OUTCOME_SKIP, "cannot set sysctl %s = %s: %s",
					       c->p->sysctls[i].name, c->p->sysctls[i].value,
					       strerror(-e));
		s->set = true;
	}
}

void sysctls_restore(struct run_ctx *c)
{
	for (unsigned i = 0; i < c->p->nsysctls; i++)
		if (c->sysctls[i].set && write_file_str(c->sysctls[i].path, c->sysctls[i].old) < 0)
			log_warn("cannot restore %s to %s", c->sysctls[i].path, c->sysctls[i].old);
}
