#!/usr/bin/env bash
# `vmos run --gdb PORT` (src/tools/gdbstub.c): gdb-multiarch in batch mode
# debugs user/bin/tests/gdb_target with its symbols on both engines - a
# breakpoint at a function, continue, pc, a variable, memory, a write, next,
# stepi, finish, an FP register, the monitor commands, the exit status -
# and raw packets check the error paths (malformed packets, an unmapped
# read, a bad checksum, detach), Ctrl-C and kill.  Bad ports and a port in
# use fail before the run.  Skipped, with the reason, without gdb-multiarch.
set -u
cd "$(dirname "$0")/../.."
. tests/lib.sh
B=${VMOS_BUILD:-build}
VMOS=$B/vmos
PROG=$B/user/bin/gdb_target
pass=0; fail=0; skip=0
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$tmp"; }
trap cleanup EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }
T=$(scaled 60)

# bad ports: refused before anything runs
for p in 0 70000 abc -5 ''; do
	out=$("$VMOS" run --gdb "$p" "$PROG" 2>&1); rc=$?
	[ "$rc" = 2 ] && grep -q "bad --gdb '$p' (a TCP port, 1..65535)" <<<"$out" && ! grep -q "counter =" <<<"$out" \
		&& ok "--gdb '$p' refused" || bad "--gdb '$p': rc $rc: $out"
done

GDB=$(command -v gdb-multiarch)
if [ -z "$GDB" ]; then
	echo "SKIP gdb sessions: gdb-multiarch is not installed (Debian package gdb-multiarch; tools/setup.sh installs it)"
	echo "$pass passed, $fail failed, 1 skipped"
	[ "$fail" -eq 0 ]; exit
fi

base=$((20000 + ($$ * 7) % 30000))

# starts vmos run --gdb PORT ARGS... (options, program) in the background (output in $tmp/NAME.*)
start() {
	local name=$1 port=$2; shift 2
	timeout "$T" "$VMOS" run --gdb "$port" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" &
	vpid=$!
	pids+=("$vpid")
	for _ in $(seq 100); do
		grep -q "waiting for gdb" "$tmp/$name.err" 2>/dev/null && return 0
		sleep 0.05
	done
	return 1
}

