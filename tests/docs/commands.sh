#!/usr/bin/env bash
# tests/docs/commands.sh - the commands in the docs' chapters still print
# what the pages say.  In docs/experiments.md and docs/programs.md, a fenced
# block whose lines start with "$ " is a transcript: each "$ COMMAND" is run
# with bash (from the top of the repository for experiments.md; for
# programs.md in a scratch directory with VMOS set to the repository, as a
# user building outside the tree would), and what it prints (stdout and
# stderr) must be the lines up to the next "$ " or the end of the block.
# vmos is deterministic, so the pages paste outputs as they are; a change
# that moves a number must update the page:
#   REGEN=1 bash tests/docs/commands.sh     rewrites the transcripts
# The pages show the release build (build/, `make`): a sanitizer build
# (`make check`, VMOS_DEBUG) pads slab objects and moves physical
# addresses, so this test always runs build/vmos, and skips, saying so,
# when it has not been built.  Blocks that need a program not installed (riscv64-linux-gnu-gcc,
# qemu-riscv64) are skipped with the reason.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
root=$PWD
pass=0; fail=0; skip=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
export VMOS_ROOT=$root

check_page() {
	local page=$1 cwd=$2
	python3 - "$page" "$cwd" "$tmp" "${REGEN:-}" <<'PY'
import re, subprocess, sys, os, shutil, difflib
page, cwd, tmp, regen = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "1"
text = open(page).read()
out = []
results = []
def run_block(m):
    body = m.group(1)
    lines = body.split("\n")
    cmds = []       # (command, expected lines)
    for l in lines:
        if l.startswith("$ "):
            cmds.append([l[2:], []])
        elif cmds:
            cmds[-1][1].append(l)
    need = [p for p in ("riscv64-linux-gnu-gcc", "qemu-riscv64") if any(p in c for c, _ in cmds) and not shutil.which(p)]
    if need:
        results.append(("skip", cmds[0][0], "needs " + " ".join(need)))
        return m.group(0)
    new = []
    ok = True
    for c, exp in cmds:
        env = dict(os.environ, VMOS=os.environ["VMOS_ROOT"])
        r = subprocess.run(["bash", "-c", c], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
        got = (r.stdout + r.stderr).rstrip("\n").split("\n") if (r.stdout + r.stderr).strip() else []
        want = exp[:]
        while want and want[-1] == "":
            want.pop()
        if got != want:
            ok = False
            diff = difflib.unified_diff(want, got, "expected (the page)", "got", lineterm="", n=1)
            results.append(("fail", c, "\n".join(list(diff)[:40])))
        new.append("$ " + c)
        new.extend(got)
    if ok:
        results.append(("ok", cmds[0][0], ""))
    return "```\n" + "\n".join(new) + "\n```"
text2 = re.sub(r"```\n(\$ .*?)\n```", run_block, text, flags=re.S)
if regen and text2 != text:
    open(page, "w").write(text2)
for kind, c, why in results:
    c1 = c if len(c) < 90 else c[:87] + "..."
    if kind == "ok":
        print(f"ok   {page}: {c1}")
    elif kind == "skip":
        print(f"SKIP {page}: {c1}: {why}")
    else:
        print(f"FAIL {page}: {c1}\n{why}")
PY
}

if [ ! -x build/vmos ] || [ ! -x build/user/bin/viz_cow ] || [ ! -x build/user/bin/malloc_demo ]; then
	echo "SKIP docs transcripts: they show the release build, and build/vmos or its programs are not built (make)"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
mkdir -p "$tmp/outside"
{ check_page docs/experiments.md "$root"; check_page docs/programs.md "$tmp/outside"; } >"$tmp/log"
cat "$tmp/log"
pass=$(grep -c '^ok ' "$tmp/log"); fail=$(grep -c '^FAIL ' "$tmp/log"); skip=$(grep -c '^SKIP ' "$tmp/log")
[ "$((pass + fail + skip))" -gt 0 ] || { echo "FAIL no transcript found"; fail=1; }
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
