/* SPDX-License-Identifier: MIT */
/*
 * The profile's knobs (VM only: the needs table refuses them on the host):
 * sysctl.NAME (/proc/sys/NAME) and sysfs.NAME (/sys/NAME), dots for
 * slashes. Checked before anything starts, set before the run, put back
 * at teardown.
 */
#ifndef OOMLAB_SYSCTLS_H
#define OOMLAB_SYSCTLS_H

#include <stdbool.h>
#include <stddef.h>

#include "profile.h"

struct sysctl_saved {
	char path[128];
	char old[64];
	bool set;
};

struct run_ctx;

/* The knob's file under root ("" or NULL: /). 0 or -ENAMETOOLONG. */
int knob_path(const struct sysctl_setting *k, const char *root, char *buf, size_t len);
/* What to write back from what the file showed: the bracketed choice of
 * a choice file ("always [madvise] never" -> "madvise"), else the text
 * up to its newline. */
void knob_saved_value(const char *text, char *buf, size_t len);
/* On the host (oomlab run/bench): -EINVAL with *err (FILE:LINE: field:
 * what) for a knob in a profile that does not say needs = vm. Pure. */
int knobs_check_host(const struct profile *p, struct profile_error *err);
/* On the host, before a boot: -EINVAL with *err when the guest kernel's
 * config (a Kconfig file; NULL or unreadable: 0) lacks what a sysfs knob
 * needs (lru_gen: CONFIG_LRU_GEN). */
int knobs_check_config(const struct profile *p, const char *config, const char *kver,
		       struct profile_error *err);
/* In the guest, before the run: every knob's file exists under root; with
 * probe, the kernel takes the value (written, then the old one put back).
 * 0 or -EINVAL with *err. */
int knobs_check_guest(const struct profile *p, const char *root, bool probe,
		      struct profile_error *err);

/* SKIP with the cause when a knob cannot be read or set. */
void sysctls_apply(struct run_ctx *c);
/* Put back every value sysctls_apply() changed; warns on failure. */
void sysctls_restore(struct run_ctx *c);

#endif
