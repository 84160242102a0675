fault
text-write
