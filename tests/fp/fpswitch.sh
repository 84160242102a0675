#!/usr/bin/env bash
# tests/fp/fpswitch.sh - per-process FP state: tests/fp/fpswitch.S (fork,
# then two processes yield to each other 3000 times, each checking its own
# f0..f31 and fcsr) built for rv64gc/lp64d and run under vmos (with a short
# time slice too, so switches also happen in the middle of the checks) and,
# as the reference, under qemu-riscv64.
set -u
cd "$(dirname "$0")/../.."
VMOS=${VMOS_BUILD:-build}/vmos
CC=${USER_CC:-clang}
pass=0; fail=0; skip=0
if ! command -v "$CC" >/dev/null 2>&1 || ! command -v ld.lld >/dev/null 2>&1; then
	echo "fpswitch: $CC or ld.lld missing: skipped"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if ! "$CC" --target=riscv64 -march=rv64gc -mabi=lp64d -nostdlib -static -fuse-ld=lld \
	-Wl,--image-base=0x10000 -Wl,-e,_start -Wl,--build-id=none \
	tests/fp/fpswitch.S -o "$tmp/fpswitch"; then
	echo "FAIL fpswitch: build"
	echo "0 passed, 1 failed"
	exit 1
fi
check() {
	local name=$1; shift
	local rc
	"$@" >"$tmp/out" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		pass=$((pass + 1)); echo "ok $name"
	else
		fail=$((fail + 1)); echo "FAIL $name (exit $rc)"; tail -5 "$tmp/out"
	fi
}
check "vmos: FP state per process across yields" "$VMOS" run "$tmp/fpswitch"
check "vmos --quantum 7: switches anywhere" "$VMOS" run --quantum 7 "$tmp/fpswitch"
if command -v qemu-riscv64 >/dev/null 2>&1; then
	check "qemu-riscv64 (reference)" qemu-riscv64 "$tmp/fpswitch"
else
	echo "skip qemu-riscv64: not installed"; skip=1
fi
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
