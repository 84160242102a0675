iso_fault
child-kernel-read
