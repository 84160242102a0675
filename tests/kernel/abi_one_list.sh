#!/usr/bin/env bash
# The Linux ABI constants live once, in src/abi/ (docs/kernel.md): this test
# fails if the kernel or user/include define a guest ABI value of their own
# (a SYS_/AT_/PROT_/MAP_/MADV_/CLONE_/W*/E*/SIG* name with a number), or if kernel
# code uses a host PROT_*/MAP_* value outside the files that map host memory.
#   bash tests/kernel/abi_one_list.sh [ROOT]   (ROOT: a source tree, default .)
set -u
cd "${1:-$(dirname "$0")/../..}"
pass=0; fail=0
report() {  # report OK-MESSAGE HITS
	if [ -n "$2" ]; then
		echo "FAIL $1:"; echo "$2"; fail=$((fail + 1))
	else
		echo "ok   $1"; pass=$((pass + 1))
	fi
}
# code lines only: drop comment lines and trailing /* ... */ comments
# (a pattern may start with ^: it is matched after the file:line: prefix)
code() {
	local re=$1; shift
	grep -rnE "${re#^}" "$@" | sed -E 's#/\*.*(\*/|$)##' |
		grep -vE '^[^:]+:[0-9]+:[[:space:]]*(//|/?\*|$)' |
		grep -E "^[^:]+:[0-9]+:${re#^}"
}

abi='(SYS_[a-z][a-z0-9_]*|SIG[A-Z0-9]+|AT_[A-Z_]+|PROT_[A-Z]+|MAP_[A-Z_]+|MADV_[A-Z]+|CLONE_[A-Z]+|CSIGNAL|W(NOHANG|UNTRACED|CONTINUED)|__W[A-Z]+|E[A-Z0-9]{2,})'
# not Linux ABI: vmos's own marker call, ELF header constants (elf.h), stdio's EOF
own='define[[:space:]]+(SYS_vmos_|ELF|EF_|EM_|ET_|EOF)'
hits=$(code "^[[:space:]]*#[[:space:]]*define[[:space:]]+$abi[[:space:]]+\(?(0x)?[0-9]" src/kernel src/tools |
	grep -vE "$own")
report "src/kernel and src/tools define no Linux ABI number of their own (src/abi/lx has them)" "$hits"

hits=$(code "^[[:space:]]*#[[:space:]]*define[[:space:]]+$abi[[:space:]]+\(?(-?0x)?-?[0-9]" user/include |
	grep -vE "$own")
report "user/include takes every Linux ABI number from src/abi/lx" "$hits"

hits=$(code '.*(^|[^A-Z_])(PROT|MAP)_[A-Z_]+' src/kernel | grep -vE '^src/kernel/(image|swap)\.c:')
report "the kernel decodes guest mmap arguments with LX_PROT_/LX_MAP_ only (host <sys/mman.h> maps host memory in image.c, swap.c)" "$hits"

hits=$(grep -rln '^[[:space:]]*#[[:space:]]*include[[:space:]]*<sys/(mman|syscall|auxv)\.h>' src/kernel | grep -vE '^src/kernel/(image|swap)\.c$')
report "no kernel file includes the host's <sys/mman.h>, <sys/syscall.h> or <sys/auxv.h> for guest values" "$hits"

echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
