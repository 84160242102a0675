#!/usr/bin/env python3
"""Regenerates the example outputs in docs/guide.md: every fenced block that
starts with a line "$ build/vmos ..." is replaced by that command's output,
run from the top of the repository (physical addresses and counts change as
the kernel evolves).  Usage: python3 tests/viz/regen_guide.py [--check] [--images]
--check exits 1 if any block differs (not run by `make test`: the figures
legitimately move with every kernel change).

It also remakes the pictures in docs/img: each comment
"<!-- img: docs/img/NAME.svg: build/vmos ... -->" in guide.md is a command
that writes that file (tests/viz/figures.sh runs them into a scratch
directory and checks that they still draw the same figures).  --images
remakes (or with --check compares) the pictures only."""
import re, subprocess, sys, os, tempfile

os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
path = "docs/guide.md"
text = open(path).read()
changed = 0

def regen(m):
    global changed
    cmd = m.group(1)
    if cmd.rstrip().endswith("\\"):
        return m.group(0)          # a multi-line command: its output is a file
    out = subprocess.run(cmd[2:], shell=True, capture_output=True, text=True).stdout
    new = "```\n" + cmd + "\n" + out + ("" if out.endswith("\n") or not out else "\n") + "```"
    if new != m.group(0):
        changed += 1
    return new

if "--images" not in sys.argv:
    text = re.sub(r"```\n(\$ build/vmos[^\n]*)\n.*?```", regen, text, flags=re.S)
for img, cmd in re.findall(r"<!-- img: (docs/img/[\w.-]+\.svg): (build/vmos [^\n]*?) -->", text):
    old = open(img).read() if os.path.exists(img) else ""
    out = img
    if "--check" in sys.argv:              # write a scratch copy, compare it
        out = os.path.join(tempfile.mkdtemp(), os.path.basename(img))
    subprocess.run(cmd.replace(img, out), shell=True, capture_output=True)
    changed += (open(out).read() if os.path.exists(out) else None) != old
if "--check" in sys.argv:
    print(f"{changed} blocks differ")
    sys.exit(1 if changed else 0)
open(path, "w").write(text)
print(f"{changed} blocks updated")
