#!/usr/bin/env bash
# Crash reports name the function at the pc ("pc 0x11d0e (main+0x15e)"),
# read from the program's .symtab by the tools layer (src/tools/symbols.c):
# the offset agrees with the symbol table (llvm-nm or nm, when installed),
# a fault in another function names it, and a stripped program still gets
# the plain report.
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos
BIN=$B/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

"$VMOS" run "$BIN/fault" null-read >/dev/null 2>"$tmp/err"; rc=$?
line=$(grep "killed by SIGSEGV" "$tmp/err")
[ "$rc" = 139 ] && grep -qE 'killed by SIGSEGV: load page fault at 0x0, pc 0x[0-9a-f]+ \(main\+0x[0-9a-f]+\), region none' <<<"$line" \
	&& ok "SIGSEGV report: pc with main+offset" || bad "null-read report: $rc $line"
NM=$(command -v llvm-nm || command -v riscv64-linux-gnu-nm || command -v nm)
if [ -n "$NM" ] && main=$("$NM" "$BIN/fault" 2>/dev/null | awk '$3 == "main" { print $1 }') && [ -n "$main" ]; then
	pc=$(sed -E 's/.* pc 0x([0-9a-f]+) .*/\1/' <<<"$line")
	off=$(sed -E 's/.*\(main\+0x([0-9a-f]+)\).*/\1/' <<<"$line")
	[ $((16#$pc - 16#$main)) = $((16#$off)) ] && ok "offset = pc - main's address from $(basename "$NM")" \
		|| bad "offset 0x$off, pc 0x$pc, main 0x$main"
else
	echo "SKIP offset check: no nm"
fi
"$VMOS" run "$BIN/fault" stack >/dev/null 2>"$tmp/err"
grep -qE 'pc 0x[0-9a-f]+ \(overflow\+0x[0-9a-f]+\)' "$tmp/err" && ok "stack overflow: named in the recursive function" || bad "stack: $(cat "$tmp/err")"
"$VMOS" run "$BIN/fault" illegal >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 132 ] && grep -qE 'killed by SIGILL: illegal instruction at pc 0x[0-9a-f]+ \(main\+0x[0-9a-f]+\) \(tval' "$tmp/err" \
	&& ok "SIGILL report: pc with main+offset" || bad "illegal: $rc $(cat "$tmp/err")"
STRIP=$(command -v llvm-strip || command -v riscv64-linux-gnu-strip)
if [ -n "$STRIP" ]; then
	cp "$BIN/fault" "$tmp/stripped" && "$STRIP" "$tmp/stripped"
	"$VMOS" run "$tmp/stripped" null-read >/dev/null 2>"$tmp/err"; rc=$?
	[ "$rc" = 139 ] && grep -qE 'pc 0x[0-9a-f]+, region none' "$tmp/err" && ok "stripped program: plain pc" || bad "stripped: $rc $(cat "$tmp/err")"
else
	echo "SKIP stripped: no strip tool"
fi
echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
