#!/usr/bin/env bash
# tests/kernel/exec_dyn.sh - exec of position-independent programs, of
# programs with an interpreter (PT_INTERP) and of `#!` scripts.
#
#   1. The probes of user/dyn/probe.c (mk/dyn.mk): a static-pie, a PIE and a
#      fixed-address program whose PT_INTERP is a probe interpreter, and the
#      interpreter run by itself.  Each checks from inside what exec gave it
#      (AT_PHDR, AT_PHNUM, AT_ENTRY, AT_BASE, AT_RANDOM, AT_EXECFN, the load
#      bias, the interpreter's hand-over) and prints yes/no answers: vmos
#      must print exactly what qemu-riscv64 prints, with the same status.
#   2. glibc's own dynamic loader (the cross toolchain's ld.so, an ET_DYN)
#      run as a program: `ld.so --version`, vmos against qemu-riscv64.
#   3. `#!` scripts whose interpreter is the probe: the argv the probe sees
#      must be what the host kernel builds for the same line with /bin/echo
#      as interpreter (qemu-user cannot run a riscv64 interpreter of a script
#      without binfmt_misc, so the host kernel is the reference for the
#      rewriting rules: blanks, tabs, one argument, a line cut at 256 bytes),
#      and a chain of 5 scripts runs while 6 give ELOOP.
#   4. Errors, through user/bin/tests/run_exec.c: errno names from vmos
#      against qemu-riscv64, which hands a guest's execve of a host script to
#      the host kernel (so the host is the reference): "#!" alone, blanks
#      only, a missing interpreter, an interpreter name longer than the
#      256-byte buffer, a script without execute permission.  And a program
#      whose PT_INTERP names a missing file (ENOENT) or a text file (ELIBBAD),
#      Linux's binfmt_elf errors.
# Prints one line per check and, last, "N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
DYN=$VMOS_BUILD/dyn
BIN=$VMOS_BUILD/user/bin
pass=0 fail=0 skip=0
# the scripts live in the build tree: the guest sees the host's files
# there (its /tmp is a tmpfs of its own)
mkdir -p "$VMOS_BUILD"
tmp=$(mktemp -d "$(realpath "$VMOS_BUILD")/exec_dyn.XXXXXX")
htmp=$(mktemp -d)                       # the host's side only
trap 'rm -rf "$tmp" "$htmp"' EXIT
ok()   { echo "ok $1"; pass=$((pass + 1)); }
bad()  { echo "FAIL $1"; fail=$((fail + 1)); }
skp()  { echo "SKIP $1"; skip=$((skip + 1)); }
finish() { echo "$pass passed, $fail failed, $skip skipped"; exit $((fail > 0)); }

for f in "$VMOS" "$DYN/pie_static" "$DYN/interp" "$DYN/pie_interp" "$DYN/exec_interp" "$BIN/run_exec"; do
	[ -x "$f" ] || { bad "$f not built"; finish; }
done
have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && have_qemu=1

# same_as_qemu NAME PROG ARGS...: vmos and qemu-riscv64 print the same and
# exit with the same status.
same_as_qemu() {
	local name=$1; shift
	if [ $have_qemu = 0 ]; then skp "$name: qemu-riscv64 is not installed"; return; fi
	run_vmos run "$@" >"$tmp/v.out" 2>"$tmp/v.err"; local vr=$?
	run_limited 60 qemu-riscv64 "$@" >"$tmp/q.out" 2>"$tmp/q.err"; local qr=$?
	if [ "$vr" = "$qr" ] && cmp -s "$tmp/v.out" "$tmp/q.out"; then
		ok "$name (status $vr, $(wc -l <"$tmp/v.out") lines as qemu)"
	else
		bad "$name: vmos status $vr, qemu $qr"
		diff "$tmp/q.out" "$tmp/v.out" | head -n 20
		head -n 5 "$tmp/v.err"
	fi
}

# --- 1. the probes -------------------------------------------------------
same_as_qemu "static-pie probe" "$DYN/pie_static" one two
same_as_qemu "PIE with a PT_INTERP interpreter" "$DYN/pie_interp" one two
same_as_qemu "fixed-address program with a PT_INTERP interpreter" "$DYN/exec_interp" one
same_as_qemu "the interpreter run by itself (its checks fail: status 1)" "$DYN/interp"
# the probes' own verdict, without qemu
run_vmos run "$DYN/pie_interp" >"$tmp/o" 2>&1; rc=$?
if [ $rc = 0 ] && grep -q '^interp: started' "$tmp/o" && ! grep -q ': no$' "$tmp/o"; then
	ok "the PIE's interpreter ran first and every check said yes"
