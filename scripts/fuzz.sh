#!/usr/bin/env bash
# Coverage-guided fuzzing of Osprey's parsers and readers with libFuzzer (Swift's toolchain
# ships it) and AddressSanitizer. Harnesses: Sources/OspreyFuzzing; seeds: Fuzz/corpus/TARGET;
# inputs that once crashed a harness: Fuzz/crashes/TARGET (the unit tests replay both).
#
#   bash scripts/fuzz.sh [TARGET...] [--time SECONDS] [--runs N] [--jobs N]
#     TARGET: readers engine capture json trace (default: all)
#     --time: seconds per target (default 60); --runs: stop each after N executions instead
#   bash scripts/fuzz.sh --seeds      # rewrite Fuzz/corpus from the fixtures
#
# The working corpus grows in .build-fuzz/corpus/TARGET (seeds copied in); crashes found are
# written to .build-fuzz/artifacts/TARGET and make this script exit 1, with the file named.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=()
time=60
runs=""
seeds=0
while [ $# -gt 0 ]; do
  case "$1" in
    --time) time="$2"; shift 2 ;;
    --runs) runs="$2"; shift 2 ;;
    --seeds) seeds=1; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    readers|engine|capture|json|trace) targets+=("$1"); shift ;;
    *) echo "osprey fuzz: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(readers engine capture json trace)

runtime=$(ls -d "$(dirname "$(dirname "$(readlink -f "$(command -v swift)")")")"/lib/clang/*/lib/linux 2>/dev/null | head -1)
[ -f "$runtime/libclang_rt.fuzzer_no_main-x86_64.a" ] || { echo "osprey fuzz: libFuzzer (libclang_rt.fuzzer_no_main) not found in the Swift toolchain" >&2; exit 1; }
scratch=.build-fuzz
# The main package is a path dependency here: without --disable-build-manifest-caching a file
# removed from it leaves the cached build plan asking for that file.
echo "osprey fuzz: building the harnesses with coverage and AddressSanitizer" >&2
swift build --package-path Fuzz --scratch-path "$scratch/build" -c release --disable-build-manifest-caching \
  -Xswiftc -sanitize=address -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
  -Xlinker "$runtime/libclang_rt.fuzzer_no_main-x86_64.a" -Xlinker -lstdc++ 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] ' >&2
binary="$scratch/build/release/osprey-fuzz"

if [ $seeds = 1 ]; then
  rm -rf Fuzz/corpus
  ASAN_OPTIONS=detect_leaks=0 "$binary" seeds Fuzz/corpus
  echo "osprey fuzz: seeds written to Fuzz/corpus ($(find Fuzz/corpus -type f | wc -l) files, $(du -sh Fuzz/corpus | cut -f1))" >&2
  exit 0
fi

failed=0
for t in "${targets[@]}"; do
  corpus="$scratch/corpus/$t"
  artifacts="$scratch/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  cp -n Fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
  limit=(-max_total_time="$time")
  [ -n "$runs" ] && limit=(-runs="$runs")
  log="$scratch/$t.log"
  if [ -n "$runs" ]; then budget="$runs runs"; else budget="$time s"; fi
  echo "osprey fuzz: $t ($budget), corpus $corpus" >&2
  # -rss_limit_mb: a harness that allocates without bound is a finding too. No allocation stack
  # traces and a small quarantine: ASan bookkeeping was half of the time (perf).
  if SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:malloc_context_size=0:quarantine_size_mb=16 "$binary" "$t" "${limit[@]}" -rss_limit_mb=2048 -timeout=10 \
      -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1; then
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    seconds=$(grep -m1 'Done [0-9]* runs in' "$log" | awk '{print $5}')
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1)
    echo "osprey fuzz: $t: ${execs:-?} executions${seconds:+ in $seconds s}, ${cov:-cov ?}, no crash" >&2
  else
    failed=1
    echo "osprey fuzz: $t FOUND A PROBLEM (log: $log):" >&2
    grep -E 'ERROR|Fatal error|Test unit written|SUMMARY|precondition' "$log" | head -8 >&2 || tail -20 "$log" >&2
  fi
done
exit $failed
