#!/usr/bin/env bash
# tests/harness/timeouts.sh - the test harness's own time limits, so that a
# hang fails a test by name instead of hanging the suite:
#   - tests/lib.sh: run_limited / run_vmos stop a hung run with status 124
#     and a TIMEOUT line, pass every other status through unchanged
#     (137 of an OOM kill included), and stop a run that ignores SIGTERM;
#   - tests/main.c: a TEST() over VMOS_TEST_TIMEOUT fails by name and the
#     binary goes on with the next test;
#   - tests/run: a binary or script over its limit is stopped with every
#     process it started and fails as "FAIL NAME: timed out after N s".
# Prints one line per check and, last, "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok()  { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
# these checks use their own limits, unscaled; the TIMEOUT lines of the
# runs stopped on purpose are checked once, then silenced
VMOS_TIMEOUT_SCALE=1
exec {VMOS_TEST_STDERR}>/dev/null

# --- tests/lib.sh ---------------------------------------------------------------
t0=$SECONDS
run_limited 1 sleep 30; rc=$?
# the TIMEOUT line goes to the script's stderr: catch it by running a copy
out=$(bash -c '. tests/lib.sh; VMOS_TIMEOUT_SCALE=1; run_limited 1 sleep 30 >/dev/null 2>&1; echo "rc=$?"' 2>&1)
if [ "$rc" = 124 ] && [ $((SECONDS - t0)) -lt 10 ]; then ok "run_limited stops a hung run: status 124"
else bad "run_limited on a hung run: status $rc after $((SECONDS - t0)) s"; fi
if grep -q '^TIMEOUT after 1 s: sleep 30$' <<<"$out" && grep -q '^rc=124$' <<<"$out"; then
	ok "a timed-out run reports TIMEOUT on the script's stderr, though its own stderr was redirected"
else bad "TIMEOUT report: '$out'"; fi
for st in 0 1 2 137 139; do
	run_limited 10 sh -c "exit $st"; rc=$?
	[ "$rc" = "$st" ] && ok "run_limited passes status $st through" || bad "run_limited: status $st came back as $rc"
done
timed_out 124 && ! timed_out 137 && ! timed_out 0 && ok "timed_out tells 124 from other statuses" || bad "timed_out"
t0=$SECONDS
run_limited 1 bash -c 'trap "" TERM; exec sleep 30' 2>/dev/null; rc=$?
if [ "$rc" = 124 ] && [ $((SECONDS - t0)) -lt 20 ]; then ok "a run that ignores SIGTERM is killed 10 s later: status 124"
else bad "run ignoring SIGTERM: status $rc after $((SECONDS - t0)) s"; fi
printf '#!/bin/sh\nexec sleep 30\n' >"$tmp/fakevmos"; chmod +x "$tmp/fakevmos"
t0=$SECONDS
out=$(run_limited -g 1 bash -c 'sleep 30 & sleep 30; echo never'); rc=$?
if [ "$rc" = 124 ] && [ $((SECONDS - t0)) -lt 10 ] && [ -z "$out" ]; then
	ok "run_limited -g stops a command and the processes it started (no wait for an orphan)"
else bad "run_limited -g: status $rc after $((SECONDS - t0)) s, output '$out'"; fi
VMOS=$tmp/fakevmos run_vmos -t 1 run x 2>/dev/null; rc=$?
[ "$rc" = 124 ] && ok "run_vmos -t 1 stops a hung vmos" || bad "run_vmos -t 1: status $rc"
VMOS=$tmp/fakevmos VMOS_RUN_TIMEOUT=1 run_vmos run x 2>/dev/null; rc=$?
[ "$rc" = 124 ] && ok "run_vmos takes its default limit from VMOS_RUN_TIMEOUT" || bad "VMOS_RUN_TIMEOUT: status $rc"
rc=$(VMOS_TIMEOUT_SCALE=3 bash -c '. tests/lib.sh; echo $(scaled 20)')
[ "$rc" = 60 ] && ok "VMOS_TIMEOUT_SCALE=3 scales 20 s to 60 s" || bad "scaled: $rc"

# --- tests/main.c: one TEST() over its limit ------------------------------------
unit=$VMOS_BUILD/tests/kernel/rollback_test     # rollback_fork runs for seconds
if [ -x "$unit" ]; then                          # (under the interpreter)
	t0=$SECONDS
	out=$(VMOS_TEST_ENGINE=interp VMOS_TEST_TIMEOUT=1 VMOS_TIMEOUT_SCALE=1 run_limited 120 "$unit" rollback_fork missing_program_fails_cleanly 2>&1); rc=$?
	if grep -q '^FAIL rollback_fork: timed out after 1 s$' <<<"$out" && grep -q '^1 passed, 1 failed$' <<<"$out" &&
	   [ "$rc" = 1 ] && [ $((SECONDS - t0)) -lt 30 ]; then
		ok "a TEST() over VMOS_TEST_TIMEOUT fails by name, the next one runs"
	else bad "per-test limit: status $rc: $out"; fi
else
	bad "$unit not built"
fi

# --- tests/run ---------------------------------------------------------------------
cat >"$tmp/hang_test" <<'EOF'
#!/bin/sh
sleep 1000 &
echo "started $!"
sleep 1000
EOF
cat >"$tmp/hang.sh" <<'EOF'
trap '' TERM
echo "1 passed, 0 failed"
sleep 1000
EOF
chmod +x "$tmp/hang_test"
t0=$SECONDS
out=$(VMOS_UNIT_TIMEOUT=1 VMOS_SCRIPT_TIMEOUT=1 run_limited 120 tests/run "$tmp/hang_test" "$tmp/hang.sh" "$VMOS_BUILD/tests/kernel/fork_cow_test" 2>&1); rc=$?
secs=$((SECONDS - t0))
if grep -q "^FAIL $tmp/hang_test: timed out after 1 s\$" <<<"$out"; then ok "tests/run: a hung binary fails by name"
else bad "tests/run, hung binary: $out"; fi
if grep -q "^FAIL $tmp/hang.sh: timed out after 1 s\$" <<<"$out"; then ok "tests/run: a hung script that ignores SIGTERM fails by name"
else bad "tests/run, hung script: $out"; fi
n_cow=$("$VMOS_BUILD/tests/kernel/fork_cow_test" 2>/dev/null | tail -n 1 | cut -d' ' -f1)
if [ "$rc" = 1 ] && [ "$(tail -n 1 <<<"$out")" = "$n_cow passed, 2 failed" ] && [ "$secs" -lt 60 ]; then
	ok "tests/run goes on after a hang and counts it as a failure ($secs s)"
else bad "tests/run totals: status $rc after $secs s: $(tail -n 1 <<<"$out")"; fi
bg=$(sed -n 's/^started //p' <<<"$out")
if [ -n "$bg" ] && ! kill -0 "$bg" 2>/dev/null; then ok "tests/run stopped the hung binary's own children too"
else bad "the hung binary's background child ${bg:-?} survived"; [ -n "$bg" ] && kill "$bg" 2>/dev/null; fi

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
