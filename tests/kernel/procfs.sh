#!/usr/bin/env bash
# /proc and pipes as whole runs see them:
#   - /proc/self/maps read by a program equals what `vmos run --maps`
#     prints for the same process at its exit (one formatter, vm_maps_fmt.c),
#     with the host's / and with --root (guest paths), and with a file and
#     anonymous memory mapped MAP_SHARED (named, 's', the file's dev:inode);
#   - /proc/meminfo agrees with --stats (frames, peak) and --swap;
#   - /proc of one program does not show another program's processes;
#   - /proc/self/root and /proc/self/exe stay inside --root;
#   - a deadlock (every process asleep on a pipe or wait4) ends the run at
#     once with a report naming the sleepers, status 137 (SIGKILL).
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BIN=$VMOS_BUILD/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# maps: the program's own reading and --maps at exit
maps_case() {   # LABEL VMOS-ARGS... PROGRAM (MAPS_FILE: a file it maps shared)
	local label=$1; shift
	run_vmos run --check --maps "$@" maps ${MAPS_FILE:+"$MAPS_FILE"} >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	sed -n '/^==> \/proc\/[0-9]*\/maps (procfs) at exit <==$/,$p' "$tmp/err" | tail -n +2 |
		grep -v '^vmos' >"$tmp/atexit"
	if [ "$rc" = 0 ] && [ -s "$tmp/out" ] && cmp -s "$tmp/out" "$tmp/atexit"; then
		ok "$label: /proc/self/maps = --maps ($(wc -l <"$tmp/out") lines)"
	else
		bad "$label: status $rc; $(diff "$tmp/out" "$tmp/atexit" | head -4 | tr '\n' ' ')"
	fi
}
maps_case "host root" "$BIN/procfs"
# a file mapped MAP_SHARED and shared anonymous memory: named, 's', the
# file's device and inode as stat(1) gives them
MAPS_FILE=tests/fs/tree/file.txt maps_case "MAP_SHARED file and anonymous" "$BIN/procfs"
want=$(python3 -c 'import os, sys; s = os.stat(sys.argv[1]); print("%02x:%02x %d" % (os.major(s.st_dev), os.minor(s.st_dev), s.st_ino))' tests/fs/tree/file.txt)
if grep -qE "^[0-9a-f]+-[0-9a-f]+ r--s 00000000 $want +$(realpath tests/fs/tree/file.txt)\$" "$tmp/out" &&
   grep -qE '^[0-9a-f]+-[0-9a-f]+ rw-s 00000000 00:01 [1-9][0-9]* +/dev/zero \(deleted\)$' "$tmp/out"; then
	ok "maps: the shared file mapping names the file with its device and inode ($want), shared anonymous memory /dev/zero (deleted) on 00:01 with an inode of its own, as Linux's shmem"
else
	bad "maps of shared mappings (want $want): $(grep -E ' [r-][w-][x-]s ' "$tmp/out" | tr '\n' ' ')"
fi
mkdir -p "$tmp/root/bin" && cp "$BIN/procfs" "$tmp/root/bin/" && touch "$tmp/root/marker"
maps_case "--root" --root "$tmp/root" "$tmp/root/bin/procfs"
if grep -q ' /bin/procfs$' "$tmp/out"; then
	ok "--root: maps names the program by its guest path /bin/procfs"
else
	bad "--root: maps names: $(head -1 "$tmp/out")"
fi

# /proc/self/root and exe inside --root
run_vmos run --root "$tmp/root" "$tmp/root/bin/procfs" ls /proc/self/root/../../.. >"$tmp/out" 2>"$tmp/err"
if [ $? = 0 ] && [ "$(sort "$tmp/out" | tr '\n' ' ')" = ". .. bin marker " ]; then
	ok "/proc/self/root/../../.. lists the guest root, not the host's"
else
	bad "/proc/self/root escape: $(tr '\n' ' ' <"$tmp/out") $(head -2 "$tmp/err")"
fi
run_vmos run --root "$tmp/root" "$tmp/root/bin/procfs" cat /proc/self/exe >"$tmp/out" 2>"$tmp/err"
rc=$?
n=$(stat -c %s "$tmp/out")   # the program reads at most 64 KiB - 1
if [ "$rc" = 0 ] && [ "$n" -gt 1000 ] && cmp -s -n "$n" "$tmp/out" "$BIN/procfs"; then
	ok "/proc/self/exe under --root opens the program (/bin/procfs)"
else
	bad "/proc/self/exe under --root: $(head -2 "$tmp/err")"
fi

