iso_fault
jump-high
