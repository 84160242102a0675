#!/usr/bin/env bash
# tests/kernel/iso_prot.sh - the protection matrix (user/bin/tests/iso_prot.c and
# user/bin/tests/iso_prot_elf.c, every mode) in 16 frames with swap, under two
# replacement policies: pages of every protection are swapped out between
# their setup and the access (the programs write 64 other pages first), and
# copy-on-write pages after fork share swap slots.  Output and status must
# be those expected with ample memory (tests/user/expected), the invariant
# checker runs after every exit, and pages must really have come back from
# swap.  Each run has a timeout: an access that faults forever (the
# livelock of a write-only page read before its first write) fails the test
# instead of hanging it.
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos; BIN=$B/user/bin; EXP=tests/user/expected
TIMEOUT=${PROT_TEST_TIMEOUT:-120}
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for case in iso_prot iso_prot-kernel iso_prot-exec-only iso_prot_elf iso_prot_elf-kernel iso_prot_elf-exec-only; do
	prog=$case; args=()
	if [ -f "$EXP/$case.cmd" ]; then
		mapfile -t cmd <"$EXP/$case.cmd"; prog=${cmd[0]}; args=("${cmd[@]:1}")
	fi
	for pol in clock random; do
		timeout "$TIMEOUT" "$VMOS" run --check --stats --frames 16 --swap 16M --policy $pol \
			"$BIN/$prog" "${args[@]}" </dev/null >"$tmp/out" 2>"$tmp/err"
		rc=$?
		swapin=$(sed -n 's/.*swapped in \([0-9]*\).*/\1/p' "$tmp/err" | head -1)
		if [ "$rc" = "$(cat "$EXP/$case.status")" ] && cmp -s "$tmp/out" "$EXP/$case.out" &&
		   [ "${swapin:-0}" -gt 0 ]; then
			echo "ok   $case in 16 frames with swap ($pol): expected output, $swapin pages swapped in"
			pass=$((pass + 1))
		else
			echo "FAIL $case in 16 frames ($pol): status $rc$([ $rc = 124 ] && echo ' (timed out)'), swapped in ${swapin:-?}"
			diff "$EXP/$case.out" "$tmp/out" | head -5 | sed 's/^/    /'
			grep -m2 'broken\|panic' "$tmp/err" | sed 's/^/    /'
			fail=$((fail + 1))
		fi
	done
done
# Both programs reject an unknown mode.
for prog in iso_prot iso_prot_elf; do
	timeout "$TIMEOUT" "$VMOS" run "$BIN/$prog" bogus </dev/null >"$tmp/out" 2>&1
	rc=$?
	if [ "$rc" = 2 ] && grep -q usage "$tmp/out"; then
		echo "ok   $prog bogus: usage, status 2"; pass=$((pass + 1))
	else
		echo "FAIL $prog bogus: status $rc"; fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