# mounts and mountinfo: every mount, the root read-only as /dev/root (no
# host path), a --rw directory writable under its own path
RW=$(mktemp -d -p "$(cd "$VMOS_BUILD" && pwd)")
run_vmos run --check --rw "$RW" "$BIN/procfs" cat /proc/mounts >"$tmp/mounts" 2>&1
run_vmos run --check --rw "$RW" "$BIN/procfs" cat /proc/self/mountinfo >"$tmp/minfo" 2>&1
want_mounts="/dev/root / hostfs ro,relatime 0 0
$RW $RW hostfs rw,relatime 0 0
devtmpfs /dev devtmpfs rw,relatime 0 0
tmpfs /tmp tmpfs rw,relatime 0 0
proc /proc proc rw,relatime 0 0"
if [ "$(cat "$tmp/mounts")" = "$want_mounts" ] &&
   grep -qE '^20 1 [0-9]+:[0-9]+ / / ro,relatime - hostfs /dev/root ro$' "$tmp/minfo" &&
   grep -qE "^21 20 [0-9]+:[0-9]+ / $RW rw,relatime - hostfs $RW rw\$" "$tmp/minfo" &&
   [ "$(wc -l <"$tmp/minfo")" = 5 ]; then
	ok "/proc/mounts and /proc/self/mountinfo list the 5 mounts, the root as /dev/root"
else
	bad "mounts: $(head -6 "$tmp/mounts" | tr '\n' '|') mountinfo: $(tr '\n' '|' <"$tmp/minfo")"
fi
rm -rf "$RW"

# /proc/stat and /proc/loadavg (busybox top and uptime read them)
run_vmos run --check "$BIN/procfs" cat /proc/stat >"$tmp/stat" 2>&1
run_vmos run --check "$BIN/procfs" cat /proc/loadavg >"$tmp/lavg" 2>&1
if grep -qE '^cpu  [0-9]+ 0 [0-9]+ [0-9]+ 0 0 0 0 0 0$' "$tmp/stat" && grep -qE '^cpu0 ' "$tmp/stat" &&
   grep -qE '^ctxt [0-9]+$' "$tmp/stat" && grep -qE '^btime [0-9]{9,}$' "$tmp/stat" &&
   grep -qE '^processes 1$' "$tmp/stat" && grep -qE '^procs_running 1$' "$tmp/stat" &&
   grep -qE '^0\.00 0\.00 0\.00 1/1 1$' "$tmp/lavg"; then
	ok "/proc/stat (one hart, times, ctxt, btime, processes) and /proc/loadavg"
else
	bad "/proc/stat: $(tr '\n' '|' <"$tmp/stat") loadavg: $(cat "$tmp/lavg")"
fi

# meminfo against --stats and --swap
run_vmos run --check --stats --ram 64M --swap 8M "$BIN/procfs" cat /proc/meminfo >"$tmp/out" 2>"$tmp/err"
rc=$?
kb() { sed -n "s/^$1: *\([0-9]*\) kB$/\1/p" "$tmp/out"; }
total=$(sed -n 's/^frames: \([0-9]*\) total.*/\1/p' "$tmp/err")
peak=$(sed -n 's/^frames: [0-9]* total, [0-9]* in use now, peak \([0-9]*\);.*/\1/p' "$tmp/err")
memtotal=$(kb MemTotal); memfree=$(kb MemFree)
used=$(( ${total:-0} - ${memfree:-0} / 4 ))   # frames in use when it was read, boot's included
if [ "$rc" = 0 ] && [ "${total:-0}" = 16384 ] && [ "$memtotal" -le $((total * 4)) ] &&
   [ "$memtotal" -gt $((total * 4 * 9 / 10)) ] && [ "$used" -gt 0 ] && [ "$used" -le "${peak:-0}" ]; then
	ok "meminfo: MemTotal $memtotal kB of $total frames, $used frames in use <= --stats peak $peak"
else
	bad "meminfo vs --stats: status $rc, total '$total' peak '$peak' MemTotal '$memtotal' MemFree '$memfree'"
fi
if [ "$(kb SwapTotal)" = 8192 ] && [ "$(kb SwapFree)" = 8192 ]; then
	ok "meminfo: SwapTotal = SwapFree = --swap 8M"
else
	bad "meminfo swap: $(grep Swap "$tmp/out" | tr '\n' ' ')"
fi

# two programs of one run: each /proc shows its own processes only
run_vmos run "$BIN/procfs" ls /proc --- "$BIN/procfs" ls /proc >"$tmp/out" 2>"$tmp/err"
if [ $? = 0 ] && [ "$(grep -c '^1$' "$tmp/out")" = 1 ] && [ "$(grep -c '^2$' "$tmp/out")" = 1 ]; then
	ok "/proc lists the pids of its own program only"
else
	bad "/proc isolation: $(tr '\n' ' ' <"$tmp/out")"
fi

# deadlock: a report and an end, not a hang
run_vmos -t 20 run --check "$BIN/pipe_deadlock" >"$tmp/out" 2>"$tmp/err"
rc=$?
if [ "$rc" = 137 ] && grep -q '^vmos: deadlock: ' "$tmp/err" &&
   grep -q 'pid 2 (pipe_deadlock) waits for data in a pipe (read)' "$tmp/err" &&
   grep -q 'pid 1 (pipe_deadlock) waits for a child to exit (wait4)' "$tmp/err"; then
	ok "deadlock on a pipe and wait4: both sleepers named, ended with SIGKILL (137)"
else
	bad "deadlock: status $rc; $(head -3 "$tmp/err" | tr '\n' ' ')"
fi

echo "$pass passed, $fail failed"
