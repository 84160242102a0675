/*
 * bench/native/vmbench_yield.c - the native Linux peer of user/bin/bench/vmbench_yield.c:
 * the very same source, compiled with the host cc -O2 against glibc by
 * mk/bench2.mk into $(BUILD)/bench/native/vmbench_yield.  bench/vm.sh runs it
 * next to the riscv64 build under vmos and qemu-riscv64.
 */
#include "../../user/bin/bench/vmbench_yield.c"
