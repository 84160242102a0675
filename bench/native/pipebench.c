/*
 * bench/native/pipebench.c - the native Linux peer of user/bin/bench/pipebench.c:
 * the very same source, built with the host cc -O2 by mk/bench2.mk.
 * bench/pipe.sh runs it next to the riscv64 build under vmos and qemu-riscv64.
 */
#include "../../user/bin/bench/pipebench.c"
