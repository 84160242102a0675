#!/usr/bin/env bash
# elf_corpus.sh - replays the ELF fuzz corpus (tests/fuzz/corpus/elf: the
# sample programs and one minimized input per rejection path) through
# $VMOS_BUILD/fuzz/elf_replay, the fuzz target built with a plain main()
# (mk/elf.mk).  One check per file: the
# target aborts on any broken promise of elf_parse, and the sanitizer build
# (make check) also catches out-of-bounds reads.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
bin=$VMOS_BUILD/fuzz/elf_replay
pass=0; fail=0
if [ ! -x "$bin" ]; then
	echo "elf_corpus: $bin not built"
	echo "0 passed, 1 failed"
	exit 1
fi
for f in tests/fuzz/corpus/elf/*; do
	[ -f "$f" ] || continue
	if run_limited 30 "$bin" "$f" >/dev/null 2>"${TMPDIR:-/tmp}/elf_corpus.$$"; then
		pass=$((pass + 1))
	else
		fail=$((fail + 1))
		echo "FAIL $f"
		cat "${TMPDIR:-/tmp}/elf_corpus.$$"
	fi
done
rm -f "${TMPDIR:-/tmp}/elf_corpus.$$"
[ $((pass + fail)) -ge 12 ] || { echo "elf_corpus: corpus too small ($((pass + fail)) files)"; fail=$((fail + 1)); }
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
