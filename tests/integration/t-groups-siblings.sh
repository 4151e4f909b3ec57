#!/bin/bash
# Two sibling pods: the pressure in pod-a never touches pod-b, whose task
# is the biggest and at adj 1000; then a pod whose container limit is hit
# loses only that container's task, and an OOM at the pod ranks across its
# containers by kubelet's adj (qos = burstable, node_memory = 1G).
. "$(dirname "$0")/lib.sh"
need_root
run_profile "$TOP/profiles/groups/sibling-groups.ini" 0
[ "$(jget '.domain.name')" = pod-a ] || fail "domain $(jget .domain)"
order=$(jget '[.workers | map(select(.killed)) | sort_by(.kill_order)[] | .name] | join(",")')
[ "$order" = a-big ] || fail "sibling-groups killed: $order"
[ "$(jget '[.kills[] | select((.task_memcg // "") | test("/pod-b$"))] | length')" = 0 ] ||
	fail "a kill in pod-b"

run_profile "$TOP/profiles/groups/pod-container-limit.ini" 0
[ "$(jget '.domain.group')" = pod/app ] || fail "domain $(jget .domain)"
[ "$(jget '[.workers[] | select(.killed) | .name] | join(",")')" = app-main ] ||
	fail "pod-container-limit killed: $(jget '[.workers[] | select(.killed) | .name]')"
[ "$(jget '.workers[] | select(.name == "app-main") | .oom_score_adj')" = 750 ] ||
	fail "burstable adj $(jget '.workers[] | select(.name == "app-main") | .oom_score_adj')"

run_profile "$TOP/profiles/groups/pod-oom-ranks.ini" 0
[ "$(jget '.domain.group')" = pod ] || fail "domain $(jget .domain)"
[ "$(jget '[.workers[] | select(.killed) | .name] | join(",")')" = cache ] ||
	fail "pod-oom-ranks killed: $(jget '[.workers[] | select(.killed) | .name]')"
adj=$(jget '[.workers[] | .oom_score_adj] | map(tostring) | join(",")')
[ "$adj" = 500,938,1000 ] || fail "kubelet adj $adj, expected 500,938,1000"
assert_clean
