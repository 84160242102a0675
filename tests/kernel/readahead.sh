#!/usr/bin/env bash
# Page-cache read-ahead (docs/pagecache.md): user/bin/tests/readfile reads a
# host file of 257 pages (1 MiB + 123 bytes of random bytes) sequentially
# with read(), through mmap, backwards and at random offsets.  Every way,
# and under every read-ahead setting and in 16 frames with swap (where read-ahead
# may take only free frames), it must read the same bytes - the same
# checksums as with --readahead 0, and as qemu-riscv64 when it is here.
# The counters (--stats-json) must show what read-ahead is for: a
# sequential reader misses about once per window instead of once per page,
# a backward reader (every window would start at cached pages) reads
# nothing ahead, and --readahead 0 reads exactly one page per miss.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
P=$VMOS_BUILD/user/bin/readfile
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
[ -x "$P" ] || { echo "FAIL $P not built"; echo "0 passed, 1 failed"; exit 1; }
# not under /tmp: the guest's /tmp is its own tmpfs
F=$VMOS_BUILD/tests/readahead-$$.bin
mkdir -p "$VMOS_BUILD/tests"
head -c $((1048576 + 123)) /dev/urandom >"$F"
trap 'rm -rf "$tmp" "$F"' EXIT
PAGES=257
num() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$2" | head -1; }

modes=("seq $F 1000" "seq $F 65536" "mmap $F" "back $F" "rand $F 300 7")
for i in "${!modes[@]}"; do
	m=${modes[$i]}; name=${m%% *}-$i
	ref=$(run_vmos run --readahead 0 --stats-json "$tmp/off.json" "$P" $m 2>&1); rc0=$?
	out=$(run_vmos run --check --stats-json "$tmp/on.json" "$P" $m 2>&1); rc1=$?
	small=$(run_vmos run --check --frames 16 --swap 2M --stats-json "$tmp/small.json" "$P" $m 2>&1); rc2=$?
	if [ $rc0 = 0 ] && [ $rc1 = 0 ] && [ $rc2 = 0 ] && [ -n "$ref" ] && [ "$out" = "$ref" ] && [ "$small" = "$ref" ]; then
		ok "$name: same bytes with read-ahead, without, and in 16 frames ($(echo "$ref" | tail -1 | sed 's/.*fnv1a/fnv1a/'))"
	else
		bad "$name: status $rc0/$rc1/$rc2; without: $ref; with: $out; 16 frames: $small"
	fi
	if command -v qemu-riscv64 >/dev/null; then
		q=$(qemu-riscv64 "$P" $m 2>&1)
		[ "$q" = "$ref" ] && ok "$name: the same as qemu-riscv64" || bad "$name: qemu-riscv64 says $q, vmos $ref"
	fi
	# the counters: --readahead 0 reads one page per miss, none ahead
	mo=$(num file_page_misses "$tmp/off.json"); ro=$(num file_pages_read "$tmp/off.json")
	ao=$(num file_pages_readahead "$tmp/off.json")
	[ "$ao" = 0 ] && [ "$mo" = "$ro" ] && { [ "$ro" -ge $PAGES ] || [ "${name%%-*}" = rand ]; } &&
		ok "$name --readahead 0: $mo misses, $ro pages read, none ahead" ||
		bad "$name --readahead 0: misses $mo, read $ro, ahead $ao"
	mn=$(num file_page_misses "$tmp/on.json"); rn=$(num file_pages_read "$tmp/on.json")
	an=$(num file_pages_readahead "$tmp/on.json")
	case $name in
	seq-*|mmap-*)
		# windows 4, 8, 16, then 32 pages: 12 misses for the file
		[ "$mn" -le $((mo / 10)) ] && [ "$an" -ge $((PAGES - 12)) ] && [ "$rn" = "$ro" ] &&
			ok "$name: sequential: $mn misses instead of $mo, $an pages read ahead, $rn read in all" ||
			bad "$name: sequential: misses $mn (without: $mo), ahead $an, read $rn (without: $ro)"
		as=$(num file_pages_readahead "$tmp/small.json")
		[ "${as:-0}" -gt 0 ] && ok "$name: in 16 frames still reads ahead ($as pages) into free frames" ||
			bad "$name: in 16 frames: ahead ${as:-?}" ;;
	back-*)
		[ "$an" = 0 ] && [ "$rn" = "$ro" ] &&
			ok "$name: backwards: nothing read ahead (each window starts at cached pages)" ||
			bad "$name: backwards: ahead $an, read $rn (without: $ro)" ;;
	rand-*)
		[ "$mn" -lt "$mo" ] && [ "$rn" -le $((ro + 32)) ] &&
			ok "$name: random: $mn misses instead of $mo, $rn pages read in (without: $ro)" ||
			bad "$name: random: misses $mn (without: $mo), read $rn (without: $ro)" ;;
	esac
done

# read-ahead under every policy, local replacement and superpages, with
# the invariant checker: the same bytes
for o in "--policy clock" "--policy fifo" "--policy lru" "--policy random" "--policy lirs" \
	 "--local 10" "--thp always --frames 40"; do
	out=$(run_vmos run --check --frames 12 --swap 2M $o "$P" mmap "$F" 2>&1); rc=$?
	[ $rc = 0 ] && [ "$out" = "$(run_vmos run --readahead 0 "$P" mmap "$F" 2>&1)" ] &&
		ok "mmap in 12 frames, $o: same bytes, invariants hold" || bad "mmap in 12 frames, $o: status $rc: $out"
done

# bad values of the option
for v in 33 -1 x; do
	err=$(run_vmos run --readahead "$v" "$P" seq "$F" 100 2>&1); rc=$?
	[ $rc != 0 ] && echo "$err" | grep -q "readahead" && ok "--readahead $v refused: $(echo "$err" | head -1)" ||
		bad "--readahead $v: status $rc: $err"
done
echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
