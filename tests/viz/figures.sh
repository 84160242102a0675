#!/usr/bin/env bash
# tests/viz/figures.sh - the course's figures in `vmos run --svg/--html`,
# made from real runs and checked for structure (tests/viz/figures_check.py)
# and for rendering (headless Chromium, when installed):
#   pages to frames  a fork-then-COW program (viz_cow): the frame of a page
#                    both processes still share has two dashed lines from
#                    two pids and class cow; written pages are private;
#                    two processes running one program share its text's
#                    file frames; holes are broken axes labelled by size;
#                    every line ends at its frame
#   walk             exactly `levels` PTEs highlighted for a translation
#                    (Sv39 3, Sv48 4), fewer for a fault, root first
#   TLB              sets x ways cells for three geometries
#   frame map        zoomed to the used range at 128 MiB; aggregated by
#                    owner with a drill-down (click, number keys, Esc)
#                    that the #selftest drives
#   HTML page        event snapshots (--snapshot-events), --explain-at
#                    instret:N snapshots, keyboard stepping (a #selftest in
#                    the page; a copy without the key handler must fail it)
# Also: xmllint, deterministic output, option errors.
# Prints one line per check and, last, "N passed, N failed[, N skipped]".
set -u
cd "$(dirname "$0")/../.."
VMOS_BUILD=${VMOS_BUILD:-build}
VMOS=$VMOS_BUILD/vmos
BIN=$VMOS_BUILD/user/bin
CHECK="python3 tests/viz/figures_check.py"
pass=0 fail=0 skip=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

ok()   { pass=$((pass + 1)); echo "ok $1"; }
bad()  { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | head -n 30; }
# structure NAME FILE LABEL CHECKS...: figures_check.py passes
structure() {
	local name=$1; shift
	if $CHECK "$@" >"$tmp/chk" 2>&1; then ok "$name"; else bad "$name" "$(cat "$tmp/chk")"; fi
}
# structure_fails NAME FILE LABEL CHECKS...: figures_check.py must fail (the check can fail)
structure_fails() {
	local name=$1; shift
	if $CHECK "$@" >"$tmp/chk" 2>&1; then bad "$name: a wrong expectation passed" "$(cat "$tmp/chk")"; else ok "$name"; fi
}
hexadd() { printf '0x%x' $(($1 + $2)); }

# --- fork then copy on write ----------------------------------------------------
buf=0x$(${NM:-llvm-nm} "$BIN/viz_cow" | awk '$3 == "buf" {print $1}')
"$VMOS" run --html "$tmp/cow.html" --svg "$tmp/cow.svg" --snapshot-events cow "$BIN/viz_cow" >"$tmp/cow.out" 2>&1; rc=$?
[ $rc -eq 0 ] && [ -s "$tmp/cow.html" ] && [ -s "$tmp/cow.svg" ] && ok "viz_cow pictures written" || bad "viz_cow pictures (rc $rc)" "$(cat "$tmp/cow.out")"
shared=$(hexadd $buf 0x4000)
structure "COW: page 4 of buf, one frame, lines from pids 1 and 2" "$tmp/cow.html" "marker 1 of pid 2" cow-shared $shared
structure "COW: pages 0 and 1 written by the child are private" "$tmp/cow.html" "marker 1 of pid 2" private $buf private $(hexadd $buf 0x1000)
structure_fails "COW check fails on a private page" "$tmp/cow.html" "marker 1 of pid 2" cow-shared $buf
structure "COW: every line ends at its frame, mappers = lines" "$tmp/cow.html" "marker 1 of pid 2" lines-match
structure "walk of the marked address: 3 PTEs, a frame" "$tmp/cow.html" "marker 1 of pid 2" walk $shared 3 ok
structure "the marked page is outlined, its line bold" "$tmp/cow.html" "marker 1 of pid 2" focus $shared
structure "TLB 16 sets x 4 ways (default 64:4)" "$tmp/cow.html" "marker 1 of pid 2" tlb 16 4
structure "frame map zoomed at 128 MiB" "$tmp/cow.html" "start" zoomed
structure "frame map by owner: counts, detail blocks, every cell's group" "$tmp/cow.html" "marker 1 of pid 2" owners
structure "frame map by owner in the SVG too" "$tmp/cow.svg" "" owners
structure "broken axis: the hole below the stack, with its size" "$tmp/cow.html" "marker 1 of pid 2" hole
n=$(grep -c 'data-label="copy-on-write fault of pid 2 at ' "$tmp/cow.html")
[ "$n" -ge 2 ] && ok "--snapshot-events cow: $n COW-break snapshots of pid 2" || bad "COW-break snapshots ($n)"
structure "after the COW break: the written page is pid 2's own" "$tmp/cow.html" "copy-on-write fault of pid 2 at 0x$(printf %x $((buf + 0x1000)))" walk $(hexadd $buf 0x1000) 3 ok private $buf
if command -v xmllint >/dev/null; then
	xmllint --noout "$tmp/cow.svg" 2>"$tmp/xl" && ok "xmllint accepts the SVG" || bad "xmllint" "$(cat "$tmp/xl")"
