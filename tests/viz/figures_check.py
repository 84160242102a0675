#!/usr/bin/env python3
"""Structural checks of the figures in vmos's pictures (tests/viz/figures.sh).

usage: figures_check.py FILE.html|FILE.svg LABEL-PREFIX CHECK [ARGS]...

Picks the snapshot whose label starts with LABEL-PREFIX (an SVG holds one
snapshot: its <title> must start with "vmos memory: " + the prefix), parses
it as XML and runs each CHECK:

  cow-shared VA          a frame of class cow with lines from two pids at VA
  private VA             pids 1 and 2 map VA to different frames
  file-shared            a file frame with lines from two different pids
  walk VA N ok|fault     the walk figure shows VA ("-": any), N PTEs highlighted, and
                         ends in a frame (ok) or a fault
  tlb SETS WAYS          the TLB figure has SETS x WAYS cells, the valid ones
                         as many as its heading says
  focus VA               VA's page (the event's) is outlined, its line bold
  dense                  bands of runs drawn, and bands + lines cover every
                         page drawn (a program without swap or PROT_NONE)
  zoomed                 the frame map is drawn zoomed (fewer cells than RAM)
  hole                   a broken axis labelled with a size and "hole"
  lines-match            every line ends at a frame drawn with its data-pa,
                         and every frame's data-mappers equals its lines
  owners                 the frame map by owner: group counts sum to the
                         frames, a detail block per group listing runs that
                         add up to its count when not cut short, every cell
                         of the frame map in a listed group, user pages and
                         page tables of pid 1 among the groups
Prints "ok CHECK" or "FAIL CHECK: why" per check; exits 1 on any failure.
"""
import re, sys, xml.dom.minidom as md

path, prefix, checks = sys.argv[1], sys.argv[2], sys.argv[3:]
text = open(path).read()
if path.endswith(".html"):
    snaps = re.findall(r'<div class="snap" id="snap\d+" data-label="([^"]*)">\n(<svg.*?</svg>)\n</div>', text, re.S)
    pick = [s for l, s in snaps if l.startswith(prefix)]
    if not pick:
        print(f"FAIL no snapshot labelled {prefix!r}: {[l for l, _ in snaps]}")
        sys.exit(1)
    svg = md.parseString(pick[0]).documentElement
else:
    svg = md.parseString(text).documentElement
    title = svg.getElementsByTagName("title")[0].firstChild.data
    if not title.startswith("vmos memory: " + prefix):
        print(f"FAIL the SVG is {title!r}, not {prefix!r}")
        sys.exit(1)

def by_class(tag, cls):
    return [e for e in svg.getElementsByTagName(tag) if cls in e.getAttribute("class").split()]

def group(cls):
    g = by_class("g", cls)
    return g[0] if g else None

