#!/usr/bin/env bash
# tests/fs/root.sh - the guest's file system seen by a program (fsprobe):
# with --root DIR nothing outside DIR is ever reached - ".." chains,
# absolute and relative symlinks aimed outside, symlinks to host paths,
# loops (ELOOP), descriptors opened before a chdir - writes are EROFS
# except in a --rw directory (which the host then sees), the initial cwd
# is vmos's own when it lies inside the root (else /), /dev is the guest's,
# bad --root/--rw values are refused with a message, and --check finds
# every inode and file accounted for.  qemu-riscv64 -L is no reference here
# (its -L only prefixes paths), so every expectation is written out.
# Prints "N passed, N failed".
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
PROBE=$(pwd)/$VMOS_BUILD/user/bin/fsprobe
VMOS_ABS=$(pwd)/$VMOS_BUILD/vmos
pass=0 fail=0
# not under the host's /tmp: the guest's /tmp is tmpfs, which hides it
tmp=$(mktemp -d -p "$(cd "${VMOS_BUILD:-build}" && pwd)")
trap 'rm -rf "$tmp"' EXIT

R=$tmp/root
mkdir -p "$R/etc" "$R/d/e" "$R/rw" "$tmp/outside"
echo inside >"$R/etc/passwd"
echo SECRET >"$tmp/secret"
echo SECRET2 >"$tmp/outside/s2"
ln -s ../../secret "$R/d/up"                 # relative, aimed out of the root
ln -s ../../../../../../../secret "$R/d/e/up2"
ln -s "$tmp/secret" "$R/d/hostabs"           # a host path (absolute): not the guest's
ln -s /etc/passwd "$R/d/abs"                 # absolute: inside the root
ln -s "$tmp/outside" "$R/d/outdir"
ln -s .. "$R/d/e/parent"
ln -s loop2 "$R/loop1"
ln -s loop1 "$R/loop2"

# expect NAME WANT ARGS...: vmos run --check --root R fsprobe ARGS prints exactly WANT
expect() {
	local name=$1 want=$2; shift 2
	local got rc
	got=$(run_vmos run --check --root "$R" --rw "$R/rw" "$PROBE" "$@" 2>"$tmp/err"); rc=$?
	if [ $rc -eq 0 ] && [ "$got" = "$want" ] && ! grep -q invariant "$tmp/err"; then
		echo "ok $name"; pass=$((pass + 1))
	else
		echo "FAIL $name (status $rc)"; echo "  want: $want" | head -5; echo "  got:  $got" | head -5
		head -3 "$tmp/err" | sed 's/^/  stderr: /'
		fail=$((fail + 1))
	fi
}

nl=$'\n'
expect "inside file" "inside" cat /etc/passwd
expect "dotdot chain stays at /" "cat /../../../secret: ENOENT${nl}cat ../../../../outside/s2: ENOENT" \
	cat /../../../secret cat ../../../../outside/s2
expect "dotdot chain to an inside file" "inside" cat /../../../../etc/../../etc/passwd
expect "relative symlink aimed out" "cat /d/up: ENOENT${nl}cat /d/e/up2: ENOENT" cat /d/up cat /d/e/up2
expect "absolute symlink resolves inside" "inside" cat /d/abs
expect "host-path symlink is not followed out" "cat /d/hostabs: ENOENT${nl}ls /d/outdir: ENOENT" cat /d/hostabs ls /d/outdir
expect "symlink to .. then out" "cat /d/e/parent/../../../secret: ENOENT" cat /d/e/parent/../../../secret
expect "readlink shows the raw target" "/d/up -> ../../secret" readlink /d/up
expect "symlink loop" "cat /loop1: ELOOP${nl}/loop1: link 0" cat /loop1 lstat /loop1
expect "root lists the root" "/: . .. d etc loop1 loop2 rw" ls /
expect "cwd starts at / outside the root" "/" pwd
expect "chdir and .. at /" "/${nl}/d/e" cd /d/e cd ../../../.. pwd cd d/e pwd
expect "cwd-relative escape" "cat ../../../secret: ENOENT" cd /d/e cat ../../../secret
expect "fd opened before chdir" "catat ../../../../secret: ENOENT${nl}inside${nl}/d/e" \
	open /d/e cd / catat ../../../../secret catat ../../etc/passwd fchdir pwd
expect "/dev is the guest's" "/dev: . .. fd full null random stderr stdin stdout tty urandom zero" ls /dev
expect "writes are EROFS" "write /etc/passwd: EROFS${nl}mkdir /newdir: EROFS${nl}rm /etc/passwd: EROFS${nl}mv /etc/passwd: EROFS" \
	write /etc/passwd x mkdir /newdir rm /etc/passwd mv /etc/passwd /etc/p2
expect "utimensat: EROFS outside --rw, ENOENT, ok in --rw" "touch /etc/passwd: EROFS${nl}touch /rw/none: ENOENT" \
	touch /etc/passwd touch /rw/none touch /rw
expect "statfs: the root read-only, --rw writable, tmpfs, proc" \
	"/: fs 0x$(stat -f -c %t "$R") ro${nl}/rw: fs 0x$(stat -f -c %t "$R/rw") rw${nl}/tmp: fs 0x1021994 rw${nl}/proc: fs 0x9fa0 rw${nl}statfs /nope: ENOENT" \
	statfs / statfs /rw statfs /tmp statfs /proc statfs /nope
