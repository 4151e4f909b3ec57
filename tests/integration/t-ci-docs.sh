#!/bin/bash
# docs/ci.md's examples are tested: the GitHub workflow's run: steps,
# taken from the page, run as one script (one repeat, one VM profile, to
# stay short), and the GitLab job's script: must be the same commands.
. "$(dirname "$0")/lib.sh"
need_root
command -v parallel >/dev/null || skip "no GNU parallel"
command -v python3 >/dev/null || skip "no python3"
cd "$TOP" || exit 1
python3 - docs/ci.md "$TMP/gh.sh" "$TMP/gl.txt" <<'PY' || fail "cannot extract the CI examples"
import re, sys
text = open(sys.argv[1]).read()
blocks = re.findall(r"```yaml\n(.*?)```", text, re.S)
gh = next(b for b in blocks if "runs-on:" in b)
gl = next(b for b in blocks if "script:" in b and "runs-on:" not in b)
# GitHub: the lines of each "run: |" block, by indentation
cmds, lines = [], gh.split("\n")
for i, l in enumerate(lines):
    m = re.match(r"^(\s*)run: \|\s*$", l)
    if not m:
        continue
    ind = None
    for l2 in lines[i + 1:]:
        if not l2.strip():
            continue
        d = len(l2) - len(l2.lstrip())
        if ind is None:
            ind = d
        if d < ind:
            break
        cmds.append(l2.strip())
# GitLab: the items of script:
glc, inscript = [], False
for l in gl.split("\n"):
    if re.match(r"^\s*script:\s*$", l):
        inscript = True
        continue
    if inscript:
        m = re.match(r"^\s*- (.*)$", l)
        if m:
            glc.append(m.group(1))
        elif l.strip():
            break
if len(cmds) < 4 or len(glc) < 4:
    sys.exit("too few commands: %r %r" % (cmds, glc))
open(sys.argv[2], "w").write("set -e\n" + "\n".join(cmds) + "\n")
open(sys.argv[3], "w").write("\n".join(glc) + "\n")
# the same commands on both (GitLab runs as root: no sudo -E)
strip = lambda c: re.sub(r"^sudo (-E )?", "", c)
gh_core = [strip(c) for c in cmds if not c.startswith("cat ")]
if gh_core != glc:
    sys.exit("GitHub and GitLab differ:\n%s\n%s" % ("\n".join(gh_core), "\n".join(glc)))
PY
mkdir -p "$TMP/bin"
if ! command -v sudo >/dev/null; then
	# we are root already: sudo [-E] CMD -> CMD
	printf '#!/bin/sh\n[ "$1" = -E ] && shift\nexec "$@"\n' >"$TMP/bin/sudo"
	chmod +x "$TMP/bin/sudo"
fi
export PATH="$TMP/bin:$PATH" GITHUB_STEP_SUMMARY="$TMP/step-summary.md"
export OOMLAB_REPEAT=1 OOMLAB_OUT="$TMP/ci" OOMLAB_VM_PROFILES=profiles/vm/global-ranking.ini
bash "$TMP/gh.sh" >"$TMP/out" 2>&1
rc=$?
# host profiles: exit 0 or 77 (all skipped, e.g. no memory cgroup); VM: a
# skip when QEMU or a kernel cannot be had
if [ "$rc" != 0 ]; then
	grep -q "cannot get a kernel\|no qemu\|no static busybox" "$TMP/out" &&
		skip "the VM step cannot run here: $(grep -m1 'cannot get\|no qemu\|busybox' "$TMP/out")"
	cat "$TMP/out" | sed 's/^/    /'
	fail "the workflow's commands exited $rc"
fi
for d in host vm; do
	for f in junit.xml summary.md suite.json; do
		[ -s "$TMP/ci/$d/$f" ] || fail "no $d/$f to upload"
	done
done
grep -q "global-ranking.ini" "$TMP/step-summary.md" || fail "step summary lacks the VM run"
grep -q "profiles/quickstart.ini" "$TMP/step-summary.md" || fail "step summary lacks the host runs"
[ "$(jq '[.profiles[].runs] | add' "$TMP/ci/host/suite.json")" -ge 7 ] || fail "host profiles not all run"
assert_clean
echo "  ok: docs/ci.md's workflow ran ($(wc -l <"$TMP/gh.sh") commands); GitLab's job is the same"
