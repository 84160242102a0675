#!/usr/bin/env bash
# Every user-program test again, squeezed: only 10 frames for user pages, a
# swap area, and random replacement, so every page of every program (text,
# data, heap, stack, pages shared after fork, PROT_NONE pages) is evicted and
# brought back again and again.  Output and status must be exactly those of
# tests/user/expected, and the invariant checker runs after every exit.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
B=$VMOS_BUILD
BIN=$B/user/bin; EXP=tests/user/expected
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for st in "$EXP"/*.status; do
	case=$(basename "$st" .status)
	prog=$case; args=()
	if [ -f "$EXP/$case.cmd" ]; then
		mapfile -t cmd <"$EXP/$case.cmd"
		prog=${cmd[0]}; args=("${cmd[@]:1}")
	fi
	args=("${args[@]//@BIN@/$BIN}")
	run_vmos run --check --frames 10 --swap 32M --policy random "$BIN/$prog" "${args[@]}" \
		>"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	if [ "$rc" = "$(cat "$st")" ] && cmp -s "$tmp/out" "$EXP/$case.out"; then
		pass=$((pass + 1))
	else
		echo "FAIL $case squeezed: status $rc (want $(cat "$st")) $(grep -m1 'panic\|broken' "$tmp/err")"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
