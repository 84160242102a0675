iso_fault
exec-stack
