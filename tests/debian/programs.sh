#!/usr/bin/env bash
# tests/debian/programs.sh - more of Debian's own riscv64 programs, run
# unchanged from the extracted root (tests/debian/fetch.sh): bash, grep,
# sed, gawk, find, diff, tar, gzip, perl and python3 - dynamically linked
# (libc, libpcre2, libreadline/libtinfo, libgmp/libmpfr, libz, libpython,
# libperl's own modules), forking and execing each other in pipelines.
#
# Reference: qemu-riscv64 -L ROOT on stdout and exit status, with the same
# environment (LC_ALL=C TZ=UTC), from the root as working directory so that
# relative paths name the same files for both (see coreutils.sh for why
# not absolute ones).  Where a case executes another program (a pipeline,
# gawk's `print | "sort"`, python's subprocess), qemu-user hands the execve
# to the host kernel, so qemu's side ran the HOST's program there (see
# busybox.sh): vmos's Debian programs are then compared with the host's.  Scratch files go to /tmp/vmos-prog-$$ (the guest's
# tmpfs under vmos, the host's /tmp under qemu), removed by each case.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
. tests/debian/debian.bash
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
debian_root_or_skip "Debian programs"
: >"$tmp/empty"
for p in bash grep sed gawk find diff tar gzip perl python3; do
	[ -x "$DEB_ROOT/usr/bin/$p" ] || { skp "Debian programs: $p is not in the root (an older fetch; VMOS_DEBIAN_REFRESH=1)"; finish; }
done
feature_or_skip "Debian programs (all cases)" root dynamic pipe tmp || finish

data=$DEB_ROOT/vmos-data
mkdir -p "$data"
awk 'BEGIN { x = 4242; for (i = 0; i < 500; i++) { x = (x * 1103515245 + 12345) % 2147483648
	printf "%05d %s line-%d\n", x % 100000, (x % 3 ? "even" : "odd"), i } }' >"$data/lines"
cd "$DEB_ROOT"

B=/usr/bin/bash
compare "bash: loops, functions, subshells, exit statuses" "$tmp/empty" $B -c \
	'f() { local n=$1; echo "f($n)=$((n * n))"; return $((n % 2)); }
	 for i in 1 2 3; do f $i; echo "status $?"; done
	 (exit 7); echo "subshell $?"
	 set -o pipefail; false | true; echo "pipefail $?"
	 x=$(printf "%s," a b c); echo "${x%,}"
	 declare -A h=([one]=1 [two]=2); echo "${#h[@]} ${h[two]}"
	 [[ "abc123" =~ ^([a-z]+)([0-9]+)$ ]] && echo "${BASH_REMATCH[2]}"'
compare "bash: a pipeline of external programs" "$tmp/empty" $B -c \
	'/usr/bin/seq 1 20 | grep 1 | sed "s/1/one/" | sort -r | head -n 3; echo "done $?"'
compare "bash: redirections, here-documents, a file in /tmp" "$tmp/empty" $B -c \
	'd=/tmp/vmos-prog-$$; mkdir -p $d; cat > $d/f <<EOF
first
second
EOF
	 echo third >> $d/f; wc -l < $d/f; while read -r l; do echo "<$l>"; done < $d/f; rm -r $d'
compare "bash: background jobs, wait, kill and a trap" "$tmp/empty" $B -c \
	'trap "echo got USR1" USR1; kill -USR1 $$
	 sleep 0.05 & p=$!; wait $p; echo "wait $?"
	 sleep 10 & p=$!; kill -TERM $p; wait $p; echo "killed $?"
	 ( exit 3 ) & wait $!; echo "bg $?"'
compare "bash: read from stdin" "$data/lines" $B -c \
	'n=0; while read -r a b c; do [ "$b" = odd ] && n=$((n + 1)); done; echo "$n odd"'

compare "grep -E -c, -o, -n, -v" "$tmp/empty" $B -c \
	'grep -E -c "^0[0-9]+ odd" vmos-data/lines; grep -o "line-4[0-9]" vmos-data/lines | head -n 3
	 grep -n -v even vmos-data/lines | tail -n 2; grep -q nothing-here vmos-data/lines; echo "q $?"'
compare "grep -r -l over a tree" "$tmp/empty" /usr/bin/grep -r -l -i "copyright" usr/share/doc/grep usr/share/doc/sed
compare "sed: substitutions, ranges, hold space" "$tmp/empty" /usr/bin/sed -n \
	-e '/line-1[0-2]$/{s/ \(odd\|even\) / [\1] /;p}' -e '$=' vmos-data/lines
compare "sed -i on a copy in /tmp" "$tmp/empty" $B -c \
	'f=/tmp/vmos-prog-$$; head -n 5 vmos-data/lines > $f; sed -i "s/line/LINE/; 3d" $f; cat $f; rm $f'
