#!/usr/bin/env bash
# tests/engine/engines.sh - the execution engines must be indistinguishable.
#
# vmos has a reference interpreter (`vmos run --engine interp`) and two
# faster engines (`--engine fast`, threaded code, and `--engine jit`, x86-64
# code; the JIT's runs here also use a small code cache, `--jit-cache 256K`,
# so that it fills and is emptied in the middle of runs).  Every access of both goes through the modelled
# TLB and MMU and every count is exact, so for the same program and options
# the two must give the same stdout, the same exit status and the same
# counters: instructions, TLB hits and misses, walks, PTE reads, A/D
# updates, faults by kind, pages zeroed/copied/swapped, context switches,
# per process and for the machine.  This script runs
#   - every case of tests/user/programs.sh (tests/user/expected/*) and of
#     tests/engine/expected/* (the stale-translation programs, see
#     user/bin/tests/stale_code.c) under both engines;
#   - scenarios that stress what a translating engine can get wrong: small
#     time slices with several processes (`A --- B`, the interleaving must
#     match instruction for instruction), few frames plus swap (code pages
#     evicted and brought back), a tiny TLB, no ASIDs, Sv48, the event log
#     of faults, syscalls, evictions and time-slice ends with their
#     instruction stamps (--events -), working-set samples (--wss);
# and compares the runs exactly: stdout (without the benchmark's own
# "time:" line), exit status, stderr with the --stats text, and the
# --stats-json counters.  Left out of the comparison, because they describe
# the engine or the host and not the machine: stderr lines and JSON keys
# that mention the engine, translation, blocks, the code cache, JIT, wall
# time, seconds, MIPS or the host (ENGINE_ONLY below).
#
# Without --engine (the fast engine not merged yet) the comparisons print one
# SKIP with the reason; what runs anyway: the stale-translation cases against
# their expected output (vmos and qemu-riscv64), every case and scenario
# twice under the interpreter (the counters must be deterministic, or no
# comparison could hold), and a check that the comparison notices a real
# difference.
# Prints one line per check and, last, "N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
VMOS_BUILD=${VMOS_BUILD:-build}
BIN=$VMOS_BUILD/user/bin
VMOS=$VMOS_BUILD/vmos
UEXP=tests/user/expected
EEXP=tests/engine/expected
TIMEOUT=${ENGINE_TEST_TIMEOUT:-60}
ENGINE_ONLY='engine|translat|block|code.?cache|jit|wall|second|mips|host|elapsed'
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { echo "ok $*"; pass=$((pass + 1)); }
bad()  { echo "FAIL $*"; fail=$((fail + 1)); }

if [ ! -x "$VMOS" ] || [ ! -x "$BIN/stale_code" ]; then
	bad "engines: $VMOS or $BIN/stale_code not built"
	echo "$pass passed, $fail failed"
	exit 1
fi
have_fast=0
"$VMOS" run --help 2>&1 | grep -q -- --engine && have_fast=1
have_jit=0
"$VMOS" run --help 2>&1 | grep -q -- --jit-cache && have_jit=1
have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && have_qemu=1

# run TAG VMOS-OPTIONS... -- PROGRAM ARGS...: one vmos run with counters;
# leaves $tmp/TAG.out, .err, .json, .rc.
run() {
	local tag=$1 opts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
	shift
	rm -f "$tmp/$tag".*
	( timeout "$TIMEOUT" "$VMOS" run --check --stats --stats-json "$tmp/$tag.json" \
		"${opts[@]}" "$@" </dev/null >"$tmp/$tag.out" 2>"$tmp/$tag.err"
	  echo $? >"$tmp/$tag.rc" ) 2>/dev/null
}

# same LABEL TAG-A TAG-B [differ]: the two runs must be identical once
# normalised (or, with `differ`, must not be).  The comparisons are queued
# and made by compare_all, in one python process for the whole script.
same() {
	echo "$1	$2	$3	${4:-same}" >>"$tmp/pairs"
}

