#!/usr/bin/env bash
# A fuzzing campaign: every target built by build.sh runs for SECONDS
# (default 3600), JOBS targets at a time (default 1: in turn), new inputs kept
# in WORK (default build/fuzz-work), and one Markdown row per target:
# wall and CPU seconds, executions, rate, edges covered, corpus size, findings
# (crash-/leak-/timeout-/oom- files in WORK/findings). Never pause the
# fuzzers (SIGSTOP): libFuzzer's -timeout is wall time, so a pause of more
# than TIMEOUT seconds (default 10) ends every target with a false timeout
# finding. With many more JOBS than cores, raise TIMEOUT (e.g. 30): a target
# descheduled while ASan returns memory to the system can stall for seconds.
#   bash tests/fuzz/build.sh && bash tests/fuzz/campaign.sh 3600 [target...]
#   JOBS=11 TIMEOUT=30 nice -n 19 bash tests/fuzz/campaign.sh 7200   # all at once
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
seconds="${1:-3600}"
shift || true
out="${OUT:-$root/build/fuzz-out}"
work="${WORK:-$root/build/fuzz-work}"
mkdir -p "$work/findings"
targets=("$@")
if ((${#targets[@]} == 0)); then
  for binary in "$out"/fuzz_*; do
    [[ -x "$binary" && "$binary" != *.zip && "$binary" != *.dict ]] && targets+=("${binary##*/fuzz_}")
  done
fi
seeds() {  # the seed folder of a target (pair_deflate shares pair's)
  case "$1" in pair_deflate) echo pair ;; *) echo "$1" ;; esac
}
jobs="${JOBS:-1}"
timeout="${TIMEOUT:-10}"
run_target() {
  local target="$1"
  corpus="$work/corpus/$target"
  mkdir -p "$corpus"
  dictionary=()
  [[ -f "$out/fuzz_$target.dict" ]] && dictionary=("-dict=$out/fuzz_$target.dict")
  log="$work/$target.log"
  local started timer=()
  started=$(date +%s)
  [[ -x /usr/bin/time ]] && timer=(/usr/bin/time -f '%U %S' -o "$work/$target.time")
  "${timer[@]}" "$out/fuzz_$target" -max_total_time="$seconds" -max_len=8192 -timeout="$timeout" -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$work/findings/${target}-" "${dictionary[@]}" \
    "$corpus" "$here/corpus/$(seeds "$target")" >"$log" 2>&1
  executions=$(grep -a 'stat::number_of_executed_units' "$log" | awk '{print $2}')
  rate=$(grep -a 'stat::average_exec_per_sec' "$log" | awk '{print $2}')
  last=$(grep -aE '^#[0-9]+' "$log" | tail -1)
  cov=$(sed -nE 's/.*cov: ([0-9]+).*/\1/p' <<<"$last")
  ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
  corp=$(sed -nE 's/.*corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/p' <<<"$last")
  findings=$(find "$work/findings" -name "${target}-*" | wc -l)
  wall=$(($(date +%s) - started))
  cpu=$(tail -n 1 "$work/$target.time" 2>/dev/null | awk '{printf "%d", $1 + $2}')  # after any exit-status line
  echo "| $target | $wall | ${cpu:-?} | ${executions:-?} | ${rate:-?} | ${cov:-?} | ${ft:-?} | ${corp:-?} | $findings |" \
    >"$work/$target.row"
}
echo "| target | wall s | CPU s | executions | exec/s | edges (cov) | features (ft) | corpus | findings |"
echo "|---|---|---|---|---|---|---|---|---|"
running=0
for target in "${targets[@]}"; do
  if ((running >= jobs)); then wait -n; running=$((running - 1)); fi
  run_target "$target" &
  running=$((running + 1))
done
wait
for target in "${targets[@]}"; do cat "$work/$target.row"; done
