// SPDX-License-Identifier: MIT
/*
 * Kubernetes QoS classes as oom_score_adj, and systemd's unit keys as
 * aliases of oomlab's own.
 */
#include <errno.h>
#include <string.h>

#include "qos.h"
#include "util.h"

static const char *const qos_names[] = {
	[QOS_NONE] = "none",
	[QOS_GUARANTEED] = "guaranteed",
	[QOS_BURSTABLE] = "burstable",
	[QOS_BESTEFFORT] = "besteffort",
};

const char *qos_name(enum qos_class q)
{
	return (unsigned)q < ARRAY_SIZE(qos_names) ? qos_names[q] : "unknown";
}

int qos_parse(const char *s, enum qos_class *ret)
{
	for (unsigned i = QOS_GUARANTEED; i < ARRAY_SIZE(qos_names); i++)
		if (!strcmp(s, qos_names[i])) {
			*ret = (enum qos_class)i;
			return 0;
		}
	return -EINVAL;
}

/*
 * kubelet's GetContainerOOMScoreAdjust, kubernetes/kubernetes
 * pkg/kubelet/qos/policy.go, kubernetes v1.32+: the copy read 2026-12-01
 * has the PodLevelResources branch (that feature gate is v1.32's) and the
 * sidecar rule; the search index holds no tag or commit for it. Every
 * branch below is the same there since PR #71269 ("Set the oom_score_adj
 * of guaranteed pod to -997", 2019); the stored copies from before it
 * (commits 71a55a45, 00bdb3fa) have guaranteed at -998, a floor of 2.
 *   guaranteed (and node-critical pods): -997; besteffort: 1000;
 *   burstable: 1000 - (1000 * request) / capacity in int64 arithmetic
 *   (Go's division truncates), then below 1000 + (-997) = 3 it is 3 ("a
 *   guaranteed pod using 100% of memory can have an OOM score of 10"),
 *   and exactly 1000 (request 0, or under 1/1000 of the node) is 999,
 *   one below besteffort.
 * capacity is the node's memory capacity (cAdvisor's MachineInfo). The
 * pod-level-requests share and the sidecar's min-of-regular-containers
 * rule change only the request that goes in; a profile gives that request.
 */
int qos_oom_score_adj(enum qos_class q, uint64_t request, uint64_t capacity, int *ret)
{
	__int128 adj;

	switch (q) {
	case QOS_GUARANTEED:
		*ret = QOS_GUARANTEED_ADJ;
		return 0;
	case QOS_BESTEFFORT:
		*ret = QOS_BESTEFFORT_ADJ;
		return 0;
	case QOS_BURSTABLE:
		if (!capacity)
			return -EINVAL;
		/* 1000 * request overflows no int64 kubelet meets; we may */
		adj = 1000 - ((__int128)1000 * request) / capacity;
		if (adj < 1000 + QOS_GUARANTEED_ADJ)
			adj = 1000 + QOS_GUARANTEED_ADJ;
		else if (adj == QOS_BESTEFFORT_ADJ)
			adj = QOS_BESTEFFORT_ADJ - 1;
		*ret = (int)adj;
		return 0;
	case QOS_NONE:
	default:
		return -EINVAL;
	}
}

/*
 * systemd.resource-control(5): MemoryMax= is the cgroup's memory.max,
 * MemoryHigh= memory.high, MemoryLow= memory.low, MemoryMin= memory.min,
 * MemorySwapMax= memory.swap.max; systemd.exec(5): OOMScoreAdjust= the
 * processes' oom_score_adj.
 */
static const struct {
	const char *systemd, *ours;
} aliases[] = {
	{ "MemoryMax", "memory_limit" }, { "MemoryHigh", "memory_high" },
	{ "MemoryLow", "memory_low" },	 { "MemoryMin", "memory_min" },
	{ "MemorySwapMax", "swap_max" }, { "OOMScoreAdjust", "oom_score_adj" },
};

const char *qos_systemd_alias(const char *key)
{
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++)
		if (!strcmp(key, aliases[i].systemd))
			return aliases[i].ours;
	return NULL;
}
