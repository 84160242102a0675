#!/usr/bin/env bash
# The kernel's seams (DESIGN.md, "Layers and who may call whom"), checked in
# the source:
#   - only pmap knows the page-table format: no file of src/kernel but
#     pmap.[ch] names a PTE bit or one of pmap's slot-level helpers (they
#     handle PTE pointers, which never leave pmap);
#   - replacement policies stand behind replace.h alone: only the policy
#     files include replace_impl.h, and no code compares a policy's ops or
#     its function pointers to pick a shortcut.
# SEAMS_ROOT (default: the repository) lets the test run on a copy.
set -u
cd "${SEAMS_ROOT:-$(dirname "$0")/../..}"
pass=0; fail=0
ok() { echo "ok   $1"; pass=$((pass + 1)); }
bad() { echo "FAIL $1"; fail=$((fail + 1)); }

PMAP_PRIVATE='PTE_[A-Z]|pmap_walk\b|pmap_walk_tables|pmap_cached_slot|pmap_user_slot_|pmap_slot_frame|pmap_clear_leaf|pmap_test_clear_slot|wc_table'
hits=$(grep -nE "$PMAP_PRIVATE" src/kernel/*.[ch] | grep -v '^src/kernel/pmap\.[ch]:')
[ -z "$hits" ] && ok "no PTE bit or PTE pointer outside pmap in src/kernel" || bad "pmap's format outside pmap: $hits"

hits=$(grep -rn --include='*.[ch]' '#include "replace_impl.h"' src tests bench | grep -v '^src/kernel/replace_[a-z]*\.c:')
[ -z "$hits" ] && ok "replace_impl.h is included by the policy files only" || bad "replace_impl.h outside the policies: $hits"

hits=$(grep -nE 'ops *== *&repl_|ops->[a-z_]+ *==|== *&?(rq_[a-z_]+|kernel_clock_test)\b|test_and_clear_ref *==' src/kernel/*.[ch] src/tools/*.c)
[ -z "$hits" ] && ok "no function-pointer comparison picks a policy's internals" || bad "policy shortcut: $hits"

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
