#!/usr/bin/env bash
# bench/engine.sh - vmos's execution engines against each other and against
# qemu-riscv64 (a JIT translator, the peer) on the same ELFs:
#
#   interp  `vmos run --engine interp`, the reference interpreter
#   fast    `vmos run --engine fast`, threaded code (portable)
#   jit     `vmos run --engine jit`, x86-64 code (issue 19)
#   qemu    `qemu-riscv64 ELF`
#
# Programs: bench_coremark_like (a workload modelled on CoreMark's: list,
# matrix, state machine, CRC-16; NOT a CoreMark score), its rv64imac/lp64
# build, the same source built with glibc (riscv64-linux-gnu-gcc -static
# -O2) when that compiler is installed, and the bench_* programs of
# bench/cpu.sh at smaller sizes.  The runs alternate (interp, fast, jit,
# qemu, interp, ...) so a change in the machine's load hits every engine alike;
# each figure is the median of $BENCH_RUNS runs (default 3):
#   wall s     elapsed time of the whole command (start-up included)
#   cpu s      user + system CPU time (steadier than wall on a busy machine)
#   it/s       iterations per second as the CoreMark-like program measures
#              its own timed loop with clock_gettime (start-up excluded)
# and the speed ratios fast/interp, jit/interp, jit/fast, fast/qemu and
# jit/qemu (>1: the first is faster; the issue's goal is jit/qemu >= 0.33
# on the CoreMark-like program).  The
# programs print checksums; every engine must print the same, and a
# mismatch is reported (a benchmark never fails).
#
# Then, with valgrind installed, host instructions per guest instruction
# for each vmos engine: callgrind counts the host instructions of two small
# CoreMark-like runs (CG_SMALL and CG_LARGE iterations); the difference
# divided by the difference of guest instructions (from --stats) is the
# cost of one guest instruction, start-up excluded.  Last, the JIT's own
# --stats line (blocks, translation time per block, code-cache use).
#
# Without `--engine` in `vmos run --help` (the fast engine not merged), the
# plain `vmos run` is the interpreter and every fast figure is a SKIP.
#   BENCH_RUNS=N      runs per engine (median reported; default 3)
#   BENCH_ONLY=name   only programs whose name contains this
#   BENCH_TIMEOUT=s   give up on one run after s seconds (default 300)
#   CG_SMALL, CG_LARGE  iterations of the callgrind runs (default 50, 300)
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
BIN=$VMOS_BUILD/user/bin
VMOS=$VMOS_BUILD/vmos
RUNS=${BENCH_RUNS:-3}
ONLY=${BENCH_ONLY:-}
TMO=${BENCH_TIMEOUT:-300}
CG_SMALL=${CG_SMALL:-50}
CG_LARGE=${CG_LARGE:-300}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$VMOS" ] || [ ! -x "$BIN/bench_coremark_like" ]; then
	echo "SKIP engine: $VMOS or $BIN/bench_coremark_like not built (make)"
	exit 0
fi
if [ ! -x /usr/bin/time ]; then
	echo "SKIP engine: /usr/bin/time missing (apt-get install time)"
	exit 0
fi
have_fast=0
"$VMOS" run --help 2>&1 | grep -q -- --engine && have_fast=1
have_jit=0
"$VMOS" run --help 2>&1 | grep -q -- --jit-cache && have_jit=1
have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && have_qemu=1

engines=(interp)
if [ $have_fast -eq 1 ]; then
	engines+=(fast)
	if [ $have_jit -eq 1 ]; then
		engines+=(jit)
	else
		echo "SKIP jit: 'vmos run' has no --jit-cache option (the JIT is not in this build)"
	fi
else
	echo "SKIP fast: 'vmos run' has no --engine option (the fast engine is not in this build); interp = plain 'vmos run'; no fast/interp or fast/qemu ratios"
fi
if [ $have_qemu -eq 1 ]; then
	engines+=(qemu)
else
	echo "SKIP qemu: qemu-riscv64 not installed (apt-get install qemu-user)"
fi
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

# engine_cmd ENGINE: the command prefix that runs an ELF on ENGINE.
engine_cmd() {
	case $1 in
	interp) if [ $have_fast -eq 1 ]; then echo "$VMOS run --engine interp"; else echo "$VMOS run"; fi ;;
	fast)   echo "$VMOS run --engine fast" ;;
	jit)    echo "$VMOS run --engine jit" ;;
	qemu)   echo "qemu-riscv64" ;;
	esac
}

