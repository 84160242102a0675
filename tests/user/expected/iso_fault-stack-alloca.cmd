iso_fault
stack-alloca
