#!/usr/bin/env bash
# bench/thp.sh - what transparent superpages buy (vmos run --thp, docs/thp.md).
#
# user/bin/bench/thpbench runs three access patterns over anonymous memory
# advised MADV_HUGEPAGE:
#   sweep   256 MiB, one byte per 4 KiB page: a touch pass, then PASSES reads
#   random  1 GiB touched, then N reads at pseudo-random 4 KiB pages
#   sparse  256 MiB, one byte per 2 MiB (the memory-bloat case)
# under vmos with --thp never, --thp always (reservations) and --thp always
# --thp-strategy eager, and natively on this host (the same source built by
# mk/bench2.mk, with MADV_HUGEPAGE and with MADV_NOHUGEPAGE; the host's
# /sys/kernel/mm/transparent_hugepage/enabled decides what it gets, and its
# AnonHugePages from /proc/self/smaps_rollup says what it got).
#
# For vmos: TLB misses and page walks in the access phase (a run with the
# passes minus one with none: the touch pass alone), demand-zero faults,
# the process's resident peak (RSS) and the machine's peak of frames in use
# (reservations included), the guest's own timing of the access
# phase, and vmos's host wall time.  Natively: the access phase's time,
# AnonHugePages, peak RSS (/usr/bin/time), and dTLB misses if perf events
# are allowed ("-" otherwise).  Medians of $BENCH_THP_RUNS runs (default 3).
# Last, copy-on-write after fork: thpfork with --thp-cow split and copy.
# A benchmark: it never fails.
set -u
cd "$(dirname "$0")/.."
VMOS_BUILD=${VMOS_BUILD:-build}
BIN=$VMOS_BUILD/user/bin
NAT=$VMOS_BUILD/bench/native/thpbench
VMOS=$VMOS_BUILD/vmos
RUNS=${BENCH_THP_RUNS:-3}
SWEEP_MIB=${BENCH_THP_SWEEP_MIB:-256}
SWEEP_PASSES=${BENCH_THP_PASSES:-8}
RANDOM_MIB=${BENCH_THP_RANDOM_MIB:-1024}
RANDOM_N=${BENCH_THP_RANDOM_N:-4000000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

if [ ! -x "$VMOS" ] || [ ! -x "$BIN/thpbench" ]; then
	echo "bench/thp.sh: $VMOS or $BIN/thpbench missing (make): no figures"
	exit 0
fi
echo "host: transparent_hugepage/enabled = $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)," \
	"defrag = $(cat /sys/kernel/mm/transparent_hugepage/defrag 2>/dev/null || echo unknown)," \
	"perf_event_paranoid = $(cat /proc/sys/kernel/perf_event_paranoid 2>/dev/null || echo unknown)"

median() {
	sort -g | awk '{ a[NR] = $1 } END { if (NR) print a[int((NR + 1) / 2)]; else print "-" }'
}
# stat TEXT FILE: the number after TEXT in a --stats report.
stat() { grep -o -m1 -E "$1 [0-9]+" "$2" | grep -o -E '[0-9]+$'; }
field() { grep -o -m1 -E "(^| )$1=[0-9-]+" "$2" | sed 's/.*=//'; }
now_ns() { date +%s%N; }

# vmos_run LABEL RAM ARGS...: $RUNS runs of thpbench ARGS under vmos with the
# options of LABEL; appends each figure to $tmp/LABEL.KEY.
vmos_run() {
	local label=$1 ram=$2
	shift 2
	local opts
	case ${label%-0} in
	never)   opts=(--thp never) ;;
	reserve) opts=(--thp always --thp-strategy reserve) ;;
	eager)   opts=(--thp always --thp-strategy eager) ;;
	esac
	for _ in $(seq "$RUNS"); do
		local t0 t1
		t0=$(now_ns)
		"$VMOS" run --ram "$ram" --stats "${opts[@]}" "$BIN/thpbench" "$@" >"$tmp/out" 2>"$tmp/err" || { echo fail >>"$tmp/$label.wall"; continue; }
		t1=$(now_ns)
		echo $(( (t1 - t0) / 1000000 )) >>"$tmp/$label.wall"
		stat 'tlb misses:' "$tmp/err" >>"$tmp/$label.misses"
		stat 'page walks:' "$tmp/err" >>"$tmp/$label.walks"
		stat 'faults: demand-zero' "$tmp/err" >>"$tmp/$label.faults"
		echo $(( $(stat 'resident peak' "$tmp/err") * 4 / 1024 )) >>"$tmp/$label.rss"
		echo $(( $(grep -o -m1 -E 'in use now, peak [0-9]+' "$tmp/err" | grep -o -E '[0-9]+$') * 4 / 1024 )) >>"$tmp/$label.inuse"
		field run_ns "$tmp/out" >>"$tmp/$label.run_ns"
		field touch_ns "$tmp/out" >>"$tmp/$label.touch_ns"
		grep -o -E 'superpage entries [0-9]+' "$tmp/err" | grep -o -E '[0-9]+$' >>"$tmp/$label.superhits"
		{ stat 'promotions' "$tmp/err"; } >>"$tmp/$label.promotions" 2>/dev/null
		{ stat 'eager 2 MiB maps' "$tmp/err"; } >>"$tmp/$label.eager" 2>/dev/null
	done
}

