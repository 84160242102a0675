vmt_mem
noreplace
