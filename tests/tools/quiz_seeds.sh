#!/usr/bin/env bash
# The quiz's promise (docs/experiments.md, "Quiz seeds"): a seed's questions
# - the virtual addresses, the access types - and each answer's outcome
# (a translation, or a fault at which level and why) depend only on the
# seed and the paging mode, never on the kernel's allocations: physical
# addresses (satp, tables, frames, the PA of an answer) may move with the
# kernel.  This compares fixed seeds, PAs masked, with
# tests/tools/quiz_seeds.expected; changing the generator on purpose means
# regenerating that file (REGEN=1) and saying so in docs/experiments.md.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
exp=tests/tools/quiz_seeds.expected
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
for levels in 3 4; do
	for seed in 1 7 42 123456789; do
		echo "== seed $seed levels $levels"
		run_vmos quiz --seed "$seed" --levels "$levels" --count 12 --answers |
			grep -E '^Q[0-9]+\.|result:' | sed -E 's/-> PA 0x[0-9a-f]+ \(page 0x[0-9a-f]+ \+/-> PA (page +/'
	done
done >"$tmp"
if [ "${REGEN:-}" = 1 ]; then cp "$tmp" "$exp"; fi
pass=0; fail=0
n=$(grep -c '^Q' "$tmp")
if [ "$n" = 96 ] && diff -u "$exp" "$tmp" >/dev/null; then
	echo "ok   96 questions of 8 seeds x 2 paging modes: the same as promised"; pass=1
else
	echo "FAIL quiz questions changed for a fixed seed ($n questions):"; diff -u "$exp" "$tmp" | head -20; fail=1
fi
# the check can fail: another seed's questions differ
run_vmos quiz --seed 2 --count 12 | grep -E '^Q[0-9]+\.' >"$tmp"
if ! grep -qxFf "$tmp" <(sed -n '/== seed 1 levels 3/,/== seed 7/p' "$exp" | grep '^Q') || [ "$(grep -cxFf "$tmp" "$exp")" -lt 12 ]; then
	echo "ok   seed 2 asks other questions than seed 1"; pass=$((pass + 1))
else
	echo "FAIL seed 2 asks seed 1's questions"; fail=$((fail + 1))
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
