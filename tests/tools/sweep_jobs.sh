#!/usr/bin/env bash
# vmos trace --sweep --jobs DIR prints one independent command per cell;
# run by GNU parallel (or one after another), their cell CSVs joined by
# vmos trace --merge give the CSV and the SVG of the single-process sweep:
# the SVG byte for byte, the CSV with the same rows (each row's `seconds`
# is its own wall time, the only column that differs between runs).
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos
pass=0; fail=0; skip=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
nosec() { cut -d, -f1-10 "$1"; }

T=traces/lirs/cpp.trc
SW=(--policy fifo,lru,opt,lirs --frames 100,50,200 --ram 64M --window 0)
"$VMOS" trace --sweep "${SW[@]}" --csv "$tmp/one.csv" --svg "$tmp/one.svg" "$T" || bad "single sweep failed"

"$VMOS" trace --sweep --jobs "$tmp/cells" "${SW[@]}" --stats --csv "$tmp/m.csv" --svg "$tmp/m.svg" "$T" >"$tmp/jobs" 2>"$tmp/hint"; rc=$?
[ "$rc" = 0 ] && [ "$(wc -l <"$tmp/jobs")" = 12 ] && [ -d "$tmp/cells" ] && [ -z "$(ls "$tmp/cells")" ] \
	&& ok "--jobs: 12 command lines, nothing run" || bad "--jobs: rc $rc, $(wc -l <"$tmp/jobs") lines"
grep -q -- "--policy lru --frames 50 --ram 64M --window 0 --csv $tmp/cells/lru-50.csv -- $T\$" "$tmp/jobs" && ! grep -q -- "--stats" "$tmp/jobs" \
	&& ok "a cell command carries the replay options, not --stats" || bad "cell line: $(sed -n 5p "$tmp/jobs")"
grep -q "trace --merge --policy fifo,lru,opt,lirs --frames 100,50,200 --csv $tmp/m.csv --svg $tmp/m.svg $tmp/cells/\*.csv" "$tmp/hint" \
	&& ok "stderr gives the --merge command" || bad "hint: $(cat "$tmp/hint")"

# merge_check NAME: runs the printed merge command, compares with the single sweep
merge_check() {
	local cmd
	cmd=$(sed -n 's/^# \(.* trace --merge .*\)$/\1/p' "$tmp/hint")
	rm -f "$tmp/m.csv" "$tmp/m.svg"
	eval "$cmd"; local rc=$?
	[ "$rc" = 0 ] && cmp -s "$tmp/one.svg" "$tmp/m.svg" && ok "$1: the merged SVG is byte-identical" || bad "$1: SVG differs (rc $rc)"
	[ "$rc" = 0 ] && diff <(nosec "$tmp/one.csv") <(nosec "$tmp/m.csv") >/dev/null &&
		diff <(tail -qn +2 "$tmp/cells/"{fifo,lru,opt,lirs}-{100,50,200}.csv) <(tail -n +2 "$tmp/m.csv") >/dev/null \
		&& ok "$1: the merged CSV has the sweep's rows in the sweep's order" || bad "$1: CSV differs: $(diff <(nosec "$tmp/one.csv") <(nosec "$tmp/m.csv") | head -4)"
}
bash "$tmp/jobs" && merge_check "cells run one after another"

if command -v parallel >/dev/null; then
	rm -f "$tmp/cells/"*
	parallel -j2 <"$tmp/jobs" && merge_check "cells run by GNU parallel -j2"
else
	echo "SKIP GNU parallel run: parallel not installed (apt-get install parallel)"; skip=$((skip + 1))
fi

# Without --policy/--frames the order is that of the rows as given.
"$VMOS" trace --merge "$tmp/cells/opt-200.csv" "$tmp/cells/fifo-200.csv" "$tmp/cells/opt-50.csv" "$tmp/cells/fifo-50.csv" >"$tmp/o.csv"; rc=$?
[ "$rc" = 0 ] && [ "$(cut -d, -f2,3 "$tmp/o.csv" | tr '\n' ' ')" = "policy,frames opt,200 opt,50 fifo,200 fifo,50 " ] \
	&& ok "merge without lists: policies and frames in order of appearance, CSV on stdout" || bad "merge order: $(cat "$tmp/o.csv")"

# Errors: a missing cell, a cell twice, another trace's cell, not a CSV.
"$VMOS" trace --merge --policy fifo,lru --frames 100,50 "$tmp/cells/fifo-"{100,50}.csv "$tmp/cells/lru-100.csv" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "cell lru/50 missing" "$tmp/err" && ok "a missing cell is named" || bad "missing cell: $rc $(cat "$tmp/err")"
"$VMOS" trace --merge "$tmp/cells/fifo-100.csv" "$tmp/cells/fifo-100.csv" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "cell fifo/100 given twice" "$tmp/err" && ok "a cell given twice is refused" || bad "twice: $rc $(cat "$tmp/err")"
"$VMOS" trace --sweep --policy fifo --frames 3 --csv "$tmp/b.csv" traces/belady.trc
"$VMOS" trace --merge "$tmp/cells/fifo-100.csv" "$tmp/b.csv" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "rows of different traces" "$tmp/err" && ok "cells of another sweep are refused" || bad "other traces: $rc $(cat "$tmp/err")"
"$VMOS" trace --merge --policy fifo --frames 100 "$tmp/cells/fifo-100.csv" "$tmp/cells/lru-100.csv" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "cell lru/100 is not in the sweep" "$tmp/err" && ok "a cell outside --policy/--frames is refused" || bad "outside: $rc $(cat "$tmp/err")"
"$VMOS" trace --merge "$T" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "not a sweep CSV" "$tmp/err" && ok "a file that is not a cell CSV is refused" || bad "not csv: $rc $(cat "$tmp/err")"
"$VMOS" trace --jobs "$tmp/x" --frames 3 traces/belady.trc >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "add --sweep" "$tmp/err" && ok "--jobs without --sweep is refused" || bad "jobs no sweep: $rc"
"$VMOS" trace --merge --sweep "$tmp/b.csv" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && ok "--merge with --sweep is refused" || bad "merge+sweep: $rc"
"$VMOS" trace --sweep --frames 3 --jobs "$tmp/y" /nonexistent.trc >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "/nonexistent.trc: No such file" "$tmp/err" && ok "--jobs checks the traces exist" || bad "jobs missing trace: $rc"

# Paths with blanks and quotes survive the shell.
cp traces/belady.trc "$tmp/a b'c.trc"
"$VMOS" trace --sweep --jobs "$tmp/q cells" --policy fifo,lru --frames 3,4 "$tmp/a b'c.trc" >"$tmp/qjobs" 2>/dev/null &&
	bash "$tmp/qjobs" && "$VMOS" trace --merge --policy fifo,lru --frames 3,4 "$tmp/q cells/"*.csv >"$tmp/q.csv" &&
	"$VMOS" trace --sweep --policy fifo,lru --frames 3,4 "$tmp/a b'c.trc" >"$tmp/q1.csv" &&
	diff <(nosec "$tmp/q.csv") <(nosec "$tmp/q1.csv") >/dev/null \
	&& ok "a trace path with a blank and a quote: quoted in the commands, same CSV" || bad "quoting: $(head -2 "$tmp/qjobs")"

if [ "$skip" -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
