#!/usr/bin/env bash
# Shared frames in the frame map and the pictures (src/tools/inspect.c,
# figure.c, picture.c, figure_owners.c), with user/bin/tests/mmap_share
# fork: a --rw file of two pages mapped MAP_SHARED, a MAP_SHARED|
# MAP_ANONYMOUS page and a private page written, then fork.  At the
# child's exit both processes map them:
#   - --frame-map marks the copy-on-write user pages '*' and the file and
#     shared-memory pages '+', its counts equal the marks in the map, and
#     its list names each shared frame's kind, pids 1 and 2 with their VAs
#     and the file page; at the parent's exit nothing is shared any more;
#   - the list stops at 24 frames and says how many more there are;
#   - in --svg, each of those frames' tooltip names both pids and VAs
#     (data-pids="1,2"), the frame map's cells are outlined with the pids,
#     and the owner groups count their shared frames.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BIN=$VMOS_BUILD/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
command -v python3 >/dev/null || { echo "SKIP frame_share: python3 not found"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }

# 1. the text frame map at each exit
run_vmos run --frame-map --rw "$tmp" "$BIN/mmap_share" fork "$tmp/d" >"$tmp/out" 2>"$tmp/map"; rc=$?
[ "$rc" = 0 ] && grep -q "mmap_share: 8 checks, 0 failed" "$tmp/out" || bad "mmap_share fork: status $rc"
python3 - "$tmp/map" "$tmp/d" <<'PY' && ok "--frame-map: '*' cow and '+' file/shmem frames at the child's exit, counted, listed with kind, pids 1,2, VAs and file page; none at the parent's" || bad "frame map: $(head -c 3000 "$tmp/map")"
import re, sys
text = open(sys.argv[1]).read()
maps = text.split("frame map (one character per 4 KiB frame)")[1:]
assert len(maps) == 2, len(maps)                  # the child's exit, the parent's
def parse(m):
    rows = re.findall(r'^  [0-9a-f]{10} (\S+)$', m, re.M)
    cells = "".join(rows)
    cnt = re.search(r'^  shared by several processes: user=(\d+) \(\*\) file=(\d+) \(\+\); '
                    r'file cache: mapped by one=(\d+) \(F\), by none=(\d+) \(f\)$', m, re.M)
    assert cnt, m[-800:]
    listed = re.findall(r'^  0x([0-9a-f]{10}) (\S+) +(\d+) processes: (.*)$', m, re.M)
    return cells, [int(x) for x in cnt.groups()], listed
child, parent = maps
assert "* user page mapped by several processes" in child and "+ file or shared-memory page" in child
cells, (us, fs, f1, f0), listed = parse(child)
assert cells.count("*") == us and cells.count("+") == fs, (cells.count("*"), us, cells.count("+"), fs)
assert cells.count("F") == f1 and cells.count("f") == f0
assert us >= 2 and fs >= 5, (us, fs)          # private page + data; 2 file pages, shmem, text
assert len(listed) == us + fs and "more shared frames" not in child
kinds = {}
for pa, kind, n, who in listed:
    assert n == "2", who
    m = re.fullmatch(r'pid 1 at 0x([0-9a-f]+), pid 2 at 0x([0-9a-f]+)(?: \((.*) page (\d+)\))?', who)
    assert m, who
    kinds.setdefault(kind, []).append((m.group(3), m.group(4)))
assert len(kinds.get("cow", [])) == us, kinds
files = kinds.get("file", [])
assert (sys.argv[2], "0") in files and (sys.argv[2], "1") in files, files
assert kinds.get("shmem") == [("/dev/zero (deleted)", "0")], kinds
cells, (us, fs, f1, f0), listed = parse(parent)
assert us == fs == 0 and not listed and "*" not in cells and "+" not in cells
assert "shared frames (PA" not in parent
PY

# 2. the list is capped: fork's 256 pages shared copy-on-write
run_vmos run --frame-map "$BIN/fork" >/dev/null 2>"$tmp/map"; rc=$?
python3 - "$tmp/map" <<'PY' && ok "--frame-map lists 24 shared frames, then '... N more shared frames' (N adds up)" || bad "cap: status $rc; $(grep -E 'shared by|more shared' "$tmp/map")"
import re, sys
m = open(sys.argv[1]).read().split("frame map (one character")[1]
us, fs = map(int, re.search(r'user=(\d+) \(\*\) file=(\d+)', m).groups())
listed = re.findall(r'^  0x[0-9a-f]{10} \S+ +\d+ processes: ', m, re.M)
more = int(re.search(r'^  \.\.\. (\d+) more shared frames$', m, re.M).group(1))
assert us >= 256 and len(listed) == 24 and more == us + fs - 24, (us, fs, len(listed), more)
PY

# 3. the pictures name the processes
run_vmos run --svg "$tmp/a.svg" --figures spaces,frames --rw "$tmp" "$BIN/mmap_share" fork "$tmp/e" \
	>/dev/null 2>&1; rc=$?
python3 - "$tmp/a.svg" <<'PY' && ok "--svg: shared frames' tooltips name pids 1,2 and their VAs, shared anonymous memory drawn as shmem; frame-map cells outlined with the pids; owner groups count shared frames" || bad "svg: status $rc"
import re, sys
s = open(sys.argv[1]).read()
frames = re.findall(r'<rect class="frame" data-pa="(0x[0-9a-f]+)" data-share="(\w+)" data-mappers="(\d+)" data-pids="([\d,]*)"[^>]*><title>([^<]*)</title>', s)
shared = [f for f in frames if int(f[2]) > 1 and f[1] in ("cow", "file", "shmem")]
assert len(shared) >= 7, frames
for pa, sh, n, pids, title in shared:
    assert pids == "1,2", (pa, pids)
    assert re.search(r'pid 1 VA 0x[0-9a-f]+.*pid 2 VA 0x[0-9a-f]+', title), title
assert any(sh == "cow" and "(cow)" in t for _, sh, _, _, t in shared)
assert [f for f in shared if f[1] == "shmem"], "the MAP_SHARED|MAP_ANONYMOUS page is not drawn as shmem"
cells = re.findall(r'<rect [^>]*class="shared"[^>]*><title>([^<]*)</title>', s)
assert cells and all(t.endswith("mapped by several processes: pids 1,2") for t in cells), cells
groups = dict(re.findall(r'<g class="og" data-g="([\w-]+)" data-count="\d+" data-shared="(\d+)"', s))
assert int(groups["user-1"]) >= 2 and int(groups["file"]) >= 5, groups
PY

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
