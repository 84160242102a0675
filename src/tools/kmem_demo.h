#ifndef VMOS_TOOLS_KMEM_DEMO_H
#define VMOS_TOOLS_KMEM_DEMO_H
#include <stdint.h>
/* `vmos kmem`: runs the allocator demonstration; returns the exit status. */
int kmem_demo_main(uint64_t ram_size);
#endif