compare "gawk: fields, arrays, printf, math" "$tmp/empty" /usr/bin/gawk \
	'{ n[$2]++; s += $1 } END { for (k in n) printf "%s %d\n", k, n[k] | "sort"; close("sort")
	   printf "sum %d mean %.3f sqrt %.6f exp %.6e\n", s, s / NR, sqrt(s), exp(1) }' vmos-data/lines
compare "find: -type, -name, -size, -printf" "$tmp/empty" $B -c \
	'find usr/share/doc/gawk usr/share/doc/tar -type f -name "*.gz" -printf "%s %p\n" | sort
	 find usr/lib/riscv64-linux-gnu -maxdepth 1 -name "libc.so*" | sort'
compare "diff -u of two files (status 1)" "$tmp/empty" $B -c \
	'f=/tmp/vmos-prog-$$; sed "s/line-17$/changed/" vmos-data/lines > $f; diff -u vmos-data/lines $f | tail -n +3; echo "diff $?"; rm $f'
compare "tar and gzip: archive, compress, list, extract" "$tmp/empty" $B -c \
	'd=/tmp/vmos-prog-$$; mkdir -p $d/in && cp vmos-data/lines $d/in/a && seq 1000 > $d/in/b
	 tar -C $d -cf $d/t.tar in && gzip -9 -n $d/t.tar && tar -tzf $d/t.tar.gz | sort
	 mkdir $d/out && tar -C $d/out -xzf $d/t.tar.gz && cmp $d/in/a $d/out/in/a && md5sum < $d/out/in/b
	 gzip -n -c vmos-data/lines | md5sum; gzip -c vmos-data/lines | gzip -d | cmp - vmos-data/lines; echo "round trip $?"
	 rm -r $d'
compare "perl: regexes, hashes, sprintf, sort" "$tmp/empty" /usr/bin/perl -e \
	'my %c; while (<>) { my ($n, $w) = /^(\d+) (\w+)/ or next; $c{$w} += $n }
	 printf "%s %d\n", $_, $c{$_} for sort keys %c;
	 print join(",", map { sprintf "%.2f", $_ ** 0.5 } 1 .. 5), "\n";
	 print scalar(reverse "stressed"), "\n"' vmos-data/lines
compare "perl: fork, pipe, wait" "$tmp/empty" /usr/bin/perl -e \
	'pipe(my $r, my $w) or die; my $pid = fork(); die unless defined $pid;
	 if (!$pid) { close $r; print $w "from child $$\n" x 3; exit 5 }
	 close $w; my @l = <$r>; waitpid($pid, 0); print scalar(@l), " lines, child exit ", $? >> 8, "\n"'
compare "python3: json, re, hashlib, struct" "$tmp/empty" /usr/bin/python3 -c \
	'import json, re, hashlib, struct, zlib
lines = open("vmos-data/lines").read().splitlines()
odd = [l for l in lines if re.search(r" odd ", l)]
print(json.dumps({"lines": len(lines), "odd": len(odd), "first": odd[0]}, sort_keys=True))
print(hashlib.sha256("\n".join(lines).encode()).hexdigest())
print(struct.pack("<IhQ", 1, -2, 3).hex(), zlib.crc32(b"vmos"))'
compare "python3: os, subprocess (fork + exec), a file in /tmp" "$tmp/empty" /usr/bin/python3 -c \
	'import os, subprocess
r = subprocess.run(["/usr/bin/sort", "-r"], input=b"a\nc\nb\n", capture_output=True)
print(r.returncode, r.stdout.decode().split())
name = "/tmp/vmos-prog-%d" % os.getpid()
with open(name, "w") as f:
    f.write("x" * 10000)
print(os.path.getsize(name), os.stat(name).st_size); os.unlink(name)
print(sorted(os.listdir("usr/share/doc/sed"))[:3])'
cat >"$data/events.py" <<'PY'
import os, select, signal, socket
a, b = socket.socketpair()
ep = select.epoll()
ep.register(b.fileno(), select.EPOLLIN)
print("nothing:", ep.poll(0))
a.sendall(b"hello")
print("ready:", [(fd == b.fileno(), ev) for fd, ev in ep.poll(1)], b.recv(10))
r, w = os.pipe()
pid = os.fork()
if pid == 0:
    os.write(w, b"child")
    os._exit(3)
ep.register(r, select.EPOLLIN)
n = len(ep.poll(5))
print("the child wrote:", os.read(r, 10), n, "exit", os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]))
efd = os.eventfd(2)
print("eventfd:", os.eventfd_read(efd))
signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGUSR1])
os.kill(os.getpid(), signal.SIGUSR1)
print("sigwait:", signal.sigwait([signal.SIGUSR1]))
a.close()
print("end of file:", b.recv(10))
PY
compare "python3: socketpair, epoll, a child, eventfd, sigwait" "$tmp/empty" /usr/bin/python3 vmos-data/events.py
compare "python3: an uncaught exception (status 1)" "$tmp/empty" /usr/bin/python3 -c 'raise SystemExit(int("4") + 1)'

finish
