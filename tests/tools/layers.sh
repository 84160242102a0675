#!/usr/bin/env bash
# tools/layers.sh, the dependency-circle check of DESIGN.md ("no circle of
# more than two files"): it finds a circle of four files made of calls, an
# include and a header's inline code in a small folder built here, accepts
# a circle of two, and holds src/kernel to it.
#
# src/kernel and src/tools: any circle of more than two files fails.  (The
# last one in src/kernel, boot exec fork proc syscall trap, went when the
# scheduler loop left proc.c for sched.c: proc.c is below the trap door.)
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
CC=${CC:-cc}

# a.c calls b.c, b.c calls c.c, c.c includes d.h whose inline code calls
# a.c: one circle of four files, through calls, an include and inline code
mkdir -p "$tmp/src" "$tmp/obj"
printf 'int fb(void);\nint fa(void) { return fb(); }\n' >"$tmp/src/a.c"
printf 'int fc(void);\nint fb(void) { return fc(); }\n' >"$tmp/src/b.c"
printf 'int fa(void);\nstatic inline int gd(void) { return fa(); }\n' >"$tmp/src/d.h"
printf '#include "d.h"\nint fc(void) { return gd(); }\n' >"$tmp/src/c.c"
for f in a b c; do "$CC" -c "$tmp/src/$f.c" -o "$tmp/obj/$f.o"; done
tools/layers.sh "$tmp/src" "$tmp/obj" >"$tmp/out" 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q "circle of 4 (TOO BIG): a.c b.c c.c d.h" "$tmp/out" &&
	grep -q "c.c -> d.h  (includes)" "$tmp/out" && grep -q "d.h -> a.c  (inline code calls fa)" "$tmp/out" &&
	grep -q "b.c -> c.c  (calls fc)" "$tmp/out" && ok "a circle of four files (calls, an include, inline code) fails, arrows named" ||
	bad "circle of four: rc $rc: $(cat "$tmp/out")"
tools/layers.sh --max 4 "$tmp/src" "$tmp/obj" >/dev/null 2>&1 && ok "--max 4 accepts it" || bad "--max 4"

# b.c calls a.c instead of c.c: a circle of two, which passes
printf 'int fa(void);\nint fb(void) { return fa(); }\n' >"$tmp/src/b.c"
"$CC" -c "$tmp/src/b.c" -o "$tmp/obj/b.o"
tools/layers.sh "$tmp/src" "$tmp/obj" >"$tmp/out" 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q "circle of 2 (ok): a.c b.c" "$tmp/out" && ok "a circle of two passes" || bad "circle of two: rc $rc: $(cat "$tmp/out")"

tools/layers.sh "$tmp/nothing" >/dev/null 2>&1; rc=$?
[ "$rc" = 2 ] && ok "a missing folder: exit 2" || bad "missing folder: rc $rc"

# src/kernel and src/tools: no circle of more than two files
for dir in src/kernel src/tools; do
	if ls "$B/obj/$dir"/*.o >/dev/null 2>&1; then
		tools/layers.sh "$dir" "$B/obj/$dir" >"$tmp/out" 2>&1; rc=$?
		if [ "$rc" = 0 ]; then
			ok "$dir: no circle of more than two files"
		else
			bad "$dir: $(grep -A40 'TOO BIG' "$tmp/out" | head -40)"
		fi
	else
		bad "$dir: no objects in $B/obj/$dir (make first)"
	fi
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
