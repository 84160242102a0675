stale_code
cow
