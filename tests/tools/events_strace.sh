#!/usr/bin/env bash
# `vmos run --events` prints system calls as strace(1) does
# (src/tools/sysdecode.c): arguments decoded for the memory calls, execve,
# clone, wait4, exit, read/write (buffer previews of 32 bytes), raw hex for
# the rest, and errors as "= -1 ENAME (message)".  JSON lines carry the raw
# arguments and the errno name.
set -u
cd "$(dirname "$0")/../.."
B=${VMOS_BUILD:-build}
VMOS=$B/vmos
BIN=$B/user/bin
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

# has FILE REGEX NAME: a line of FILE (instret prefix removed) matches REGEX
has() {
	if sed -E 's/^[0-9]+ //' "$1" | grep -qE "$2"; then ok "$3"; else bad "$3: no line like '$2' in: $(sed -E 's/^[0-9]+ //' "$1" | head -5)"; fi
}

"$VMOS" run --events "$tmp/hello" --events-filter syscall "$BIN/hello" >/dev/null 2>&1
has "$tmp/hello" '^pid 1 syscall write\(1, "hello, world\\n", 13\) = 13$' "write: fd, quoted buffer, length, result"
has "$tmp/hello" '^pid 1 syscall exit_group\(0\) = \?$' "exit_group(0) = ?"

"$VMOS" run --events "$tmp/mmap" --events-filter syscall "$BIN/mmap" >/dev/null 2>&1
has "$tmp/mmap" '^pid 1 syscall mmap\(NULL, 1048576, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = 0x3f[0-9a-f]+000$' "mmap decoded: NULL, length, PROT_ and MAP_ names, -1, 0, address result"
has "$tmp/mmap" '^pid 1 syscall mmap\(0x[0-9a-f]+, 4096, PROT_READ\|PROT_WRITE, MAP_PRIVATE\|MAP_FIXED\|MAP_ANONYMOUS, -1, 0\) = 0x[0-9a-f]+$' "mmap MAP_FIXED"
has "$tmp/mmap" '^pid 1 syscall munmap\(0x[0-9a-f]+, 4096\) = 0$' "munmap"
has "$tmp/mmap" '^pid 1 syscall mprotect\(0x[0-9a-f]+, 16384, PROT_READ\) = 0$' "mprotect with PROT_ names"
has "$tmp/mmap" '^pid 1 syscall mmap\(NULL, 0, PROT_READ, MAP_PRIVATE\|MAP_ANONYMOUS, -1, 0\) = -1 EINVAL \(Invalid argument\)$' "error: = -1 EINVAL (Invalid argument)"
has "$tmp/mmap" '^pid 1 syscall write\(1, "ok fresh mapping is zero \(non-ze"\.\.\., 50\) = 50$' "write preview: 32 bytes then ..."

"$VMOS" run --events "$tmp/vmt" --events-filter syscall "$BIN/vmt_mem" >/dev/null 2>&1
has "$tmp/vmt" '^pid 1 syscall mprotect\(0x[0-9a-f]+, [0-9]+, PROT_READ\) = -1 ENOMEM \(Cannot allocate memory\)$' "error: = -1 ENOMEM (Cannot allocate memory)"
has "$tmp/vmt" '^pid 1 syscall brk\((NULL|0x[0-9a-f]+)\) = 0x[0-9a-f]+$' "brk with an address result"

"$VMOS" run --events "$tmp/exec" --events-filter syscall "$BIN/exec" "$BIN/hello" >/dev/null 2>&1
has "$tmp/exec" '^pid 1 syscall execve\("/nonexistent/vmos-test", \["none"\], 0x[0-9a-f]+\) = -1 ENOENT \(No such file or directory\)$' "execve: path and argv strings, ENOENT"
has "$tmp/exec" '^pid 1 syscall clone\(child_stack=NULL, flags=SIGCHLD\) = 2$' "clone: flags by name, child pid"
has "$tmp/exec" '^pid 2 syscall execve\(".*user/bin/hello", 0x[0-9a-f]+, 0x[0-9a-f]+\) = 0$' "successful execve: the path it opened"
has "$tmp/exec" '^pid 1 syscall wait4\(2, \[\{WIFEXITED\(s\) && WEXITSTATUS\(s\) == 0\}\], 0, NULL\) = 2$' "wait4: the pid passed, the status decoded"

"$VMOS" run --events "$tmp/sys" --events-filter syscall "$BIN/syscalls" >/dev/null 2>&1
has "$tmp/sys" '^pid 1 syscall syscall_4000\(0x0, 0x0, 0x0, 0x0, 0x0, 0x0\) = -1 ENOSYS \(Function not implemented\)$' "unknown call: number, raw hex arguments, ENOSYS"
has "$tmp/sys" '^pid 1 syscall getpid\(\) = 1$' "no-argument call"
has "$tmp/sys" '^pid 1 syscall read\(99, 0x[0-9a-f]+, 1\) = -1 EBADF \(Bad file descriptor\)$' "failed read: buffer as address"

"$VMOS" run --events "$tmp/j" --events-format jsonl --events-filter syscall "$BIN/mmap" >/dev/null 2>&1
grep -qE '^\{"kind":"syscall","pid":1,"instret":[0-9]+,"nr":222,"name":"mmap","result":-22,"errno":"EINVAL","args":\["0x0","0x0","0x1","0x22","0xffffffffffffffff","0x0"\]\}$' "$tmp/j" \
	&& ok "jsonl: raw arguments and errno name" || bad "jsonl syscall: $(grep -m1 EINVAL "$tmp/j")"

echo "$pass passed, $fail failed, 0 skipped"
[ "$fail" -eq 0 ]