lines = by_class("line", "map")
frames = {f.getAttribute("data-pa"): f for f in by_class("rect", "frame")}
fails = 0
i = 0
while i < len(checks):
    c = checks[i]; i += 1
    why = None
    if c == "cow-shared":
        va = checks[i]; i += 1; c += " " + va
        ls = [l for l in lines if int(l.getAttribute("data-va"), 16) == int(va, 16)]
        pas = {l.getAttribute("data-pa") for l in ls}
        pids = {l.getAttribute("data-pid") for l in ls}
        if len(ls) != 2 or len(pas) != 1 or len(pids) != 2:
            why = f"lines at {va}: {[(l.getAttribute('data-pid'), l.getAttribute('data-pa')) for l in ls]}"
        else:
            f = frames.get(pas.pop())
            if f is None or f.getAttribute("data-share") != "cow" or f.getAttribute("data-mappers") != "2":
                why = f"frame {f and f.toxml()[:200]}"
            elif not all(l.getAttribute("stroke-dasharray") for l in ls):
                why = "COW lines not dashed"
    elif c == "private":
        va = checks[i]; i += 1; c += " " + va
        ls = {l.getAttribute("data-pid"): l.getAttribute("data-pa") for l in lines
              if int(l.getAttribute("data-va"), 16) == int(va, 16)}
        if len(ls) != 2 or len(set(ls.values())) != 2:
            why = f"mappings of {va}: {ls}"
        elif any(frames[p].getAttribute("data-share") != "private" for p in ls.values()):
            why = "frames not private"
    elif c == "file-shared":
        ok = False
        for pa, f in frames.items():
            if f.getAttribute("data-share") == "file":
                pids = {l.getAttribute("data-pid") for l in lines if l.getAttribute("data-pa") == pa}
                ok |= len(pids) >= 2
        if not ok:
            why = "no file frame mapped by two processes"
    elif c == "walk":
        va, n, end = checks[i], int(checks[i + 1]), checks[i + 2]; i += 3
        c += f" {va} {n} {end}"
        g = group("fig-walk")
        hl = by_class("rect", "walk")
        ends = by_class("g", "end")
        if g is None or (va != "-" and int(g.getAttribute("data-va"), 16) != int(va, 16)):
            why = f"walk of {g and g.getAttribute('data-va')}"
        elif len(hl) != n:
            why = f"{len(hl)} PTEs highlighted"
        elif [int(h.getAttribute("data-level")) for h in hl] != list(range(int(g.getAttribute("data-levels")) - 1, int(g.getAttribute("data-levels")) - 1 - n, -1)):
            why = "levels not root first"
        elif len(ends) != 1 or end not in ends[0].getAttribute("class").split():
            why = f"ends in {[e.getAttribute('class') for e in ends]}"
    elif c == "tlb":
        s, w = int(checks[i]), int(checks[i + 1]); i += 2
        c += f" {s}x{w}"
        g = group("fig-tlb")
        cells = by_class("rect", "tlbe")
        valid = by_class("rect", "v")
        head = g.getElementsByTagName("text")[0].firstChild.data
        m = re.search(r"(\d+) valid", head)
        if int(g.getAttribute("data-sets")) != s or int(g.getAttribute("data-ways")) != w:
            why = "data-sets/ways"
        elif len(cells) != s * w:
            why = f"{len(cells)} cells"
        elif not m or int(m.group(1)) != len(valid) or not valid:
            why = f"{len(valid)} valid cells, heading {head!r}"
        elif {(e.getAttribute("data-set"), e.getAttribute("data-way")) for e in cells} != {(str(a), str(b)) for a in range(s) for b in range(w)}:
            why = "cells do not cover every set and way"
    elif c == "focus":
        va = checks[i]; i += 1; c += " " + va
        fl = by_class("line", "focus")
        fv = by_class("rect", "focus")
        if len(fl) != 1 or int(fl[0].getAttribute("data-va"), 16) != int(va, 16) & ~0xfff or len(fv) != 1:
            why = f"focus lines {[l.getAttribute('data-va') for l in fl]}, {len(fv)} pages outlined"
    elif c == "dense":
        runs = by_class("path", "maprun")
        mapped = sum(int(r.getAttribute("data-pages")) for r in runs) + len(lines)
        vpages = sum(int(r.getAttribute("data-pages")) for r in by_class("rect", "vrun")) + len(by_class("rect", "vpage"))
        if not runs or mapped != vpages:
            why = f"{len(runs)} bands; pages mapped {mapped}, drawn {vpages}"
    elif c == "zoomed":
        g = group("frames")
        head = g.getElementsByTagName("text")[0].firstChild.data
        total = int(re.search(r"(\d+) frames", head).group(1))
        if not int(g.getAttribute("data-drawn")) < total // 4:
            why = f"drawn {g.getAttribute('data-drawn')} of {total}"
    elif c == "hole":
        labels = [t.firstChild.data for b in by_class("g", "break") for t in b.getElementsByTagName("text")]
        if not any(re.match(r"[0-9.]+ (KiB|MiB|GiB|TiB) hole$", l) for l in labels):
            why = f"break labels {labels}"
    elif c == "lines-match":
        for pa, f in frames.items():
            n = sum(1 for l in lines if l.getAttribute("data-pa") == pa)
            if n != int(f.getAttribute("data-mappers")):
                why = f"frame {pa}: {n} lines, data-mappers {f.getAttribute('data-mappers')}"
                break
        if not why and any(l.getAttribute("data-pa") not in frames for l in lines):
            why = "a line to a frame not drawn"
        if not why:
            for l in lines:
                f = frames[l.getAttribute("data-pa")]
                fy = float(f.getAttribute("y")) + float(f.getAttribute("height")) / 2
                if abs(float(l.getAttribute("y2")) - fy) > 0.11 or float(l.getAttribute("x2")) != float(f.getAttribute("x")):
                    why = f"line to {l.getAttribute('data-pa')} ends at ({l.getAttribute('x2')},{l.getAttribute('y2')}), frame at y {fy}"
                    break
    elif c == "owners":
        ow = group("owners")
        ogs = by_class("g", "og")
        keys = [g.getAttribute("data-g") for g in ogs]
        total = sum(int(g.getAttribute("data-count")) for g in ogs)
        ods = {g.getAttribute("data-g"): g for g in by_class("g", "od")}
        cells = {r.getAttribute("data-g") for r in group("frames").getElementsByTagName("rect") if r.getAttribute("data-g")}
        if ow is None or total != int(ow.getAttribute("data-total")):
            why = f"counts sum to {total}, frames {ow.getAttribute('data-total') if ow else None}"
        elif set(keys) != set(ods) or len(keys) != len(set(keys)):
            why = f"groups {keys}, detail blocks {list(ods)}"
        elif not cells <= set(keys):
            why = f"cells of groups not listed: {cells - set(keys)}"
        elif not {"user-1", "pt-1", "free"} <= set(keys):
            why = f"groups {keys}"
        else:
            for g in ogs:
                runs = [t for t in ods[g.getAttribute("data-g")].getElementsByTagName("tspan") if "orun" in t.getAttribute("class")]
                n = sum(int(t.getAttribute("data-n")) for t in runs)
                if len(runs) < 24 and n != int(g.getAttribute("data-count")):
                    why = f"group {g.getAttribute('data-g')}: runs add up to {n}, count {g.getAttribute('data-count')}"
                    break
    else:
        why = "unknown check"
    if why:
        fails += 1
        print(f"FAIL {c}: {why}")
    else:
        print(f"ok {c}")
sys.exit(1 if fails else 0)
