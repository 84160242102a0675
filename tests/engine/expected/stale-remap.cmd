stale_code
remap