# timed ENGINE TAG ELF ARGS...: one run; appends "wall cpu it/s" (or
# "fail") to $tmp/TAG.ENGINE.times and keeps its stdout in
# $tmp/TAG.ENGINE.out.
timed() {
	local eng=$1 tag=$2; shift 2
	local out=$tmp/$tag.$eng.out rc
	# shellcheck disable=SC2046
	( timeout "$TMO" /usr/bin/time -f '%e %U %S' -o "$tmp/time" \
		$(engine_cmd "$eng") "$@" </dev/null >"$out" 2>"$tmp/err"; echo $? >"$tmp/rc" ) 2>/dev/null
	rc=$(cat "$tmp/rc")
	if [ "$rc" != 0 ] || [ ! -s "$tmp/time" ]; then
		echo fail >>"$tmp/$tag.$eng.times"
		echo "  ($eng $tag: exit $rc: $(head -c 160 "$tmp/err" | tr '\n' ' '))" >>"$tmp/notes"
		return
	fi
	local ips
	ips=$(sed -nE 's/.* ([0-9.]+) iterations\/s.*/\1/p' "$out" | head -n 1)
	awk -v i="${ips:--}" '{ printf "%s %.2f %s\n", $1, $2 + $3, i }' "$tmp/time" \
		>>"$tmp/$tag.$eng.times"
}

# median TAG ENGINE COLUMN: median of one column of the runs, or "fail"/"-".
median() {
	local f=$tmp/$1.$2.times
	[ -f "$f" ] || { echo -; return; }
	if grep -q fail "$f"; then echo fail; return; fi
	awk -v c="$3" '{ print $c }' "$f" | sort -g |
		awk '{ a[NR] = $1 } END { if (a[1] == "-") print "-"; else print a[int((NR + 1) / 2)] }'
}

# ratio A B: A / B to 2 decimals, or "-".
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN { if (a ~ /^[0-9.]+$/ && b ~ /^[0-9.]+$/ && b > 0) printf "%.2f", a / b; else print "-" }'
}

# checksum TAG ENGINE: the program's checksum line.
checksum() {
	grep -m1 -E '^bench_' "$tmp/$1.$2.out" 2>/dev/null | sed -E 's/.*(checksum|=) *//'
}

