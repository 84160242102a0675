# tests/debian/debian.bash - shared by tests/debian/*.sh (sourced; not a test itself): the Debian riscv64 guest
# root (tests/debian/fetch.sh), running a program of it under vmos and under
# qemu-riscv64 -L ROOT, and comparing the two.  Source it after `cd` to the
# repository root and after tests/lib.sh.
#
#   debian_root_or_skip NAME   makes sure $DEB_ROOT is there (fetch.sh); if it
#                              cannot be made, prints "SKIP NAME: reason" and
#                              the result line, and exits 0
#   vm_guest PROG ARGS...      vmos run --check (the invariant checker after every
#                              process) of the guest program PROG (a path
#                              inside the root, /usr/bin/...) with the root as /
#   qemu_guest PROG ARGS...    the same under qemu-riscv64 -L ROOT
#   compare NAME STDIN PROG ARGS...   runs both (stdin from the file STDIN),
#                              ok if stdout and status agree, else FAIL with
#                              the difference
#   feature_or_skip NAME FEATURE...    true if vmos has every FEATURE (probed
#                              once: root, pipe, tmp, fork, dynamic), else
#                              a SKIP line naming what is missing
DEB_ROOT=$(realpath -m "$VMOS_BUILD")/debian/root
VMOS=$(realpath -m "$VMOS")           # the tests may cd into the root
pass=0 fail=0 skip=0
ok()   { echo "ok $1"; pass=$((pass + 1)); }
bad()  { echo "FAIL $1"; fail=$((fail + 1)); }
skp()  { echo "SKIP $1"; skip=$((skip + 1)); }
finish() { echo "$pass passed, $fail failed, $skip skipped"; exit $((fail > 0)); }

debian_root_or_skip() {
	local err
	if ! err=$(bash tests/debian/fetch.sh "$VMOS_BUILD" 2>&1 >/dev/null); then
		skp "$1: $(printf '%s\n' "$err" | sed -n 's/^SKIP: //p' | tail -n 1)"
		finish
	fi
	if ! command -v qemu-riscv64 >/dev/null 2>&1; then
		skp "$1: qemu-riscv64 (the reference) is not installed"
		finish
	fi
}

# Does vmos show a host directory as the guest's / (--root)?  Without it
# the guest's paths are the host's, and the root's programs run by their
# host path (only static ones: the dynamic loader is looked up at /lib).
VM_HAS_ROOT=0
"$VMOS" run --help 2>&1 | grep -q -- '--root' && VM_HAS_ROOT=1

# Both get the same environment, and only it: LC_ALL=C TZ=UTC.
vm_guest() {
	local prog=$1; shift
	if [ $VM_HAS_ROOT = 1 ]; then
		# the program is named by its host path, as for qemu-riscv64 -L
		run_vmos -t 120 run --check --env LC_ALL=C --env TZ=UTC --root "$DEB_ROOT" "$DEB_ROOT$prog" "$@"
	else
		run_vmos -t 120 run --env LC_ALL=C --env TZ=UTC "$DEB_ROOT$prog" "$@"
	fi
}
qemu_guest() {
	local prog=$1; shift
	run_limited 120 env -i LC_ALL=C TZ=UTC qemu-riscv64 -L "$DEB_ROOT" "$DEB_ROOT$prog" "$@"
}

compare() {
	local name=$1 in=$2; shift 2
	vm_guest "$@" <"$in" >"$tmp/v.out" 2>"$tmp/v.err"; local vr=$?
	qemu_guest "$@" <"$in" >"$tmp/q.out" 2>"$tmp/q.err"; local qr=$?
	if [ "$vr" = "$qr" ] && cmp -s "$tmp/v.out" "$tmp/q.out"; then
		ok "$name (status $vr, $(wc -c <"$tmp/v.out") bytes as qemu)"
	else
		bad "$name: vmos status $vr, qemu status $qr"
		diff "$tmp/q.out" "$tmp/v.out" | head -n 10
		head -n 5 "$tmp/v.err"
	fi
}

# The kernel features the tests need, each probed once with busybox-static
# (a feature is there when its probe prints what qemu prints):
#   root     --root: the guest's / is the Debian root (files of the root)
#   pipe     pipe2 + fork + wait: `echo x | cat`
#   fcntl    fcntl on the console (busybox printf checks fd 1 with F_GETFL)
#   poll     ppoll on stdin (busybox sh's read builtin waits with it)
#   tmp      a writable /tmp: create, append, read back, remove
#   dynamic  a dynamically linked program runs (ld.so maps libc with mmap of
#            files: needs the VFS and mmap of files)
declare -A VM_FEATURE
probe_feature() {
	local f=$1 out want
	case $f in
	root) [ $VM_HAS_ROOT = 1 ] && VM_FEATURE[root]=1 || VM_FEATURE[root]="vmos has no --root (the VFS of issue 17)"
	      return ;;
	pipe) want=x; out=$(vm_guest /usr/bin/busybox sh -c 'PATH=/bb; echo x | cat' </dev/null 2>&1) ;;
	fcntl) want=x-; out=$(vm_guest /usr/bin/busybox printf '%s-' x </dev/null 2>&1) ;;
	poll) want=x; out=$(echo x | vm_guest /usr/bin/busybox sh -c 'read -r l; echo "$l"' 2>&1) ;;
	tmp)  want=ab; out=$(vm_guest /usr/bin/busybox sh -c 'PATH=/bb; d=/tmp/vmos-probe-$$; mkdir $d && echo a >$d/f && echo b >>$d/f && tr -d "\n" <$d/f && rm -r $d' </dev/null 2>&1) ;;
	dynamic) want=ok; out=$(vm_guest /usr/bin/echo ok </dev/null 2>&1) ;;
	esac
	if [ "$out" = "$want" ]; then
		VM_FEATURE[$f]=1
	else
		VM_FEATURE[$f]="vmos cannot yet: $f (probe printed: $(printf '%s' "$out" | head -c 120 | tr '\n' ' '))"
	fi
}
feature_or_skip() {
	local name=$1 f; shift
	for f in "$@"; do
		[ -n "${VM_FEATURE[$f]:-}" ] || probe_feature "$f"
		if [ "${VM_FEATURE[$f]}" != 1 ]; then
			skp "$name: ${VM_FEATURE[$f]}"
			return 1
		fi
	done
	return 0
}