# compare_all: normalises every queued run (status; stdout without the
# benchmark's "time:" lines; stderr with the --stats text; the
# --stats-json counters flattened to path = value), all without what
# ENGINE_ONLY matches, compares the pairs, prints ok/FAIL lines and a last
# line "P F" (passes, failures).
compare_all() {
	[ -f "$tmp/pairs" ] || { echo "0 0"; return; }
	python3 -c '
import difflib, json, re, sys
tmp, skip = sys.argv[1], re.compile(sys.argv[2], re.I)

def read(path):
    try:
        with open(path, errors="replace") as f:
            return f.read().splitlines()
    except OSError:
        return ["(missing %s)" % path]

def flat(v, path, out):
    if isinstance(v, dict):
        for k in sorted(v):
            if not skip.search(k):
                flat(v[k], path + "." + k, out)
    elif isinstance(v, list):
        for i, x in enumerate(v):
            flat(x, "%s[%d]" % (path, i), out)
    else:
        out.append("%s = %s" % (path, json.dumps(v)))

def norm(tag):
    t = "%s/%s" % (tmp, tag)
    lines = ["status " + " ".join(read(t + ".rc")), "--- stdout"]
    lines += [l for l in read(t + ".out") if not re.match(r"(\[\d+\] )?time: ", l)]
    lines.append("--- stderr and --stats")
    lines += [l for l in read(t + ".err") if not skip.search(l)]
    lines.append("--- stats-json")
    try:
        with open(t + ".json") as f:
            flat(json.load(f), "", lines)
    except (OSError, ValueError) as e:
        lines.append("(no JSON: %s)" % e)
    return lines

p = f = 0
for row in sys.stdin:
    label, a, b, want = row.rstrip("\n").split("\t")
    na, nb = norm(a), norm(b)
    if (na == nb) == (want == "same"):
        print("ok " + label)
        p += 1
        continue
    f += 1
    if want == "same":
        print("FAIL %s: %s and %s differ" % (label, a, b))
        d = list(difflib.unified_diff(na, nb, a, b, n=0, lineterm=""))
        for l in d[2:14]:
            print("    " + l)
    else:
        print("FAIL %s: %s and %s compare equal" % (label, a, b))
print(p, f)
' "$tmp" "$ENGINE_ONLY" <"$tmp/pairs"
}

# load_case DIR CASE: sets prog, args and vopts from DIR/CASE.{cmd,vmos}.
load_case() {
	local dir=$1 case=$2 line
	prog=$case args=() vopts=()
	if [ -f "$dir/$case.cmd" ]; then
		{ read -r prog
		  while IFS= read -r line || [ -n "$line" ]; do args+=("${line//@BIN@/$BIN}"); done
		} <"$dir/$case.cmd"
	fi
	[ -f "$dir/$case.vmos" ] && read -r -a vopts <"$dir/$case.vmos"
	return 0
}

# --- 1. the comparison itself can fail -----------------------------------
run self1 -- "$BIN/stale_code" rwx
run self2 -- "$BIN/stale_code" rwx
same "comparison: two identical runs compare equal" self1 self2
run self3 --tlb 8:2 -- "$BIN/stale_code" rwx
same "comparison: a run with another TLB (8:2) is told apart" self1 self3 differ

