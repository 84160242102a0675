#!/usr/bin/env python3
"""fpdiff.py - differential test of vmos's F/D extensions against qemu-riscv64.

For each seed, writes a riscv64 assembly program of random F/D instruction
sequences, builds it (clang --target=riscv64 -march=rv64gc -mabi=lp64d,
-nostdlib, static, ld.lld: e_flags RVC | double-float ABI), runs it under
`vmos run` and `qemu-riscv64`, and compares what each sequence wrote.

One sequence:
  - loads f0..f31 with random operands biased toward the hard cases (signed
    zeros, subnormals, the normal/subnormal boundary, the largest finite
    values, infinities, quiet and signalling NaNs, integer boundaries of
    every FCVT width, ties), NaN-boxed singles, some improperly boxed; a
    quarter of the sequences draw only from eight special values per format,
    so that combinations like inf * 0 + qNaN occur;
    x6 x7 x28..x31 with random integers; fcsr with a random valid frm and
    clear flags;
  - executes OPS random instructions: every F/D computational instruction
    in both formats with a random static or dynamic rounding mode, FP loads
    and stores (some misaligned) to a scratch buffer, fflags/frm CSR reads
    and writes;
  - after each op, reads and clears fflags (csrrw), so every op's flags
    are compared on their own, not only their accrued OR;
  - writes f0..f31, the six integer registers, fcsr, the scratch buffer
    and the per-op flags to stdout.
Both engines must exit 0 and produce identical bytes; a difference is
reported with the sequence, the field that differs and the code.

usage: fpdiff.py [--seeds N] [--first S] [--seqs M] [--ops K] [--vmos PATH]
                 [--keep DIR]
Prints "N passed, N failed[, N skipped]" (one check per sequence).
"""
import argparse
import os
import random
import shutil
import struct
import subprocess
import sys
import tempfile

INT_REGS = ["x6", "x7", "x28", "x29", "x30", "x31"]
RMS = ["rne", "rtz", "rdn", "rup", "rmm", "dyn"]
BASE_REC = 32 * 8 + 6 * 8 + 8 + 64     # registers, fcsr, scratch
REC = BASE_REC                          # + one fflags byte per op (set in main)

D_SPECIAL = [0x0, 0x8000000000000000, 0x7ff0000000000000, 0xfff0000000000000,
             0x7ff8000000000000, 0xfff8000000000000, 0x7ff0000000000001,
             0x7ff4000000000000, 0x7ff800000000abcd, 0x0000000000000001,
             0x800fffffffffffff, 0x0010000000000000, 0x800fffffffffffff,
             0x7fefffffffffffff, 0xffefffffffffffff, 0x3ff0000000000000,
             0xbff0000000000000, 0x3fe0000000000000, 0xbfe0000000000000,
             0x3ff8000000000000, 0x4004000000000000, 0xc004000000000000,
             0x41e0000000000000, 0xc1e0000000000000, 0x41dfffffffc00000,
             0x41dfffffffe00000, 0xc1e0000000100000, 0x41f0000000000000,
             0x41efffffffe00000, 0x43e0000000000000, 0xc3e0000000000000,
             0x43dfffffffffffff, 0x43f0000000000000, 0x380fffffe0000000,
             0x380ffffff0000000, 0x3690000000000000, 0x36a0000000000000,
             0x47efffffe0000000, 0x47efffffefffffff, 0x47effffff0000000]
S_SPECIAL = [0x0, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00000,
             0x7f800001, 0x7fa00000, 0x7fc0abcd, 0x00000001, 0x807fffff,
             0x00800000, 0x80800000, 0x7f7fffff, 0xff7fffff, 0x3f800000,
             0xbf800000, 0x3f000000, 0xbf000000, 0x3fc00000, 0x40200000,
             0xc0200000, 0x4f000000, 0xcf000000, 0x4f800000, 0x5f000000,
             0xdf000000, 0x5f800000, 0x3f7fffff, 0x33800000, 0x3f800001]
I_SPECIAL = [0, 1, -1, 2, 3, 0x7fffffff, -0x80000000, 0x80000000, 0xffffffff,
             0x100000000, 0x7fffffffffffffff, -0x8000000000000000,
             0x20000000000001, 0x1000001, 0xffffffff00000000]


