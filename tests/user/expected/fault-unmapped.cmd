fault
unmapped
