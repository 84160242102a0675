#!/usr/bin/env bash
# Commands that fail early and say so: vmos explain with nothing to explain
# names what it needs; vmos explain alone prints its own usage; an
# --explain-pid that never ran is an error at the end; output files (--svg,
# --html, --stats-json, --events; trace's --csv, --svg, --stats-json) are
# checked before the run, so a typo costs nothing.
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos
BIN=$B/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
run() { "$@" >"$tmp/out" 2>"$tmp/err"; rc=$?; }

run "$VMOS" explain
[ "$rc" = 2 ] && grep -q "^vmos explain: no program given" "$tmp/err" && grep -q "^usage: vmos explain" "$tmp/err" &&
	! grep -q "usage: vmos run" "$tmp/err" && ok "vmos explain alone: its own usage, exit 2" || bad "vmos explain alone: $rc $(head -3 "$tmp/err")"
run "$VMOS" explain --va 0x10000
[ "$rc" = 2 ] && grep -q "^usage: vmos explain" "$tmp/err" && ok "vmos explain --va VA without a program: its usage" || bad "explain --va only: $rc"

run "$VMOS" explain "$BIN/hello"
[ "$rc" = 1 ] && [ -s "$tmp/out" ] && grep -q "nothing to explain: no process called vmos_marker" "$tmp/err" &&
	grep -q -- "--va VA" "$tmp/err" && ok "vmos explain of a program without markers: says it needs --va or vmos_marker, exit 1" \
	|| bad "nothing to explain: $rc $(cat "$tmp/err")"
run "$VMOS" explain "$BIN/viz_marker"
[ "$rc" = 0 ] && ! grep -q "nothing" "$tmp/err" && ok "a program with markers: explained, exit 0" || bad "viz_marker: $rc"
run "$VMOS" run --explain 0x11000 --explain-at instret:999999999 "$BIN/hello"
[ "$rc" = 1 ] && grep -q "nothing explained: the run ended before it reached instret 999999999" "$tmp/err" \
	&& ok "instret never reached: said, exit 1" || bad "instret never reached: $rc $(cat "$tmp/err")"

run "$VMOS" explain --va 0x10000 --pid 999 "$BIN/fork"
[ "$rc" = 2 ] && grep -q "no process with pid 999 ran (this run had pids 1..[0-9]*)" "$tmp/err" && grep -q "fork: 21 checks" "$tmp/out" \
	&& ok "--pid 999, a pid that never ran: error at the end, exit 2" || bad "pid 999: $rc $(tail -2 "$tmp/err")"
run "$VMOS" explain --va 0x10000 --pid 2 "$BIN/fork"
[ "$rc" = 0 ] && grep -q "^explain pid 2 (fork)" "$tmp/err" && ok "--pid of a forked child: explained, exit 0" || bad "pid 2: $rc $(tail -2 "$tmp/err")"
run "$VMOS" run --explain-pid 5 "$BIN/hello"
[ "$rc" = 2 ] && grep -q "no process with pid 5" "$tmp/err" && ok "vmos run --explain-pid alone is checked too" || bad "run --explain-pid: $rc"

# Output files: refused before the program runs (its output never appears).
for opt in --svg --html --stats-json --events; do
	run "$VMOS" run $opt /nonexistent/dir/out "$BIN/hello"
	[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -q "cannot write $opt /nonexistent/dir/out: no such directory" "$tmp/err" \
		&& ok "run $opt into a missing directory: refused before the run" || bad "run $opt: $rc $(cat "$tmp/err")"
done
run "$VMOS" run --svg "$tmp" "$BIN/hello"
[ "$rc" = 2 ] && grep -q "Is a directory" "$tmp/err" && ok "run --svg DIRECTORY: refused" || bad "--svg dir: $rc"
run "$VMOS" run --svg "$tmp/ok.svg" --stats-json "$tmp/ok.json" "$BIN/hello"
[ "$rc" = 0 ] && [ -s "$tmp/ok.svg" ] && [ -s "$tmp/ok.json" ] && ok "writable paths still work" || bad "good paths: $rc"
for opt in --csv --svg --stats-json; do
	sweep=""; [ "$opt" != --stats-json ] && sweep="--sweep --frames 3,4"
	run "$VMOS" trace $sweep $opt /nonexistent/dir/out traces/belady.trc
	[ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -q "vmos trace: cannot write $opt /nonexistent/dir/out" "$tmp/err" \
		&& ok "trace $opt into a missing directory: refused before the replay" || bad "trace $opt: $rc $(cat "$tmp/err")"
done

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
