#!/bin/sh
# Run Criterion test binaries one after another with the given environment,
# show their output, and close with one combined synthesis line (Criterion's
# format) so the last summary printed covers every binary.
#
#   scripts/run-tests.sh "VAR=value VAR2=value" bin1 bin2 ...
#
# A skipped test fails the run (Criterion leaves skips out of its counts, so
# a run without the bench environment would look green) unless the skip is
# declared expected in $EXPECTED_SKIPS (default scripts/expected-skips): one
# "suite::test" per line, with the reason after it.
set -u
expected_skips=${EXPECTED_SKIPS:-$(dirname "$0")/expected-skips}
env_assignments=$1
shift

tested=0 passing=0 failing=0 crashing=0 broken="" skipped=0 unexpected=""
for bin in "$@"; do
    echo "==> $bin"
    out=$(mktemp)
    tap=$(mktemp)
    # shellcheck disable=SC2086
    env $env_assignments "$bin" --jobs "${TEST_JOBS:-2}" --tap="$tap" >"$out" 2>&1
    status=$?
    cat "$out"
    line=$(grep -a "Synthesis: Tested:" "$out" | tail -n 1)
    # the TAP report lists every skip; the console only sometimes does
    for test in $(sed -n 's/^ok - \([^ ]*\) .*# SKIP.*/\1/p' "$tap"); do
        skipped=$((skipped + 1))
        if ! grep -q "^$test\b" "$expected_skips" 2>/dev/null; then
            unexpected="$unexpected $test"
        fi
    done
    rm -f "$out" "$tap"
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
if [ -n "$unexpected" ]; then
    echo "skipped, and not declared expected in $expected_skips:$unexpected"
fi
echo "[====] Skipped: $skipped ($(echo "$unexpected" | wc -w) not declared expected)"
echo "[====] Synthesis: Tested: $tested | Passing: $passing | Failing: $failing | Crashing: $crashing"
[ "$failing" -eq 0 ] && [ "$crashing" -eq 0 ] && [ -z "$broken" ] && [ -z "$unexpected" ]
