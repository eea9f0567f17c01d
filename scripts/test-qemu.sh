#!/bin/sh
# The suites with every position of every simulated bench on QEMU
# (boards/mps2-an386, RIG_SIM_BOARD=qemu), then the figures
# qemu_tests_passing and qemu_tests_total over all of them.
#   scripts/test-qemu.sh "VAR=value ..." BUILD_DIR SUITE...
# The eol suite runs one test at a time: its defect rack alone is twelve
# QEMU instances.
set -u
env_assignments=$1
build=$2
shift 2
# shellcheck disable=SC2086
export $env_assignments
passing=0
total=0
status=0
log=$(mktemp /tmp/med2-test-qemu.XXXXXX)
trap 'rm -f "$log"' EXIT
for suite in "$@"; do
    jobs=2
    [ "$suite" = eol ] && jobs=1
    echo "== $suite on QEMU"
    "$build/suites/$suite" --jobs "$jobs" >"$log" 2>&1 || status=1
    grep -v '^eol:' "$log"
    # "[====] Synthesis: Tested: N | Passing: P | Failing: F | Crashing: C"
    line=$(grep 'Synthesis: Tested:' "$log" | tail -1)
    if [ -z "$line" ]; then
        echo "test-qemu: $suite gave no synthesis line (it did not finish)" >&2
        status=1
        continue
    fi
    n=$(echo "$line" | sed 's/.*Tested: \([0-9]*\).*/\1/')
    p=$(echo "$line" | sed 's/.*Passing: \([0-9]*\).*/\1/')
    total=$((total + n))
    passing=$((passing + p))
done
echo "BENCH qemu_tests_passing $passing tests"
echo "BENCH qemu_tests_total $total tests"
exit $status
