#!/usr/bin/env bash
# The /proc views of `vmos run` (src/tools/procview.c) in Linux's formats:
# maps lines match proc(5)'s format and put names in the column the host's
# own /proc/self/maps uses; smaps totals are consistent (Rss = Shared +
# Private, Pss <= Rss) and a page shared copy-on-write by two live
# processes counts half in each Pss; pagemap agrees with --pt-dump page by
# page (present and swapped); --proc-at marker and instret:N take
# snapshots; text shows as shared, not cow; bad values are refused.
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos
BIN=$B/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
command -v python3 >/dev/null || { echo "SKIP procview: python3 not found"; echo "0 passed, 0 failed, 1 skipped"; exit 0; }

# 1. maps: the format of proc(5), names at the host's column.  procfs has a
# 64 KiB bss, so it surely has an anonymous region past its data (hello's
# bss may fit in its data page, depending on the libc's size).
"$VMOS" run --maps "$BIN/procfs" maps >/dev/null 2>"$tmp/maps"; rc=$?
[ "$rc" = 0 ] || bad "--maps procfs: status $rc"
python3 - "$tmp/maps" "$(realpath "$BIN/procfs")" <<'PY' && ok "maps: proc(5) format, names at the host's column, text/data named, bss blank, [stack]" || bad "maps format: $(cat "$tmp/maps")"
import re, sys
line_re = re.compile(r'^([0-9a-f]{8,16})-([0-9a-f]{8,16}) ([r-][w-][x-][ps]) ([0-9a-f]{8}) ([0-9a-f]{2,}):([0-9a-f]{2,}) (\d+) (?: *(\S.*))?$')
def name_cols(lines):
    cols = set()
    for l in lines:
        m = line_re.match(l)
        assert m, "not a maps line: %r" % l
        if m.group(8):
            cols.add(l.index(m.group(8), len(l) - len(m.group(8))))
    return cols
host = [l.rstrip("\n") for l in open("/proc/self/maps")]
ours = [l.rstrip("\n") for l in open(sys.argv[1]) if not l.startswith("==>")]
hc, oc = name_cols(host), name_cols(ours)
assert oc == hc == {73}, (hc, oc)
prog = sys.argv[2]
named = [line_re.match(l).group(8) for l in ours]
perms = [line_re.match(l).group(3) for l in ours]
assert named.count(prog) >= 2, named                     # text, rodata, data: the program path
assert "[stack]" in named
assert any(n is None and p == "rw-p" for n, p in zip(named, perms)), ours   # bss: anonymous, blank
for l in ours:
    m = line_re.match(l)
    assert int(m.group(1), 16) < int(m.group(2), 16)
    if m.group(8) is None or m.group(8).startswith("["):
        assert m.group(4) == "00000000" and m.group(5) == "00" and m.group(7) == "0", l
PY
head -1 "$tmp/maps" | grep -q '^==> /proc/1/maps (procfs) at exit <==$' && ok "maps heading names the file and the moment" || bad "maps heading: $(head -1 "$tmp/maps")"

# 2. smaps: consistent totals; a COW page shared by two live processes is
# half in each one's Pss.
"$VMOS" run --smaps --proc-at marker "$BIN/views_fork" >"$tmp/out" 2>"$tmp/smaps"; rc=$?
[ "$rc" = 0 ] && grep -q "parent ok" "$tmp/out" || bad "views_fork: status $rc"
python3 - "$tmp/smaps" <<'PY' && ok "smaps: Rss = Shared + Private, Pss <= Rss, field order as Linux's; the COW bss page is 1/2 in each Pss" || bad "smaps: $(head -40 "$tmp/smaps")"
import re, sys
order = ["Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty", "Shared_Clean",
         "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous", "KSM",
         "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb",
         "Private_Hugetlb", "Swap", "SwapPss", "Locked", "THPeligible", "VmFlags"]
