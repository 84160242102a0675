stale_code
noexec