# --- 2. stale-translation cases against their expected output ------------
for f in "$EEXP"/*.status; do
	case=$(basename "$f" .status)
	load_case "$EEXP" "$case"
	want=$(tr -d ' \n' <"$f")
	# the default engine, and each translating engine by name (the JIT
	# also with its smallest code cache)
	variants=(default)
	[ $have_fast -eq 1 ] && variants+=(fast)
	[ $have_jit -eq 1 ] && variants+=(jit jit-128K)
	for v in "${variants[@]}"; do
		case $v in
		default)  eopts=() ;;
		jit-128K) eopts=(--engine jit --jit-cache 128K) ;;
		*)        eopts=(--engine "$v") ;;
		esac
		run "exp.$case.$v" "${eopts[@]}" "${vopts[@]}" -- "$BIN/$prog" "${args[@]}"
		if [ "$(cat "$tmp/exp.$case.$v.rc")" = "$want" ] && cmp -s "$tmp/exp.$case.$v.out" "$EEXP/$case.out"; then
			ok "vmos ($v) $case"
		else
			bad "vmos ($v) $case: status $(cat "$tmp/exp.$case.$v.rc") (want $want)"
			diff "$EEXP/$case.out" "$tmp/exp.$case.$v.out" | head -n 8 | sed 's/^/    /'
			head -n 3 "$tmp/exp.$case.$v.err" | sed 's/^/    stderr: /'
		fi
	done
	if [ -f "$EEXP/$case.noqemu" ]; then
		echo "SKIP qemu $case: $(head -n 1 "$EEXP/$case.noqemu")"
		skip=$((skip + 1))
	elif [ $have_qemu -eq 0 ]; then
		echo "SKIP qemu $case: qemu-riscv64 not installed (apt-get install qemu-user)"
		skip=$((skip + 1))
	else
		rc=$( (timeout "$TIMEOUT" qemu-riscv64 "$BIN/$prog" "${args[@]}" </dev/null \
			>"$tmp/q.out" 2>/dev/null; echo $?) 2>/dev/null)
		if [ "$rc" = "$want" ] && cmp -s "$tmp/q.out" "$EEXP/$case.out"; then
			ok "qemu $case"
		else
			bad "qemu $case: status $rc (want $want)"
			diff "$EEXP/$case.out" "$tmp/q.out" | head -n 8 | sed 's/^/    /'
		fi
	fi
done

# The benchmark's self-check must catch a wrong result: built on the host
# with a wrong known CRC, it must say CRC MISMATCH and exit 1.
if command -v cc >/dev/null 2>&1 &&
   cc -O1 -DKNOWN_LIST_CRC0=0x1234u -o "$tmp/cml_wrong" user/bin/bench/bench_coremark_like.c 2>"$tmp/cc.err"; then
	out=$("$tmp/cml_wrong" 2 notime); rc=$?
	if [ $rc -eq 1 ] && grep -q '^CRC MISMATCH: want list 0x1234' <<<"$out" && ! grep -q 'CRC ok' <<<"$out"; then
		ok "bench_coremark_like: a wrong known CRC is reported (CRC MISMATCH, exit 1)"
	else
		bad "bench_coremark_like: a wrong known CRC gave exit $rc: $out"
	fi
else
	echo "SKIP coremark-selfcheck: no host cc to build bench_coremark_like with a wrong CRC: $(head -c 120 "$tmp/cc.err" 2>/dev/null)"
	skip=$((skip + 1))
fi

# --- 3. scenarios: several processes, small slices, swap, small TLBs ------
# One per line: a label, then `vmos run` options and programs (@BIN@ =
# $VMOS_BUILD/user/bin).
scenarios() {
	cat <<'EOF'
quantum-3procs     --quantum 50 --prefix @BIN@/stale_code cow --- @BIN@/fork --- @BIN@/stale_code self
quantum-1          --quantum 1 --prefix @BIN@/hello --- @BIN@/exit0 --- @BIN@/arith
quantum-coremark   --quantum 997 --prefix @BIN@/bench_coremark_like 20 notime --- @BIN@/stale_code remap --- @BIN@/stale_code munmap
swap-code          --frames 24 --swap 4M @BIN@/stale_code swap 64
swap-3procs        --frames 40 --swap 8M --quantum 500 --prefix @BIN@/stale_code swap 48 --- @BIN@/stale_code cow --- @BIN@/bench_coremark_like 10 notime
swap-local         --local 12 --swap 8M --quantum 200 --prefix @BIN@/stale_code swap 32 --- @BIN@/stale_code mprotect
tlb-tiny           --tlb 4:1 @BIN@/bench_coremark_like 20 notime
no-asid            --no-asid --quantum 300 --prefix @BIN@/stale_code rwx --- @BIN@/stale_code noexec
sv48               --paging sv48 --prefix @BIN@/stale_code munmap --- @BIN@/stale_code self
coremark           @BIN@/bench_coremark_like 50 notime
events-3procs      --quantum 777 --frames 40 --swap 8M --events - --events-filter fault,syscall,exit,evict,tick --prefix @BIN@/stale_code swap 48 --- @BIN@/stale_code cow --- @BIN@/bench_coremark_like 5 notime
wss                --wss 5000 --quantum 3000 @BIN@/bench_coremark_like 20 notime --- @BIN@/stale_code rwx
coremark-lp64      @BIN@/coremark_like_lp64 20 notime
EOF
}
# A glibc program too (another libc's start-up, TLS, string functions), when
# the cross compiler is here.
glibc_scenario() {
	if ! command -v riscv64-linux-gnu-gcc >/dev/null 2>&1; then
		echo "SKIP scenario glibc-coremark: riscv64-linux-gnu-gcc not installed (apt-get install gcc-riscv64-linux-gnu)" >&2
		return
	fi
	if ! riscv64-linux-gnu-gcc -static -O2 -o "$tmp/coremark_glibc" \
		user/bin/bench/bench_coremark_like.c 2>"$tmp/gcc.err"; then
		echo "SKIP scenario glibc-coremark: riscv64-linux-gnu-gcc -static failed: $(head -c 160 "$tmp/gcc.err")" >&2
		return
	fi
	echo "glibc-coremark     --quantum 333 --prefix $tmp/coremark_glibc 20 notime --- @BIN@/stale_code cow"
}
ref_engine=()
[ $have_fast -eq 1 ] && ref_engine=(--engine interp)
nsc=0
while read -r label rest; do
	nsc=$((nsc + 1))
	read -r -a words <<<"${rest//@BIN@/$BIN}"
	run "sc.$label.a" "${ref_engine[@]}" -- "${words[@]}"
	if [ "$(cat "$tmp/sc.$label.a.rc")" != 0 ]; then
		bad "scenario $label: exit status $(cat "$tmp/sc.$label.a.rc")"
		tail -n 3 "$tmp/sc.$label.a.err" | sed 's/^/    stderr: /'
		continue
	fi
	run "sc.$label.b" "${ref_engine[@]}" -- "${words[@]}"
	same "scenario $label: deterministic under the interpreter" "sc.$label.a" "sc.$label.b"
	if [ $have_fast -eq 1 ]; then
		run "sc.$label.fast" --engine fast -- "${words[@]}"
		same "scenario $label: fast = interp" "sc.$label.a" "sc.$label.fast"
	fi
	if [ $have_jit -eq 1 ]; then
		run "sc.$label.jit" --engine jit -- "${words[@]}"
		same "scenario $label: jit = interp" "sc.$label.a" "sc.$label.jit"
		run "sc.$label.jits" --engine jit --jit-cache 256K -- "${words[@]}"
		same "scenario $label: jit (256K code cache) = interp" "sc.$label.a" "sc.$label.jits"
	fi
done < <(scenarios; glibc_scenario 2>>"$tmp/skips")
if [ -s "$tmp/skips" ]; then
	cat "$tmp/skips"
	skip=$((skip + $(wc -l <"$tmp/skips")))
fi

# --- 4. every test program under both engines ----------------------------
# Without the fast engine each case runs twice under the one engine there
# is: the comparison must hold between identical runs before it can hold
# between engines.
ncases=0
for dir in "$UEXP" "$EEXP"; do
	for f in "$dir"/*.status; do
		ncases=$((ncases + 1))
		case=$(basename "$f" .status)
		load_case "$dir" "$case"
		if [ $have_fast -eq 1 ]; then
			run "c.$case.interp" --engine interp "${vopts[@]}" -- "$BIN/$prog" "${args[@]}"
			run "c.$case.fast" --engine fast "${vopts[@]}" -- "$BIN/$prog" "${args[@]}"
			same "fast = interp: $case" "c.$case.interp" "c.$case.fast"
			if [ $have_jit -eq 1 ]; then
				run "c.$case.jit" --engine jit "${vopts[@]}" -- "$BIN/$prog" "${args[@]}"
				same "jit = interp: $case" "c.$case.interp" "c.$case.jit"
			fi
		else
			run "c.$case.1" "${vopts[@]}" -- "$BIN/$prog" "${args[@]}"
			run "c.$case.2" "${vopts[@]}" -- "$BIN/$prog" "${args[@]}"
			same "deterministic: $case" "c.$case.1" "c.$case.2"
		fi
	done
done
compare_all >"$tmp/results"
grep -v '^[0-9]* [0-9]*$' "$tmp/results"
read -r p f < <(tail -n 1 "$tmp/results")
if [ -z "${f:-}" ]; then
	bad "engines: the comparison (python3) printed no result"
else
	pass=$((pass + p)) fail=$((fail + f))
fi
if [ $have_fast -eq 0 ]; then
	echo "SKIP engines: 'vmos run' has no --engine option (the fast engine is not in this build): $ncases program comparisons and $nsc scenario comparisons fast = interp not run"
	skip=$((skip + 1))
fi

if [ $have_fast -eq 1 ] && [ $have_jit -eq 0 ]; then
	echo "SKIP engines: 'vmos run' has no --jit-cache option (the JIT is not in this build): jit = interp not run"
	skip=$((skip + 1))
fi

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
