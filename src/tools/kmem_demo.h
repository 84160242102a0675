#ifndef VMOS_TOOLS_KMEM_DEMO_H
#define VMOS_TOOLS_KMEM_DEMO_H
#include <stdint.h>
#include "options.h"
/* `vmos kmem`: runs the allocator demonstration; returns the exit status. */
int kmem_demo_main(uint64_t ram_size);
/* `vmos kmem [--ram SIZE]`: parses the options and runs kmem_demo_main. */
int kmem_main(int argc, char **argv);
/* Its option table. */
extern const struct opt_command kmem_command;
#endif
