#!/usr/bin/env bash
# Every option that `vmos COMMAND --help` prints is accepted by COMMAND (run,
# trace, explain, quiz, kmem): each is tried with dummy values and must not
# be refused as unknown.  (tests/tools/options_test checks the other way:
# every option of a table is in its --help.)
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
VMOS=$(realpath "$B/vmos")
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

for cmd in run trace explain quiz kmem; do
	help=$("$VMOS" $cmd --help); rc=$?
	[ "$rc" = 0 ] && [ -n "$help" ] || { bad "vmos $cmd --help: exit $rc"; continue; }
	n=0
	# option lines: "  [-x, ]--name[, --alias][ ARG [ARG]]  help"
	while IFS= read -r line; do
		label=$(sed -E 's/^  ([^ ].*[^ ]|[^ ]) {2,}.*$/\1/; s/^  //' <<<"$line")
		names=$(grep -oE '(^|, )-{1,2}[a-z][a-z-]*' <<<"$label" | sed 's/^, //')
		rest=$(sed -E 's/^(-{1,2}[a-z][a-z-]*(, )?)+//' <<<"$label")
		nvals=$(wc -w <<<"$rest")
		vals=(); for _ in $(seq "$nvals"); do vals+=(1); done
		for name in $names; do
			n=$((n + 1))
			out=$(timeout 20 "$VMOS" $cmd "$name" "${vals[@]}" 2>&1 </dev/null); rc=$?
			if grep -q "unknown option" <<<"$out" || [ "$rc" = 124 ]; then
				bad "vmos $cmd $name ${vals[*]}: refused (exit $rc): $(head -2 <<<"$out")"
			fi
		done
	done < <(grep -E '^  -{1,2}[a-z]' <<<"$help")
	[ "$n" -ge 2 ] && ok "vmos $cmd: all $n options of --help accepted" || bad "vmos $cmd: only $n options found in --help"
done

# The check can fail: an option that is not there is refused.
out=$("$VMOS" run --no-such-option 1 2>&1); rc=$?
[ "$rc" = 2 ] && grep -q "unknown option '--no-such-option'" <<<"$out" && ok "an unknown option is refused" || bad "unknown option: $rc $out"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
