#!/usr/bin/env bash
# tools/setup.sh - checks (and, as root, installs) what vmos needs on a
# Debian/Ubuntu machine.  `make demo` runs `tools/setup.sh demo` and
# `make test` runs `tools/setup.sh test` before building; .ci/run runs it too.
#
#   tools/setup.sh [demo|test|all]   check the programs of that level (default test)
#   tools/setup.sh --list            print the dependency table
#
# Missing programs are installed with apt-get (non-interactively) when run as
# root and apt-get exists, unless VMOS_SETUP_INSTALL=no.  An optional package
# whose installation failed is noted in $VMOS_BUILD/.setup-failed (default
# build/) and not tried again by every `make test` (delete the file to retry).  Otherwise ONE
# message names them, what needs them, and the exact apt-get line.  Exit
# status: 0 when every required program is there (optional ones only make
# tests skip, with their reason in the summary), 1 when a required one is
# missing.
set -u

# program | Debian package | level | need | what needs it
#   level: demo (make demo and everything after), test (make test), bench
#   need:  required (the build fails without it) or optional (checks skip)
DEPS=(
	"cc|gcc|demo|required|the host compiler: vmos itself"
	"make|make|demo|required|the build"
	"clang|clang|demo|required|compiles the riscv64 programs that run inside vmos (user/)"
	"ld.lld|lld|demo|required|links the riscv64 programs"
	"llvm-ar|llvm|demo|required|archives the riscv64 C library (user/lib)"
	"llvm-readelf|llvm|test|required|the ELF loader's reference data (mk/elf.mk, tests/kernel/elf_test)"
	"python3|python3|test|required|checks JSON and SVG output in the tests"
	"qemu-riscv64|qemu-user|test|optional|the reference machine: differential tests of every program"
	"riscv64-linux-gnu-gcc|gcc-riscv64-linux-gnu|test|optional|programs built by GCC for the differential tests"
	"valgrind|valgrind|test|optional|a real lackey trace in tests/kernel/trace.sh"
	"chromium|chromium|test|optional|renders the HTML pages in tests/viz"
	"xmllint|libxml2-utils|test|optional|validates the SVG and HTML pages in tests/viz"
	"parallel|parallel|test|optional|runs a sweep's cells as separate jobs (tests/tools/sweep_jobs.sh)"
	"gdb-multiarch|gdb-multiarch|test|optional|debugs a program through vmos run --gdb (tests/tools/gdb.sh)"
)

level=test
case "${1:-test}" in
demo | test) level=${1:-test} ;;
all) level=test ;;
--list)
	printf '%-22s %-22s %-5s %-8s %s\n' program package level need "what needs it"
	for d in "${DEPS[@]}"; do
		IFS='|' read -r prog pkg lvl need what <<<"$d"
		printf '%-22s %-22s %-5s %-8s %s\n' "$prog" "$pkg" "$lvl" "$need" "$what"
	done
	exit 0 ;;
-h | --help)
	sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'
	exit 0 ;;
*)
	echo "tools/setup.sh: unknown level '$1' (demo, test, all, --list)" >&2
	exit 2 ;;
esac

# has PROGRAM: found on PATH (llvm tools also under their versioned names).
has() {
	command -v "$1" >/dev/null 2>&1 && return 0
	case $1 in
	llvm-*) compgen -c "$1-" 2>/dev/null | grep -qE "^$1-[0-9]+$" ;;
	*) return 1 ;;
	esac
}

# scan: the missing programs of $level, as lines for the message and package lists
scan() {
	req_lines=""; req_pkgs=""; opt_lines=""; opt_pkgs=""
	for d in "${DEPS[@]}"; do
		IFS='|' read -r prog pkg lvl need what <<<"$d"
		[ "$level" = demo ] && [ "$lvl" != demo ] && continue
		has "$prog" && continue
		line=$(printf '  %-22s (package %s): %s' "$prog" "$pkg" "$what")
		if [ "$need" = required ]; then
			req_lines+="$line"$'\n'
			[[ " $req_pkgs " == *" $pkg "* ]] || req_pkgs+="${req_pkgs:+ }$pkg"
		else
			opt_lines+="$line"$'\n'
			[[ " $opt_pkgs " == *" $pkg "* ]] || opt_pkgs+="${opt_pkgs:+ }$pkg"
		fi
	done
}

scan
[ -z "$req_pkgs$opt_pkgs" ] && exit 0

failed_file=${VMOS_BUILD:-build}/.setup-failed
pkgs=""
if [ "${EUID:-$(id -u)}" = 0 ] && [ "${VMOS_SETUP_INSTALL:-yes}" != no ] && has apt-get; then
	pkgs=$req_pkgs
	for p in $opt_pkgs; do
		grep -qx "$p" "$failed_file" 2>/dev/null || pkgs+="${pkgs:+ }$p"
	done
fi
if [ -n "${pkgs:-}" ]; then
	echo "tools/setup.sh: installing $pkgs (apt-get, as root; VMOS_SETUP_INSTALL=no to stop this)"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq >/dev/null 2>&1
	# one package at a time: a package missing from this release must not
	# keep the others out
	for p in $pkgs; do
		if ! apt-get install -y -qq --no-install-recommends "$p" >/dev/null 2>&1; then
			echo "tools/setup.sh: apt-get install $p failed"
			[[ " $opt_pkgs " == *" $p "* ]] && mkdir -p "${failed_file%/*}" && echo "$p" >>"$failed_file"
		fi
	done
	hash -r
	scan
	[ -z "$req_pkgs$opt_pkgs" ] && exit 0
fi

sudo=""; [ "${EUID:-$(id -u)}" = 0 ] || sudo="sudo "
if [ -n "$req_pkgs" ]; then
	{
		echo "vmos: \`make $level\` needs programs that are not installed:"
		printf '%s' "$req_lines"
		[ -n "$opt_pkgs" ] && { echo "and, for some tests (skipped without them):"; printf '%s' "$opt_lines"; }
		echo "install them with:"
		echo "  ${sudo}apt-get install -y $req_pkgs${opt_pkgs:+ $opt_pkgs}"
		echo "(tools/setup.sh --list shows every dependency and what needs it)"
	} >&2
	exit 1
fi
{
	echo "vmos: some tests will be skipped (the summary says which), these are not installed:"
	printf '%s' "$opt_lines"
	echo "install them with:"
	echo "  ${sudo}apt-get install -y $opt_pkgs"
} >&2
exit 0
