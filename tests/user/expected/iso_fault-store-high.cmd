iso_fault
store-high
