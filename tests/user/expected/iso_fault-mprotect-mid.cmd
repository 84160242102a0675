iso_fault
mprotect-mid