def rand_d(r):
    k = r.random()
    if k < 0.35:
        return r.choice(D_SPECIAL)
    sign = r.getrandbits(1) << 63
    if k < 0.55:       # near 1, few mantissa bits (exact ops, ties)
        return sign | (r.randrange(1020, 1030) << 52) | (r.getrandbits(8) << 44)
    if k < 0.65:       # near the subnormal boundary
        return sign | (r.randrange(0, 4) << 52) | r.getrandbits(52)
    if k < 0.72:       # huge
        return sign | (r.randrange(2040, 2047) << 52) | r.getrandbits(52)
    if k < 0.80:       # integers in the conversion ranges
        return sign | (r.randrange(1023 + 28, 1023 + 66) << 52) | (r.getrandbits(52) & ~0xfffff)
    return r.getrandbits(64)


def rand_s(r):
    k = r.random()
    if k < 0.35:
        return r.choice(S_SPECIAL)
    sign = r.getrandbits(1) << 31
    if k < 0.55:
        return sign | (r.randrange(122, 132) << 23) | (r.getrandbits(8) << 15)
    if k < 0.65:
        return sign | (r.randrange(0, 4) << 23) | r.getrandbits(23)
    if k < 0.72:
        return sign | (r.randrange(248, 255) << 23) | r.getrandbits(23)
    if k < 0.80:
        return sign | (r.randrange(127 + 20, 127 + 66) << 23) | (r.getrandbits(23) & ~0x3ff)
    return r.getrandbits(32)


def rand_freg(r):
    k = r.random()
    if k < 0.45:
        return rand_d(r)
    if k < 0.92:
        return 0xffffffff00000000 | rand_s(r)
    return r.getrandbits(64)                  # mostly improperly boxed


def rand_int(r):
    if r.random() < 0.5:
        return r.choice(I_SPECIAL) & (2**64 - 1)
    return r.getrandbits(64) >> r.randrange(0, 64)


def f(r):
    return "f%d" % r.randrange(32)


def x(r):
    return r.choice(INT_REGS)


def rm(r):
    return r.choice(RMS)


def rand_op(r):
    t = r.choice("sd")
    k = r.randrange(100)
    if k < 20:
        op = r.choice(["fadd", "fsub", "fmul", "fdiv"])
        return "%s.%s %s, %s, %s, %s" % (op, t, f(r), f(r), f(r), rm(r))
    if k < 25:
        return "fsqrt.%s %s, %s, %s" % (t, f(r), f(r), rm(r))
    if k < 37:
        op = r.choice(["fmadd", "fmsub", "fnmsub", "fnmadd"])
        return "%s.%s %s, %s, %s, %s, %s" % (op, t, f(r), f(r), f(r), f(r), rm(r))
    if k < 42:
        op = r.choice(["fsgnj", "fsgnjn", "fsgnjx"])
        return "%s.%s %s, %s, %s" % (op, t, f(r), f(r), f(r))
    if k < 48:
        op = r.choice(["fmin", "fmax"])
        return "%s.%s %s, %s, %s" % (op, t, f(r), f(r), f(r))
    if k < 55:
        op = r.choice(["feq", "flt", "fle"])
        return "%s.%s %s, %s, %s" % (op, t, x(r), f(r), f(r))
    if k < 58:
        return "fclass.%s %s, %s" % (t, x(r), f(r))
    if k < 68:
        it = r.choice(["w", "wu", "l", "lu"])
        return "fcvt.%s.%s %s, %s, %s" % (it, t, x(r), f(r), rm(r))
    if k < 74:
        it = r.choice(["w", "wu", "l", "lu"])
        if t == "d" and it in ("w", "wu"):     # exact: no rm operand
            return "fcvt.d.%s %s, %s" % (it, f(r), x(r))
        return "fcvt.%s.%s %s, %s, %s" % (t, it, f(r), x(r), rm(r))
    if k < 79:
        if t == "s":
            return "fcvt.s.d %s, %s, %s" % (f(r), f(r), rm(r))
        return "fcvt.d.s %s, %s" % (f(r), f(r))
    if k < 84:
        w = "w" if t == "s" else "d"
        if r.getrandbits(1):
            return "fmv.x.%s %s, %s" % (w, x(r), f(r))
        return "fmv.%s.x %s, %s" % (w, f(r), x(r))
    if k < 92:
        w = r.choice(["w", "d"])
        off = r.randrange(0, 64 - (4 if w == "w" else 8) + 1)
        if r.random() < 0.8:
            off &= ~(3 if w == "w" else 7)
        op = r.choice(["fl", "fs"])
        return "%s%s %s, %d(t0)" % (op, w, f(r), off)
    if k < 95:
        return r.choice(["frflags %s" % x(r), "frrm %s" % x(r), "frcsr %s" % x(r)])
    if k < 98:
        return r.choice(["fsflags %s, %s" % (x(r), x(r)), "fsflagsi %d" % r.randrange(32),
                         "csrrci %s, fflags, %d" % (x(r), r.randrange(32))])
    return "fsrmi %d" % r.randrange(5)