else skip=$((skip + 1)); echo "SKIP xmllint: not installed (apt-get install libxml2-utils)"; fi
grep -q '<title>vmos memory: ' "$tmp/cow.svg" && grep -q '<desc>' "$tmp/cow.svg" && ok "SVG has title and desc" || bad "SVG title/desc"
"$VMOS" run --svg "$tmp/cow2.svg" --snapshot-events cow "$BIN/viz_cow" >/dev/null 2>&1
cmp -s "$tmp/cow.svg" "$tmp/cow2.svg" && ok "SVG deterministic across runs" || bad "SVG deterministic"
"$VMOS" run --html "$tmp/cow2.html" --snapshot-events cow "$BIN/viz_cow" >/dev/null 2>&1
cmp -s "$tmp/cow.html" "$tmp/cow2.html" && ok "HTML deterministic across runs" || bad "HTML deterministic"
[ "$(grep -o 'https\?://[^" ]*' "$tmp/cow.html" | sort -u)" = "http://www.w3.org/2000/svg" ] && ! grep -q '<link\|src=' "$tmp/cow.html" \
	&& ok "HTML self-contained (no URL but the SVG namespace)" || bad "HTML references outside the file" "$(grep -o 'https\?://[^" ]*' "$tmp/cow.html" | sort -u)"

# --- two processes, one program: shared text -------------------------------------
"$VMOS" run --quantum 500 --html "$tmp/two.html" "$BIN/hello" --- "$BIN/hello" >/dev/null 2>&1
structure "hello --- hello: a file frame mapped by both" "$tmp/two.html" "exit of pid 1" file-shared lines-match
structure_fails "file-shared fails with one process" "$tmp/two.html" "exit of pid 2" file-shared

# --- walks: Sv48, faults; TLB geometries -------------------------------------------
"$VMOS" run --paging sv48 --tlb 32:2 --html "$tmp/s48.html" "$BIN/viz_cow" >/dev/null 2>&1
structure "Sv48: 4 PTEs highlighted" "$tmp/s48.html" "marker 1 of pid 2" walk $shared 4 ok
structure "TLB 32:2 = 16 sets x 2 ways" "$tmp/s48.html" "marker 1 of pid 2" tlb 16 2
"$VMOS" run --tlb 8:8 --html "$tmp/m.html" --svg "$tmp/m.svg" "$BIN/viz_marker" >/dev/null 2>&1
structure "TLB 8:8 = 1 set x 8 ways" "$tmp/m.html" "marker 1 " tlb 1 8
structure "untouched mmap page: 3 PTEs read, fault at the leaf" "$tmp/m.html" "marker 3 " walk - 3 fault
# (the vDSO's pages sit just above the mmap area, in the same 2 MiB, so its
# level-0 table stays after the munmap: the walk reads 3 PTEs and faults at
# the empty leaf)
structure "after munmap: the walk reaches the empty leaf (3 PTEs)" "$tmp/m.html" "marker 6 " walk - 3 fault
structure_fails "walk check fails on a wrong count" "$tmp/m.html" "marker 6 " walk - 2 fault
sed -n '/data-label="marker 4 /,/<\/div>/p' "$tmp/m.html" | grep -Eq 'class="m b">\[ *[0-9]+\] -{6}ad PROT_NONE, frame 0x[0-9a-f]+<' \
	&& ok "PROT_NONE page: the leaf PTE says PROT_NONE and keeps its frame" || bad "PROT_NONE leaf in the walk"
