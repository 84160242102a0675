// abi: lp64
/*
 * coremark_like_lp64 - bench_coremark_like built for rv64imac/lp64 (the
 * soft-float ABI; the benchmark uses no floating point), so the engines can
 * also be compared on code without the D extension.  Same workload, same
 * known CRCs.  Not named bench_* so bench/cpu.sh does not run it twice;
 * bench/engine.sh runs it.
 */
#include "bench_coremark_like.c"
