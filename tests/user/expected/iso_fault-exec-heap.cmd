iso_fault
exec-heap
