#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/*_fuzz.cc) into build-fuzz/ with
# clang, ASan and UBSan, and runs each for SECONDS (default 5), one after the
# other, starting from the checked-in seeds (tests/fuzz/corpus/<target>/).
# New inputs go to build-fuzz/corpus/<target>/ (the seeds stay as they are);
# a crash leaves build-fuzz/artifacts/<target>-crash-* and fails the script.
# Usage: scripts/fuzz.sh [SECONDS]   env: FUZZ_TARGETS="time_fuzz ..." to pick,
#        FUZZ_ARGS="-runs=N ..." extra libFuzzer flags, FUZZ_BUILD_DIR (default build-fuzz),
#        FUZZ_CXXFLAGS extra compiler flags,
#        FUZZ_RUNS=N: the test command's mode, N inputs per target from a fixed seed,
#        starting from the checked-in seeds only, so its outcome does not depend on luck
#        or on what earlier runs found.
# Reproduce a crash: build-fuzz/tests/fuzz/<target> build-fuzz/artifacts/<file>
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-5}
out=${FUZZ_BUILD_DIR:-$top/build-fuzz}
"$top/scripts/deps.sh" fuzz
cmake -S "$top" -B "$out" -DACME_FUZZ=ON -DACME_BUILD_TESTS=OFF -DACME_WERROR=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
  -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_CXX_FLAGS="${FUZZ_CXXFLAGS:-}" >/dev/null
cmake --build "$out" --target fuzz_targets -j"$(nproc)"

# Longest input worth trying per target (a CA answer, a header, a date...).
declare -A max_len=([acme_resource_fuzz]=8192 [certificate_fuzz]=8192 [ocsp_fuzz]=4096
                    [http_header_fuzz]=1024 [time_fuzz]=128 [directive_fuzz]=1024
                    [store_record_fuzz]=4096 [etcd_gateway_fuzz]=4096)
targets=${FUZZ_TARGETS:-$(cd "$top/tests/fuzz" && ls ./*_fuzz.cc | sed 's|^\./||; s|\.cc$||')}
failed=()
mkdir -p "$out/artifacts"
for target in $targets; do
  seeds="$top/tests/fuzz/corpus/$target" work="$out/corpus/$target"
  args=(-max_total_time="$seconds" -max_len="${max_len[$target]:-4096}" -timeout=10
        -print_final_stats=1 -artifact_prefix="$out/artifacts/$target-")
  if [[ -n "${FUZZ_RUNS:-}" ]]; then
    work="$out/corpus-runs/$target"
    rm -rf "$work"
    args+=(-seed=1 -runs="$FUZZ_RUNS")
  fi
  mkdir -p "$work"
  dict="$top/tests/fuzz/$target.dict"
  [[ -f "$dict" ]] && args+=(-dict="$dict")
  echo "== $target ($seconds s)"
  log="$work.log"  # beside the corpus: a FUZZ_RUNS run never overwrites a long run's log
  # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
  if ! "$out/tests/fuzz/$target" "${args[@]}" ${FUZZ_ARGS:-} "$work" "$seeds" >"$log" 2>&1; then
    failed+=("$target")
    tail -n 60 "$log"
  fi
  # Final figures: stat:: lines, or in -fork mode the last "#N: cov: ... time: Ns" line.
  grep -E '^stat::(number_of_executed_units|average_exec_per_sec|peak_rss_mb)|^#[0-9]+:' \
    "$log" | tail -n 3 | tr '\n' ' ' || true
  echo
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: FAILED: ${failed[*]} (inputs in $out/artifacts/)" >&2
  exit 1
fi
echo "fuzz: all targets ran $seconds s without a crash"
