iso_fault
stack-guard
