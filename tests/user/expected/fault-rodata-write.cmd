fault
rodata-write
