iso_fault
exec-mmap
