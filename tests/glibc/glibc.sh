#!/usr/bin/env bash
# tests/glibc/glibc.sh - real static glibc programs (user/glibc/*.c, built
# by mk/glibc.mk with riscv64-linux-gnu-gcc -static -O2 into $BUILD/glibc)
# run under qemu-riscv64 and under vmos.  For each program NAME:
#   tests/glibc/expected/NAME.out     expected stdout (made with qemu-riscv64)
#   tests/glibc/expected/NAME.status  expected exit status
#   tests/glibc/expected/NAME.args    optional: one argument per line
#   tests/glibc/expected/NAME.noqemu  optional: why qemu-riscv64 cannot be the
#                                     reference (its text is printed); vmos is
#                                     then compared with the expected files
#                                     alone (made from Linux's semantics)
# qemu's run must give the expected files (the program and the reference
# machine are sound); vmos's run must give exactly what qemu's gave.
# stdin is /dev/null and stdout a file, as the expected files assume.
#
# Skips, each with its reason:
#   - riscv64-linux-gnu-gcc is not installed (nothing was built);
#   - qemu-riscv64 is not installed (the qemu checks);
#   - vmos cannot run hard-float programs yet: the ELF loader refuses the
#     lp64d ABI ("hard-float ABI not supported"), or the hart stops at the
#     first floating-point instruction (SIGILL on an F/D opcode).  Found by
#     running hello once and reading vmos's own message.  Any other failure
#     is a failure.
# Then `vmos run --stats`, `--maps` and `--explain` on hello must work.
# Prints one line per check and, last, "N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
VMOS_BUILD=${VMOS_BUILD:-build}
BIN=$VMOS_BUILD/glibc
VMOS=$VMOS_BUILD/vmos
EXP=tests/glibc/expected
TIMEOUT=${GLIBC_TEST_TIMEOUT:-120}
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { echo "ok $*"; pass=$((pass + 1)); }
bad()  { echo "FAIL $*"; fail=$((fail + 1)); }
skp()  { echo "SKIP $*"; skip=$((skip + 1)); }

have_gcc=0
command -v riscv64-linux-gnu-gcc >/dev/null 2>&1 && have_gcc=1
have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && have_qemu=1

# Is the instruction in hex $1 (16 or 32 bits, from vmos's "tval") a
# floating-point one: an F/D opcode, a compressed FP load/store, or a CSR
# access to fflags/frm/fcsr?
is_fp_insn() {
	local i=$(( $1 ))
	if (( (i & 3) != 3 )); then
		local q=$(( i & 3 )) f3=$(( (i >> 13) & 7 ))
		(( (q == 0 || q == 2) && (f3 == 1 || f3 == 5) ))   # c.fld c.fsd c.fldsp c.fsdsp
		return
	fi
	local op=$(( i & 0x7f ))
	case $op in
	$((0x07))|$((0x27))|$((0x43))|$((0x47))|$((0x4b))|$((0x4f))|$((0x53))) return 0 ;;
	$((0x73))) local csr=$(( (i >> 20) & 0xfff )) f3=$(( (i >> 12) & 7 ))
		(( f3 != 0 && csr >= 1 && csr <= 3 )); return ;;
	esac
	return 1
}

# Can vmos run a hard-float glibc program?  Sets vmos_ok / vmos_why.
vmos_ok=1 vmos_why=
probe_vmos() {
	if [ ! -x "$VMOS" ]; then
		vmos_ok=0 vmos_why="$VMOS does not exist"; return
	fi
	[ -x "$BIN/hello" ] || return
	timeout "$TIMEOUT" "$VMOS" run "$BIN/hello" </dev/null >"$tmp/probe.out" 2>"$tmp/probe.err"
	local msg
	msg=$(head -n 1 "$tmp/probe.err")
	if grep -q 'hard-float ABI not supported' "$tmp/probe.err"; then
		vmos_ok=0 vmos_why="vmos refuses hard-float (lp64d) ELFs until the F/D extensions are in: $msg"
	elif [[ $msg =~ killed\ by\ SIGILL.*tval\ (0x[0-9a-f]+) ]] && is_fp_insn "${BASH_REMATCH[1]}"; then
		vmos_ok=0 vmos_why="the vmos hart has no F/D instructions yet: $msg"
	fi
}