"$VMOS" run --swap 1M --frames 8 --policy fifo --html "$tmp/sw.html" --snapshot-events evict "$BIN/viz_marker" >/dev/null 2>&1
n=$(grep -c 'data-label="eviction of pid 1 at 0x[0-9a-f]* -&gt; swap-out' "$tmp/sw.html")
[ "$n" -ge 5 ] && ok "--snapshot-events evict: $n eviction snapshots" || bad "eviction snapshots ($n)"
sed -n '/data-label="marker 5 /,/<\/div>/p' "$tmp/sw.html" | grep -Eq 'class="m b">\[ *[0-9]+\] -r------ swapped, slot [0-9]+<' \
	&& ok "swapped heap page: the walk's leaf says swapped, with its slot" || bad "swapped leaf in the walk"
structure "swapped heap page: the walk faults at the leaf" "$tmp/sw.html" "marker 5 " walk - 3 fault

# --- a big address space: runs merged, the page stays small -----------------------
"$VMOS" run --svg "$tmp/big.svg" "$BIN/memhog" 8 >/dev/null 2>&1
structure "memhog 8: runs of pages drawn as bands covering every page" "$tmp/big.svg" "exit of pid 1" dense
sz=$(stat -c %s "$tmp/big.svg")
[ "$sz" -lt 300000 ] && ok "memhog 8: SVG of $sz bytes for 2048+ pages" || bad "memhog SVG size $sz"

# --- --explain-at instret:N snapshots, with the explained address ----------------
"$VMOS" run --explain 0x11000 --explain-at instret:500 --html "$tmp/i.html" "$BIN/hello" >/dev/null 2>&1
structure "--explain-at instret:500 snapshot walks 0x11000" "$tmp/i.html" "instret 5" walk 0x11000 3 ok

# --- rendering in headless Chromium ------------------------------------------------
CHROME=${VIZ_CHROMIUM-$(command -v chromium || command -v chromium-browser || true)}
chrome() {  # chrome OUT ERR ARGS...: runs headless Chromium with a fresh profile
	local out=$1 err=$2; shift 2
	local prof; prof=$(mktemp -d)
	timeout 60 "$CHROME" --headless --no-sandbox --disable-gpu --disable-background-networking \
		--disable-component-update --disable-sync --no-first-run --user-data-dir="$prof" \
		--enable-logging=stderr --v=0 "$@" >"$out" 2>"$err"
	rm -rf "$prof"
}
if [ -n "$CHROME" ]; then
	for f in cow m; do
		chrome "$tmp/$f.dom" "$tmp/$f.cerr" --dump-dom "file://$(realpath "$tmp/$f.svg")"
		if grep -q 'class="fig-spaces"' "$tmp/$f.dom" && ! grep -qi 'parsererror' "$tmp/$f.dom"; then
			ok "chromium parses $f.svg"
		else bad "chromium parses $f.svg" "$(head -c 600 "$tmp/$f.dom")"; fi
		(cd "$tmp" && chrome "$tmp/$f.shot" "$tmp/$f.serr" --hide-scrollbars --window-size=1100,1400 --screenshot="$tmp/$f.png" "file://$(realpath "$tmp/$f.svg")")
		sz=$(stat -c %s "$tmp/$f.png" 2>/dev/null || echo 0)
		[ "$sz" -gt 20000 ] && ok "chromium draws $f.svg ($sz bytes of PNG)" || bad "chromium screenshot of $f.svg ($sz bytes)" "$(tail -3 "$tmp/$f.serr")"
	done
	chrome "$tmp/cow.hdom" "$tmp/cow.herr" --dump-dom "file://$(realpath "$tmp/cow.html")#selftest"
	n=$(grep -c '<div class="snap' "$tmp/cow.html")
	grep -q "<title>OK selftest $n snapshots</title>" "$tmp/cow.hdom" && ok "HTML #selftest: keyboard steps through $n snapshots" \
		|| bad "HTML #selftest" "$(grep -o '<title>[^<]*</title>' "$tmp/cow.hdom" | head -1)"
	if grep -Eiq 'Uncaught|SyntaxError|ReferenceError|TypeError' "$tmp/cow.herr"; then
		bad "no JavaScript errors" "$(grep -Ei 'Uncaught|Error' "$tmp/cow.herr")"
	else ok "no JavaScript errors"; fi
	# the self-test can fail: without the key handler it must say ERROR
	sed 's/document.addEventListener(.keydown.,/(function(){})(/' "$tmp/cow.html" >"$tmp/nokeys.html"
	chrome "$tmp/nokeys.dom" "$tmp/nokeys.err" --dump-dom "file://$(realpath "$tmp/nokeys.html")#selftest"
	grep -q '<title>ERROR [^<]*ArrowRight' "$tmp/nokeys.dom" && ok "#selftest fails without keyboard stepping" \
		|| bad "#selftest without keys" "$(grep -o '<title>[^<]*</title>' "$tmp/nokeys.dom" | head -1)"
	# the drill-down's self-test can fail too: without drill() it must say ERROR
	sed 's/function drill(s,g){/function drill(s,g){return;/' "$tmp/cow.html" >"$tmp/nodrill.html"
	chrome "$tmp/nodrill.dom" "$tmp/nodrill.err" --dump-dom "file://$(realpath "$tmp/nodrill.html")#selftest"
	grep -q '<title>ERROR [^<]*click on a group drills into' "$tmp/nodrill.dom" && ok "#selftest fails without the owner drill-down" \
		|| bad "#selftest without drill-down" "$(grep -o '<title>[^<]*</title>' "$tmp/nodrill.dom" | head -1)"
