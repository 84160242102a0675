#!/usr/bin/env bash
# tests/debian/busybox.sh - Debian's busybox-static (riscv64, trixie) runs
# unchanged under vmos: each case is a `busybox sh -c SCRIPT` whose output
# and exit status must be exactly those of qemu-riscv64 -L ROOT.
#
# The scripts use the applets the issue names: sh with pipelines,
# redirections and $(...), ls, cat, cp, mv, rm, mkdir in /tmp, sort, uniq,
# wc, head, tail, md5sum, sha256sum, gzip | gunzip, tar of a tree, find,
# xargs, sed, awk, grep.  Each case works in a directory of its own,
# /tmp/vmos-bb-PID-N: qemu-user writes it in the host's /tmp (removed at
# the end), vmos in the guest's tmpfs.  busybox sh runs applets in forked
# children without exec, so qemu-user (which cannot follow a guest's
# execve of a riscv64 program) serves as the reference here.
#
# The root comes from tests/debian/fetch.sh (skipped, with the reason, when
# it cannot be downloaded).  A case that needs a kernel feature vmos lacks
# (tests/debian/debian.bash: root, pipe, tmp) is skipped with the name of the
# feature and what the probe printed.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/debian/debian.bash
tmp=$(mktemp -d)
W=/tmp/vmos-bb-$$
trap 'rm -rf "$tmp" "$W"-*' EXIT
debian_root_or_skip busybox
: >"$tmp/empty"
BB=/usr/bin/busybox

# the busybox binary itself: static, so no feature needed
compare "busybox echo" "$tmp/empty" $BB echo hello world
compare "busybox true" "$tmp/empty" $BB true
compare "busybox false (status 1)" "$tmp/empty" $BB false
compare "busybox seq | nothing else" "$tmp/empty" $BB seq 1 3 20
compare "sh -c: variables, arithmetic, loops" "$tmp/empty" $BB sh -c \
	'i=0; s=0; while [ $i -lt 100 ]; do s=$((s + i * i)); i=$((i + 1)); done; echo "sum=$s"; for w in a b c; do echo "$w-"; done; exit 7'
feature_or_skip "busybox printf" fcntl &&
	compare "busybox printf" "$tmp/empty" $BB printf '%s=%d %x\n' x 42 255
feature_or_skip "sh -c: read lines from stdin" poll &&
	compare "sh -c: read lines from stdin" tests/debian/busybox.sh $BB sh -c 'n=0; while read -r l; do n=$((n+1)); done; echo $n lines'

# files of the guest root, read by one applet each (no pipe, no /tmp)
D=/usr/share/doc/coreutils
rcase() {
	local name=$1; shift
	feature_or_skip "$name" root || return
	compare "$name" "$tmp/empty" $BB "$@"
}
rcase "cat a file of the root" cat /etc/xattr.conf
rcase "ls of a directory of the root" ls /usr/share/doc/coreutils
rcase "ls -ln of files of the root (numeric ids)" ls -ln --full-time /usr/bin/busybox /usr/share/doc/coreutils/AUTHORS
rcase "md5sum of /usr/bin/busybox" md5sum /usr/bin/busybox
rcase "sha256sum of two files" sha256sum $D/AUTHORS /etc/xattr.conf
rcase "wc of files" wc $D/AUTHORS /etc/xattr.conf
rcase "head of a file" head -n 5 $D/AUTHORS
rcase "tail of a file" tail -n 3 $D/AUTHORS
rcase "od -c of a binary" od -c -N 100 /usr/bin/busybox
rcase "sort -r of a file" sort -r $D/AUTHORS
rcase "uniq -c of a file" uniq -c /etc/xattr.conf
rcase "gunzip -c of a .gz of the root" gunzip -c $D/NEWS.gz
rcase "gzip -c of a file (byte-exact)" gzip -c -9 $D/AUTHORS
rcase "grep -n of a file" grep -n '^[A-C]' $D/AUTHORS
rcase "sed of a file" sed -n '2,4p;s/a/A/gp' /etc/xattr.conf
rcase "awk of a file" awk '{ n += NF } END { print n, NR }' $D/AUTHORS
rcase "find in the root" find /usr/share/doc/coreutils /etc -name '*.gz' -o -name '*.conf'
rcase "tar of a tree of the root, listed" tar -cvf /dev/null /usr/share/doc/coreutils

