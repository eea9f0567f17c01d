#!/bin/sh
# Run the libFuzzer target on the meter's Modbus frame handler.
#   scripts/fuzz.sh BIN SEEDS FUZZ_DIR KIND RUNS SECONDS [NAME [MAX_LEN]]
# KIND short: deterministic (-seed=1, a fresh corpus from the seeds), for
#             `make test`; long: the kept corpus FUZZ_DIR/corpus grows run
#             after run (`make fuzz`). RUNS -1 = no limit; SECONDS 0 = no limit.
# Prints one line "FUZZ fuzz_mb_frame KIND: N executions in S s, no crash"
# and exits 0, or shows the end of the log and the crash file and exits 1.
set -eu
bin=$1 seeds=$2 dir=$3 kind=$4 runs=$5 seconds=$6
name=${7:-fuzz_mb_frame} max_len=${8:-512}

mkdir -p "$dir/artifacts"
log=$dir/fuzz-$kind.log
if [ "$kind" = long ]; then
    corpus=$dir/corpus
    mkdir -p "$corpus"
    seed_opt=
else
    corpus=$(mktemp -d "${TMPDIR:-/tmp}/med2-fuzz.XXXXXX")
    trap 'rm -rf "$corpus"' EXIT
    seed_opt=-seed=1
fi
# Address-space randomisation makes libFuzzer's comparison tracing, and so
# its mutations, differ from run to run; without it a short run is
# repeatable exactly (same seed, same executions, same corpus).
no_aslr=
if [ "$kind" != long ] && setarch "$(uname -m)" -R true 2>/dev/null; then
    no_aslr="setarch $(uname -m) -R"
fi
time_opt=
if [ "$seconds" -gt 0 ]; then
    time_opt=-max_total_time=$seconds
fi

start=$(date +%s.%N)
status=0
# shellcheck disable=SC2086
$no_aslr "$bin" -runs="$runs" $time_opt $seed_opt -reload=0 -max_len="$max_len" -print_final_stats=1 \
    -artifact_prefix="$dir/artifacts/" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
end=$(date +%s.%N)

execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -n 1)
if [ "$status" -ne 0 ] || grep -q "ERROR: libFuzzer\|ERROR: AddressSanitizer\|runtime error" "$log"; then
    echo "FUZZ $name $kind: FAILED (exit $status) — log $log" >&2
    tail -n 40 "$log" >&2
    ls -1 "$dir/artifacts" >&2 || true
    exit 1
fi
echo "$execs $start $end" | awk -v kind="$kind" -v name="$name" \
    '{ printf "FUZZ %s %s: %d executions in %.1f s, no crash\n", name, kind, $1, $3 - $2 }'
