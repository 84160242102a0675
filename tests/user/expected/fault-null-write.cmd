fault
null-write
