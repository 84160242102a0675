#!/usr/bin/env python3
"""mtrace_gen.py - generates allocation traces in the malloc-lab format.

    mtrace_gen.py [--seed N] [--scale F] OUTDIR [WORKLOAD...]

Writes OUTDIR/<workload>.rep for each workload (all by default).  The same
seed gives the same traces.  Format (CS:APP malloc lab):

    <suggested heap size> <number of ids> <number of operations> <weight>
    a ID BYTES | f ID | r ID BYTES

Workloads model what studies of real programs report (Zorn & Grunwald 1992,
Wilson et al. 1995 section 2.4, Berger et al. 2002): most blocks are small and
die young, a few live long; sizes cluster on a handful of values; programs
run in phases (ramps, peaks, plateaus); buffers grow by realloc; and some
patterns defeat allocators on purpose (alternating sizes, malloc-lab
"binary").
"""
import heapq
import math
import os
import random
import sys


class Trace:
    """Records operations; ids are never reused, every block is freed."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.ops = []
        self.nid = 0
        self.live = {}
        self.live_bytes = 0
        self.peak = 0

    def a(self, size):
        i = self.nid
        self.nid += 1
        self.ops.append("a %d %d" % (i, size))
        self.live[i] = size
        self._grow(size)
        return i

    def f(self, i):
        self.ops.append("f %d" % i)
        self.live_bytes -= self.live.pop(i)

    def r(self, i, size):
        self.ops.append("r %d %d" % (i, size))
        self.live_bytes -= self.live[i]
        self.live[i] = size
        self._grow(size)

    def _grow(self, size):
        self.live_bytes += size
        self.peak = max(self.peak, self.live_bytes)

    def free_all(self, shuffle=True):
        ids = list(self.live)
        if shuffle:
            self.rng.shuffle(ids)
        for i in ids:
            self.f(i)

    def write(self, path):
        with open(path, "w") as out:
            out.write("%d\n%d\n%d\n1\n" % (self.peak, self.nid, len(self.ops)))
            out.write("\n".join(self.ops))
            out.write("\n")


def size_mix(rng, table):
    """table: [(weight, lo, hi)], size uniform in [lo, hi] of a weighted row."""
    x = rng.random() * sum(w for w, _, _ in table)
    for w, lo, hi in table:
        if x < w:
            return rng.randint(lo, hi)
        x -= w
    return table[-1][2]


def lifetimes(t, nallocs, size_fn, life_fn):
    """Allocates nallocs blocks, each freed life_fn() allocations later
    (None: lives to the end)."""
    deaths = []
    for now in range(nallocs):
        while deaths and deaths[0][0] <= now:
            t.f(heapq.heappop(deaths)[1])
        i = t.a(size_fn())
        life = life_fn()
        if life is not None:
            heapq.heappush(deaths, (now + life, i))
    t.free_all()


# --- workloads ----------------------------------------------------------------

# Small objects dominate counts; a few sizes repeat (struct sizes); bytes go
# mostly to medium buffers.
COMMON_SIZES = [16, 24, 32, 40, 48, 64, 72, 96, 128, 200]


def interpreter(t, n):
    """Interpreter-like: objects of popular sizes with short exponential
    lives, a long-lived fraction, medium strings and arrays."""
    rng = t.rng

    def size():
        x = rng.random()
        if x < 0.55:
            return rng.choice(COMMON_SIZES)
        if x < 0.85:
            return int(rng.lognormvariate(5.5, 0.8)) + 1
        if x < 0.995:
            return int(rng.lognormvariate(8.0, 0.9)) + 1
        return rng.randint(128 << 10, 512 << 10)

    def life():
        return None if rng.random() < 0.12 else int(rng.expovariate(1 / 60.0)) + 1
    lifetimes(t, n, size, life)


def compiler(t, n):
    """Compiler-like: per-function arenas of AST nodes built then dropped
    (LIFO-ish), symbol tables that grow by realloc and live to the end."""
    rng = t.rng
    tables = [t.a(64) for _ in range(6)]
    tsize = {i: 64 for i in tables}
    count = 0
    while count < n:
        nodes = [t.a(size_mix(rng, [(6, 24, 48), (3, 56, 120), (1, 128, 1024)]))
                 for _ in range(rng.randint(20, 400))]
        count += len(nodes)
        for _ in range(rng.randint(1, 8)):
            i = rng.choice(tables)
            tsize[i] = int(tsize[i] * 1.5) + 16
            if tsize[i] > (96 << 10):
                tsize[i] = 64
            t.r(i, tsize[i])
            count += 1
        keep = rng.random() < 0.3
        for i in reversed(nodes):
            if not keep or rng.random() < 0.8:
                t.f(i)
                count += 1
    t.free_all()


def phased(t, n):
    """Four phases with their own size mixes: build up, plateau, drop 90%."""
    rng = t.rng
    mixes = [[(1, 80, 120)], [(1, 1024, 8192)], [(3, 24, 48), (1, 200, 300)],
             [(5, 16, 64), (3, 256, 2048), (1, 4096, 32768)]]
    per = n // (len(mixes) * 2)
    for mix in mixes:
        ids = [t.a(size_mix(rng, mix)) for _ in range(per)]
        for i in ids:
            if rng.random() < 0.9:
                t.f(i)
    t.free_all()


def realloc_vectors(t, n):
    """Growing arrays (x1.5 or x2, as C++ vectors and Python lists do)
    among small allocations; vectors die now and then."""
    rng = t.rng
    vecs = {}
    count = 0
    while count < n:
        x = rng.random()
        if x < 0.35 or not vecs:
            i = t.a(rng.choice([16, 32, 64]))
            vecs[i] = t.live[i]
        elif x < 0.75:
            i = rng.choice(list(vecs))
            new = int(vecs[i] * rng.choice([1.5, 2.0]))
            if new > (64 << 10):
                t.f(i)
                del vecs[i]
            else:
                t.r(i, new)
                vecs[i] = new
        elif x < 0.9:
            i = rng.choice(list(vecs))
            t.f(i)
            del vecs[i]
        else:
            j = t.a(rng.choice(COMMON_SIZES))
            if rng.random() < 0.7:
                t.f(j)
                count += 1
        count += 1
    t.free_all()


def realloc_strings(t, n):
    """Strings grown by small appends (realloc by +1..64 bytes), shrunk to
    fit at the end, some kept."""
    rng = t.rng
    count = 0
    while count < n:
        i = t.a(rng.randint(8, 32))
        size = t.live[i]
        for _ in range(rng.randint(5, 60)):
            size += rng.randint(1, 64)
            t.r(i, size)
            count += 1
            if rng.random() < 0.2:
                j = t.a(rng.choice(COMMON_SIZES))
                count += 1
                if rng.random() < 0.8:
                    t.f(j)
                    count += 1
        t.r(i, max(1, size - rng.randint(0, 32)))
        count += 2
        if rng.random() < 0.6:
            t.f(i)
    t.free_all()


def server(t, n):
    """Request/response loop: per-request headers, bodies of 4-16 KiB, a
    few large transfers (mmap range), a slowly growing cache."""
    rng = t.rng
    cache = []
    count = 0
    while count < n:
        req = [t.a(rng.choice([48, 64, 96, 160])) for _ in range(rng.randint(3, 12))]
        body = t.a(rng.randint(4 << 10, 16 << 10))
        big = t.a(rng.randint(256 << 10, 1 << 20)) if rng.random() < 0.03 else None
        count += len(req) + 1
        if rng.random() < 0.25:
            cache.append(t.a(rng.randint(512, 4096)))
            count += 1
            if len(cache) > 300:
                t.f(cache.pop(rng.randrange(len(cache))))
                count += 1
        for i in req + [body] + ([big] if big is not None else []):
            t.f(i)
            count += 1
    t.free_all()


def random_sizes(t, n):
    """malloc-lab 'random': uniform sizes up to 16 KiB, random frees."""
    rng = t.rng
    live = []
    for _ in range(n // 2):
        if live and rng.random() < 0.45:
            t.f(live.pop(rng.randrange(len(live))))
        else:
            live.append(t.a(rng.randint(1, 16 << 10)))
    t.free_all()


def alternating(t, n):
    """Fragmentation-adversarial (malloc-lab 'binary'): small and large
    blocks alternate; the large ones are freed, then slightly larger
    blocks are asked for, which fit no hole."""
    rng = t.rng
    rounds = 4
    per = n // (rounds * 3)
    for r in range(rounds):
        small, large = [], []
        for _ in range(per):
            small.append(t.a(rng.choice([16, 64])))
            large.append(t.a(rng.choice([112, 448])))
        for i in large:
            t.f(i)
        for _ in range(per // 2):
            t.a(rng.choice([128, 512]))
        for i in small:
            t.f(i)
    t.free_all(shuffle=False)


def coalesce(t, n):
    """malloc-lab 'coalescing': two neighbours freed, then one block of
    their combined size asked for, again and again."""
    rng = t.rng
    for _ in range(n // 6):
        s = rng.choice([512, 1024, 2048, 4096])
        a = t.a(s)
        b = t.a(s)
        t.f(a)
        t.f(b)
        c = t.a(2 * s)
        if rng.random() < 0.5:
            t.f(c)
    t.free_all()


WORKLOADS = {
    "interpreter": (interpreter, 12000),
    "compiler": (compiler, 14000),
    "phased": (phased, 16000),
    "realloc-vectors": (realloc_vectors, 12000),
    "realloc-strings": (realloc_strings, 12000),
    "server": (server, 14000),
    "random": (random_sizes, 8000),
    "alternating": (alternating, 12000),
    "coalesce": (coalesce, 12000),
}


def main(argv):
    seed, scale, args = 1, 1.0, []
    i = 0
    while i < len(argv):
        if argv[i] == "--seed" and i + 1 < len(argv):
            seed = int(argv[i + 1])
            i += 2
        elif argv[i] == "--scale" and i + 1 < len(argv):
            scale = float(argv[i + 1])
            i += 2
        else:
            args.append(argv[i])
            i += 1
    if not args:
        sys.stderr.write(__doc__)
        return 2
    outdir, names = args[0], args[1:] or sorted(WORKLOADS)
    os.makedirs(outdir, exist_ok=True)
    for k, name in enumerate(names):
        if name not in WORKLOADS:
            sys.stderr.write("mtrace_gen: unknown workload %s (have: %s)\n"
                             % (name, " ".join(sorted(WORKLOADS))))
            return 2
        fn, n = WORKLOADS[name]
        t = Trace(seed * 1000 + k)
        fn(t, max(10, int(n * scale)))
        t.write(os.path.join(outdir, name + ".rep"))
        print("%s: %d ops, %d ids, peak live %d B" % (name, len(t.ops), t.nid, t.peak))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
