#!/usr/bin/env bash
# tests/viz/viz.sh - the "see the system" outputs of vmos, end to end, on
# real programs: `vmos run --explain` (translation steps, faults and their
# level and reason, at exit, at an instruction count, at markers), the
# page-table dump (merged runs, table pages), --pmap, the SVG and HTML
# pictures (well-formed; the HTML rendered by headless Chromium when it is
# installed, else skipped), the event log (text and JSON Lines, filters),
# `vmos quiz`, and the error paths of the options.
# Prints one line per check and, last, "N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
BIN=$VMOS_BUILD/user/bin
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { pass=$((pass + 1)); echo "ok $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 30; }
# has NAME FILE PATTERN: FILE contains a line matching the extended regex
has()  { if grep -Eq -- "$3" "$2"; then ok "$1"; else bad "$1: no line matching /$3/ in $2" "$(cat "$2")"; fi; }
hasnt() { if grep -Eq -- "$3" "$2"; then bad "$1: unexpected /$3/" "$(grep -E -- "$3" "$2")"; else ok "$1"; fi; }
count() { grep -Ec -- "$2" "$1"; }

# --- explain at exit: hello's text page, a kernel address, an unmapped one --
run_vmos run --explain 0x11000,0xffffffc080001000,0x7000000 --explain-access load,store \
	"$BIN/hello" >"$tmp/h.out" 2>"$tmp/h.err"; rc=$?
[ $rc -eq 0 ] && ok "explain run exits 0" || bad "explain run exits 0 (got $rc)"
sed -n '/^explain pid 1 (hello) load 0x11000 at exit/,/^explain /p' "$tmp/h.err" >"$tmp/text"
has "text page: VPN fields" "$tmp/text" 'VPN\[2\] 0x000 \(0\) \| VPN\[1\] 0x000 \(0\) \| VPN\[0\] 0x011 \(17\) \| offset 0x000'
[ "$(count "$tmp/text" '^  level [0-9]: PTE at 0x')" -eq 3 ] && ok "text page: 3 PTE steps (Sv39)" || bad "text page: 3 PTE steps" "$(cat "$tmp/text")"
has "text page: level 2 and 1 point to tables" "$tmp/text" '^  level 1: .*pointer to next table, PPN 0x[0-9a-f]+ -> PA 0x'
has "text page: leaf r-x u at level 0" "$tmp/text" '^  level 0: PTE at 0x[0-9a-f]+ \(table 0x[0-9a-f]+ \+ VPN\[0\] 17 \* 8\) = 0x[0-9a-f]{16}  vr-xu-.-.*leaf: 4 KiB page'
pa=$(sed -nE 's/^  result: load 0x11000 -> PA (0x[0-9a-f]+) .*/\1/p' "$tmp/text")
if [ -n "$pa" ] && [ $((pa)) -ge $((0x80000000)) ] && [ $((pa)) -lt $((0x88000000)) ] && [ $((pa & 0xfff)) -eq 0 ]; then
	ok "text page: PA $pa in RAM, offset 0"
else bad "text page: PA in RAM (got '$pa')" "$(cat "$tmp/text")"; fi
# hello's text region, from its R E segment (the layout moves with the libc)
read -r tva tsz < <(${READELF:-llvm-readelf} -lW "$BIN/hello" | awk '$1=="LOAD" && $7=="R" && $8=="E" {print $3, $6}')
tlo=$(printf '0x%x' $(( tva & ~0xfff ))); thi=$(printf '0x%x' $(( (tva + tsz + 0xfff) & ~0xfff )))
has "text page: region and shared file frame" "$tmp/text" "^  region: text \\[$tlo, $thi\\) r-x \\(file\\)"
has "text page: frame owner" "$tmp/text" '^  frame: 0x[0-9a-f]+ owner file'
has "store to text faults: W=0" "$tmp/h.err" 'result: store 0x11000 FAULTS: store/AMO page fault \(cause 15\) at level 0: W=0: page not writable'
has "kernel address: 2 MiB U=0 leaf" "$tmp/h.err" 'level 1: .* v[r-][w-]--gad  leaf: 2 MiB superpage, PPN 0x80000, global'
has "kernel address faults with U=0" "$tmp/h.err" 'result: load 0xffffffc080001000 FAULTS: load page fault \(cause 13\) at level 1: U=0: supervisor page'
has "unmapped address faults at level 1" "$tmp/h.err" 'result: load 0x7000000 FAULTS: load page fault \(cause 13\) at level 1: PTE V=0 at level 1'
has "unmapped address: no region, SIGSEGV" "$tmp/h.err" 'kernel: no region: the process would be killed'
[ "$(count "$tmp/h.err" '^explain pid 1')" -eq 6 ] && ok "3 addresses x 2 accesses explained" || bad "6 explanations" "$(grep '^explain' "$tmp/h.err")"
grep -q '^hello, world$' "$tmp/h.out" && ok "program output unchanged" || bad "program output unchanged"

# --- Sv48: four levels ------------------------------------------------------
run_vmos run --paging sv48 --explain 0x11000 "$BIN/hello" >/dev/null 2>"$tmp/s48"
[ "$(count "$tmp/s48" '^  level [0-3]: PTE')" -eq 4 ] && ok "sv48: 4 PTE steps" || bad "sv48: 4 PTE steps" "$(cat "$tmp/s48")"
has "sv48: VPN[3] field" "$tmp/s48" 'VPN\[3\] 0x000 \(0\) \| VPN\[2\]'

# --- at markers (vmos explain subcommand) -----------------------------------
run_vmos explain "$BIN/viz_marker" >"$tmp/m.out" 2>"$tmp/m.err"; rc=$?
[ $rc -eq 0 ] && ok "vmos explain viz_marker exits 0" || bad "vmos explain exits 0 (got $rc)" "$(tail "$tmp/m.err")"
[ "$(count "$tmp/m.err" '^explain pid 1 \(viz_marker\) load 0x[0-9a-f]+ at marker [1-7] ')" -eq 7 ] && ok "7 markers explained" || bad "7 markers explained" "$(grep '^explain' "$tmp/m.err")"
mk() { sed -n "/at marker $1 /,/^explain /p" "$tmp/m.err"; }
mk 2 >"$tmp/m2"; mk 3 >"$tmp/m3"; mk 4 >"$tmp/m4"; mk 5 >"$tmp/m5"; mk 6 >"$tmp/m6"; mk 7 >"$tmp/m7"
has "marker 2: written mmap page translates" "$tmp/m2" 'vrw-u-ad  leaf: 4 KiB page'
has "marker 3: untouched page, demand zero" "$tmp/m3" 'kernel: not touched yet: the kernel would map a zero page'
has "marker 3: V=0 at level 0" "$tmp/m3" 'at level 0: PTE V=0 at level 0'
has "marker 4: PROT_NONE decoded" "$tmp/m4" 'invalid \(V=0; software: PROT_NONE page, frame 0x[0-9a-f]+ kept\)'
has "marker 4: region ---" "$tmp/m4" 'region: mmap \[0x[0-9a-f]+, 0x[0-9a-f]+\) ---'
has "marker 5: heap page" "$tmp/m5" 'region: heap'
has "marker 6: unmapped after munmap" "$tmp/m6" 'region: none'
has "marker 7: text" "$tmp/m7" 'region: text .*\(file\)'
diff <(printf 'marker %d\n' 1 2 3 4 5 6 7; echo done) "$tmp/m.out" >/dev/null && ok "marker program output" || bad "marker program output" "$(cat "$tmp/m.out")"

# --- at an instruction count ------------------------------------------------
run_vmos run --explain 0x11000 --explain-at instret:500 "$BIN/hello" >/dev/null 2>"$tmp/i.err"
[ "$(count "$tmp/i.err" '^explain pid 1 \(hello\) load 0x11000 at instret 5[0-9][0-9]:')" -eq 1 ] && ok "instret:500 explains once" || bad "instret:500 explains once" "$(cat "$tmp/i.err")"
hasnt "instret only: nothing at exit" "$tmp/i.err" 'at exit'

# --- page-table dump and pmap -----------------------------------------------
run_vmos run --pt-dump --pmap "$BIN/viz_marker" >/dev/null 2>"$tmp/pt"
has "pt-dump heading" "$tmp/pt" '^page table of pid 1 \(viz_marker\): Sv39, satp 0x8[0-9a-f]{15}, root 0x8'
# the heap's 16 written pages and the written bss page below it: one run
heap=$(sed -nE 's/^  ([0-9a-f]{16}) +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+ rw--  heap$/\1/p' "$tmp/pt" | head -1)
heap=$((16#${heap:-0}))
run_lo=$(printf '%016x' $((heap - 0x1000))); run_hi=$(printf '%016x' $((heap + 0x10000)))
heapx=$(printf '%016x' $heap)
has "pt-dump: heap pages merged in one run" "$tmp/pt" "^  $run_lo-$run_hi      68K      17  vrw-u-ad +[0-9a-f]{10}"
has "pt-dump: table pages per level" "$tmp/pt" 'page-table pages \([0-9]+ KiB\): level 2: 1, level 1: [0-9]+, level 0: [0-9]+; kernel half'
leaves=$(sed -nE 's/^  ([0-9]+) leaves in ([0-9]+) runs.*/\1/p' "$tmp/pt")
runs=$(sed -nE 's/^  ([0-9]+) leaves in ([0-9]+) runs.*/\2/p' "$tmp/pt")
sum=$(grep -E '^  [0-9a-f]{16}-[0-9a-f]{16} ' "$tmp/pt" | awk '{s+=$3} END{print s+0}')
lines=$(grep -Ec '^  [0-9a-f]{16}-[0-9a-f]{16} ' "$tmp/pt")
[ -n "$leaves" ] && [ "$sum" -eq "$leaves" ] && [ "$lines" -eq "$runs" ] && [ "$runs" -lt "$leaves" ] \
	&& ok "pt-dump: runs ($runs) cover all $leaves leaves" || bad "pt-dump totals (leaves=$leaves runs=$runs sum=$sum lines=$lines)" "$(cat "$tmp/pt")"
has "pmap: heap 64 KiB resident" "$tmp/pt" "^  $heapx         64         64          0          0 rw--  heap"
has "pmap: total line" "$tmp/pt" '^  total +[0-9]+ +[0-9]+ +0 +[0-9]+ +\+ page tables [0-9]+ KiB'

# --- swapping: a swapped page in explain, pt-dump, pmap, events -------------
run_vmos explain --swap 1M --frames 8 --policy fifo --pt-dump --pmap --events "$tmp/sw.ev" \
	"$BIN/viz_marker" >/dev/null 2>"$tmp/sw"
sed -n '/at marker 5 /,/^explain /p' "$tmp/sw" >"$tmp/sw5"
has "swap: explain decodes the swap entry" "$tmp/sw5" 'invalid \(V=0; software: swapped out, slot [0-9]+\)'
has "swap: explain says swap-in" "$tmp/sw5" 'kernel: swapped out: the kernel would read it back \(swap-in\)'
has "swap: pt-dump swapped run" "$tmp/sw" "^  $heapx-[0-9a-f]{16} +[0-9]+K +[0-9]+  -r------  swapped out \\(first slot [0-9]+\\)"
has "swap: pmap heap swap column" "$tmp/sw" "^  $heapx +64 +[0-9]+ +[1-9][0-9]* +0 rw--  heap"
has "swap: evict events" "$tmp/sw.ev" '^[0-9]+ pid 1 evict va 0x[0-9a-f]+ slot [0-9]+ -> swap-out$'

# --- pictures ---------------------------------------------------------------
run_vmos run --ram 4M --svg "$tmp/m.svg" --html "$tmp/m.html" --snapshot-every 2000 \
	"$BIN/viz_marker" --- "$BIN/hello" >/dev/null 2>"$tmp/pic.err"; rc=$?
[ $rc -eq 0 ] && [ -s "$tmp/m.svg" ] && [ -s "$tmp/m.html" ] && ok "pictures written" || bad "pictures written (rc $rc)" "$(cat "$tmp/pic.err")"
if python3 - "$tmp/m.svg" "$tmp/m.html" >"$tmp/py.out" 2>&1 <<'PY'
import sys, re, xml.dom.minidom
from html.parser import HTMLParser
svg = xml.dom.minidom.parse(sys.argv[1])
root = svg.documentElement
assert root.tagName == "svg", root.tagName
titles = [t.firstChild.data for t in svg.getElementsByTagName("title") if t.firstChild]
assert any(t.startswith("user pid 1:") for t in titles), "no user frames of pid 1"
assert any(t.startswith("page-table pid 1:") for t in titles), "no page tables of pid 1"
spaces = [g.getAttribute("data-pid") for g in svg.getElementsByTagName("g") if g.getAttribute("class") == "space"]
assert "1" in spaces, spaces
html = open(sys.argv[2]).read()
class P(HTMLParser):
    def __init__(s):
        super().__init__(); s.stack = []; s.snaps = 0; s.rows = 0
    def handle_starttag(s, tag, a):
        a = dict(a)
        if tag == "div" and a.get("class") == "snap": s.snaps += 1
        if tag == "tr" and a.get("class") == "s": s.rows += 1
        if tag not in ("meta", "input", "br"): s.stack.append(tag)
    def handle_startendtag(s, tag, a): pass
    def handle_endtag(s, tag):
        assert s.stack and s.stack[-1] == tag, (tag, s.stack[-3:])
        s.stack.pop()
p = P(); p.feed(html)
assert p.stack == [], p.stack
assert p.snaps >= 6 and p.snaps == p.rows, (p.snaps, p.rows)
labels = re.findall(r'data-label="([^"]*)"', html)
for want in ("start", "marker 1 of pid 1", "exit of pid 1 (viz_marker)", "instret 2000", "end"):
    assert any(l.startswith(want) for l in labels), (want, labels)
assert "http" not in re.sub(r'xmlns="http://www.w3.org/2000/svg"', "", html), "external reference"
print("ok", p.snaps)
PY
then ok "SVG well-formed, HTML balanced with $(cut -d' ' -f2 "$tmp/py.out") snapshots"; else bad "SVG/HTML structure" "$(cat "$tmp/py.out")"; fi
if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/m.svg" 2>"$tmp/xl" && ok "xmllint accepts the SVG" || bad "xmllint" "$(cat "$tmp/xl")"
else skip=$((skip + 1)); echo "SKIP xmllint check: xmllint not installed (apt-get install libxml2-utils)"
fi
# VIZ_CHROMIUM overrides the browser; set it empty to skip the browser checks
CHROME=${VIZ_CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}
if [ -n "$CHROME" ]; then
	prof=$(mktemp -d)
	# -g: the browser's helper processes are stopped with it
	run_limited -g 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--enable-logging=stderr --v=0 --dump-dom "file://$(realpath "$tmp/m.html")" \
		>"$tmp/dom" 2>"$tmp/chrome.err"
	rm -rf "$prof"
	n=$(grep -c '<div class="snap' "$tmp/m.html")
	if grep -q "<p id=\"status\" data-ok=\"yes\">rendered $n snapshots</p>" "$tmp/dom" &&
	   grep -q 'class="snap on"' "$tmp/dom"; then
		ok "chromium renders the HTML ($n snapshots, one shown)"
	else bad "chromium render" "$(grep -o '<p id="status".*' "$tmp/dom"; tail -5 "$tmp/chrome.err")"; fi
	if grep -Eiq 'Uncaught|SyntaxError|ReferenceError|TypeError' "$tmp/chrome.err"; then
		bad "no JavaScript errors" "$(grep -Ei 'Uncaught|Error' "$tmp/chrome.err")"
	else ok "no JavaScript errors"; fi
else
	skip=$((skip + 2)); echo "SKIP chromium checks: no chromium (apt-get install chromium)"
fi

# --- event log ----------------------------------------------------------------
run_vmos run --events "$tmp/ev.jsonl" --events-format jsonl --events-filter all "$BIN/viz_marker" >/dev/null 2>&1
if python3 - "$tmp/ev.jsonl" >"$tmp/ev.py" 2>&1 <<'PY'
import sys, json, collections
kinds = collections.Counter()
markers = []
for line in open(sys.argv[1]):
    e = json.loads(line)
    kinds[e["kind"]] += 1
    assert isinstance(e["pid"], int) and isinstance(e["instret"], int)
    if e["kind"] == "marker": markers.append(e["tag"]); int(e["va"], 16)
    if e["kind"] == "fault": assert e["how"] in ("zero", "file", "cow", "cow-reuse", "stack", "swap-in", "segv", "oom"), e
    if e["kind"] == "syscall" and e["nr"] == 1000: assert e["name"] == "vmos_marker" and e["result"] == 0
assert markers == [1, 2, 3, 4, 5, 6, 7], markers
for k in ("fault", "syscall", "exit", "marker", "tlb-miss"): assert kinds[k] > 0, (k, kinds)
print("ok")
PY
then ok "JSONL event log parses, all kinds present, markers in order"; else bad "JSONL event log" "$(cat "$tmp/ev.py")"; fi
run_vmos run --events "$tmp/ev.txt" --events-filter fault,exit "$BIN/hello" >/dev/null 2>&1
if [ -s "$tmp/ev.txt" ] && ! grep -Evq '^[0-9]+ pid 1 (fault va 0x[0-9a-f]+ pc 0x[0-9a-f]+ (instruction|load|store/AMO) page fault \(cause 1[235]\) -> [a-z-]+|exit status 0)$' "$tmp/ev.txt"; then
	ok "text event log filtered to faults and exit"
else bad "text event log filter" "$(head "$tmp/ev.txt")"; fi
[ "$(grep -c ' exit status 0$' "$tmp/ev.txt")" -eq 1 ] && ok "one exit event" || bad "one exit event"

# --- quiz -----------------------------------------------------------------------
run_vmos quiz --seed 7 --answers >"$tmp/q1"; run_vmos quiz --seed 7 --answers >"$tmp/q2"
run_vmos quiz --seed 8 >"$tmp/q3" || bad "quiz --seed 8: status $?"
cmp -s "$tmp/q1" "$tmp/q2" && ok "quiz deterministic per seed" || bad "quiz deterministic"
[ "$(count "$tmp/q1" '^Q[0-9]+\. (load|store|fetch) at VA 0x')" -eq 8 ] && [ "$(count "$tmp/q1" '^    result: ')" -eq 8 ] \
	&& ok "quiz: 8 questions with answers" || bad "quiz answers" "$(cat "$tmp/q1")"
has "quiz: satp printed" "$tmp/q1" '^satp = 0x8[0-9a-f]{15}: MODE 8, ASID 1, root PPN 0x'
hasnt "quiz without --answers hides them" "$tmp/q3" 'result: '

# --- errors ---------------------------------------------------------------------
for args in "--explain zz" "--explain-at later --explain 1" "--explain-at exit" "--events-filter bogus --events /dev/null" \
	    "--events-format xml --events /dev/null" "--snapshot-every 0 --html /dev/null" "--explain-access jump --explain 1" \
	    "--events /nonexistent/dir/x"; do
	run_vmos run $args "$BIN/hello" >/dev/null 2>"$tmp/e.err"; rc=$?
	[ $rc -eq 2 ] && [ -s "$tmp/e.err" ] && ok "run $args: exit 2 with a message" || bad "run $args: exit 2 (got $rc)"
done
run_vmos run --html /nonexistent/dir/x.html "$BIN/hello" >"$tmp/e.out" 2>"$tmp/e.err"; rc=$?
[ $rc -eq 2 ] && grep -q 'cannot write --html /nonexistent/dir/x.html: no such directory' "$tmp/e.err" && [ ! -s "$tmp/e.out" ] \
	&& ok "unwritable --html: exit 2 before the run" || bad "unwritable --html (rc $rc)"
for args in "--seed x" "--levels 5" "--count 0" "--bogus"; do
	run_vmos quiz $args >/dev/null 2>&1; rc=$?
	[ $rc -eq 2 ] && ok "quiz $args: exit 2" || bad "quiz $args: exit 2 (got $rc)"
done

if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail -eq 0 ]
