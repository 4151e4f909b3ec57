/* SPDX-License-Identifier: MIT */
/*
 * Presets people already use: Kubernetes QoS classes as oom_score_adj
 * (kubelet's formula), and systemd's unit keys as names for group and
 * worker knobs. Pure: no /proc, no cgroupfs.
 */
#ifndef OOMLAB_QOS_H
#define OOMLAB_QOS_H

#include <stdint.h>

enum qos_class {
	QOS_NONE = 0,	/* not given: oom_score_adj as written */
	QOS_GUARANTEED, /* request = limit: kubelet's -997 */
	QOS_BURSTABLE,	/* a request below the limit (or no limit) */
	QOS_BESTEFFORT, /* neither: kubelet's 1000 */
};

/* kubelet's constants (pkg/kubelet/qos/policy.go, see qos.c) */
#define QOS_GUARANTEED_ADJ (-997)
#define QOS_BESTEFFORT_ADJ 1000

/* "guaranteed", "burstable", "besteffort"; "none" for QOS_NONE. */
const char *qos_name(enum qos_class q);
/* By name; 0 or -EINVAL. */
int qos_parse(const char *s, enum qos_class *ret);

/*
 * oom_score_adj kubelet gives every process of a container of a pod of
 * class q, with memory request request and node capacity capacity (bytes;
 * both only matter for burstable). -EINVAL: q is QOS_NONE, or burstable
 * with capacity 0. *ret untouched on failure.
 */
int qos_oom_score_adj(enum qos_class q, uint64_t request, uint64_t capacity, int *ret);

/*
 * systemd unit keys (systemd.resource-control(5), systemd.exec(5)) and
 * the oomlab key each stands for: "MemoryMax" -> "memory_limit", ...
 * NULL when key is none of them. The same spelling serves [group] and
 * [worker] (OOMScoreAdjust only [worker]; the caller's key table says).
 */
const char *qos_systemd_alias(const char *key);

#endif
