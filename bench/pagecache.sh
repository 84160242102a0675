#!/usr/bin/env bash
# bench/pagecache.sh - reading a 64 MiB file through mmap and with read(),
# in ns per 4 KiB page: user/bin/bench/vmbench_file under vmos, under
# qemu-riscv64, and natively (bench/native/vmbench_file, the same source
# with the host cc -O2), on the same file.  Medians of $BENCH_RUNS runs
# (default 3) and the ratios vmos/native and vmos/qemu.  Passes:
#   mmap-first  first touch of each page (vmos: page-cache miss, read in;
#               native: the host cache is warm, a minor fault)
#   mmap-again  a new mapping of the same file (vmos: page-cache hit)
#   read, read-again   read() in 64 KiB chunks (through the same page cache)
# vmos runs twice: with its default read-ahead and with --readahead 0 (one
# page per miss; column "no-RA"), alternating with the others.
# Then the memory the page cache used for the file (vmos --stats-json:
# pages read in, frames in use at the peak) against the file's size.
# The file is $BENCH_FILE_MB MiB (default 64) of random bytes in the build
# directory (not /tmp: under vmos /tmp is tmpfs).  Never fails.
set -u
cd "$(dirname "$0")/.."
B=${VMOS_BUILD:-build}
RUNS=${BENCH_RUNS:-3}
MB=${BENCH_FILE_MB:-64}
F=$B/bench/pagecache-$MB.bin
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
mkdir -p "$B/bench"
[ -s "$F" ] || head -c $((MB << 20)) /dev/urandom >"$F"
VM=$B/user/bin/vmbench_file; NAT=$B/bench/native/vmbench_file
RAM=$(( (MB * 2 + 64) ))M
[ -x "$VM" ] || { echo "missing $VM (make)"; exit 0; }
run() {   # run ENGINE I: one run's output in $tmp/ENGINE.I
	case $1 in
	vmos) "$B/vmos" run --ram "$RAM" --stats-json "$tmp/stats.$2" "$VM" "$F" ;;
	vmos0) "$B/vmos" run --ram "$RAM" --readahead 0 "$VM" "$F" ;;
	qemu) command -v qemu-riscv64 >/dev/null && qemu-riscv64 "$VM" "$F" ;;
	native) [ -x "$NAT" ] && "$NAT" "$F" ;;
	esac >"$tmp/$1.$2" 2>/dev/null
}
for i in $(seq 1 "$RUNS"); do for e in vmos vmos0 qemu native; do run $e $i; done; done
median() { sort -n | awk '{a[NR]=$1} END {if (NR) print a[int((NR+1)/2)]; else print "-"}'; }
val() { cat "$tmp"/$1.* 2>/dev/null | awk -v p="$2" '$1 == p {print $2}' | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "-" }'; }
echo "file: $F ($MB MiB, $((MB * 256)) pages); medians of $RUNS runs, ns per page"
printf "%-12s %10s %10s %10s %10s %12s %10s %10s\n" pass vmos no-RA qemu native vmos/native vmos/qemu no-RA/vmos
for p in mmap-first mmap-again read read-again; do
	v=$(val vmos $p); v0=$(val vmos0 $p); q=$(val qemu $p); n=$(val native $p)
	printf "%-12s %10s %10s %10s %10s %12s %10s %10s\n" "$p" "$v" "$v0" "$q" "$n" "$(ratio "$v" "$n")" \
		"$(ratio "$v" "$q")" "$(ratio "$v0" "$v")"
done
c=$(awk '$1 == "checksum" {print $2}' "$tmp"/*.1 2>/dev/null | sort -u | wc -l)
[ "$c" -gt 1 ] && echo "(checksums differ between engines!)"
if [ -s "$tmp/stats.1" ]; then
	num() { sed -n "s/.*\"$1\": \([0-9]*\).*/\1/p" "$tmp/stats.1" | head -1; }
	rd=$(num file_pages_read); hit=$(num file_page_hits); miss=$(num file_page_misses)
	ra=$(num file_pages_readahead)
	echo "vmos page cache: $miss misses, $hit hits; $rd pages read in ($ra ahead) = $((rd * 4)) KiB for a $((MB * 1024)) KiB file" \
	     "($(ratio "$rd" "$((MB * 256))") pages cached per file page; radix tree: about $(( (MB * 256 + 63) / 64 + (MB * 256 + 4095) / 4096 + 1 )) nodes of 512 bytes)"
fi
