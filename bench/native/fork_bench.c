/*
 * bench/native/fork_bench.c - the native Linux peer of user/bin/bench/iso_forkbench.c:
 * the very same source, built with the host cc -O2 by mk/iso.mk into
 * $(BUILD)/bench/native/fork_bench.  bench/fork.sh runs it next to the
 * riscv64 build under vmos and qemu-riscv64.
 */
#include "../../user/bin/bench/iso_forkbench.c"
