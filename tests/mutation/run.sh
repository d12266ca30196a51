#!/usr/bin/env bash
# Mutation check: is every rule in include/tether guarded by a test that fails
# without it? Each mutation in mutations.txt removes or inverts one rule check;
# the fast unit+conformance tests (tether_tests, tether_deflate_tests — no fuzz
# replays, no interop) must fail with it.
#
#   bash tests/mutation/run.sh                 every mutation
#   bash tests/mutation/run.sh --subset        every third mutation (quick look)
#   bash tests/mutation/run.sh --only WORD     the mutations whose rule or file holds WORD
#   bash tests/mutation/run.sh --list          list the mutations, run nothing
#
# How: mutate.py writes a copy of the tree (build/mutation/src) where every
# mutation is compiled in behind a run-time switch (a mutant schema), so one
# build (g++ -O1, no sanitizers, ccache when installed) serves all mutants;
# each test run picks its mutant with TETHER_MUTANT=<id>. The working tree is
# never touched. Prints the survivors as file:line and ends with the line
# "mutation: K/N killed". Exits 1 when a mutation survives that mutations.txt
# does not list as a deliberate survivor, or when a listed one is killed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work="$root/build/mutation"
mutations="$here/mutations.txt"
jobs=${TETHER_MUTATION_JOBS:-2}

mode=all
filter=""
while (($#)); do
  case $1 in
    --subset) mode=subset ;;
    --only) mode=only; filter=$2; shift ;;
    --list) python3 "$here/mutate.py" list "$mutations"; exit 0 ;;
    *) echo "usage: run.sh [--subset | --only WORD | --list]" >&2; exit 2 ;;
  esac
  shift
done

start=$(date +%s)
# 1. The copy: sources synced (unchanged files keep their times, so the build
#    is incremental), then the mutated headers written over the copy.
mkdir -p "$work/src"
cp "$mutations" "$work/mutations.txt"  # the list this run builds and reports, whatever happens to the file meanwhile
mutations="$work/mutations.txt"
python3 "$here/mutate.py" apply "$mutations" "$root" "$work/src"
# A syntax check of every mutated header first: seconds, not a whole build, to
# learn that a find or replace does not make C++.
(cd "$work/src/include" && find tether -name '*.hpp' ! -path 'tether/io/*' ! -name openssl.hpp | sort |
  sed 's/.*/#include <&>/') >"$work/all_headers.cpp"
g++ -std=c++17 -fsyntax-only -w -I"$work/src/include" "$work/all_headers.cpp" ||
  { echo "mutation: a mutated header does not compile (see above)" >&2; exit 1; }

# 2. One build of the two fast test binaries.
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
if [[ ! -f $work/build/CMakeCache.txt ]]; then
  cmake -S "$work/src" -B "$work/build" -G "Unix Makefiles" "${launcher[@]}" \
    -DCMAKE_CXX_COMPILER=g++ -DCMAKE_BUILD_TYPE=None -DCMAKE_CXX_STANDARD=17 \
    -DCMAKE_CXX_FLAGS="-O1 -w" -DTETHER_WERROR=OFF -DTETHER_BUILD_EXAMPLES=OFF \
    -DTETHER_INSTALL=OFF >"$work/configure.log" 2>&1 || { cat "$work/configure.log"; exit 1; }
fi
binaries=(tether_tests)
targets=$(cmake --build "$work/build" --target help)
if grep -qw tether_deflate_tests <<<"$targets"; then
  binaries+=(tether_deflate_tests)
fi
nice -n 10 cmake --build "$work/build" -j"$jobs" --target "${binaries[@]}" >"$work/build.log" 2>&1 ||
  { tail -50 "$work/build.log"; echo "mutation: the mutant build failed (log: $work/build.log)" >&2; exit 1; }
built=$(date +%s)

# 3. The original code must pass, and gives the time budget per mutant.
run_tests() {  # run_tests ID [FILE]: 0 when every binary passes with mutant ID
  local binary order=("${binaries[@]}")
  # A mutant in the permessage-deflate code meets its own tests first.
  if [[ ${2:-} == include/tether/deflate/* ]]; then order=(); for binary in "${binaries[@]}"; do order=("$binary" "${order[@]}"); done; fi
  for binary in "${order[@]}"; do
    TETHER_MUTANT=$1 timeout "$budget" "$work/build/tests/$binary" --abort >/dev/null 2>&1 || return 1
  done
}
budget=600
t0=$(date +%s%N)
if ! run_tests 0; then
  echo "mutation: the tests fail without any mutation; fix them first" >&2
  exit 1
fi
baseline_ms=$((($(date +%s%N) - t0) / 1000000))
# A mutant that makes the tests hang is killed by the timeout (counted killed).
budget=$((baseline_ms * 5 / 1000 + 10))

# 4. Every mutant, $jobs at a time.
python3 "$here/mutate.py" list "$mutations" "$root" >"$work/list.tsv"
selected="$work/selected.tsv"
case $mode in
  all) cp "$work/list.tsv" "$selected" ;;
  subset) awk -F'\t' '$1 % 3 == 1' "$work/list.tsv" >"$selected" ;;
  only) awk -F'\t' -v w="$filter" 'index($2, w) || index($3, w)' "$work/list.tsv" >"$selected" ;;
esac
export -f run_tests
export work budget
export binaries_list="${binaries[*]}"
cut -f1,2 "$selected" | tr '\t' ' ' | xargs -P "$jobs" -L1 bash -c '
  exec 2>/dev/null  # a mutant that crashes is killed; the shell need not say "Segmentation fault"
  read -r -a binaries <<<"$binaries_list"
  if run_tests "$1" "${2%%:*}"; then echo "$1 survived"; else echo "$1 killed"; fi' mutant >"$work/results.txt"

# 5. The report.
end=$(date +%s)
echo "(build $((built - start)) s, mutants $((end - built)) s, one unmutated run $baseline_ms ms)"
status=0
python3 - "$selected" "$work/results.txt" <<'EOF' || status=$?
import sys
rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    number, where, rule, reason = line.rstrip("\n").split("\t")
    rows[number] = (where, rule, reason)
outcome = dict(line.split() for line in open(sys.argv[2]))
killed = [n for n in rows if outcome.get(n) == "killed"]
unexpected, deliberate, stale = [], [], []
for n, (where, rule, reason) in rows.items():
    if outcome.get(n) != "killed":
        (deliberate if reason else unexpected).append(n)
    elif reason:
        stale.append(n)
for n in unexpected:
    where, rule, _ = rows[n]
    print(f"survived: {where}  {rule}  (mutant {n})")
for n in deliberate:
    where, rule, reason = rows[n]
    print(f"survived (deliberate): {where}  {rule}: {reason}")
for n in stale:
    where, rule, _ = rows[n]
    print(f"killed although listed as a survivor: {where}  {rule} (mutant {n}): drop its 'survives:'")
print(f"mutation: {len(killed)}/{len(rows)} killed")
sys.exit(1 if unexpected or stale else 0)
EOF
exit $status
