#!/usr/bin/env bash
# tests/malloc/traces.sh - every trace of tests/malloc/traces replayed under
# every policy in correctness mode (block contents verified, malloc_check
# after every operation), and malformed traces rejected with a message.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
B=$VMOS_BUILD
pass=0; fail=0
for t in tests/malloc/traces/*.rep; do
	out=$(run_limited 120 "$B/mtrace" -c -a "$t" 2>&1); rc=$?
	n_ok=$(grep -c ' ok ' <<<"$out")
	if [ $rc -eq 0 ] && [ "$n_ok" -eq 11 ]; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL $t"; grep -v ' ok ' <<<"$out" | head -5
	fi
done
bad=$(mktemp -d)
printf '100 2 2 1\na 0 10\nf 1\n' > "$bad/notlive.rep"
printf '100 2 3 1\na 0 10\nx 0\n' > "$bad/badop.rep"
printf '100 1 1 1\na 5 10\n' > "$bad/range.rep"
printf '100 1\n' > "$bad/header.rep"
printf '100 1 5 1\na 0 10\n' > "$bad/count.rep"
for f in notlive badop range header count; do
	msg=$(run_limited 30 "$B/mtrace" "$bad/$f.rep" 2>&1 >/dev/null); rc=$?
	if [ $rc -ne 0 ] && grep -q "$f.rep" <<<"$msg"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1)); echo "FAIL malformed $f accepted (rc $rc): $msg"
	fi
done
rm -rf "$bad"
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
