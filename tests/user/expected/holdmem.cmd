holdmem
1
2
