#!/usr/bin/env bash
# bench/vm.sh - virtual-memory benchmarks: the user/bin/bench/vmbench_* programs run
# under `$VMOS_BUILD/vmos run`, under qemu-riscv64 (same ELF: a JIT that maps
# guest memory with the host's own MMU) and natively on this Linux machine
# (the same C source built with the host cc -O2: $VMOS_BUILD/bench/native/,
# see mk/bench2.mk).  The programs time themselves with
# clock_gettime(CLOCK_MONOTONIC) and print key=value figures; this script
# takes the median of $BENCH_VM_RUNS runs (default 5) of each and prints
#   figure, unit, vmos, native, qemu, vmos/native, vmos/qemu
# for: a demand-zero fault (cold: memory new to the host too; warm: frames
# recycled), mmap+touch+munmap cycles of 1 MiB and 64 MiB (after one
# untimed warm-up cycle), brk growth in 64 KiB steps (cold: first round;
# warm: later rounds after shrinking back), and a sched_yield ping-pong between two processes (forked)
# with ASIDs and with --no-asid, plus vmos's TLB misses for both from --stats.
# Native and qemu runs of the ping-pong are pinned to one CPU (taskset), as
# vmos has one simulated CPU; otherwise the two processes would not switch.
# This is a benchmark: it never fails; a missing engine shows as "-", a run
# that failed as "fail".
#   BENCH_VM_RUNS=N     runs per figure and engine (median reported)
#   BENCH_VM_QUANTUM=N  vmos --quantum for the ping-pong (default 1000)
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
BIN=$VMOS_BUILD/user/bin
NAT=$VMOS_BUILD/bench/native
VMOS=$VMOS_BUILD/vmos
RUNS=${BENCH_VM_RUNS:-5}
QUANTUM=${BENCH_VM_QUANTUM:-1000}
TMO=60
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_vmos=0
[ -x "$VMOS" ] && [ -x "$BIN/vmbench_fault" ] && "$VMOS" run "$BIN/exit0" >/dev/null 2>&1 && have_vmos=1
have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && [ -x "$BIN/vmbench_fault" ] && have_qemu=1
have_native=0
[ -x "$NAT/vmbench_fault" ] && have_native=1
PIN=
command -v taskset >/dev/null 2>&1 && PIN="taskset -c 0"
[ $have_vmos -eq 0 ] && echo "vmos: $VMOS or $BIN/vmbench_* missing or not working: no vmos figures"
[ $have_qemu -eq 0 ] && echo "qemu-riscv64 (or $BIN/vmbench_*) missing: no qemu figures"
[ $have_native -eq 0 ] && echo "native programs missing (build with 'make bench'): no native figures"
[ -z "$PIN" ] && echo "taskset missing: native/qemu ping-pong not pinned to one CPU"

# median: the median of the numbers on stdin, "fail" if any line says fail.
median() {
	local v
	v=$(cat)
	[ -z "$v" ] && { echo -; return; }
	if grep -q fail <<<"$v"; then echo fail; return; fi
	sort -g <<<"$v" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}

# field KEY FILE: the value of KEY=VALUE in the program's output line.
field() {
	grep -o -m1 -E "(^|[[:space:]])$1=[0-9]+" "$2" | sed 's/.*=//'
}

# stat NAME FILE: the number after "NAME:" in vmos's --stats machine summary.
stat() {
	grep -o -m1 -E "$1: [0-9]+" "$2" | sed 's/.*: //'
}

# runs ENGINE KEYS -- PROG ARGS...: runs PROG $RUNS times on ENGINE (vmos,
# vmos-noasid, qemu, native); for each run appends the values of KEYS (a
# space-separated list; vmos stats "tlb_misses" and "switches" allowed) to
# $tmp/ENGINE.KEY, "fail" when the run failed.  Nothing if ENGINE is absent.
runs() {
	local eng=$1 keys=$2 prog=$4 i k v
	shift 4
	local cmd
	case $eng in
	vmos)        [ $have_vmos -eq 1 ] || return 0; cmd=("$VMOS" run --stats "${VOPTS[@]}" "$BIN/$prog") ;;
	vmos-noasid) [ $have_vmos -eq 1 ] || return 0; cmd=("$VMOS" run --stats --no-asid "${VOPTS[@]}" "$BIN/$prog") ;;
	qemu)        [ $have_qemu -eq 1 ] || return 0; cmd=($QPIN qemu-riscv64 "$BIN/$prog") ;;
	native)      [ $have_native -eq 1 ] || return 0; cmd=($QPIN "$NAT/$prog") ;;
	esac
	for i in $(seq "$RUNS"); do
		if timeout "$TMO" "${cmd[@]}" "$@" </dev/null >"$tmp/out" 2>"$tmp/err"; then
			for k in $keys; do
				case $k in
				tlb_misses) v=$(stat 'tlb misses' "$tmp/err") ;;
				switches)   v=$(stat 'context switches' "$tmp/err") ;;
				*)          v=$(field "$k" "$tmp/out") ;;
				esac
				echo "${v:-fail}" >>"$tmp/$eng.$k"
			done
		else
			for k in $keys; do echo fail >>"$tmp/$eng.$k"; done
		fi
	done
}

# med ENGINE KEY [DIV]: median of the collected values divided by DIV (for
# the unit), formatted with 3 significant digits; "-" if none collected.
med() {
	local m=-
	[ -f "$tmp/$1.$2" ] && m=$(median <"$tmp/$1.$2")
	case $m in -|fail) echo "$m"; return ;; esac
	awk -v m="$m" -v d="${3:-1}" 'BEGIN { v = m / d; printf (v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f"), v }'
}

