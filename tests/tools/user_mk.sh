#!/usr/bin/env bash
# tests/tools/user_mk.sh - how mk/user.mk finds the programs of user/bin:
# sources in folders by purpose (user/bin/FOLDER/NAME.c) and, for branches
# written before the folders, flat user/bin/NAME.c, all built flat as
# $(BUILD)/user/bin/NAME; the marker lines `// abi: lp64` and `// needs:
# malloc` work in both places; two sources of one NAME stop the build with
# a message that names both.  Works on a copy of the build files (make -n:
# nothing is compiled), so the tree itself is never touched.
set -u
cd "$(dirname "$0")/../.."
pass=0; fail=0
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

w=$tmp/tree
mkdir -p "$w"
cp -r Makefile mk user "$w"/
B=$tmp/build
mk() { make --no-print-directory -C "$w" -n BUILD="$B" "$@" 2>&1; }

# 1. every program in a folder has its rule, output flat
out=$(mk "$B/user/bin/hello")
if grep -q 'user/bin/demos/hello\.c -o ' <<<"$out" && grep -q -- "-o $B/user/bin/hello\$" <<<"$out"; then
	ok "user/bin/demos/hello.c builds as \$(BUILD)/user/bin/hello"
else
	bad "hello from user/bin/demos: $(tail -3 <<<"$out")"
fi
n_src=$(ls user/bin/*/*.c | wc -l)
out=$(mk user)
n_out=$(grep -cE -- "-o $B/user/bin/[A-Za-z0-9_]+\$" <<<"$out")
[ "$n_src" = "$n_out" ] && [ "$n_src" -gt 40 ] && ok "all $n_src programs in folders are linked" \
	|| bad "programs linked: $n_out, sources in folders: $n_src"

# 2. a flat user/bin/NAME.c (a branch from before the folders) still builds
printf 'int main(void) { return 0; }\n' >"$w/user/bin/zz_flat.c"
out=$(mk "$B/user/bin/zz_flat")
grep -q 'user/bin/zz_flat\.c -o ' <<<"$out" && grep -q -- "-o $B/user/bin/zz_flat\$" <<<"$out" \
	&& ok "flat user/bin/zz_flat.c builds as \$(BUILD)/user/bin/zz_flat" \
	|| bad "flat program: $(tail -3 <<<"$out")"

# 3. `// abi: lp64`, in a folder and flat: the soft-float library
for src in user/bin/tests/zz_sf.c user/bin/zz_sf2.c; do
	printf '// abi: lp64\nint main(void) { return 0; }\n' >"$w/$src"
	name=$(basename "$src" .c)
	out=$(mk "$B/user/bin/$name")
	if grep -q -- "-mabi=lp64 .*-c $src " <<<"$out" && grep -q "sf/libc.a -o $B/user/bin/$name\$" <<<"$out"; then
		ok "$src (// abi: lp64) builds for lp64 against user/sf/libc.a"
	else
		bad "$src soft float: $(tail -3 <<<"$out")"
	fi
done

# 4. `// needs: malloc`: left out until user/lib/malloc exists
printf '// needs: malloc\nint main(void) { return 0; }\n' >"$w/user/bin/tests/zz_malloc.c"
mk user | grep -q -- "-o $B/user/bin/zz_malloc\$" && ok "// needs: malloc: built with user/lib/malloc" \
	|| bad "// needs: malloc program not built although user/lib/malloc exists"
rm -rf "$w/user/lib/malloc"
out=$(mk user)
grep -q 'zz_malloc' <<<"$out" && bad "// needs: malloc program built without user/lib/malloc" \
	|| ok "// needs: malloc: left out without user/lib/malloc"
cp -r user/lib/malloc "$w/user/lib/"

# 5. two sources of one NAME: an error that names both
printf 'int main(void) { return 0; }\n' >"$w/user/bin/tests/hello.c"
out=$(mk "$B/user/bin/hello"); rc=$?
if [ "$rc" -ne 0 ] && grep -q 'user/bin/demos/hello\.c' <<<"$out" && grep -q 'user/bin/tests/hello\.c' <<<"$out"; then
	ok "a second hello.c stops the build, naming both sources"
else
	bad "duplicate name: rc $rc: $(tail -2 <<<"$out")"
fi

echo "$pass passed, $fail failed"