addr() {
	local a
	a=$({ llvm-nm "$PROG" || riscv64-linux-gnu-nm "$PROG"; } 2>/dev/null | awk -v s="$1" '$3 == s { print $1; exit }')
	[ -n "$a" ] && printf '%x' $((16#$a))
}
step_addr=$(addr step)
counter_addr=$(addr counter)

# ---- a gdb session on each engine --------------------------------------------
n=0
for engine in fast interp; do
	port=$((base + n)); n=$((n + 1))
	if ! start "$engine" "$port" --engine "$engine" "$PROG"; then
		bad "$engine: vmos did not wait for gdb: $(cat "$tmp/$engine.err")"; continue
	fi
	# a port in use is refused before the run
	out=$("$VMOS" run --gdb "$port" "$PROG" 2>&1); rc=$?
	[ "$rc" = 2 ] && grep -q "cannot listen on 127.0.0.1:$port: Address already in use" <<<"$out" \
		&& ! grep -q "counter =" <<<"$out" && ok "$engine: port in use refused before running" \
		|| bad "$engine: port in use: rc $rc: $out"
	run_limited "$T" "$GDB" -batch -nx -ex 'set architecture riscv:rv64' -ex "file $PROG" \
		-ex "target remote :$port" \
		-ex "x/2xg 0x$counter_addr" -ex "monitor explain 0x$counter_addr" \
		-ex 'break step' -ex 'continue' -ex 'info registers pc' -ex 'print counter' \
		-ex 'x/4xg &table' -ex 'set var counter = 3' -ex 'print counter' -ex 'next' -ex 'stepi' \
		-ex 'info registers pc' -ex 'finish' -ex 'p $ft0' -ex 'p $fcsr' -ex 'set $ft1 = 1.5' -ex 'p $ft1' \
		-ex 'x/4xb 0' -ex 'monitor maps' -ex 'monitor tlb' -ex 'monitor pt' -ex 'monitor bogus' \
		-ex 'continue' >"$tmp/$engine.gdb" 2>&1
	wait "$vpid"; rc=$?
	g=$tmp/$engine.gdb
	# at entry, before the program ran: the data page is absent; the read
	# gives the file's bytes without bringing it in
	grep -qE "^0x$counter_addr <counter>:[[:space:]]+0x0000000000000001" "$g" \
		&& grep -q "FAULTS: load page fault" "$g" && grep -q "not touched yet" "$g" \
		&& ok "$engine: untouched data read from the file, page left absent" \
		|| bad "$engine: entry read: $(head -20 "$g")"
	grep -qE "^pc +0x$step_addr[[:space:]]+0x$step_addr <step>" "$g" && grep -q "^Breakpoint 1, step" "$g" \
		&& ok "$engine: stopped exactly at the breakpoint in step" || bad "$engine: breakpoint: $(cat "$g")"
	grep -q '^\$1 = 1$' "$g" && grep -q '^\$2 = 3$' "$g" && ok "$engine: print and set a variable" \
		|| bad "$engine: print counter: $(cat "$g")"
	grep -qE "<table>:[[:space:]]+0x0000000000000011[[:space:]]+0x0000000000000022" "$g" \
		&& grep -qE "<table\+16>:[[:space:]]+0x0000000000000033[[:space:]]+0x0000000000000044" "$g" \
		&& ok "$engine: x/4xg memory" || bad "$engine: x/4xg: $(cat "$g")"
	grep -qE "^17[[:space:]]+counter \+= x;" "$g" && ok "$engine: next to line 17" || bad "$engine: next: $(cat "$g")"
	pcs=$(grep -E "^pc +0x" "$g" | awk '{print $2}' | sed -n 2p)
	[ -n "$pcs" ] && [ $((pcs)) -gt $((16#$step_addr)) ] && ok "$engine: stepi moved pc to $pcs" \
		|| bad "$engine: stepi pc '$pcs'"
	grep -q 'Value returned is \$[0-9]* = 5' "$g" && ok "$engine: finish returns 5 (the written counter + 2)" \
		|| bad "$engine: finish: $(cat "$g")"
	grep -qE '^\$[0-9]+ = \{float = .*, double = 5\}' "$g" && grep -qE '^\$[0-9]+ = \{float = .*, double = 1.5\}' "$g" \
		&& ok "$engine: FP registers read (ft0 = 5.0) and written (ft1 = 1.5)" || bad "$engine: FP: $(cat "$g")"
	grep -qE '^\$[0-9]+ = (0|\[ [A-Z ]*\])' "$g" && ok "$engine: fcsr read" || bad "$engine: fcsr: $(grep fcsr "$g")"
	grep -q "Cannot access memory at address 0x0" "$g" && ok "$engine: unmapped read is an error, not a fault" \
		|| bad "$engine: x at 0: $(cat "$g")"
	grep -qE "^00016000-00017000 rw-p .*gdb_target$" "$g" && grep -qE "\[stack\]$" "$g" \
		&& ok "$engine: monitor maps" || bad "$engine: monitor maps: $(cat "$g")"
	grep -qE "^TLB: 64 entries, 16 sets x 4 ways, [0-9]+ valid; current ASID 1" "$g" \
		&& grep -qE "^ +[0-9]+ +[0-9] +1 +1 0x0000000000011000 -> " "$g" && ok "$engine: monitor tlb" \
		|| bad "$engine: monitor tlb: $(cat "$g")"
	grep -q "unknown monitor command 'bogus'" "$g" && grep -q "monitor pt " "$g" && ok "$engine: unknown monitor command answered" \
		|| bad "$engine: monitor bogus: $(cat "$g")"
	grep -qi "r-x" "$g" && grep -qE "page-table pages|level" "$g" && ok "$engine: monitor pt" || bad "$engine: monitor pt: $(cat "$g")"
	grep -q "exited with code 011" "$g" && [ "$rc" = 9 ] && grep -q "counter = 5, table\[2\] = 56" "$tmp/$engine.out" \
		&& ok "$engine: exit status 9 reported to gdb and by vmos" \
		|| bad "$engine: exit: rc $rc, $(tail -3 "$g"), $(cat "$tmp/$engine.out")"
done

# ---- raw packets: error replies, never a crash; detach lets the run go on ----
pkt() {
	local d=$1 s=0 i c
	for ((i = 0; i < ${#d}; i++)); do
		printf -v c '%d' "'${d:i:1}"
		s=$(((s + c) % 256))
	done
	printf '$%s#%02x' "$d" "$s" >&3
}
# the next reply's data (acks skipped), acknowledged
reply() {
	local c data=
	while IFS= read -r -N 1 -t 10 c <&3; do [ "$c" = '$' ] && break; done
	IFS= read -r -d '#' -t 10 data <&3
	IFS= read -r -N 2 -t 10 c <&3
	printf + >&3
	printf '%s' "$data"
}
port=$((base + n)); n=$((n + 1))
if start raw "$port" "$PROG"; then
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	pkt '?'; r=$(reply); [ "$r" = S05 ] && ok "raw: ? -> S05 (stopped on entry)" || bad "raw: ? -> '$r'"
	pkt 'mzz,4'; r=$(reply); [ "$r" = E01 ] && ok "raw: malformed m -> E01" || bad "raw: mzz -> '$r'"
	pkt 'm0,4'; r=$(reply); [ "$r" = E14 ] && ok "raw: unmapped m -> E14" || bad "raw: m0 -> '$r'"
	pkt 'M10000,2:0000'; r=$(reply); [ "$r" = E14 ] && ok "raw: write to read-only text -> E14" || bad "raw: M text -> '$r'"
	pkt 'p1000'; r=$(reply); [ "$r" = E01 ] && ok "raw: no such register -> E01" || bad "raw: p1000 -> '$r'"
	pkt 'Z2,10000,4'; r=$(reply); [ -z "$r" ] && ok "raw: watchpoint unsupported -> empty" || bad "raw: Z2 -> '$r'"
	pkt 'G00'; r=$(reply); [ "$r" = E01 ] && ok "raw: short G -> E01" || bad "raw: G00 -> '$r'"
	printf '$g#00' >&3; IFS= read -r -N 1 -t 10 c <&3; [ "$c" = - ] && ok "raw: bad checksum -> '-'" || bad "raw: bad checksum -> '$c'"
	big=$(head -c 20000 /dev/zero | tr '\0' 'q'); pkt "$big"; IFS= read -r -N 1 -t 10 c <&3
	[ "$c" = - ] && ok "raw: 20000-byte packet -> '-'" || bad "raw: long packet -> '$c'"
	pkt 'qRcmd,7a7a'; r=$(reply); while [ "${r:0:1}" = O ] && [ "$r" != OK ]; do r=$(reply); done; [ "$r" = OK ] && ok "raw: monitor zz -> text, OK" || bad "raw: qRcmd -> '$r'"
	pkt 'D'; r=$(reply); [ "$r" = OK ] && ok "raw: D -> OK" || bad "raw: D -> '$r'"
	exec 3<&-
	wait "$vpid"; rc=$?
	[ "$rc" = 7 ] && grep -q "counter = 3" "$tmp/raw.out" && ok "raw: after detach the run ends normally (status 7)" \
		|| bad "raw: after detach rc $rc $(cat "$tmp/raw.out" "$tmp/raw.err")"
else
	bad "raw: vmos did not wait: $(cat "$tmp/raw.err")"
fi

# ---- Ctrl-C stops a running process (S02); kill ends it with SIGKILL ----------
port=$((base + n)); n=$((n + 1))
if start intr "$port" "$B/user/bin/holdmem" 1 100000000; then
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	pkt 'c'
	sleep 0.3
	printf '\003' >&3
	r=$(reply); [ "$r" = S02 ] && ok "Ctrl-C -> S02 while running" || bad "Ctrl-C -> '$r'"
	pkt 'k'
	exec 3<&-
	wait "$vpid"; rc=$?
	[ "$rc" = 137 ] && ok "kill: vmos exits 137 (SIGKILL)" || bad "kill: rc $rc $(cat "$tmp/intr.err")"
else
	bad "intr: vmos did not wait: $(cat "$tmp/intr.err")"
fi

# gdb disconnecting without a word: the run goes on
port=$((base + n)); n=$((n + 1))
if start gone "$port" "$PROG"; then
	exec 3<>"/dev/tcp/127.0.0.1/$port"
	pkt '?'; reply >/dev/null
	exec 3<&-
	wait "$vpid"; rc=$?
	[ "$rc" = 7 ] && ok "disconnect: the run goes on to its end" || bad "disconnect: rc $rc"
fi

echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
