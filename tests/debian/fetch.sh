#!/usr/bin/env bash
# tests/debian/fetch.sh [BUILD] - Debian's own riscv64 programs as a guest root.
#
# Downloads busybox-static, coreutils, dash (/bin/sh), bash, grep, sed, gawk, findutils,
# diffutils, tar, gzip, perl-base, python3-minimal and every package they
# depend on (libc6, libacl1, libselinux1, libpcre2-8-0, libgmp10, libssl3t64,
# libpython3.13-minimal, ...) for riscv64 from Debian's current release (suite trixie, component
# main), and extracts them with dpkg-deb -x into a guest root:
#
#   BUILD/debian/cache/   apt's private state: lists, .deb archives
#   BUILD/debian/root/    the extracted packages: `vmos run --root` / `qemu-riscv64 -L`,
#                         plus /bin, /lib, /sbin links into /usr and /bb (busybox's
#                         applets as links to /usr/bin/busybox)
#   BUILD/debian/root.ok  written last: the root is complete ("packages: LIST", then
#                         the .deb files); a different LIST fetches again
#
# apt-get runs with a PRIVATE configuration (its own sources list, lists,
# cache and an empty dpkg status, APT::Architecture=riscv64): nothing of the
# machine's apt state is read or changed except the archive address, which
# is READ from the machine's own apt sources (/etc/apt/sources.list.d/*.sources
# or /etc/apt/sources.list), together with the keyring that entry trusts.
# No archive host name is written anywhere in this repository.
#
# Exit status: 0 the root is ready (already, or now); 2 it cannot be made,
# with the reason on the last line of stderr as "SKIP: reason" (no apt-get,
# no dpkg-deb, no Debian archive in the apt sources, the download failed).
# Set VMOS_DEBIAN_REFRESH=1 to download again.
set -u
cd "$(dirname "$0")/../.."
BUILD=${1:-${VMOS_BUILD:-build}}
case $BUILD in /*) ;; *) BUILD=$PWD/$BUILD ;; esac   # apt needs absolute paths
DEB=$BUILD/debian
CACHE=$DEB/cache
ROOT=$DEB/root
SUITE=${VMOS_DEBIAN_SUITE:-trixie}
# the programs the tests run (tests/debian/*.sh), and what they depend on
PACKAGES=${VMOS_DEBIAN_PACKAGES:-busybox-static coreutils dash bash grep sed gawk findutils diffutils tar gzip perl-base python3-minimal}

skip() { echo "SKIP: $*" >&2; exit 2; }

# ready if made for these packages (its first line names them)
if [ -f "$DEB/root.ok" ] && [ -z "${VMOS_DEBIAN_REFRESH:-}" ] &&
   [ "$(head -n 1 "$DEB/root.ok")" = "packages: $PACKAGES" ]; then
	exit 0
fi
command -v apt-get >/dev/null 2>&1 || skip "apt-get is not installed (the Debian root is fetched with it)"
command -v dpkg-deb >/dev/null 2>&1 || skip "dpkg-deb is not installed (it extracts the packages)"

# The archive: the first entry of the machine's apt sources that serves
# Debian's main archive (a suite without '-': not -security, not -updates),
# and the keyring it is signed with.  Prints "URI KEYRING" (KEYRING may be -).
archive_from_sources() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		# deb822 stanzas, separated by blank lines
		awk 'BEGIN { RS = ""; FS = "\n" }
		{
			uri = ""; suites = ""; key = "-"; types = ""; comps = ""
			for (i = 1; i <= NF; i++) {
				if ($i ~ /^[ \t]*#/) continue
				split($i, kv, ":[ \t]*")
				name = tolower(kv[1]); val = substr($i, index($i, ":") + 1)
				gsub(/^[ \t]+|[ \t]+$/, "", val)
				if (name == "uris") uri = val
				else if (name == "suites") suites = val
				else if (name == "signed-by") key = val
				else if (name == "types") types = val
				else if (name == "components") comps = val
				else if (name == "enabled" && tolower(val) == "no") uri = ""
			}
			if (types !~ /(^| )deb( |$)/ || uri == "" || comps !~ /(^| )main( |$)/) next
			n = split(suites, s, /[ \t]+/)
			for (j = 1; j <= n; j++)
				if (s[j] !~ /-/ && s[j] !~ /\//) {
					split(uri, u, /[ \t]+/)
					print u[1], (key ~ /^\// ? key : "-")
					exit
				}
		}' "$f"
	done
	if [ -f /etc/apt/sources.list ]; then
		# deb [options] URI SUITE COMPONENT...
		awk '$1 == "deb" {
			i = 2; key = "-"
			if ($2 ~ /^\[/) {
				for (; i <= NF; i++) {
					if ($i ~ /signed-by=/) { key = $i; sub(/.*signed-by=/, "", key); sub(/\]$/, "", key) }
					if ($i ~ /\]$/) { i++; break }
				}
			}
			uri = $i; suite = $(i + 1); main = 0
			for (j = i + 2; j <= NF; j++) if ($j == "main") main = 1
			if (main && suite !~ /-/) { print uri, key; exit }
		}' /etc/apt/sources.list
	fi
}

read -r URI KEYRING < <(archive_from_sources | head -n 1) || true
[ -n "${URI:-}" ] || skip "no Debian archive (a 'deb' entry with component main) in /etc/apt/sources.list.d/*.sources or /etc/apt/sources.list"

mkdir -p "$CACHE/lists/partial" "$CACHE/archives/partial" "$CACHE/etc"
: > "$CACHE/status"
opts=""
[ "$KEYRING" != "-" ] && [ -f "$KEYRING" ] && opts="[signed-by=$KEYRING] "
echo "deb ${opts}$URI $SUITE main" > "$CACHE/etc/sources.list"
APT=(apt-get -q
	-o Dir::Etc::SourceList="$CACHE/etc/sources.list"
	-o Dir::Etc::SourceParts=/dev/null
	-o Dir::Etc::Preferences=/dev/null
	-o Dir::Etc::PreferencesParts=/dev/null
	-o Dir::State::Lists="$CACHE/lists"
	-o Dir::Cache="$CACHE"
	-o Dir::Cache::Archives="$CACHE/archives"
	-o Dir::State::Status="$CACHE/status"
	-o APT::Architectures::=riscv64
	-o APT::Architecture=riscv64
	-o APT::Install-Recommends=false
	-o Debug::NoLocking=true
	-o APT::Sandbox::User=root)

echo "fetch.sh: $SUITE/main riscv64 from the archive in the machine's apt sources" >&2
log=$CACHE/apt.log
if ! "${APT[@]}" update >"$log" 2>&1; then
	tail -n 5 "$log" >&2
	skip "apt-get update of $SUITE riscv64 failed (no network or no such suite; see $log)"
fi
if ! "${APT[@]}" -y install --download-only $PACKAGES >>"$log" 2>&1; then
	tail -n 5 "$log" >&2
	skip "apt-get could not download $PACKAGES for riscv64 (see $log)"
fi
debs=("$CACHE"/archives/*.deb)
[ -f "${debs[0]}" ] || skip "apt-get downloaded nothing (see $log)"

rm -rf "$ROOT" "$DEB/root.ok"
mkdir -p "$ROOT"
for d in "${debs[@]}"; do
	dpkg-deb -x "$d" "$ROOT" || skip "dpkg-deb -x $d failed"
done
# Debian's /usr merge: /bin, /sbin, /lib are links into /usr (base-files
# makes them on a real system; PT_INTERP says /lib/ld-linux-riscv64-lp64d.so.1)
for d in bin sbin lib; do
	[ -e "$ROOT/$d" ] || ln -s "usr/$d" "$ROOT/$d"
done
# /bb: busybox's applets as links (Debian's busybox-static installs none),
# so a busybox sh with PATH=/bb runs applets, never the host's programs
mkdir -p "$ROOT/bb"
for a in sh ash seq sort head tail wc uniq md5sum sha256sum gzip gunzip zcat tar find xargs \
	 sed awk grep cat cp mv rm mkdir rmdir ls touch cut tr od echo printf true false test \
	 expr sleep env basename dirname tee cmp diff yes; do
	ln -s /usr/bin/busybox "$ROOT/bb/$a"
done
# /tmp for the guest's scratch files (vmos mounts a tmpfs over it)
mkdir -p "$ROOT/tmp"
chmod 1777 "$ROOT/tmp"
{ echo "packages: $PACKAGES"; for d in "${debs[@]}"; do basename "$d"; done; } > "$DEB/root.ok"
echo "fetch.sh: ${#debs[@]} packages extracted into $ROOT" >&2
