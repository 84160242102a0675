procfs
one