# count ENGINE KEY: median of collected counts, as an integer; "-" if none.
count() {
	local m=-
	[ -f "$tmp/$1.$2" ] && m=$(median <"$tmp/$1.$2")
	echo "$m"
}

# ratio A B: A/B formatted as "N.NNx", or "-".
ratio() {
	case "$1$2" in *-*|*fail*) echo -; return ;; esac
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}

# row LABEL UNIT VMOS NATIVE QEMU: one line of the table.
row() {
	printf '%-38s %-9s %10s %10s %10s %11s %10s\n' "$1" "$2" "$3" "$4" "$5" "$(ratio "$3" "$4")" "$(ratio "$3" "$5")"
}

# bench LABEL UNIT DIV KEY -- PROG ARGS...: collect on vmos, native and qemu
# and print the row for KEY (divided by DIV for UNIT).
bench() {
	local label=$1 unit=$2 div=$3 key=$4
	shift 4
	rm -f "$tmp"/*.*
	runs vmos "$key" "$@"
	runs native "$key" "$@"
	runs qemu "$key" "$@"
	row "$label" "$unit" "$(med vmos "$key" "$div")" "$(med native "$key" "$div")" "$(med qemu "$key" "$div")"
}

VOPTS=()
QPIN=
printf '%-38s %-9s %10s %10s %10s %11s %10s\n' figure unit vmos native qemu vmos/native vmos/qemu

# Demand-zero faults: both figures come from the same runs.
rm -f "$tmp"/*.*
runs vmos "cold_fault_ns warm_fault_ns" -- vmbench_fault 8192
runs native "cold_fault_ns warm_fault_ns" -- vmbench_fault 8192
runs qemu "cold_fault_ns warm_fault_ns" -- vmbench_fault 8192
row "demand-zero fault, cold (32 MiB)" "ns/fault" "$(med vmos cold_fault_ns)" "$(med native cold_fault_ns)" "$(med qemu cold_fault_ns)"
row "demand-zero fault, warm (32 MiB)" "ns/fault" "$(med vmos warm_fault_ns)" "$(med native warm_fault_ns)" "$(med qemu warm_fault_ns)"

bench "mmap+touch+munmap 1 MiB" "us/cycle" 1000 cycle_ns -- vmbench_mmap 1024 50
bench "mmap+touch+munmap 64 MiB" "ms/cycle" 1000000 cycle_ns -- vmbench_mmap 65536 3
rm -f "$tmp"/*.*
runs vmos "cold_per_mib_ns warm_per_mib_ns" -- vmbench_brk 64 3
runs native "cold_per_mib_ns warm_per_mib_ns" -- vmbench_brk 64 3
runs qemu "cold_per_mib_ns warm_per_mib_ns" -- vmbench_brk 64 3
row "brk 64 KiB steps to 64 MiB, cold" "us/MiB" "$(med vmos cold_per_mib_ns 1000)" "$(med native cold_per_mib_ns 1000)" "$(med qemu cold_per_mib_ns 1000)"
row "brk 64 KiB steps to 64 MiB, warm" "us/MiB" "$(med vmos warm_per_mib_ns 1000)" "$(med native warm_per_mib_ns 1000)" "$(med qemu warm_per_mib_ns 1000)"

# Context switches: sched_yield ping-pong, 8 pages written per turn.
rm -f "$tmp"/*.*
VOPTS=(--quantum "$QUANTUM")
QPIN=$PIN
yargs=(vmbench_yield 50000 8)
runs vmos "switch_ns tlb_misses switches" -- "${yargs[@]}"
runs vmos-noasid "switch_ns tlb_misses switches" -- "${yargs[@]}"
runs native switch_ns -- "${yargs[@]}"
runs qemu switch_ns -- "${yargs[@]}"
VOPTS=()
QPIN=
nat=$(med native switch_ns)
qem=$(med qemu switch_ns)
row "yield ping-pong, ASIDs (vmos default)" "ns/switch" "$(med vmos switch_ns)" "$nat" "$qem"
row "yield ping-pong, vmos --no-asid" "ns/switch" "$(med vmos-noasid switch_ns)" "$nat" "$qem"
echo "(median of $RUNS runs; native = same C code, host cc -O2; ping-pong: 2 x 50000 yields," \
	"8 pages written per turn, vmos --quantum $QUANTUM, native/qemu pinned to one CPU)"

if [ $have_vmos -eq 1 ]; then
	echo
	echo "vmos TLB misses in the ping-pong (whole run, --stats; median of $RUNS runs):"
	printf '  %-10s %12s %18s %16s\n' mode "tlb misses" "context switches" "misses/switch"
	for e in vmos vmos-noasid; do
		m=$(count $e tlb_misses)
		s=$(count $e switches)
		per=$(ratio "$m" "$s" | tr -d x)
		printf '  %-10s %12s %18s %16s\n' "$([ $e = vmos ] && echo ASIDs || echo no-ASID)" "$m" "$s" "$per"
	done
	ma=$(count vmos tlb_misses)
	mn=$(count vmos-noasid tlb_misses)
	sa=$(count vmos switches)
	ta=$(med vmos switch_ns)
	tn=$(med vmos-noasid switch_ns)
	case "$ma$mn$sa$ta$tn" in
	*-*|*fail*) ;;
	*)
		awk -v ma="$ma" -v mn="$mn" -v s="$sa" -v ta="$ta" -v tn="$tn" 'BEGIN {
			printf "  --no-asid: %+.0f TLB misses (%+.2f per switch); %.0f vs %.0f ns per switch (%.2fx)\n",
			       mn - ma, (mn - ma) / s, tn, ta, (ta > 0 ? tn / ta : 0)
		}' ;;
	esac
fi
