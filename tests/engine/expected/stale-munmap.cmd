stale_code
munmap
