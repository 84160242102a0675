/*
 * bench/native/vmbench_file.c - the native Linux peer of user/bin/bench/vmbench_file.c
 * (the same source, host cc -O2; mk/bench2.mk), for bench/pagecache.sh.
 */
#include "../../user/bin/bench/vmbench_file.c"
