#!/usr/bin/env bash
# tools/setup.sh, the dependency check `make demo` and `make test` run first:
# with a PATH that lacks a required program it names the program, its Debian
# package and the exact apt-get line in one message and fails; optional ones
# only warn; and the build itself says what is missing instead of failing
# cryptically (a missing llvm-readelf once gave "/bin/sh: 1: lW: not found").
set -u
cd "$(dirname "$0")/../.."
pass=0; fail=0; skip=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# fakebin PROGRAM... -> a directory holding a stand-in for each PROGRAM
# (plus the real grep and mkdir the script uses)
fakebin() {
	local d=$tmp/bin$RANDOM
	mkdir "$d"
	for p in "$@"; do printf '#!/bin/sh\nexit 0\n' >"$d/$p"; chmod +x "$d/$p"; done
	ln -s "$(command -v grep)" "$d/grep"; ln -s "$(command -v mkdir)" "$d/mkdir"
	echo "$d"
}
setup() { VMOS_SETUP_INSTALL=no PATH=$1 /bin/bash tools/setup.sh "${@:2}"; }
required="cc make clang ld.lld llvm-ar llvm-readelf python3"
optional="qemu-riscv64 riscv64-linux-gnu-gcc valgrind chromium xmllint parallel gdb-multiarch"

d=$(fakebin $required $optional)
out=$(setup "$d" test 2>&1); rc=$?
[ "$rc" = 0 ] && [ -z "$out" ] && ok "everything there: silent, status 0" || bad "all present: rc $rc: $out"

d=$(fakebin $(tr ' ' '\n' <<<"$required $optional" | grep -vx llvm-readelf))
out=$(setup "$d" test 2>&1); rc=$?
if [ "$rc" = 1 ] && grep -q "llvm-readelf .*(package llvm)" <<<"$out" &&
   [ "$(grep -c 'apt-get install' <<<"$out")" = 1 ] && grep -q "^  sudo apt-get install -y llvm$\|^  apt-get install -y llvm$" <<<"$out"; then
	ok "no llvm-readelf: one message, package llvm, the apt-get line, status 1"
else bad "no llvm-readelf: rc $rc: $out"; fi

out=$(setup "$d" demo 2>&1); rc=$?
[ "$rc" = 0 ] && [ -z "$out" ] && ok "make demo does not need llvm-readelf" || bad "demo without llvm-readelf: rc $rc: $out"

d=$(fakebin cc make ld.lld llvm-ar)
out=$(setup "$d" demo 2>&1); rc=$?
[ "$rc" = 1 ] && grep -q "^  clang .*(package clang)" <<<"$out" && grep -q "apt-get install -y clang$" <<<"$out" \
	&& ok "no clang: make demo names it" || bad "no clang: rc $rc: $out"

d=$(fakebin $required)
out=$(setup "$d" test 2>&1); rc=$?
[ "$rc" = 0 ] && grep -q "some tests will be skipped" <<<"$out" &&
	grep -q "apt-get install -y qemu-user gcc-riscv64-linux-gnu valgrind chromium libxml2-utils parallel gdb-multiarch$" <<<"$out" \
	&& ok "only optional programs missing: a warning with the apt-get line, status 0" || bad "optional: rc $rc: $out"

d=$(fakebin $required $optional)
rm "$d/llvm-readelf"; printf '#!/bin/sh\n' >"$d/llvm-readelf-14"; chmod +x "$d/llvm-readelf-14"
out=$(setup "$d" test 2>&1); rc=$?
[ "$rc" = 0 ] && ok "a versioned llvm-readelf-14 counts" || bad "llvm-readelf-14: rc $rc: $out"

# As root: installs with apt-get; an optional package that fails is noted
# and not tried again.  (A stand-in apt-get logs its calls and fails.)
if [ "$EUID" = 0 ]; then
	d=$(fakebin $(tr ' ' '\n' <<<"$required $optional" | grep -vx parallel))
	printf '#!/bin/sh\necho "$*" >>%s/apt.log\ncase "$1" in update) exit 0;; esac\nexit 100\n' "$tmp" >"$d/apt-get"; chmod +x "$d/apt-get"
	out=$(VMOS_BUILD=$tmp/b1 PATH=$d /bin/bash tools/setup.sh test 2>&1); rc=$?
	if [ "$rc" = 0 ] && grep -q "install -y -qq --no-install-recommends parallel" "$tmp/apt.log" &&
	   grep -qx parallel "$tmp/b1/.setup-failed" && grep -q "apt-get install parallel failed" <<<"$out"; then
		ok "as root: apt-get install of the missing package; its failure noted"
	else bad "root install: rc $rc: $out $(cat "$tmp/apt.log" 2>/dev/null)"; fi
	: >"$tmp/apt.log"
	out=$(VMOS_BUILD=$tmp/b1 PATH=$d /bin/bash tools/setup.sh test 2>&1); rc=$?
	[ "$rc" = 0 ] && [ ! -s "$tmp/apt.log" ] && grep -q "apt-get install -y parallel" <<<"$out" \
		&& ok "a failed optional install is not retried by every make test (the message stays)" || bad "retry: rc $rc: $out"
else
	echo "SKIP root install: not root (the install path runs only as root)"; skip=$((skip + 1))
fi

out=$(/bin/bash tools/setup.sh bogus 2>&1); rc=$?
[ "$rc" = 2 ] && grep -q "unknown level 'bogus'" <<<"$out" && ok "unknown level refused" || bad "bogus level: rc $rc: $out"

# Every package the list names is in the README's dependency table.
missing=""
for pkg in $(/bin/bash tools/setup.sh --list | awk 'NR > 1 { print $2 }' | sort -u); do
	grep -q "\`$pkg\`" README.md || missing+=" $pkg"
done
[ -z "$missing" ] && ok "README lists every package of tools/setup.sh --list" || bad "README lacks packages:$missing"

# The build says what is missing: mk/elf.mk with no llvm-readelf.
out=$(make --no-print-directory READELF= BUILD="$tmp/b" "$tmp/b/tests/data/tiny.expect" 2>&1); rc=$?
if [ "$rc" -ne 0 ] && grep -q "llvm-readelf not found (Debian package llvm" <<<"$out" && ! grep -q "not found$" <<<"$out"; then
	ok "make without llvm-readelf: names it, not '/bin/sh: lW: not found'"
else bad "make without llvm-readelf: rc $rc: $out"; fi

if [ "$skip" -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ "$fail" -eq 0 ]