expect "--rw takes writes" "hello${nl}again${nl}/rw: . .. sub x" \
	write /rw/x hello append /rw/x again cat /rw/x mkdir /rw/sub ls /rw
[ "$(cat "$R/rw/x" 2>/dev/null)" = "hello${nl}again" ] && { echo "ok --rw wrote the host file"; pass=$((pass + 1)); } ||
	{ echo "FAIL --rw host file"; fail=$((fail + 1)); }
expect "--rw rename, unlink, rmdir" "/rw: . .. y" mv /rw/x /rw/y rmdir /rw/sub ls /rw
expect "rename across mounts is EXDEV" "mv /rw/y: EXDEV" mv /rw/y /etc/y
expect "--rw symlinks do not lead out either" "cat /rw/l: ENOENT" ln "$tmp/secret" /rw/l cat /rw/l
expect "ENAMETOOLONG" "cat /$(printf 'x%.0s' $(seq 256)): ENAMETOOLONG" cat "/$(printf 'x%.0s' $(seq 256))"
expect "ENOTDIR" "cat /etc/passwd/x: ENOTDIR${nl}cd /etc/passwd: ENOTDIR" cat /etc/passwd/x cd /etc/passwd
expect "EISDIR" "read: EISDIR" cat /etc
[ ! -e "$tmp/outside/new" ] && [ "$(cat "$tmp/secret")" = SECRET ] && { echo "ok nothing outside was touched"; pass=$((pass + 1)); } ||
	{ echo "FAIL something outside changed"; fail=$((fail + 1)); }

# the initial cwd is vmos's own when it lies inside the root
got=$(cd "$R/d" && run_limited "$VMOS_RUN_TIMEOUT" "$VMOS_ABS" run --root "$R" "$PROBE" pwd cat ../etc/passwd 2>&1)
[ "$got" = "/d${nl}inside" ] && { echo "ok cwd inside the root"; pass=$((pass + 1)); } ||
	{ echo "FAIL cwd inside the root: $got"; fail=$((fail + 1)); }
# without --root, the host's / read-only, and relative paths from vmos's cwd
got=$(cd "$R" && run_limited "$VMOS_RUN_TIMEOUT" "$VMOS_ABS" run "$PROBE" cat etc/passwd write etc/passwd x 2>&1)
[ "$got" = "inside${nl}write etc/passwd: EROFS" ] && { echo "ok host root, relative paths, EROFS"; pass=$((pass + 1)); } ||
	{ echo "FAIL host root: $got"; fail=$((fail + 1)); }

# a working directory in the host's /tmp, which the guest's own tmpfs hides:
# the directory below /tmp that holds it is shown read-only at its path, so
# a program there runs another by a relative path (exec through the VFS)
H=$(mktemp -d /tmp/vmos-root-XXXXXX)
mkdir -p "$H/sub" && cp "$PROBE" "$H/sub/fsprobe" && echo here >"$H/sub/f"
got=$(cd "$H/sub" && run_limited "$VMOS_RUN_TIMEOUT" "$VMOS_ABS" run --check ./fsprobe pwd cat f write ./new x cat /tmp/nothing 2>&1)
want="$H/sub${nl}here${nl}write ./new: EROFS${nl}cat /tmp/nothing: ENOENT"
[ "$got" = "$want" ] && { echo "ok cwd under the host's /tmp: shown read-only, the rest of /tmp is the guest's"; pass=$((pass + 1)); } ||
	{ echo "FAIL cwd under /tmp: $got"; fail=$((fail + 1)); }
rm -rf "$H"

# links, chmod, chown and utimes on a --rw host directory: the same answers
# as on the guest's tmpfs and as Linux (tests/glibc/expected/fsops.out; the
# guest is root, so the host run must be too for chown to the guest's ids)
FSOPS=$VMOS_BUILD/glibc/fsops
if [ -x "$FSOPS" ] && [ "$(id -u)" = 0 ]; then
	H=$(mktemp -d -p "$tmp")
	if run_vmos run --check --rw "$H" "$FSOPS" "$H" 2>&1 | diff tests/glibc/expected/fsops.out - >"$tmp/d"; then
		echo "ok links, chmod, chown on a --rw host directory as on Linux"; pass=$((pass + 1))
	else
		echo "FAIL fsops on --rw: $(head -5 "$tmp/d")"; fail=$((fail + 1))
	fi
else
	echo "SKIP fsops on --rw: $FSOPS not built or not run as root"
fi

# bad options
for bad in "--root $tmp/nonexistent" "--root $R/etc/passwd" "--rw $tmp/outside --root $R" "--rw $tmp/nonexistent"; do
	# shellcheck disable=SC2086
	out=$(run_vmos run $bad "$PROBE" pwd 2>&1); rc=$?
	if [ $rc -ne 0 ] && echo "$out" | grep -q '^vmos: --r'; then
		echo "ok refused: $bad"; pass=$((pass + 1))
	else
		echo "FAIL not refused: $bad (status $rc): $out"; fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
