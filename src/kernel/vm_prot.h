/*
 * vm_prot.h - page protections, the machine-independent vocabulary that
 * regions (vm_map) are written in and that pmap translates into PTE bits
 * (FreeBSD's vm_prot_t in vm/vm.h, below both vm_map.h and pmap.h).  These
 * are vmos's own values, not the guest's PROT_* (those are LX_PROT_* in
 * src/abi/lx/mman.h, converted at the system-call boundary in vm.c);
 * they happen to be equal, and nothing relies on that.
 */
#ifndef VMOS_KERNEL_VM_PROT_H
#define VMOS_KERNEL_VM_PROT_H

#define VM_PROT_NONE  0
#define VM_PROT_READ  1
#define VM_PROT_WRITE 2
#define VM_PROT_EXEC  4
#define VM_PROT_ALL   (VM_PROT_READ | VM_PROT_WRITE | VM_PROT_EXEC)

#endif
