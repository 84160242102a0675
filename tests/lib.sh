# tests/lib.sh - shared by the test scripts tests/*/*.sh: time limits, so
# that a hung run fails its own check by name and the script goes on.
# Source it after `cd` to the repository root:
#
#     cd "$(dirname "$0")/../.."
#     . tests/lib.sh
#
#   run_vmos [-t SECS] ARGS...   "$VMOS_BUILD/vmos" ARGS under a time limit
#                                (default $VMOS_RUN_TIMEOUT, 60 s); its status
#                                is vmos's, or 124 if it ran out of time
#   run_limited [-g] SECS CMD... the same for any command (qemu-riscv64, a
#                                simulator, a host program); -g for a command
#                                that starts processes of its own (bash -c
#                                pipelines, browsers): it runs in a process
#                                group of its own, all of which is stopped
#   timed_out RC                 true if RC (a status from the two above)
#                                means the run was stopped
#
# Limits are scaled by VMOS_TIMEOUT_SCALE (default 1; `make check` sets it
# for the slower sanitizer build).  A run that runs out of time also prints
#     TIMEOUT after N s: CMD...
# on the script's own stderr (whatever the run's stderr was redirected to),
# so the output of a failing script says which run hung; the check that
# looks at the run's status then fails (124 is no status a test expects).
#
# The runs are killed in the foreground (timeout --foreground): they stay in
# the script's process group, so when tests/run stops a whole script that
# ran out of its own time, the run in progress goes with it.  With -g the
# run has a group of its own instead, so that its children are stopped
# with it (a stopped script's -g run then ends at its own limit).

VMOS_BUILD=${VMOS_BUILD:-build}
VMOS=${VMOS:-$VMOS_BUILD/vmos}
VMOS_TIMEOUT_SCALE=${VMOS_TIMEOUT_SCALE:-1}
VMOS_RUN_TIMEOUT=${VMOS_RUN_TIMEOUT:-60}
case $VMOS_TIMEOUT_SCALE in
''|*[!0-9]*|0) echo "tests/lib.sh: bad VMOS_TIMEOUT_SCALE '$VMOS_TIMEOUT_SCALE' (a positive integer)" >&2
	VMOS_TIMEOUT_SCALE=1 ;;
esac
# the script's own stderr, for TIMEOUT reports
exec {VMOS_TEST_STDERR}>&2

# scaled SECS: SECS times VMOS_TIMEOUT_SCALE.
scaled() { echo $(( $1 * VMOS_TIMEOUT_SCALE )); }

run_limited() {
	local fg=--foreground secs
	if [ "$1" = -g ]; then
		fg=; shift
	fi
	secs=$(scaled "$1"); shift
	local t0=$SECONDS rc
	# -k: a run that ignores SIGTERM gets SIGKILL 10 s later (status 137,
	# told apart from an OOM kill's 137 by the time it took)
	timeout $fg -k 10 "$secs" "$@" {VMOS_TEST_STDERR}>&-
	rc=$?
	if [ $rc = 124 ] || { [ $rc = 137 ] && [ $((SECONDS - t0)) -ge "$secs" ]; }; then
		echo "TIMEOUT after $secs s: $*" >&$VMOS_TEST_STDERR
		return 124
	fi
	return $rc
}

run_vmos() {
	local secs=$VMOS_RUN_TIMEOUT
	if [ "${1:-}" = -t ]; then
		secs=$2; shift 2
	fi
	run_limited "$secs" "$VMOS" "$@"
}

timed_out() { [ "$1" = 124 ]; }
