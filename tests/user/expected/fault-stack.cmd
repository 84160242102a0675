fault
stack