# native_run LABEL ARGS...: $RUNS native runs; figures to $tmp/native-LABEL.KEY.
native_run() {
	local label=native-$1
	shift
	[ -x "$NAT" ] || return 0
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f 'maxrss_kb=%M' -o "$tmp/time" "$NAT" "$@" >"$tmp/out" 2>/dev/null || { echo fail >>"$tmp/$label.run_ns"; continue; }
		field run_ns "$tmp/out" >>"$tmp/$label.run_ns"
		field touch_ns "$tmp/out" >>"$tmp/$label.touch_ns"
		field anon_huge_kib "$tmp/out" >>"$tmp/$label.huge"
		field run_tlb_misses "$tmp/out" >>"$tmp/$label.misses"
		echo $(( $(field maxrss_kb "$tmp/time") / 1024 )) >>"$tmp/$label.rss"
	done
}

m() { [ -s "$tmp/$1.$2" ] && median <"$tmp/$1.$2" || echo -; }
# sub A B: A - B, or "-".
sub() { case "$1$2" in *-*|*fail*) echo -;; *) echo $(( $1 - $2 ));; esac; }
kib_mib() { case "$1" in -|fail) echo -;; *) echo $(( $1 / 1024 ));; esac; }
ms() { case "$1" in -|fail) echo -;; *) awk -v v="$1" 'BEGIN { printf "%.1f", v / 1e6 }';; esac; }
ratio() { case "$1$2" in *-*|*fail*) echo -;; *) awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf (a / b >= 10 ? "%.0fx" : "%.2fx"), a / b; else print "inf" }';; esac; }

