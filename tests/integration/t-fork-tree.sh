# A multi-process pattern worker (issue 8): fork-tree's memory is in its
# children. At the snapshot its leaf's processes are read as a tree, each
# ranked on its own; the kernel kills a 60M child (the biggest process),
# not the 4M parent nor the 40M worker, and that kill is the worker's.
. "$(dirname "$0")/lib.sh"
need_root
run_profile "$TOP/tests/fixtures/services/fork-tree-child.ini" 0
w='.workers[] | select(.name == "big")'
[ "$(jget "$w | .killed")" = true ] || fail "big is not counted as killed"
[ "$(jget "$w | .kill_order")" = 1 ] || fail "big not killed first"
[ "$(jget "$w | .tree | length")" = 3 ] || fail "tree of $(jget "$w | .tree | length") processes"
root=$(jget "$w | .pid")
kpid=$(jget '.kills[0].pid')
[ "$(jget "$w | .killed_pid")" = "$kpid" ] || fail "killed_pid $(jget "$w | .killed_pid") is not the kill's $kpid"
[ "$kpid" != "$root" ] || fail "the parent $root was killed, not a child"
[ "$(jget "$w | .tree[] | select(.pid == $kpid) | .ppid")" = "$root" ] ||
	fail "the killed $kpid is not a child of $root"
case $(jget "$w | .killed_comm") in big.c0 | big.c1) ;; *) fail "the kill names $(jget "$w | .killed_comm")" ;; esac
[ "$(jget '.kills[0].instance')" = big ] || fail "the kill is $(jget '.kills[0].instance')'s"
[ "$(jget "$w | .tree[] | select(.pid == $kpid) | .fate")" = killed ] || fail "the child's fate"
[ "$(jget "$w | .tree[] | select(.first_candidate) | .ppid")" = "$root" ] ||
	fail "the first candidate is not a child"
# the 2.6.35 model still sees the parent charged half its children's total_vm
[ "$(jget "$w | .tree[0].model_input.children_vm_pages | length")" = 2 ] ||
	fail "the parent's model input lost its children"
grep -q "^ *big.c[01] .* killed #1" "$TMP/out" || fail "table has no tree: $(cat "$TMP/out")"
[ "$(jget '.workers[] | select(.name == "mid") | .killed')" = false ] || fail "mid was killed"
assert_clean
