stale_code
swap
64
