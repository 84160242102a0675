#!/usr/bin/env bash
# tools/layers.sh - who depends on whom among the files of one source folder,
# and the circles in that graph.
#
#   tools/layers.sh [--max N] [DIR [OBJDIR]]
#
# Every .c and .h file of DIR (default src/kernel) is a node.  File A
# depends on file B when
#   - A has `#include "B"` (B a header of DIR),
#   - A is a .c whose object (OBJDIR/a.o, default build/obj/DIR) refers to a
#     symbol that B's object defines (`nm`: A calls B's function, uses its
#     data), or
#   - A is a header whose static inline code names a symbol that B's object
#     defines, B not A's own .c.
# The strongly connected components of that graph are the circles; each one
# of more than one file is printed with the arrows inside it.  Exits 1 if a
# circle has more than N files (default 2: DESIGN.md's "no circle of more
# than two files"), 0 otherwise.  Needs the objects built (`make`).
set -u
max=2
if [ "${1:-}" = --max ]; then max=$2; shift 2; fi
dir=${1:-src/kernel}
objdir=${2:-${VMOS_BUILD:-build}/obj/$dir}
[ -d "$dir" ] || { echo "layers.sh: no folder $dir" >&2; exit 2; }
ls "$objdir"/*.o >/dev/null 2>&1 || { echo "layers.sh: no objects in $objdir (run make first)" >&2; exit 2; }
command -v nm >/dev/null || { echo "layers.sh: nm not found (binutils)" >&2; exit 2; }

syms=$(mktemp); trap 'rm -f "$syms"' EXIT
for o in "$objdir"/*.o; do
	m=$(basename "$o" .o)
	nm -P "$o" | awk -v m="$m" '$2 == "U" { print m, "U", $1; next }
		$2 ~ /^[TDBRVWtdbr]$/ && $2 ~ /[A-Z]/ { print m, "D", $1 }'
done >"$syms"

python3 - "$dir" "$max" "$syms" <<'PY'
import os, re, sys
d, maxn, symfile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
files = sorted(f for f in os.listdir(d) if f.endswith(('.c', '.h')))
edges = {f: {} for f in files}          # a -> {b: reason}
inc = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
text = {f: open(os.path.join(d, f), errors='replace').read() for f in files}
for f in files:
    for line in text[f].splitlines():
        mm = inc.match(line)
        if mm and mm.group(1) in edges and mm.group(1) != f:
            edges[f].setdefault(mm.group(1), 'includes')
defs, uses = {}, []
for line in open(symfile):
    m, kind, sym = line.split()
    if kind == 'D':
        defs[sym] = m + '.c'
    else:
        uses.append((m + '.c', sym))
for a, sym in uses:
    b = defs.get(sym)
    if b and b != a and a in edges and b in edges:
        edges[a].setdefault(b, 'calls %s' % sym)
# a header's inline code: a name in the body of one of its static inline
# functions that another file's object defines (declarations do not count:
# the files that call what a header declares depend on its definer anyway)
word = re.compile(r'[A-Za-z_][A-Za-z0-9_]*')
def inline_bodies(src):
    src = re.sub(r'/\*.*?\*/', ' ', src, flags=re.S)
    out, i = [], 0
    while True:
        i = src.find('static inline', i)
        if i < 0:
            return ' '.join(out)
        j = src.find('{', i)
        semi = src.find(';', i)
        if j < 0 or (0 <= semi < j):          # a prototype, no body
            i = i + 13
            continue
        depth, k = 0, j
        while k < len(src):
            depth += {'{': 1, '}': -1}.get(src[k], 0)
            if depth == 0:
                break
            k += 1
        out.append(src[j:k + 1])
        i = k + 1
for h in files:
    if not h.endswith('.h'):
        continue
    for w in sorted(set(word.findall(inline_bodies(text[h])))):
        b = defs.get(w)
        if b and b in edges and b != h[:-2] + '.c':
            edges[h].setdefault(b, 'inline code calls %s' % w)
# Tarjan's strongly connected components
index, low, on, stack, sccs, n = {}, {}, set(), [], [], [0]
sys.setrecursionlimit(10000)
def visit(v):
    index[v] = low[v] = n[0]; n[0] += 1
    stack.append(v); on.add(v)
    for w in sorted(edges[v]):
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        c = []
        while True:
            w = stack.pop(); on.discard(w); c.append(w)
            if w == v:
                break
        sccs.append(sorted(c))
for v in files:
    if v not in index:
        visit(v)
narrows = sum(len(e) for e in edges.values())

big = [c for c in sccs if len(c) > 1]
print('%s: %d files, %d arrows, %d circle(s)' % (d, len(files), narrows, len(big)))
bad = 0
for c in sorted(big, key=len, reverse=True):
    tag = 'TOO BIG' if len(c) > maxn else 'ok'
    print('circle of %d (%s): %s' % (len(c), tag, ' '.join(c)))
    for a in c:
        for b in sorted(edges[a]):
            if b in c:
                print('    %s -> %s  (%s)' % (a, b, edges[a][b]))
    bad += len(c) > maxn
sys.exit(1 if bad else 0)
PY