def program(seed, nseq, nops):
    r = random.Random(seed)
    text, data, listing = [], [], []
    text.append(".text\n.globl _start\n_start:")
    for i in range(nseq):
        if r.random() < 0.25:      # only a few special values: their combinations
            pool = [0, 1 << 63, 0x7ff0000000000000, 0xfff0000000000000, 0x7ff8000000000000,
                    0x7ff0000000000001, 0x3ff0000000000000, 1]
            pool += [0xffffffff00000000 | v for v in (0, 0x80000000, 0x7f800000, 0xff800000,
                                                      0x7fc00000, 0x7f800001, 0x3f800000, 1)]
            fr = [r.choice(pool) for _ in range(32)]
        else:
            fr = [rand_freg(r) for _ in range(32)]
        xr = [rand_int(r) for _ in INT_REGS]
        frm = r.randrange(5)
        data.append("init%d:\n" % i + "\n".join("\t.quad 0x%016x" % v for v in fr + xr))
        body = [rand_op(r) for _ in range(nops)]
        listing.append((fr, xr, frm, body))
        text.append("\tli t1, %d\n\tcsrw fcsr, t1" % (frm << 5))
        text.append("\tla t0, init%d" % i)
        text += ["\tfld f%d, %d(t0)" % (j, 8 * j) for j in range(32)]
        text += ["\tld %s, %d(t0)" % (reg, 256 + 8 * j) for j, reg in enumerate(INT_REGS)]
        text.append("\tla t0, scratch\n\tla s2, flagbuf")
        for j, b in enumerate(body):   # each op's flags alone: read and clear
            text.append("\t%s\n\tcsrrw s1, fflags, x0\n\tsb s1, %d(s2)" % (b, j))
        text.append("\tla t0, out")
        text += ["\tfsd f%d, %d(t0)" % (j, 8 * j) for j in range(32)]
        text += ["\tsd %s, %d(t0)" % (reg, 256 + 8 * j) for j, reg in enumerate(INT_REGS)]
        text.append("\tfrcsr t1\n\tsd t1, 304(t0)")
        text.append("\tla t2, scratch")
        text += ["\tld t1, %d(t2)\n\tsd t1, %d(t0)" % (8 * j, 312 + 8 * j) for j in range(8)]
        text.append("\tla t2, flagbuf")
        text += ["\tld t1, %d(t2)\n\tsd t1, %d(t0)" % (8 * j, BASE_REC + 8 * j)
                 for j in range((nops + 7) // 8)]
        text.append("\tli a0, 1\n\tmv a1, t0\n\tli a2, %d\n\tli a7, 64\n\tecall" % REC)
    text.append("\tli a0, 0\n\tli a7, 93\n\tecall")
    data.insert(0, ".data\n.balign 8\nscratch:\n\t.quad " + ", ".join(
        "0x%016x" % r.getrandbits(64) for _ in range(8)) + "\nout:\n\t.zero %d" % REC +
        "\nflagbuf:\n\t.zero %d" % (REC - BASE_REC))
    return "\n".join(text) + "\n" + "\n".join(data) + "\n", listing


def build(src, out, cc):
    with open(out + ".S", "w") as fh:
        fh.write(src)
    cmd = [cc, "--target=riscv64", "-march=rv64gc", "-mabi=lp64d", "-nostdlib", "-static",
           "-fuse-ld=lld", "-Wl,--image-base=0x10000", "-Wl,-e,_start", "-Wl,--build-id=none",
           out + ".S", "-o", out]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write(p.stderr[-3000:])
        return False
    return True


def run(cmd):
    try:
        p = subprocess.run(cmd, capture_output=True, timeout=60)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace")
    except subprocess.TimeoutExpired:
        return -1, b"", "timeout"


def field_name(off):
    if off < 256:
        return "f%d" % (off // 8)
    if off < 304:
        return INT_REGS[(off - 256) // 8]
    if off < 312:
        return "fcsr"
    if off < BASE_REC:
        return "scratch+%d" % (off - 312)
    return "fflags of ops %d-%d" % (off - BASE_REC, off - BASE_REC + 7)


def report(seed, i, a, b, entry):
    fr, xr, frm, body = entry
    print("FAIL seed %d sequence %d:" % (seed, i))
    for off in range(0, REC, 8):
        va = struct.unpack_from("<Q", a, off)[0] if len(a) >= off + 8 else None
        vb = struct.unpack_from("<Q", b, off)[0] if len(b) >= off + 8 else None
        if va != vb:
            print("  %-12s vmos %s  qemu %s" % (field_name(off),
                  "%016x" % va if va is not None else "-", "%016x" % vb if vb is not None else "-"))
    print("  frm %d; initial f: %s" % (frm, " ".join("%016x" % v for v in fr)))
    print("  initial x: %s" % " ".join("%s=%x" % (n, v) for n, v in zip(INT_REGS, xr)))
    for j, line in enumerate(body):
        print("    %2d  %s" % (j, line))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=4)
    ap.add_argument("--first", type=int, default=1)
    ap.add_argument("--seqs", type=int, default=200)
    ap.add_argument("--ops", type=int, default=24)
    ap.add_argument("--vmos", default=os.path.join(os.environ.get("VMOS_BUILD", "build"), "vmos"))
    ap.add_argument("--keep", default=None)
    ap.add_argument("--cc", default=os.environ.get("USER_CC", "clang"))
    a = ap.parse_args()
    global REC
    REC = BASE_REC + 8 * ((a.ops + 7) // 8)
    if not shutil.which("qemu-riscv64"):
        print("fpdiff: qemu-riscv64 not installed: skipped")
        print("0 passed, 0 failed, 1 skipped")
        return 0
    if not shutil.which(a.cc) or not shutil.which("ld.lld"):
        print("fpdiff: %s or ld.lld missing: skipped" % a.cc)
        print("0 passed, 0 failed, 1 skipped")
        return 0
    tmp = a.keep or tempfile.mkdtemp(prefix="fpdiff.")
    os.makedirs(tmp, exist_ok=True)
    passed = failed = 0
    try:
        for seed in range(a.first, a.first + a.seeds):
            src, listing = program(seed, a.seqs, a.ops)
            exe = os.path.join(tmp, "fp%d" % seed)
            if not build(src, exe, a.cc):
                print("FAIL seed %d: build failed" % seed)
                failed += 1
                continue
            rv, out_v, err_v = run([a.vmos, "run", exe])
            rq, out_q, err_q = run(["qemu-riscv64", exe])
            if rv != 0 or rq != 0:
                print("FAIL seed %d: exit vmos %d (%s) qemu %d (%s)" %
                      (seed, rv, err_v.strip()[-300:], rq, err_q.strip()[-300:]))
                failed += 1
            for i in range(a.seqs):
                sv = out_v[i * REC:(i + 1) * REC]
                sq = out_q[i * REC:(i + 1) * REC]
                if sv == sq and len(sv) == REC:
                    passed += 1
                else:
                    failed += 1
                    if failed <= 5:
                        report(seed, i, sv, sq, listing[i])
    finally:
        if not a.keep:
            shutil.rmtree(tmp, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
