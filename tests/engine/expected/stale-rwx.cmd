stale_code
rwx
