stale_code
exec
@BIN@/hello