# bench TAG ELF ARGS...: every engine, alternating, then one table row per
# engine and the ratios.
bench() {
	local tag=$1; shift
	[ -n "$ONLY" ] && [[ $tag != *"$ONLY"* ]] && return
	local i e
	for i in $(seq "$RUNS"); do
		for e in "${engines[@]}"; do timed "$e" "$tag" "$@"; done
	done
	local ref_sum mism=
	ref_sum=$(checksum "$tag" interp)
	for e in "${engines[@]}"; do
		local s
		s=$(checksum "$tag" "$e")
		[ "$s" != "$ref_sum" ] && mism+=" $e=${s:-none}"
		if [[ $tag == *coremark* ]] && ! grep -q '^CRC ok' "$tmp/$tag.$e.out" 2>/dev/null; then
			mism+=" $e:no-CRC-ok"
		fi
		printf '%-22s %-7s %8s %8s %11s  %s\n' "$tag" "$e" "$(median "$tag" "$e" 1)" \
			"$(median "$tag" "$e" 2)" "$(median "$tag" "$e" 3)" "${s:-?}"
	done
	[ -n "$mism" ] && echo "  CHECKSUM MISMATCH (interp=${ref_sum:-none}):$mism"
	# Speed ratios: by it/s when the program measures itself, and by CPU
	# time (1/cpu s) always.
	local by
	for by in it/s cpu; do
		[ $by = it/s ] && [ "$(median "$tag" interp 3)" = - ] && continue
		local line="  speed by $by:" pair
		for pair in fast/interp jit/interp jit/fast fast/qemu jit/qemu interp/qemu; do
			local a=${pair%/*} b=${pair#*/} r
			case " ${engines[*]} " in *" $a "*) ;; *) continue ;; esac
			case " ${engines[*]} " in *" $b "*) ;; *) continue ;; esac
			if [ $by = it/s ]; then
				r=$(ratio "$(median "$tag" "$a" 3)" "$(median "$tag" "$b" 3)")
			else
				r=$(ratio "$(median "$tag" "$b" 2)" "$(median "$tag" "$a" 2)")
			fi
			line+=" $pair $r"
		done
		[[ $line == *=* || $line == */* ]] && echo "$line"
	done
	return 0
}

printf '%-22s %-7s %8s %8s %11s  %s\n' program engine "wall s" "cpu s" "it/s" checksum
bench coremark_like "$BIN/bench_coremark_like"
bench coremark_like_lp64 "$BIN/coremark_like_lp64"
if command -v riscv64-linux-gnu-gcc >/dev/null 2>&1 &&
   riscv64-linux-gnu-gcc -static -O2 -o "$tmp/coremark_like_glibc" \
	user/bin/bench/bench_coremark_like.c 2>"$tmp/gcc.err"; then
	bench coremark_like_glibc "$tmp/coremark_like_glibc"
else
	echo "SKIP coremark_like_glibc: riscv64-linux-gnu-gcc -static failed or missing: $(head -c 120 "$tmp/gcc.err" 2>/dev/null)"
fi
bench bench_chase "$BIN/bench_chase" 5
bench bench_fib "$BIN/bench_fib" 32
bench bench_int "$BIN/bench_int" 20
bench bench_pages "$BIN/bench_pages" 500
bench bench_sort "$BIN/bench_sort" 256
bench bench_stream "$BIN/bench_stream" 100
[ -f "$tmp/notes" ] && { echo "failed runs:"; cat "$tmp/notes"; }
echo "(median of $RUNS alternating runs; speed ratios > 1 mean the first is faster)"

# --- host instructions per guest instruction (callgrind) -----------------
echo
echo "host instructions per guest instruction (callgrind, bench_coremark_like $CG_SMALL and $CG_LARGE iterations):"
stat_value() {
	grep -m1 -E "^instructions:" "$1" | sed -E 's/^[^:]*:[[:space:]]*//; s/[^0-9].*//'
}
if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP callgrind: valgrind not installed (apt-get install valgrind)"
else
	for e in "${engines[@]}"; do
		[ "$e" = qemu ] && continue   # a JIT under valgrind needs --smc-check=all: not comparable
		h=() g=()
		for n in "$CG_SMALL" "$CG_LARGE"; do
			# shellcheck disable=SC2046
			# the JIT writes and patches code at run time: valgrind must
			# look for self-modifying code everywhere
			smc=()
			[ "$e" = jit ] && smc=(--smc-check=all-non-file)
			timeout "$TMO" valgrind --tool=callgrind --callgrind-out-file=/dev/null "${smc[@]}" \
				$(engine_cmd "$e") --stats "$BIN/bench_coremark_like" "$n" notime \
				</dev/null >/dev/null 2>"$tmp/cg.err"
			h+=("$(sed -nE 's/^==[0-9]+== Collected : ([0-9]+).*/\1/p' "$tmp/cg.err")")
			g+=("$(stat_value "$tmp/cg.err")")
		done
		if [ -z "${h[0]}" ] || [ -z "${h[1]}" ] || [ -z "${g[0]}" ] || [ -z "${g[1]}" ]; then
			echo "  $e: callgrind run failed: $(grep -v '^==' "$tmp/cg.err" | head -c 160 | tr '\n' ' ')"
			continue
		fi
		awk -v e="$e" -v h0="${h[0]}" -v h1="${h[1]}" -v g0="${g[0]}" -v g1="${g[1]}" 'BEGIN {
			printf "  %-7s %.1f host/guest instruction (marginal); whole run of %d guest instructions: %.1f\n",
			       e, (h1 - h0) / (g1 - g0), g1, h1 / g1 }'
	done
fi

# --- the JIT's own figures ----------------------------------------------
if [ $have_jit -eq 1 ]; then
	echo
	echo "jit --stats (bench_coremark_like 1000):"
	timeout "$TMO" "$VMOS" run --engine jit --stats "$BIN/bench_coremark_like" 1000 notime \
		</dev/null >/dev/null 2>"$tmp/fs.err"
	if grep -E '^jit:' "$tmp/fs.err" | sed 's/^/  /' | grep .; then
		:
	else
		echo "  (no jit line in --stats: the JIT is not available on this host)"
	fi
fi
exit 0