# pattern NAME RAM ARGS(with N) ARGS0(with 0): one table.
pattern() {
	local name=$1 ram=$2 args=$3 args0=$4
	rm -f "$tmp"/*.*
	echo
	echo "== $name: thpbench $args (vmos --ram $ram; medians of $RUNS runs)"
	for l in never reserve eager; do
		# shellcheck disable=SC2086
		vmos_run "$l" "$ram" $args
		mv "$tmp/$l.misses" "$tmp/$l.misses_n"; mv "$tmp/$l.walks" "$tmp/$l.walks_n"
		# shellcheck disable=SC2086
		RUNS=1 vmos_run "$l-0" "$ram" $args0 2>/dev/null
	done
	printf '%-30s %14s %14s %14s\n' "vmos" "--thp never" "always,reserve" "always,eager"
	local row
	for key in misses walks; do
		row=()
		for l in never reserve eager; do
			local n z
			n=$(m "$l" "${key}_n")
			z=-
			[ -s "$tmp/$l-0.$key" ] && z=$(median <"$tmp/$l-0.$key")
			row+=("$(sub "$n" "$z")")
		done
		printf '%-30s %14s %14s %14s\n' "$( [ $key = misses ] && echo 'TLB misses, access phase' || echo 'page walks, access phase')" "${row[@]}"
		[ $key = misses ] && misses_row=("${row[@]}")
	done
	printf '%-30s %14s %14s %14s\n' "TLB misses, whole run" "$(m never misses_n)" "$(m reserve misses_n)" "$(m eager misses_n)"
	printf '%-30s %14s %14s %14s\n' "TLB hits on superpage entries" "$(m never superhits)" "$(m reserve superhits)" "$(m eager superhits)"
	printf '%-30s %14s %14s %14s\n' "demand-zero faults" "$(m never faults)" "$(m reserve faults)" "$(m eager faults)"
	printf '%-30s %14s %14s %14s\n' "superpages (promoted/eager)" "0" "$(m reserve promotions)" "$(m eager eager)"
	printf '%-30s %14s %14s %14s\n' "resident peak (RSS), MiB" "$(m never rss)" "$(m reserve rss)" "$(m eager rss)"
	printf '%-30s %14s %14s %14s\n' "RAM in use peak (all owners), MiB" "$(m never inuse)" "$(m reserve inuse)" "$(m eager inuse)"
	printf '%-30s %14s %14s %14s\n' "guest touch phase, ms" "$(ms "$(m never touch_ns)")" "$(ms "$(m reserve touch_ns)")" "$(ms "$(m eager touch_ns)")"
	printf '%-30s %14s %14s %14s\n' "guest access phase, ms" "$(ms "$(m never run_ns)")" "$(ms "$(m reserve run_ns)")" "$(ms "$(m eager run_ns)")"
	printf '%-30s %14s %14s %14s\n' "vmos wall time, ms" "$(m never wall)" "$(m reserve wall)" "$(m eager wall)"
	printf '%-30s %14s %14s %14s\n' "access-phase TLB misses saved" "1x" "$(ratio "${misses_row[0]}" "${misses_row[1]}")" "$(ratio "${misses_row[0]}" "${misses_row[2]}")"
	if [ -x "$NAT" ]; then
		# shellcheck disable=SC2086
		native_run huge $args
		# shellcheck disable=SC2086
		native_run nohuge $args nohuge
		printf '%-30s %14s %14s\n' "native (host Linux)" "MADV_NOHUGEPAGE" "MADV_HUGEPAGE"
		printf '%-30s %14s %14s\n' "AnonHugePages, MiB" "$(kib_mib "$(m native-nohuge huge)")" "$(kib_mib "$(m native-huge huge)")"
		printf '%-30s %14s %14s\n' "dTLB misses, access phase" "$(m native-nohuge misses)" "$(m native-huge misses)"
		printf '%-30s %14s %14s\n' "peak RSS, MiB" "$(m native-nohuge rss)" "$(m native-huge rss)"
		printf '%-30s %14s %14s\n' "touch phase, ms" "$(ms "$(m native-nohuge touch_ns)")" "$(ms "$(m native-huge touch_ns)")"
		printf '%-30s %14s %14s\n' "access phase, ms" "$(ms "$(m native-nohuge run_ns)")" "$(ms "$(m native-huge run_ns)")"
	else
		echo "native: $NAT missing (make bench): no native figures"
	fi
}

pattern "sweep" 384M "sweep $SWEEP_MIB $SWEEP_PASSES" "sweep $SWEEP_MIB 0"
pattern "random" 1280M "random $RANDOM_MIB $RANDOM_N" "random $RANDOM_MIB 0"
pattern "sparse (bloat)" 384M "sparse $SWEEP_MIB $SWEEP_PASSES" "sparse $SWEEP_MIB 0"

# Copy-on-write after fork: --thp-cow split against copy (thpfork: 64 MiB of
# eager superpages written, fork, the child writes one byte per STEP and
# reads everything 4 times).
echo
echo "== fork: thpfork 64 STEP 4 under --thp always --thp-strategy eager (medians of $RUNS runs)"
printf '%-34s %12s %12s %12s %12s %12s %12s\n' "child writes one byte per" "cow" "COW faults" "pages copied" "TLB misses" "write, ms" "read, ms"
for step in 4 2048; do
	for cow in split copy; do
		rm -f "$tmp"/f.*
		for _ in $(seq "$RUNS"); do
			"$VMOS" run --ram 256M --stats --thp always --thp-strategy eager --thp-cow $cow \
				"$BIN/thpfork" 64 $step 4 >"$tmp/out" 2>"$tmp/err" || { echo fail >>"$tmp/f.faults"; continue; }
			stat 'copy-on-write' "$tmp/err" >>"$tmp/f.faults"
			grep -o -m1 -E 'copied: [0-9]+' "$tmp/err" | grep -o -E '[0-9]+' >>"$tmp/f.copied"
			stat 'tlb misses:' "$tmp/err" >>"$tmp/f.misses"
			field child_write_ns "$tmp/out" >>"$tmp/f.write"
			field child_read_ns "$tmp/out" >>"$tmp/f.read"
		done
		label=$([ $step = 4 ] && echo "4 KiB (every page)" || echo "2 MiB (one per superpage)")
		printf '%-34s %12s %12s %12s %12s %12s %12s\n' "$label" $cow "$(m f faults)" "$(m f copied)" "$(m f misses)" \
			"$(ms "$(m f write)")" "$(ms "$(m f read)")"
	done
done