snaps, cur, reg = {}, None, None
hostlen = len([l for l in open("/proc/self/smaps") if l.startswith("Size:")][0].rstrip("\n"))
host_fields = [l.split(":")[0] for l in open("/proc/self/smaps").read().split("\n")[1:30]]
# our fields are the host's, in the host's order (a newer kernel may have more)
assert [f for f in host_fields[:host_fields.index("VmFlags") + 1] if f in order] == order, host_fields
for l in open(sys.argv[1]):
    l = l.rstrip("\n")
    if l.startswith("==>"):
        cur = snaps.setdefault(l, [])
        continue
    m = re.match(r'^([0-9a-f]+)-([0-9a-f]+) ', l)
    if m:
        reg = {"start": int(m.group(1), 16), "end": int(m.group(2), 16), "fields": []}
        cur.append(reg)
        continue
    f = re.match(r'^(\w+):\s+(\d+) kB$', l)
    if f:
        assert len(l) == hostlen, "Linux pads to 16 + %%8lu: %r (host %d)" % (l, hostlen)
        reg[f.group(1)] = int(f.group(2))
    reg["fields"].append(l.split(":")[0])
assert len(snaps) == 2, list(snaps)                       # marker 1 (parent), marker 2 (child)
for head, regs in snaps.items():
    for r in regs:
        assert r["fields"] == order, r["fields"]
        assert r["Size"] == (r["end"] - r["start"]) // 1024
        assert r["Rss"] == r["Shared_Clean"] + r["Shared_Dirty"] + r["Private_Clean"] + r["Private_Dirty"], r
        assert r["Pss"] <= r["Rss"] and r["Pss_Dirty"] <= r["Pss"] and r["Rss"] <= r["Size"], r
        assert r["Anonymous"] <= r["Rss"] and r["Referenced"] <= r["Rss"], r
    bss = [r for r in regs if r["Anonymous"] > 0 and r["Shared_Clean"] + r["Shared_Dirty"] > 0]
    assert len(bss) == 1 and bss[0]["Pss"] * 2 == bss[0]["Rss"], (head, bss)
PY

# 3. pagemap agrees with --pt-dump, page by page, present and swapped.
"$VMOS" run --pagemap --pt-dump --ram 2M --swap 16M "$BIN/memhog" 2 >/dev/null 2>"$tmp/pm"; rc=$?
[ "$rc" = 0 ] || bad "memhog with swap: status $rc"
python3 - "$tmp/pm" <<'PY' && ok "pagemap agrees with --pt-dump: same present pages and frames, same swapped pages and slots" || bad "pagemap vs pt-dump: $(grep -c . "$tmp/pm") lines"
import re, sys
pm_present, pm_swapped, runs = {}, {}, []
for l in open(sys.argv[1]):
    m = re.match(r'^([0-9a-f]{16}) ([0-9a-f]{16}) (\S+)\s+(pfn 0x([0-9a-f]+)|swap type 0 offset (\d+))$', l)
    if m:
        va, e = int(m.group(1), 16), int(m.group(2), 16)
        if e >> 63:
            assert m.group(3).startswith("present") and (e & ((1 << 55) - 1)) == int(m.group(5), 16)
            pm_present[va] = int(m.group(5), 16)
        else:
            assert (e >> 62) & 1 and m.group(3).startswith("swapped")
            assert (e & 0x1f) == 0 and ((e & ((1 << 55) - 1)) >> 5) == int(m.group(6))
            pm_swapped[va] = int(m.group(6))
        continue
    r = re.match(r'^  ([0-9a-f]{16})-([0-9a-f]{16})\s+\S+\s+(\d+)\s+(\S{8})\s+(.*)$', l)
    if r:
        runs.append((int(r.group(1), 16), int(r.group(2), 16), int(r.group(3)), r.group(4), r.group(5)))
assert pm_present and pm_swapped, (len(pm_present), len(pm_swapped))
pt_present, pt_swapped = set(), {}
for start, end, pages, flags, rest in runs:
    assert pages == (end - start) // 4096
    vas = range(start, end, 4096)
    if flags[0] == "v":
        pt_present.update(vas)
        pa = re.search(r'([0-9a-f]{10})(?:-([0-9a-f]{10}))?', rest)
        first = int(pa.group(1), 16) >> 12
        assert pm_present[start] == first, (hex(start), rest)
        if pa.group(2) or pages == 1:                     # contiguous: every frame known
            for i, va in enumerate(vas):
                assert pm_present[va] == first + i
    elif "swapped out" in rest:
        slot = int(re.search(r'first slot (\d+)', rest).group(1))
        assert pm_swapped[start] == slot
        for va in vas:
            pt_swapped[va] = 1
