#!/bin/sh
# Performance figures, one per line: BENCH <name> <value> <unit>.
#   scripts/bench.sh "VAR=value ..." BUILD_DIR
set -eu
env_assignments=$1
build=$2
rig=$build/bin/rig
# shellcheck disable=SC2086
export $env_assignments

now() { date +%s.%N; }

# --- sim_speed_1pos: virtual seconds per wall second, one unit metering ---
dir=$(mktemp -d /tmp/med2-bench.XXXXXX)
trap '"$rig" sim down --dir "$dir" >/dev/null 2>&1 || true; rm -rf "$dir"' EXIT
"$rig" sim up --dir "$dir" --units 1 --speed 0 >/dev/null
"$rig" source --dir "$dir" set 230 5 0 50 >/dev/null
"$rig" source --dir "$dir" on >/dev/null
virtual_s=3600
t0=$(now)
"$rig" sim advance --dir "$dir" "$virtual_s" >/dev/null
t1=$(now)
"$rig" source --dir "$dir" off >/dev/null
"$rig" sim down --dir "$dir" >/dev/null
echo "$virtual_s $t0 $t1" | awk '{ printf "BENCH sim_speed_1pos %.0f virtual_s_per_wall_s\n", $1 / ($3 - $2) }'

# --- firmware size of the Cortex-M4F link of the core ---
elf=$build/firmware/cm4f/med2.elf
# Berkeley format: flash holds text + initialised data, RAM data + bss
# (bss includes the stack the linker script reserves).
arm-none-eabi-size -B "$elf" | awk 'NR == 2 {
    printf "BENCH fw_flash_bytes %d bytes\nBENCH fw_ram_bytes %d bytes\n", $1 + $2, $2 + $3 }'
