#!/usr/bin/env bash
# tests/user/tty.sh - ioctl TCGETS / TIOCGWINSZ and fstat on a real
# terminal: `sysabi tty` runs inside script(1)'s pseudo-terminal (rows and
# columns set with stty), once with fd 0-2 all on the terminal and once with
# stdin from /dev/null.  vmos must forward the questions to the host's
# terminal and print exactly what qemu-riscv64 prints; without a terminal
# fd 0 answers ENOTTY.  Skips (with the reason) without script(1).
# Prints "N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
VMOS_BUILD=${VMOS_BUILD:-build}
VMOS=$(pwd)/$VMOS_BUILD/vmos
PROG=$(pwd)/$VMOS_BUILD/user/bin/sysabi
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ok()  { echo "ok $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
if ! command -v script >/dev/null 2>&1; then
	echo "skip tty: script(1) (util-linux) not installed"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
have_qemu=0
command -v qemu-riscv64 >/dev/null 2>&1 && have_qemu=1
# on_tty NAME STDIN CMD...: runs CMD in a pty of 33 rows x 101 columns
on_tty() {
	local name=$1 in=$2; shift 2
	SHELL=/bin/sh timeout 60 script -qec "stty rows 33 cols 101; $* $in" /dev/null </dev/null \
		| tr -d '\r' >"$tmp/$name"
}
for mode in tty stdin-null; do
	in=; [ $mode = stdin-null ] && in='</dev/null'
	on_tty vmos.$mode "$in" "$VMOS" run "$PROG" tty
	if [ $mode = tty ]; then
		n=$(grep -c 'character device, TCGETS 0: .*TIOCGWINSZ 0: 33x101' "$tmp/vmos.$mode")
		[ "$n" = 3 ] && ok "vmos $mode: fd 0-2 answer TCGETS and TIOCGWINSZ from the terminal" ||
			{ bad "vmos $mode: want 3 terminal lines"; cat "$tmp/vmos.$mode"; }
	else
		grep -q '^fd 0: character device, TCGETS -1: .*TIOCGWINSZ -1: 7x7' "$tmp/vmos.$mode" &&
		grep -q '^fd 1: character device, TCGETS 0: .*33x101' "$tmp/vmos.$mode" &&
			ok "vmos $mode: /dev/null is no terminal (ENOTTY, nothing written), fd 1 is" ||
			{ bad "vmos $mode"; cat "$tmp/vmos.$mode"; }
	fi
	grep -q '^sysabi tty: 2 checks, 0 failed$' "$tmp/vmos.$mode" && ok "vmos $mode: EFAULT checks" ||
		bad "vmos $mode: EFAULT checks"
	if [ $have_qemu -eq 1 ]; then
		on_tty qemu.$mode "$in" qemu-riscv64 "$PROG" tty
		cmp -s "$tmp/vmos.$mode" "$tmp/qemu.$mode" && ok "vmos $mode = qemu $mode" ||
			{ bad "vmos $mode differs from qemu"; diff "$tmp/qemu.$mode" "$tmp/vmos.$mode" | head; }
	else
		echo "skip qemu $mode: qemu-riscv64 not installed"; skip=$((skip + 1))
	fi
done
if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail -eq 0 ]
