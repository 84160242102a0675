fault
illegal
