iso_fault
jump-low
