// SPDX-License-Identifier: MIT
/*
 * The profile's knobs (VM only): sysctl.NAME under /proc/sys, sysfs.NAME
 * under /sys; checked, set, and put back what was there.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <unistd.h>
#include <string.h>
#include <sys/utsname.h>

#include "run-ctx.h"
#include "sysctls.h"
#include "util.h"

int knob_path(const struct sysctl_setting *k, const char *root, char *buf, size_t len)
{
	const char *base = k->sysfs ? "sys" : "proc/sys";
	int n = snprintf(buf, len, "%s/%s/", root && *root ? root : "", base);
	char *q;

	if (n < 0 || (size_t)n + strlen(k->name) >= len)
		return -ENAMETOOLONG;
	q = buf + n;
	strcpy(q, k->name);
	for (; *q; q++)
		if (*q == '.')
			*q = '/';
	return 0;
}

void knob_saved_value(const char *text, char *buf, size_t len)
{
	/* A choice file shows every choice and the current one in brackets
	 * (transparent_hugepage/enabled: "always [madvise] never"); only the
	 * bracketed word can be written back. */
	const char *o = strchr(text, '['), *c = o ? strchr(o, ']') : NULL;

	if (o && c)
		snprintf(buf, len, "%.*s", (int)(c - o - 1), o + 1);
	else
		snprintf(buf, len, "%s", text);
	buf[strcspn(buf, "\n")] = 0;
}

static int knob_err(const struct profile *p, const struct sysctl_setting *k,
		    struct profile_error *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int knob_err(const struct profile *p, const struct sysctl_setting *k,
		    struct profile_error *err, const char *fmt, ...)
{
	va_list ap;

	snprintf(err->file, sizeof(err->file), "%s", p->path ? p->path : "");
	err->line = k->line;
	snprintf(err->field, sizeof(err->field), "%s.%.50s", k->sysfs ? "sysfs" : "sysctl",
		 k->name);
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int knobs_check_host(const struct profile *p, struct profile_error *err)
{
	/* A profile that says needs = vm SKIPs on the host before any knob
	 * is looked at (the needs table); one that does not, but sets a
	 * knob, is a host profile asking to change this shared machine's
	 * memory management: refused as bad input. */
	if (!p->nsysctls || p->needs_vm)
		return 0;
	return knob_err(p, &p->sysctls[0], err,
			"only a guest may set this (the host is shared): add needs = vm "
			"and run it with oomlab vm run or oomlab vm bench");
}

/* What a guest kernel must be built with for a knob's file to exist. */
static const struct {
	const char *prefix; /* sysfs name */
	const char *config;
	const char *what;
} knob_configs[] = {
	/* MGLRU, merged in 6.1 */
	{ "kernel.mm.lru_gen.", "CONFIG_LRU_GEN", "no MGLRU" },
	{ "kernel.mm.transparent_hugepage.", "CONFIG_TRANSPARENT_HUGEPAGE", "no THP" },
	{ "kernel.mm.ksm.", "CONFIG_KSM", "no KSM" },
};

int knobs_check_config(const struct profile *p, const char *config, const char *kver,
		       struct profile_error *err)
{
	_cleanup_free_ char *text = NULL;

	if (!config || read_file_str(config, &text) < 0)
		return 0; /* --kernel FILE: no config, the guest will tell */
	for (unsigned i = 0; i < p->nsysctls; i++) {
		const struct sysctl_setting *k = &p->sysctls[i];

		for (unsigned j = 0; k->sysfs && j < ARRAY_SIZE(knob_configs); j++) {
			char want[64];

			if (strncmp(k->name, knob_configs[j].prefix,
				    strlen(knob_configs[j].prefix)))
				continue;
			/* "SYM=y" as a whole line, the first one too */
			snprintf(want, sizeof(want), "\n%s=y\n", knob_configs[j].config);
			if (!strstr(text, want) && strncmp(text, want + 1, strlen(want + 1)))
				return knob_err(p, k, err,
						"the guest kernel %s has %s (%s is not set)", kver,
						knob_configs[j].what, knob_configs[j].config);
		}
	}
	return 0;
}

int knobs_check_guest(const struct profile *p, const char *root, bool probe,
		      struct profile_error *err)
{
	struct utsname u = { 0 };

	uname(&u);
	for (unsigned i = 0; i < p->nsysctls; i++) {
		const struct sysctl_setting *k = &p->sysctls[i];
		_cleanup_free_ char *old = NULL;
		char path[256], saved[64];
		int e;

		e = knob_path(k, root, path, sizeof(path));
		if (e < 0)
			return knob_err(p, k, err, "path too long");
		if (access(path, F_OK) < 0)
			return knob_err(p, k, err, "no %s in this kernel (%s)", path, u.release);
		if (!probe)
			continue;
		/* The kernel's own parser is the only full check of a value
		 * (swappiness' bound was 100 before 5.8, lru_gen takes y, n or
		 * bits): write it, and put the old value straight back. */
		e = read_file_str(path, &old);
		if (e < 0)
			return knob_err(p, k, err, "cannot read %s: %s", path, strerror(-e));
		knob_saved_value(old, saved, sizeof(saved));
		e = write_file_str(path, k->value);
		if (e == -EINVAL || e == -ERANGE)
			return knob_err(p, k, err, "the kernel (%s) refuses '%s': %s", u.release,
					k->value, strerror(-e));
		if (e < 0)
			return knob_err(p, k, err, "cannot write %s: %s", path, strerror(-e));
		e = write_file_str(path, saved);
		if (e < 0)
			return knob_err(p, k, err, "cannot restore %s to '%s': %s", path, saved,
					strerror(-e));
	}
	return 0;
}

void sysctls_apply(struct run_ctx *c)
{
	for (unsigned i = 0; i < c->p->nsysctls; i++) {
		const struct sysctl_setting *k = &c->p->sysctls[i];
		struct sysctl_saved *s = &c->sysctls[i];
		_cleanup_free_ char *old = NULL;
		int e;

		if (knob_path(k, NULL, s->path, sizeof(s->path)) < 0)
			return run_set_outcome(c->r, OUTCOME_SKIP, "%s %s: path too long",
					       k->sysfs ? "sysfs" : "sysctl", k->name);
		e = read_file_str(s->path, &old);
		if (e < 0)
			return run_set_outcome(c->r, OUTCOME_SKIP, "%s %s: %s",
					       k->sysfs ? "sysfs" : "sysctl", k->name,
					       strerror(-e));
		knob_saved_value(old, s->old, sizeof(s->old));
		e = write_file_str(s->path, k->value);
		if (e < 0)
			return run_set_outcome(c->r, OUTCOME_SKIP, "cannot set %s %s = %s: %s",
					       k->sysfs ? "sysfs" : "sysctl", k->name, k->value,
					       strerror(-e));
		s->set = true;
		/* in the document: a comparison of two runs must be able to
		 * say which knobs each ran under */
		run_note(c->r, "%s %s = %s (was %s)", k->sysfs ? "sysfs" : "sysctl", k->name,
			 k->value, s->old);
	}
}

void sysctls_restore(struct run_ctx *c)
{
	for (unsigned i = 0; i < c->p->nsysctls; i++)
		if (c->sysctls[i].set && write_file_str(c->sysctls[i].path, c->sysctls[i].old) < 0)
			log_warn("cannot restore %s to %s", c->sysctls[i].path, c->sysctls[i].old);
}
