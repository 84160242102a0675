#!/usr/bin/env bash
# bench/pipe.sh - pipes between two processes: user/bin/bench/pipebench.c
# under `$VMOS_BUILD/vmos run`, under qemu-riscv64 (same ELF) and natively
# on this Linux machine (the same C source, host cc -O2:
# $VMOS_BUILD/bench/native/pipebench, mk/bench2.mk).
# Figures (median of $BENCH_PIPE_RUNS runs, default 5):
#   streaming 16 MiB through a pipe in 64 KiB writes and reads (ms per MiB:
#   the copies in and out of the ring, the sleeps of a full and an empty
#   pipe), and a one-byte round trip over two pipes (us: two sleeps, two
#   wake-ups, four system calls).  vmos's sleep and wake-up are a few host
#   function calls on one simulated hart (no host context switch, no other
#   CPU to wake), so it can beat native Linux here; the stream figure is
#   dominated by the copies through a one-page bounce buffer and the
#   simulated instructions of the loop.  qemu-user's pipe is the host's, so its
#   figures measure the host kernel plus qemu; native pins nothing (the two
#   processes may run on two CPUs; vmos has one hart).  Never fails; "-" =
#   engine missing.
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
BIN=$VMOS_BUILD/user/bin
NAT=$VMOS_BUILD/bench/native
VMOS=$VMOS_BUILD/vmos
RUNS=${BENCH_PIPE_RUNS:-5}
TMO=120
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

have_vmos=0; [ -x "$VMOS" ] && [ -x "$BIN/pipebench" ] && have_vmos=1
have_qemu=0; command -v qemu-riscv64 >/dev/null 2>&1 && [ -x "$BIN/pipebench" ] && have_qemu=1
have_native=0; [ -x "$NAT/pipebench" ] && have_native=1

# collect ENGINE: $RUNS runs, their output lines into $tmp/ENGINE.out.
collect() {
	local eng=$1 cmd i
	case $eng in
	vmos)   [ $have_vmos -eq 1 ] || return 0; cmd=("$VMOS" run "$BIN/pipebench") ;;
	qemu)   [ $have_qemu -eq 1 ] || return 0; cmd=(qemu-riscv64 "$BIN/pipebench") ;;
	native) [ $have_native -eq 1 ] || return 0; cmd=("$NAT/pipebench") ;;
	esac
	for i in $(seq "$RUNS"); do
		timeout "$TMO" "${cmd[@]}" 16 2000 </dev/null 2>/dev/null || echo fail
	done >"$tmp/$eng.out"
}

# med ENGINE KEY DIV: the median of KEY divided by DIV, or "-".
med() {
	[ -s "$tmp/$1.out" ] || { echo -; return; }
	grep -q fail "$tmp/$1.out" && { echo fail; return; }
	grep -o -E "$2=[0-9]+" "$tmp/$1.out" | sed 's/.*=//' | sort -g |
		awk -v d="$3" '{ a[NR] = $1 } END { v = a[int((NR + 1) / 2)] / d;
		printf (v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f"), v }'
}

ratio() {
	case "$1$2" in *-*|*fail*) echo -; return ;; esac
	awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "-" }'
}

for e in vmos native qemu; do collect $e; done
printf '%-34s %-7s %10s %10s %10s %11s %10s\n' figure unit vmos native qemu vmos/native vmos/qemu
row() {
	local v n q
	v=$(med vmos "$3" "$4"); n=$(med native "$3" "$4"); q=$(med qemu "$3" "$4")
	printf '%-34s %-7s %10s %10s %10s %11s %10s\n' "$1" "$2" "$v" "$n" "$q" "$(ratio "$v" "$n")" "$(ratio "$v" "$q")"
}
row "stream 16 MiB, 64 KiB writes" "ms/MiB" stream_ns_per_mib 1000000
row "1-byte round trip over 2 pipes" "us" rtt_ns 1000
echo "(median of $RUNS runs; native = same C code, host cc -O2)"
