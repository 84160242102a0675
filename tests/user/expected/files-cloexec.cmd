files
cloexec
