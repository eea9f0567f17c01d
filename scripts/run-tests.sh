#!/bin/sh
# Run Criterion test binaries one after another with the given environment,
# show their output, and close with one combined synthesis line (Criterion's
# format) so the last summary printed covers every binary.
#
#   scripts/run-tests.sh "VAR=value VAR2=value" bin1 bin2 ...
set -u
env_assignments=$1
shift

tested=0 passing=0 failing=0 crashing=0 broken=""
for bin in "$@"; do
    echo "==> $bin"
    out=$(mktemp)
    # shellcheck disable=SC2086
    env $env_assignments "$bin" --jobs "${TEST_JOBS:-2}" >"$out" 2>&1
    status=$?
    cat "$out"
    line=$(grep -a "Synthesis: Tested:" "$out" | tail -n 1)
    rm -f "$out"
    if [ -z "$line" ]; then
        broken="$broken $bin(exit $status, no synthesis)"
        continue
    fi
    t=$(echo "$line" | sed -n 's/.*Tested: *\([0-9]*\).*/\1/p')
    p=$(echo "$line" | sed -n 's/.*Passing: *\([0-9]*\).*/\1/p')
    f=$(echo "$line" | sed -n 's/.*Failing: *\([0-9]*\).*/\1/p')
    c=$(echo "$line" | sed -n 's/.*Crashing: *\([0-9]*\).*/\1/p')
    tested=$((tested + t)) passing=$((passing + p)) failing=$((failing + f)) crashing=$((crashing + c))
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ] && [ "$c" -eq 0 ]; then
        broken="$broken $bin(exit $status)"
    fi
done

if [ -n "$broken" ]; then
    echo "test binaries that failed outside their tests:$broken"
fi
echo "[====] Synthesis: Tested: $tested | Passing: $passing | Failing: $failing | Crashing: $crashing"
[ "$failing" -eq 0 ] && [ "$crashing" -eq 0 ] && [ -z "$broken" ]
