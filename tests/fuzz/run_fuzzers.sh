#!/usr/bin/env bash
# Runs each libFuzzer target of an `asan` build (clang 14, ASan + UBSan) for a
# bounded time and fails on any crash, hang (an input taking over 10 s),
# memory blow-up (over 2 GiB), leak or sanitizer report.
#
# Seed corpora: the shipped scenarios, the test scenarios and the regression
# inputs for fuzz_scenario; for fuzz_run_file, small run files of every store
# level and a posterior file, written here by the same build's innosim, and
# the regression inputs. New corpus entries go to a temporary folder that is
# removed afterwards; a crashing input is copied to ARTIFACT_DIR (default: a
# kept temporary folder, printed) — it belongs in tests/fuzz/regressions/
# with its fix (docs/reliability.md).
#
#   tests/fuzz/run_fuzzers.sh BUILD_DIR SECONDS_PER_TARGET [ARTIFACT_DIR]
#
# libFuzzer's seed is fixed (-seed=1) so that a run on the same code explores
# the same inputs; set INNOSIM_FUZZ_SEED to explore others.
set -euo pipefail
build=${1:?usage: run_fuzzers.sh BUILD_DIR SECONDS [ARTIFACT_DIR]}
seconds=${2:?usage: run_fuzzers.sh BUILD_DIR SECONDS [ARTIFACT_DIR]}
build=$(cd "$build" && pwd)
src=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/innosim-fuzz.XXXXXX")
artifacts=${3:-}
if [ -z "$artifacts" ]; then
  artifacts=$(mktemp -d "${TMPDIR:-/tmp}/innosim-fuzz-artifacts.XXXXXX")
fi
mkdir -p "$artifacts"
trap 'rm -rf "$work"; rmdir "$artifacts" 2> /dev/null || true' EXIT
# Leaks inside libraries, not innosim's (the file says which and why).
export LSAN_OPTIONS=suppressions=$src/tests/fuzz/lsan.supp:print_suppressions=0

# The run-file seeds: one small run per store level and a posterior file.
innosim=$build/bin/innosim
seeds=$work/run_file_seeds
mkdir -p "$seeds" "$work/scenario" "$work/run_file"
for level in summary targets parameters trajectories; do
  "$innosim" run "$src/tests/data/e2e/exp.toml" -n 40 -q --threads 1 --store "$level" \
    -o "$seeds/exp-$level.h5" > /dev/null
done
"$innosim" calibrate "$src/tests/data/calibrate/growth.toml" --observations \
  "$src/tests/data/calibrate/growth-observed.toml" -n 40 --max-sweeps 2 -q --threads 1 \
  -o "$seeds/growth.posterior.h5" > /dev/null

# Where a failure happened: the innermost frame of the report's first stack
# trace outside the sanitizer and libFuzzer runtimes ("innosim" or "hdf5").
# HDF5 1.10 (Debian 12) itself can fail on a damaged file — a huge allocation
# or a memory error inside the library while it opens or parses the file —
# with no innosim code on top of the stack; such inputs are kept apart and
# counted, and fuzzing goes on. Every other failure fails the run.
failure_site() {
  awk '/^ *#[0-9]+ /{
         if ($0 ~ / in (__sanitizer|__asan|__lsan|__ubsan|__interceptor|fuzzer::|malloc|calloc|realloc|free|operator new|operator delete|memcpy|memmove|memset|strlen|__libc_start)/) next
         if ($0 ~ /\(\/lib\/x86_64-linux-gnu\/libc\.so/) next
         if ($0 ~ /libhdf5/) print "hdf5"; else print "innosim"; found = 1; exit
       }
       END { if (!found) print "innosim" }' "$1"
}

status=0
for target in scenario run_file; do
  if [ "$target" = scenario ]; then
    corpus=("$src/scenarios" "$src/tests/data" "$src/tests/fuzz/regressions/scenario")
  else
    corpus=("$seeds" "$src/tests/fuzz/regressions/run_file")
  fi
  existing=()
  for d in "${corpus[@]}"; do [ -d "$d" ] && existing+=("$d"); done
  echo "fuzz_$target: ${seconds} s"
  start=$SECONDS
  runs=0
  library=0
  while :; do
    left=$((seconds - (SECONDS - start)))
    [ "$left" -ge 5 ] || break
    runs=$((runs + 1))
    mkdir -p "$work/new-$runs"
    if (cd "$work" && "$build/tests/fuzz/fuzz_$target" "$work/$target" "${existing[@]}" \
        -seed=$((${INNOSIM_FUZZ_SEED:-1} + runs - 1)) -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -artifact_prefix="$work/new-$runs/" -print_final_stats=1) > "$work/$target.log" 2>&1; then
      grep -E '^(stat::number_of_executed_units|stat::new_units_added|stat::peak_rss_mb|Done)' "$work/$target.log" || true
      break
    fi
    if [ "$(failure_site "$work/$target.log")" = hdf5 ] && [ "$library" -lt 20 ]; then
      library=$((library + 1))
      mkdir -p "$artifacts/hdf5"
      for f in "$work/new-$runs"/*; do [ -e "$f" ] && cp "$f" "$artifacts/hdf5/$target-$(basename "$f")"; done
      what=$(grep -m1 -E 'ERROR: (AddressSanitizer|libFuzzer|LeakSanitizer)|runtime error' "$work/$target.log" || true)
      echo "fuzz_$target: inside HDF5, not innosim (input kept in $artifacts/hdf5): $what"
      continue
    fi
    tail -n 80 "$work/$target.log"
    for f in "$work/new-$runs"/*; do [ -e "$f" ] && cp "$f" "$artifacts/$target-$(basename "$f")"; done
    echo "fuzz_$target failed; the input it failed on is in $artifacts" >&2
    status=1
    break
  done
  echo "fuzz_$target: $library failure(s) inside HDF5 on damaged files"
done
exit $status
