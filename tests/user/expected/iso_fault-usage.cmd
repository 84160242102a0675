iso_fault
usage
