/* SPDX-License-Identifier: MIT */
/*
 * The memcg's own OOM notification, for the kill chain's "oom_event_ms":
 *
 * - cgroup v1: an eventfd registered on memory.oom_control through
 *   cgroup.event_control ("<event_fd> <oom_control_fd>"); the kernel
 *   signals it each time the group enters OOM (mem_cgroup_oom_notify).
 * - cgroup v2: memory.events, which kernfs notifies on every change
 *   (poll() returns POLLPRI | POLLERR); the "oom" counter tells an OOM from
 *   a "high" or "max" event.
 *
 * oomwatch_fd() is what to poll (POLLIN on v1, POLLPRI on v2:
 * oomwatch_events()); oomwatch_check() says how many OOMs happened since
 * the last check and re-arms.
 */
#ifndef OOMLAB_OOMWATCH_H
#define OOMLAB_OOMWATCH_H

#include <stdbool.h>
#include <stdint.h>

struct oomwatch;

/* cgdir: the memcg's directory; v2: cgroup v2 (else v1). */
int oomwatch_open(const char *cgdir, bool v2, struct oomwatch **ret);
int oomwatch_fd(const struct oomwatch *w);
short oomwatch_events(const struct oomwatch *w);
/* OOM events since the last call (0 if none): *ret_n. 0 or -errno. */
int oomwatch_check(struct oomwatch *w, uint64_t *ret_n);
void oomwatch_close(struct oomwatch *w);

#endif