assert set(pm_present) == pt_present, (len(pm_present), len(pt_present))
assert set(pm_swapped) == set(pt_swapped), (len(pm_swapped), len(pt_swapped))
PY

# 4. The machine-wide files parse in Linux's formats; --proc-at instret:N
# snapshots once; vmstat counts the swapping.
"$VMOS" run --proc buddyinfo,slabinfo,vmstat --proc-at instret:2000,exit --ram 2M --swap 16M "$BIN/memhog" 2 >/dev/null 2>"$tmp/sys"; rc=$?
python3 - "$tmp/sys" <<'PY' && ok "buddyinfo, slabinfo 2.1, vmstat parse; instret:N and exit snapshots; pswpout > 0" || bad "machine files: $(head -20 "$tmp/sys")"
import re, sys
text = open(sys.argv[1]).read()
heads = re.findall(r'^==> /proc/(\w+) (.*) <==$', text, re.M)
assert [h for h in heads if h[1].startswith("at instret")] and [h for h in heads if h[1] == "at exit"], heads
sec = {}
for part in re.split(r'^==> ', text, flags=re.M)[1:]:
    head, _, body = part.partition("\n")
    sec.setdefault(head.split()[0], []).append(body)
for b in sec["/proc/buddyinfo"]:
    assert re.fullmatch(r'Node 0, zone   Normal ( {0,5}\d+ ){11}\n', b), b
for b in sec["/proc/slabinfo"]:
    lines = b.splitlines()
    assert lines[0] == "slabinfo - version: 2.1" and lines[1].startswith("# name")
    for l in lines[2:]:
        assert re.fullmatch(r'\S+ +\d+ +\d+ +\d+ +\d+ +\d+ : tunables +0 +0 +0 : slabdata +\d+ +\d+ +0', l), l
last = dict(l.split() for l in sec["/proc/vmstat"][-1].splitlines())
assert int(last["pswpout"]) > 0 and int(last["pgmajfault"]) == int(last["pswpin"]), last
PY

# 5. Text and rodata are shared (never written), writable pages after fork
# are copy-on-write.
"$VMOS" run --pt-dump "$BIN/hello" >/dev/null 2>"$tmp/pt"
grep -qE 'vr-xu-a- shared ' "$tmp/pt" && ! grep -qE 'vr-xu-a- cow' "$tmp/pt" && ok "text shows as shared in --pt-dump" || bad "text in pt-dump: $(grep -E 'vr-x' "$tmp/pt")"
"$VMOS" run --explain 0x11000 "$BIN/hello" >/dev/null 2>"$tmp/ex"
grep -q "shared (read-only: never copied)" "$tmp/ex" && ! grep -q "copy-on-write" "$tmp/ex" && ok "text shows as shared in --explain" || bad "text in explain: $(grep leaf "$tmp/ex")"

# 6. A snapshot point the run never reaches is reported, not silently dropped.
"$VMOS" run --maps --proc-at instret:99999999999 "$BIN/hello" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 0 ] && grep -q "the run ended after [0-9]* instructions, before that point" "$tmp/err" && ! grep -q "==>" "$tmp/err" \
	&& ok "instret never reached: said so" || bad "instret never reached: $rc $(cat "$tmp/err")"

# 7. Bad values are refused.
"$VMOS" run --proc status "$BIN/hello" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "bad --proc 'status'" "$tmp/err" && ok "--proc status refused" || bad "--proc status: $rc"
"$VMOS" run --proc-at marker "$BIN/hello" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && grep -q "needs --proc" "$tmp/err" && ok "--proc-at alone refused" || bad "--proc-at alone: $rc"
"$VMOS" run --maps --proc-at instret:0 "$BIN/hello" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 2 ] && ok "--proc-at instret:0 refused" || bad "--proc-at instret:0: $rc"

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
