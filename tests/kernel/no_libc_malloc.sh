#!/usr/bin/env bash
# The kernel must never call libc malloc/calloc/realloc/free: its memory
# comes from its own allocators over simulated RAM.  This test fails if any
# source under src/kernel calls one of them (comments excluded), or if the
# kernel's object files reference those symbols.
set -u
cd "$(dirname "$0")/../.."
pass=0; fail=0
hits=$(grep -rnE '(^|[^_a-zA-Z0-9.>])(malloc|calloc|realloc|free|strdup|strndup|aligned_alloc|posix_memalign)[[:space:]]*\(' src/kernel \
	| grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|/?\*)')
if [ -n "$hits" ]; then
	echo "FAIL source calls libc allocation:"; echo "$hits"; fail=$((fail + 1))
else
	echo "ok   no libc allocation calls in src/kernel"; pass=$((pass + 1))
fi
objs=$(ls "${VMOS_BUILD:-build}"/obj/src/kernel/*.o "${VMOS_BUILD:-build}"/obj/src/kernel/fs/*.o 2>/dev/null)
if [ -z "$objs" ]; then
	echo "FAIL no kernel objects built in ${VMOS_BUILD:-build}"; fail=$((fail + 1))
else
	syms=$(nm -u $objs | grep -E ' (malloc|calloc|realloc|free|strdup|strndup|aligned_alloc|posix_memalign)$' | sort -u)
	if [ -n "$syms" ]; then
		echo "FAIL kernel objects reference: $syms"; fail=$((fail + 1))
	else
		echo "ok   kernel objects reference no libc allocator symbol"; pass=$((pass + 1))
	fi
fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
