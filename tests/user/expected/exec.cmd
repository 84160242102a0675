exec
@BIN@/hello