# run ENGINE NAME: runs $BIN/NAME, leaving $tmp/ENGINE.NAME.{out,err,rc}
run() {
	local engine=$1 name=$2 args=() line
	if [ -f "$EXP/$name.args" ]; then
		while IFS= read -r line || [ -n "$line" ]; do args+=("$line"); done <"$EXP/$name.args"
	fi
	local cmd=(qemu-riscv64)
	[ "$engine" = vmos ] && cmd=("$VMOS" run --check)
	local rc
	rc=$( (timeout "$TIMEOUT" "${cmd[@]}" "$BIN/$name" "${args[@]}" </dev/null \
	       >"$tmp/$engine.$name.out" 2>"$tmp/$engine.$name.err"; echo $?) 2>/dev/null)
	echo "$rc" >"$tmp/$engine.$name.rc"
}

# same WHAT OUT RC WANT_OUT WANT_RC
same() {
	local what=$1 out=$2 rc=$3 want_out=$4 want_rc=$5
	if [ "$rc" = "$want_rc" ] && cmp -s "$out" "$want_out"; then
		ok "$what"
		return
	fi
	bad "$what: status $rc (want $want_rc)"
	[ "$rc" = 124 ] && echo "    (timed out after ${TIMEOUT}s)"
	diff "$want_out" "$out" | head -n 10 | sed 's/^/    /'
	head -n 3 "${out%.out}.err" 2>/dev/null | sed 's/^/    stderr: /'
}

probe_vmos

for src in user/glibc/*.c; do
	name=$(basename "$src" .c)
	if [ ! -x "$BIN/$name" ]; then
		if [ $have_gcc -eq 0 ]; then
			skp "$name: riscv64-linux-gnu-gcc not installed (apt-get install gcc-riscv64-linux-gnu)"
		else
			bad "$name: $BIN/$name not built (make)"
		fi
		continue
	fi
	if [ ! -f "$EXP/$name.out" ] || [ ! -f "$EXP/$name.status" ]; then
		bad "$name: no $EXP/$name.out or .status"
		continue
	fi
	want_rc=$(tr -d ' \n' <"$EXP/$name.status")
	ref_out=$EXP/$name.out ref_rc=$want_rc
	if [ -f "$EXP/$name.noqemu" ]; then
		skp "qemu $name: $(head -n 1 "$EXP/$name.noqemu")"
	elif [ $have_qemu -eq 1 ]; then
		run qemu "$name"
		same "qemu $name (expected output)" "$tmp/qemu.$name.out" "$(cat "$tmp/qemu.$name.rc")" \
			"$EXP/$name.out" "$want_rc"
		ref_out=$tmp/qemu.$name.out ref_rc=$(cat "$tmp/qemu.$name.rc")
	else
		skp "qemu $name: qemu-riscv64 not installed (vmos is compared with the expected output)"
	fi
	if [ $vmos_ok -eq 0 ]; then
		skp "vmos $name: $vmos_why"
		continue
	fi
	run vmos "$name"
	same "vmos $name (same as ${ref_out##*/})" "$tmp/vmos.$name.out" "$(cat "$tmp/vmos.$name.rc")" \
		"$ref_out" "$ref_rc"
done

# The inspection options on a glibc program.
if [ ! -x "$BIN/hello" ]; then
	skp "vmos --stats/--maps/--explain on glibc hello: not built"
elif [ $vmos_ok -eq 0 ]; then
	skp "vmos --stats/--maps/--explain on glibc hello: $vmos_why"
else
	entry=$(printf '%x' $((16#$(od -An -t x8 -j 24 -N 8 "$BIN/hello" | tr -d ' '))))   # e_entry
	timeout "$TIMEOUT" "$VMOS" run --stats --maps --explain "0x$entry" --explain-access fetch \
		"$BIN/hello" $(cat "$EXP/hello.args") </dev/null >"$tmp/insp.out" 2>"$tmp/insp.err"
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$tmp/insp.out" "$EXP/hello.out" &&
	   grep -q '^==> /proc/1/maps (hello) at exit <==' "$tmp/insp.err" && grep -q ' \[heap\]$' "$tmp/insp.err" &&
	   grep -q '^--- vmos stats ---' "$tmp/insp.err" && grep -q "^process 1 (hello): exit 0" "$tmp/insp.err" &&
	   grep -q "result: fetch 0x$entry -> PA" "$tmp/insp.err"; then
		ok "vmos --stats --maps --explain on glibc hello"
	else
		bad "vmos --stats --maps --explain on glibc hello (exit $rc)"
		head -n 20 "$tmp/insp.err" | sed 's/^/    /'
	fi
fi

if [ $skip -gt 0 ]; then
	echo "$pass passed, $fail failed, $skip skipped"
else
	echo "$pass passed, $fail failed"
fi
[ $fail -eq 0 ]