# Scripts with pipelines and files in /tmp.  busybox sh runs every command
# it does not have built in by execve of a file found in PATH (Debian's
# build has no FEATURE_SH_STANDALONE), and qemu-user hands a guest's execve
# to the host kernel, which cannot run a riscv64 program (no binfmt_misc):
# under qemu such a script runs the HOST's grep, sed, ... instead.  So the
# reference is the same script run by the host's bash with each command
# (seq, sort, grep, ...) a function that runs that busybox applet under
# qemu-riscv64, one process per stage; vmos runs `busybox sh -c` with
# PATH=/bb (links to busybox, made by fetch.sh) entirely inside the guest.
# Each script works in its own directory $W (the host's /tmp for the
# reference, the guest's tmpfs for vmos).
APPLETS="seq sort head tail wc uniq md5sum sha256sum gzip gunzip tar find xargs sed awk grep cat
	 cp mv rm mkdir ls touch cut tr od mkfifo"
qb() { run_limited 60 env -i LC_ALL=C TZ=UTC qemu-riscv64 -L "$DEB_ROOT" "$DEB_ROOT$BB" "$@"; }
reference() {    # reference SCRIPT: the host's bash, busybox applets under qemu
	( for a in $APPLETS; do eval "$a() { qb $a \"\$@\"; }"; done
	  eval "$1" ) </dev/null
}
n=0
case_() {
	local name=$1 feats=$2 script=$3 vr qr
	n=$((n + 1))
	script=${script//\$W/$W-$n}
	# shellcheck disable=SC2086
	feature_or_skip "$name" root $feats || return
	vm_guest $BB sh -c "PATH=/bb; $script" </dev/null >"$tmp/v.out" 2>"$tmp/v.err"; vr=$?
	reference "$script" >"$tmp/q.out" 2>"$tmp/q.err"; qr=$?
	if [ "$vr" = "$qr" ] && cmp -s "$tmp/v.out" "$tmp/q.out"; then
		ok "$name (status $vr, $(wc -c <"$tmp/v.out") bytes as the applets under qemu)"
	else
		bad "$name: vmos status $vr, reference status $qr"
		diff "$tmp/q.out" "$tmp/v.out" | head -n 10
		head -n 5 "$tmp/v.err"
	fi
}
case_ "sh: a pipeline" "pipe" \
	'seq 1 1000 | sort -rn | head -n 3; seq 1 10 | tail -n 2 | wc -l'
case_ "sh: \$(...) command substitution" "pipe" \
	'x=$(seq 1 5 | wc -l); y=$(echo $(echo nested)); echo "x=$x y=$y"; echo "$(seq 3 | tr "\n" ,)"'
case_ "sh: redirections (>, >>, <, 2>&1, 2>/dev/null)" "tmp" \
	'mkdir -p $W && echo one >$W/f && echo two >>$W/f && wc -l <$W/f && cat $W/missing 2>/dev/null; echo st=$?; ls $W/nope 2>&1 | sed "s/.*nope.*/no such file/"'
case_ "mkdir, cp, mv, rm, ls, cat in /tmp" "tmp" \
	'mkdir -p $W/a/b && echo hello >$W/a/f && cp $W/a/f $W/a/b/g && mv $W/a/f $W/a/h && ls $W/a $W/a/b && cat $W/a/h $W/a/b/g && rm $W/a/h && ls $W/a && rm -r $W/a && ls $W'
case_ "sort, uniq, wc, head, tail" "pipe" \
	'printf "b\na\nc\na\nb\na\n" | sort | uniq -c; seq 1 50 | sort -r | head -n 4 | tail -n 2; seq 1 1000 | wc'
case_ "md5sum, sha256sum" "pipe" \
	'seq 1 10000 | md5sum; seq 1 10000 | sha256sum; printf "" | md5sum'
case_ "gzip | gunzip round trip" "pipe" \
	'seq 1 20000 | gzip -c | gunzip -c | md5sum; seq 1 20000 | md5sum; echo abc | gzip -9 | gzip -d'
case_ "tar of a tree (create, list, extract, compare)" "tmp pipe" \
	'mkdir -p $W/t/d1/d2 $W/x && seq 1 500 >$W/t/f1 && echo deep >$W/t/d1/d2/f2 && cd $W && tar -cf t.tar t && tar -tf t.tar | sort && cd x && tar -xf ../t.tar && cat t/d1/d2/f2 && md5sum t/f1 | cut -c1-32 && seq 1 500 | md5sum | cut -c1-32'
case_ "find" "tmp pipe" \
	'mkdir -p $W/r/a/b $W/r/c && : >$W/r/a/1 && : >$W/r/a/b/2 && : >$W/r/c/3 && cd $W && find r | sort && find r -type f -name "[12]" | sort && find r -type d | wc -l'
case_ "xargs" "pipe" \
	'seq 1 10 | xargs echo; seq 1 7 | xargs -n 3 echo n; echo "a b c" | xargs printf "<%s>\n"'
case_ "sed, awk, grep" "pipe" \
	'seq 1 20 | sed -n "s/^1\(.\)$/ten+\1/p"; seq 1 10 | awk "{ s += \$1 } END { print s, NR }"; seq 1 30 | grep -c 1; printf "x=1\ny=2\n" | grep -E "^y" | sed "s/=/ is /"'
case_ "touch: create, set a date, -c of a missing file (utimensat)" "tmp" \
	'mkdir -p $W && cd $W && touch f && touch -d "2020-01-02 03:04:05" f && stat -c "%Y %X %s %n" f && touch -c nothere; echo st=$? && ls && touch -r f g && stat -c "%Y %n" g'
case_ "mkfifo: a writer and a reader meet in a named pipe" "tmp pipe" \
	'mkdir -p $W && mkfifo $W/f && { seq 1 500 >$W/f & } && wc -l <$W/f && wait && rm $W/f && ls $W'
case_ "ls of the root's /usr/bin, counted" "pipe" \
	'ls /usr/bin | grep -c . ; ls -d /usr/lib/riscv64-linux-gnu'
# busybox id: getgroups (the guest is root, with group 0)
if feature_or_skip "id (getuid, getgroups)" root; then
	got=$(vm_guest $BB id </dev/null 2>&1)
	[ "$got" = "uid=0 gid=0 groups=0" ] && ok "id: $got" || bad "id: '$got', want 'uid=0 gid=0 groups=0'"
fi

# busybox timeout: vfork, exec of sleep, SIGTERM when the time is up.
# qemu-user is no reference here: busybox re-execs itself through
# /proc/self/exe for the sleep applet, which under qemu is qemu's own host
# binary; the expected output is Linux's (busybox's timeout exits 143,
# 128 + SIGTERM, when it had to kill).
if feature_or_skip "timeout (vfork, exec, SIGTERM after the time)" root; then
	vm_guest $BB sh -c 'PATH=/bb; timeout 2 sleep 0.1; echo "st=$?"; timeout 0.2 sleep 5; echo "st=$?"' \
		</dev/null >"$tmp/v.out" 2>"$tmp/v.err"; vr=$?
	if [ "$vr" = 0 ] && [ "$(tr '\n' ' ' <"$tmp/v.out")" = "st=0 st=143 " ]; then
		ok "timeout (vfork, exec, SIGTERM after the time): st=0 st=143, as Linux"
	else
		bad "timeout: status $vr, '$(tr '\n' ' ' <"$tmp/v.out")', want 'st=0 st=143'"
		head -n 5 "$tmp/v.err"
	fi
fi
finish
