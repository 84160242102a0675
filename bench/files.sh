#!/usr/bin/env bash
# bench/files.sh - Debian's own riscv64 programs, wall time under vmos
# against qemu-riscv64 (the peer), from the root tests/debian/fetch.sh makes:
#
#   1. busybox-static: `busybox sh -c 'seq 1 100000 | sort -n | md5sum'`
#      (a pipeline of three processes: fork, pipes, the applets run by
#      execve of /bb links inside the guest for vmos; for qemu-user, which
#      cannot follow a guest's execve of a riscv64 program, the same three
#      applets are three qemu processes joined by the host's pipes)
#   2. coreutils' dynamically linked sort of 100,000 lines (stdin from a
#      file): ld.so, libc and the sort itself, mapped from files
#
# Runs alternate vmos, qemu, vmos, qemu, ... $BENCH_RUNS times each (default
# 7); prints the median wall time of each in milliseconds and the ratio
# vmos/qemu, after checking that both print the same.  A benchmark never
# fails: without the root, qemu, or a vmos able to run the program yet, it
# prints "skipped:" and why.
#   BENCH_RUNS=N      runs per engine (median reported)
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
VMOS=$(realpath -m "$VMOS_BUILD/vmos")
ROOT=$(realpath -m "$VMOS_BUILD/debian/root")
RUNS=${BENCH_RUNS:-7}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if ! err=$(bash tests/debian/fetch.sh "$VMOS_BUILD" 2>&1 >/dev/null); then
	echo "skipped: no Debian root: $(printf '%s\n' "$err" | sed -n 's/^SKIP: //p' | tail -n 1)"
	exit 0
fi
if ! command -v qemu-riscv64 >/dev/null 2>&1; then
	echo "skipped: qemu-riscv64 not installed (the peer)"
	exit 0
fi
ENV=(env -i LC_ALL=C TZ=UTC)
QEMU=(qemu-riscv64 -L "$ROOT")
seq 1 100000 | awk '{ print ($1 * 7919) % 100003 }' >"$tmp/lines"

ms() {    # ms CMD...: wall milliseconds of one run (stdin from $IN)
	local s e
	s=$(date +%s%N)
	"$@" <"$IN" >/dev/null 2>&1
	e=$(date +%s%N)
	awk -v n=$((e - s)) 'BEGIN { printf "%.3f\n", n / 1e6 }'
}
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# bench NAME VMOS-CMD -- QEMU-CMD: both must print the same first
bench() {
	local name=$1; shift
	local v=() q=()
	while [ "$1" != -- ]; do v+=("$1"); shift; done; shift
	q=("$@")
	"${v[@]}" <"$IN" >"$tmp/v.out" 2>"$tmp/v.err"; local vr=$?
	"${q[@]}" <"$IN" >"$tmp/q.out" 2>/dev/null
	if [ $vr != 0 ] || ! cmp -s "$tmp/v.out" "$tmp/q.out"; then
		echo "$name"
		echo "  skipped: vmos cannot run it yet (status $vr): $(head -n 1 "$tmp/v.err")"
		return
	fi
	: >"$tmp/vt"; : >"$tmp/qt"
	for ((i = 0; i < RUNS; i++)); do
		ms "${v[@]}" >>"$tmp/vt"
		ms "${q[@]}" >>"$tmp/qt"
	done
	local vm qm
	vm=$(median "$tmp/vt"); qm=$(median "$tmp/qt")
	printf '%s (%s runs each, alternating, median wall time)\n' "$name" "$RUNS"
	printf '  vmos run      %9.1f ms\n' "$vm"
	printf '  qemu-riscv64  %9.1f ms\n' "$qm"
	awk -v v="$vm" -v q="$qm" 'BEGIN { printf "  vmos/qemu     %9.2fx\n", v / q }'
}

IN=/dev/null
qpipe() {   # the pipeline for qemu-user: three qemu processes, host pipes
	"${ENV[@]}" "${QEMU[@]}" "$ROOT/usr/bin/busybox" seq 1 100000 |
		"${ENV[@]}" "${QEMU[@]}" "$ROOT/usr/bin/busybox" sort -n |
		"${ENV[@]}" "${QEMU[@]}" "$ROOT/usr/bin/busybox" md5sum
}
bench "busybox sh -c 'seq 1 100000 | sort -n | md5sum'" \
	"$VMOS" run --env LC_ALL=C --env TZ=UTC --root "$ROOT" "$ROOT/usr/bin/busybox" sh -c \
	'PATH=/bb; seq 1 100000 | sort -n | md5sum' -- qpipe
IN=$tmp/lines
bench "coreutils sort (dynamically linked) of 100,000 lines" \
	"$VMOS" run --env LC_ALL=C --env TZ=UTC --root "$ROOT" "$ROOT/usr/bin/sort" -- \
	"${ENV[@]}" "${QEMU[@]}" "$ROOT/usr/bin/sort"
