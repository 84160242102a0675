#!/usr/bin/env bash
# tests/user/programs.sh - differential test of the user programs.
#
# Every case in tests/user/expected/ is run under `$VMOS_BUILD/vmos run` and,
# when qemu-riscv64 is installed, under qemu-riscv64 too; each run's stdout
# and exit status must equal the expected files.  A case CASE has
#   CASE.out     expected stdout (byte for byte)
#   CASE.status  expected exit status as the shell reports it (128+signal
#                for a process killed by a signal)
#   CASE.cmd     optional: the program name on line 1, then one argument per
#                line (@BIN@ stands for $VMOS_BUILD/user/bin); default: the
#                program CASE with no arguments
#   CASE.noqemu  optional: why the case cannot run under qemu-riscv64 (its
#                first line is printed); the qemu check is then skipped
# stdin is /dev/null; stderr is not compared (fault reports go there).
# USER_TEST_VMOS_FLAGS adds options to every vmos run (tests/user/thp.sh
# runs every case again with --thp always); USER_TEST_QEMU=0 skips qemu.
# vmos checks count as FAILED, not skipped, when vmos or `vmos run` is
# missing: the programs exist to be run by vmos.
# Prints one line per check and, last, "N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BIN=$VMOS_BUILD/user/bin
EXP=tests/user/expected
TIMEOUT=${USER_TEST_TIMEOUT:-$VMOS_RUN_TIMEOUT}    # per run, before VMOS_TIMEOUT_SCALE
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# Does this vmos implement `run`?  Try the smallest program once.
vmos_ok=1 vmos_why=
if [ ! -x "$VMOS" ]; then
	vmos_ok=0 vmos_why="$VMOS does not exist"
else
	rc=$( (run_limited "$TIMEOUT" "$VMOS" run "$BIN/exit42" </dev/null >"$tmp/probe.out" 2>"$tmp/probe.err"
	       echo $?) 2>/dev/null)
	if [ $rc -ne 42 ] && ! grep -q 'calling exit' "$tmp/probe.out"; then
		vmos_ok=0
		vmos_why="'vmos run' does not work yet (exit $rc: $(head -c 120 "$tmp/probe.err" | tr '\n' ' '))"
	fi
fi

have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && have_qemu=1

# check ENGINE CASE: run the case under ENGINE (vmos or qemu), compare.
check() {
	local engine=$1 case=$2 prog args=() line
	if [ -f "$EXP/$case.cmd" ]; then
		{ read -r prog
		  while IFS= read -r line || [ -n "$line" ]; do args+=("${line//@BIN@/$BIN}"); done
		} <"$EXP/$case.cmd"
	else
		prog=$case
	fi
	local want_status out rc
	want_status=$(tr -d ' \n' <"$EXP/$case.status")
	out=$tmp/$engine.$case.out
	if [ ! -x "$BIN/$prog" ]; then
		echo "FAIL $engine $case: $BIN/$prog not built"
		fail=$((fail + 1)); return
	fi
	local cmd=(qemu-riscv64)
	# shellcheck disable=SC2206  # the flags are words on purpose
	[ "$engine" = vmos ] && cmd=("$VMOS" run --check ${USER_TEST_VMOS_FLAGS:-})
	# In a subshell whose stderr is discarded, so bash's own "Segmentation
	# fault" job reports stay out of the results.
	rc=$( (run_limited "$TIMEOUT" "${cmd[@]}" "$BIN/$prog" "${args[@]}" </dev/null >"$out" 2>"$tmp/err"
	       echo $?) 2>/dev/null)
	if [ "$rc" = "$want_status" ] && cmp -s "$out" "$EXP/$case.out"; then
		echo "ok $engine $case"
		pass=$((pass + 1))
		return
	fi
	echo "FAIL $engine $case: status $rc (want $want_status)"
	timed_out "$rc" && echo "    (timed out after $(scaled "$TIMEOUT") s)"
	diff "$EXP/$case.out" "$out" | head -n 10 | sed 's/^/    /'
	head -n 3 "$tmp/err" | sed 's/^/    stderr: /'
	fail=$((fail + 1))
}

for f in "$EXP"/*.status; do
	case=$(basename "$f" .status)
	if [ $vmos_ok -eq 1 ]; then
		check vmos "$case"
	else
		echo "FAIL vmos $case: $vmos_why"
		fail=$((fail + 1))
	fi
	if [ "${USER_TEST_QEMU:-1}" = 0 ]; then
		:
	elif [ -f "$EXP/$case.noqemu" ]; then
		echo "SKIP qemu $case: $(head -n 1 "$EXP/$case.noqemu")"
		skip=$((skip + 1))
	elif [ $have_qemu -eq 1 ]; then
		check qemu "$case"
	else
		echo "SKIP qemu $case: qemu-riscv64 not installed (apt-get install qemu-user)"
		skip=$((skip + 1))
	fi
done

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