else
	bad "pie_interp: status $rc"; cat "$tmp/o"
fi
# where things go: PIE at 2/3 of the user half, the interpreter below the stack
run_vmos run --maps "$DYN/pie_interp" >"$tmp/o" 2>&1
if grep -q '^2aaaaaa000-.*/pie_interp$' "$tmp/o" && grep -q '^3ff[0-9a-f]*-.* r-xp .*/interp$' "$tmp/o"; then
	ok "--maps: the PIE at 0x2aaaaaa000, its interpreter just below the stack"
else
	bad "--maps of pie_interp"; grep -E 'interp|stack' "$tmp/o"
fi

# --- 2. glibc's dynamic loader as a program ---------------------------------
LDSO=$(ls /usr/riscv64-linux-gnu/lib/ld-linux-riscv64-lp64d.so.1 2>/dev/null)
if [ -n "$LDSO" ]; then
	same_as_qemu "ld.so --version (glibc's ET_DYN loader as a program)" "$LDSO" --version
else
	skp "ld.so --version: the riscv64 glibc cross loader is not installed (libc6-riscv64-cross)"
fi

# --- 3. #! scripts ----------------------------------------------------------
ABS_PROBE=$(realpath "$DYN/pie_static")
# The host's interpreter: /bin/echo by a path as long as the probe's, so a
# line cut at 256 bytes is cut at the same place of the argument.
pad=$(( ${#ABS_PROBE} - ${#htmp} - 1 ))
if [ $pad -lt 2 ]; then
	HOST_ECHO=/bin/echo
	skp "#! long: the probe's path is too short to pad /bin/echo's to"
else
	HOST_ECHO=$htmp/$(printf 'e%.0s' $(seq 1 $pad))
	ln -s /bin/echo "$HOST_ECHO"
fi
# script NAME LINE: a script in $tmp whose first line is LINE with
# "@" replaced by the interpreter; one for vmos (the probe) and one for the
# host (/bin/echo).
script() {
	printf '%s\nexit 0\n' "${2//@/$ABS_PROBE}" >"$tmp/$1"
	printf '%s\nexit 0\n' "${2//@/$HOST_ECHO}" >"$tmp/$1.host"
	chmod +x "$tmp/$1" "$tmp/$1.host"
}
# check_script NAME: the probe's argv after argv[0] is what /bin/echo printed
check_script() {
	local name=$1 want got
	want=$(cd "$tmp" && "./$name.host" A "b c" 2>&1)
	want=${want//.host/}
	run_vmos run "$BIN/run_exec" "$tmp/$name" "./$name" A "b c" >"$tmp/o" 2>&1
	got=$(sed -n 's/^probe: argc=[0-9]* argv:[^ ]* //p' "$tmp/o")
	got=${got//$tmp\//./}
	if [ "$got" = "$want" ]; then
		ok "#! $name: argv '$got' as the host kernel builds it"
	else
		bad "#! $name: argv '$got', the host kernel gives '$want'"; head -n 3 "$tmp/o"
	fi
}
script plain '#!@'
script arg '#!@ -x'
script blanks "#!  	@	  one  two 	 "
script noline '#!@ tail-without-newline'
printf '#!%s no-newline-at-all' "$ABS_PROBE" >"$tmp/nonl"; printf '#!%s no-newline-at-all' "$HOST_ECHO" >"$tmp/nonl.host"
chmod +x "$tmp/nonl" "$tmp/nonl.host"
long=$(printf 'x%.0s' $(seq 1 300))
script long "#!@ $long"
for s in plain arg blanks noline nonl; do check_script "$s"; done
[ "$HOST_ECHO" != /bin/echo ] && check_script long
# the script's own path as AT_EXECFN, argv[0] replaced by the interpreter
run_vmos run "$BIN/run_exec" "$tmp/arg" whatever >"$tmp/o" 2>&1
if grep -qx "probe: AT_EXECFN=$tmp/arg" "$tmp/o" && grep -q "argv:$ABS_PROBE -x $tmp/arg\$" "$tmp/o"; then
	ok "#!: AT_EXECFN is the script, argv[0] the interpreter"
else
	bad "#!: AT_EXECFN / argv"; cat "$tmp/o"
fi
# `vmos run` of a script
run_vmos run "$tmp/arg" Z >"$tmp/o" 2>&1; rc=$?
if [ $rc = 0 ] && grep -q "argv:$ABS_PROBE -x $tmp/arg Z\$" "$tmp/o"; then
	ok "vmos run SCRIPT"
else
	bad "vmos run SCRIPT: status $rc"; cat "$tmp/o"
fi
# a chain: c0 runs the probe, cN runs c(N-1); 5 scripts run, 6 are ELOOP
printf '#!%s\n' "$ABS_PROBE" >"$tmp/c0"
for i in 1 2 3 4 5; do printf '#!%s\n' "$tmp/c$((i - 1))" >"$tmp/c$i"; done
chmod +x "$tmp"/c?
run_vmos run "$BIN/run_exec" "$tmp/c4" c4 >"$tmp/o" 2>&1; rc=$?
if [ $rc = 0 ] && grep -q "argv:$ABS_PROBE $tmp/c0 $tmp/c1 $tmp/c2 $tmp/c3 $tmp/c4\$" "$tmp/o"; then
	ok "#!: a chain of 5 scripts runs (each interpreter is the next script)"
else
	bad "#!: chain of 5: status $rc"; cat "$tmp/o"
fi
run_vmos run "$BIN/run_exec" "$tmp/c5" c5 >"$tmp/o" 2>&1
grep -q '^execve: ELOOP' "$tmp/o" && ok "#!: a chain of 6 scripts is ELOOP (as Linux)" ||
	{ bad "#!: chain of 6"; cat "$tmp/o"; }

# --- 4. errors -------------------------------------------------------------
printf '#!\necho\n' >"$tmp/e_empty"
printf '#!  \t \n' >"$tmp/e_blank"
printf '#!/nonexistent/interpreter\n' >"$tmp/e_missing"
printf '#!/bin/%s\n' "$long" >"$tmp/e_longname"
printf '#!/bin/sh\n' >"$tmp/e_noexec"
printf '#!%s\n' "$tmp/plain.txt" >"$tmp/e_textinterp"; printf 'not a program\n' >"$tmp/plain.txt"
chmod +x "$tmp"/e_* "$tmp/plain.txt"; chmod -x "$tmp/e_noexec"
declare -A want=([e_empty]=ENOEXEC [e_blank]=ENOEXEC [e_missing]=ENOENT [e_longname]=ENOEXEC
		 [e_noexec]=EACCES [e_textinterp]=ENOEXEC)
for e in e_empty e_blank e_missing e_longname e_noexec e_textinterp; do
	run_vmos run "$BIN/run_exec" "$tmp/$e" x >"$tmp/o" 2>&1
	got=$(sed -n 's/^execve: \([A-Z0-9]*\).*/\1/p' "$tmp/o")
	ref=${want[$e]}
	if [ $have_qemu = 1 ]; then
		run_limited 30 qemu-riscv64 "$BIN/run_exec" "$tmp/$e" x >"$tmp/q" 2>&1
		ref=$(sed -n 's/^execve: \([A-Z0-9]*\).*/\1/p' "$tmp/q")
	fi
	if [ "$got" = "$ref" ] && [ "$got" = "${want[$e]}" ]; then
		ok "#! error $e: $got (the host kernel's)"
	else
		bad "#! error $e: vmos $got, host kernel $ref, expected ${want[$e]}"; cat "$tmp/o"
	fi
done
# PT_INTERP naming a missing file / a text file: the same program with the
# last letters of its interpreter's path changed (same length)
python3 - "$DYN/pie_interp" "$tmp" <<'PY'
import sys
src, tmp = sys.argv[1], sys.argv[2]
data = open(src, 'rb').read()
i = data.index(b'/dyn/interp\0')
for name, repl in (('p_missing', b'/dyn/intxxx\0'), ('p_text', b'/dyn/intext\0')):
    out = data[:i] + repl + data[i + len(repl):]
    open(tmp + '/' + name, 'wb').write(out)
PY
chmod +x "$tmp/p_missing" "$tmp/p_text"
printf 'not an ELF\n' >"$DYN/intext"; chmod +x "$DYN/intext"
run_vmos run "$BIN/run_exec" "$tmp/p_missing" x >"$tmp/o" 2>&1
grep -q '^execve: ENOENT' "$tmp/o" && ok "PT_INTERP names a missing file: ENOENT" ||
	{ bad "PT_INTERP missing"; cat "$tmp/o"; }
run_vmos run "$BIN/run_exec" "$tmp/p_text" x >"$tmp/o" 2>&1
grep -q '^execve: ELIBBAD' "$tmp/o" && ok "PT_INTERP names a text file: ELIBBAD" ||
	{ bad "PT_INTERP not ELF"; cat "$tmp/o"; }
run_vmos run "$tmp/p_missing" >"$tmp/o" 2>&1; rc=$?
[ $rc = 127 ] && grep -q 'interpreter' "$tmp/o" && ok "vmos run of it: status 127 and a message naming the interpreter" ||
	{ bad "vmos run p_missing: status $rc"; cat "$tmp/o"; }
finish
