stale_code
exec
@BIN@/stale_code_b
