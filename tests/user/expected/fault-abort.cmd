fault
abort