else
	skip=$((skip + 6)); echo "SKIP chromium checks: no chromium (apt-get install chromium)"
fi

# --- --figures chooses; the guide's pictures regenerate ---------------------------
"$VMOS" run --figures tlb,walk --svg "$tmp/tw.svg" "$BIN/hello" >/dev/null 2>&1
got=$(grep -oE 'class="(fig-[a-z]+|frames|space)"' "$tmp/tw.svg" | sort | tr '\n' ' ')
[ "$got" = 'class="fig-tlb" class="fig-walk" ' ] && ok "--figures tlb,walk draws those two" || bad "--figures tlb,walk: $got"
if python3 - "$tmp" >"$tmp/img.out" 2>&1 <<'PY'
import re, subprocess, sys, os, xml.dom.minidom as md
tmp = sys.argv[1]
text = open("docs/guide.md").read()
imgs = re.findall(r"<!-- img: (docs/img/[\w.-]+\.svg): (build/vmos [^\n]*?) -->", text)
assert len(imgs) >= 5, imgs
def figs(path):
    d = md.parse(path).documentElement
    return sorted(g.getAttribute("class") for g in d.getElementsByTagName("g")
                  if g.getAttribute("class") in ("fig-spaces", "fig-walk", "fig-tlb", "frames", "space", "vspace"))
for img, cmd in imgs:
    assert re.search(r"\]\(" + re.escape(img[5:]) + r"\)", text), ("not shown in the guide", img)
    out = os.path.join(tmp, os.path.basename(img))
    cmd = cmd.replace("build/", os.environ.get("VMOS_BUILD", "build") + "/").replace(img, out)
    subprocess.run(cmd, shell=True, capture_output=True)
    assert figs(out) == figs(img), (img, figs(out), figs(img))
print("ok", len(imgs))
PY
then ok "docs/img: $(cut -d' ' -f2 "$tmp/img.out") pictures of the guide regenerate with the same figures"
else bad "docs/img pictures regenerate" "$(cat "$tmp/img.out")"; fi

# --- errors ---------------------------------------------------------------------------
for args in "--snapshot-events bogus --html /dev/null" "--snapshot-events , --html /dev/null" "--snapshot-events" \
	    "--figures bogus --svg /dev/null" "--figures tlb,, --svg /dev/null" "--snapshot-events cow, --html /dev/null"; do
	"$VMOS" run $args "$BIN/hello" >/dev/null 2>"$tmp/e.err"; rc=$?
	[ $rc -eq 2 ] && [ -s "$tmp/e.err" ] && ok "run $args: exit 2 with a message" || bad "run $args: exit 2 (got $rc)" "$(cat "$tmp/e.err")"
done

if [ $skip -gt 0 ]; then echo "$pass passed, $fail failed, $skip skipped"; else echo "$pass passed, $fail failed"; fi
[ $fail -eq 0 ]
