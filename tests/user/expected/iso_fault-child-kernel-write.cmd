iso_fault
child-kernel-write
