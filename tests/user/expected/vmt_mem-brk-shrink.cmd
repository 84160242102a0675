vmt_mem
brk
brk-shrink
