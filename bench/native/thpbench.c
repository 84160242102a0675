/*
 * bench/native/thpbench.c - the native Linux peer of user/bin/bench/thpbench.c:
 * the very same source, compiled with the host cc -O2 by mk/bench2.mk, with
 * THPBENCH_NATIVE so it also reads its dTLB misses (perf_event_open) and
 * AnonHugePages (/proc/self/smaps_rollup) where the host allows.
 * bench/thp.sh runs it next to the riscv64 build under vmos.
 */
#define THPBENCH_NATIVE 1
#include "../../user/bin/bench/thpbench.c"
