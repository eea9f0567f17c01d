#!/bin/sh
# Run the libFuzzer target on the COMTRADE parser.
#   scripts/fuzz-comtrade.sh BIN SEEDS DIR KIND RUNS
# KIND short: deterministic (-seed=1, fresh corpus, no ASLR), for `make test`;
# long: the corpus DIR/corpus is kept and grows. Prints one line
# "FUZZ fuzz_comtrade KIND: N executions in S s, no crash" and exits 0, or
# shows the end of the log and the crash file and exits 1.
set -eu
bin=$1 seeds=$2 dir=$3 kind=$4 runs=$5

mkdir -p "$dir/artifacts"
log=$dir/fuzz-$kind.log
if [ "$kind" = long ]; then
    corpus=$dir/corpus
    mkdir -p "$corpus"
    seed_opt=
else
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/med2-fuzz-comtrade.XXXXXX")
    trap 'rm -rf "$corpus"' EXIT
    seed_opt=-seed=1
fi
no_aslr=
if [ "$kind" != long ] && setarch "$(uname -m)" -R true 2>/dev/null; then
    no_aslr="setarch $(uname -m) -R"
fi
start=$(date +%s.%N)
status=0
# shellcheck disable=SC2086
$no_aslr "$bin" -runs="$runs" $seed_opt -reload=0 -max_len=2048 -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
end=$(date +%s.%N)
execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
if [ "$status" -ne 0 ] || grep -q "ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error" "$log"; then
    echo "FUZZ fuzz_comtrade $kind: FAILED (exit $status) — log $log" >&2
    tail -n 40 "$log" >&2
    ls -1 "$dir/artifacts" >&2 || true
    exit 1
fi
echo "$execs $start $end" | awk -v kind="$kind" \
    '{ printf "FUZZ fuzz_comtrade %s: %d executions in %.1f s, no crash\n", kind, $1, $3 - $2 }'
