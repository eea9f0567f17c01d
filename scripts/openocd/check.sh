#!/bin/sh
# check.sh — OpenOCD itself parses each of the meter's configurations: it
# reads the interface and target scripts, creates the target and stops
# before touching an adapter (-c shutdown). A configuration with a script
# OpenOCD cannot find must fail the same way, so the check can fail.
# usage: scripts/openocd/check.sh   (from the repository's top)
status=0
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT
for cfg in scripts/openocd/stm32g4.cfg scripts/openocd/stm32g4-stlink.cfg; do
    if openocd -f "$cfg" -c shutdown >"$tmp/log" 2>&1; then
        echo "openocd: $cfg parses"
    else
        echo "openocd: $cfg does not parse: $(grep -m1 Error "$tmp/log")" >&2
        status=1
    fi
done
sed 's/stm32g4x.cfg/stm32g4x-missing.cfg/' scripts/openocd/stm32g4.cfg >"$tmp/broken.cfg"
if openocd -f "$tmp/broken.cfg" -c shutdown >"$tmp/log" 2>&1; then
    echo "openocd: a configuration naming a missing target script parsed: the check proves nothing" >&2
    status=1
fi
exit $status
