#!/usr/bin/env bash
# bench/fp_cg.sh - host instructions per guest instruction (callgrind,
# marginal: the difference of two run sizes divided by the difference of
# guest instructions from --stats) for the FP-relevant programs, per engine.
#   VMOS=path (default $VMOS_BUILD/vmos, build/vmos), ENGINES="jit fast interp" (default jit)
#   Programs: bench_matmul (sizes 40 1 / 40 4), bench_stream (1 / 4 passes;
#   it has no F/D instruction: a control for the F/D translation).
# Figures before/after the JIT's inline F/D: docs/hardware.md, "The JIT".
set -u
cd "$(dirname "$0")/.."
VMOS=${VMOS:-${VMOS_BUILD:-build}/vmos}
BIN=${VMOS_BUILD:-build}/user/bin
read -r -a ENG <<<"${ENGINES:-jit}"
if ! command -v valgrind >/dev/null 2>&1; then
	echo "SKIP: valgrind not installed"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cg() {  # engine prog args... -> "host guest"
	local e=$1; shift
	local smc=()
	[ "$e" = jit ] && smc=(--smc-check=all-non-file)
	valgrind --tool=callgrind --callgrind-out-file=/dev/null "${smc[@]}" \
		"$VMOS" run --engine "$e" --stats "$@" </dev/null >/dev/null 2>"$tmp/cg.err"
	echo "$(sed -nE 's/^==[0-9]+== Collected : ([0-9]+).*/\1/p' "$tmp/cg.err") $(sed -nE 's/^instructions: ([0-9]+).*/\1/p' "$tmp/cg.err" | head -1)"
}
for e in "${ENG[@]}"; do
	for spec in "bench_matmul|40 1|40 4" "bench_stream|1|4"; do
		IFS='|' read -r prog a b <<<"$spec"
		# shellcheck disable=SC2086
		read -r h0 g0 <<<"$(cg "$e" "$BIN/$prog" $a)"
		# shellcheck disable=SC2086
		read -r h1 g1 <<<"$(cg "$e" "$BIN/$prog" $b)"
		awk -v e="$e" -v p="$prog" -v h0="$h0" -v h1="$h1" -v g0="$g0" -v g1="$g1" 'BEGIN {
			if (g1 > g0) printf "  %-6s %-13s %.2f host/guest instruction (marginal, %d guest)\n", e, p, (h1 - h0) / (g1 - g0), g1 - g0
			else printf "  %-6s %-13s failed\n", e, p }'
	done
done
