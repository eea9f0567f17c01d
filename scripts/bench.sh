#!/bin/sh
# Performance figures, one per line: BENCH <name> <value> <unit>.
#   scripts/bench.sh "VAR=value ..." BUILD_DIR
# FUZZ_BENCH_SECONDS (default 60): length of the fuzz run behind fuzz_execs.
set -eu
env_assignments=$1
build=$2
rig=$build/bin/rig
# shellcheck disable=SC2086
export $env_assignments

now() { date +%s.%N; }

# --- sim_speed_1pos: virtual seconds per wall second, one unit metering ---
dir=$(mktemp -d /tmp/med2-bench.XXXXXX)
day_dir=$(mktemp -d /tmp/med2-bench.XXXXXX)
cleanup() {
    for d in "$dir" "$day_dir"; do
        "$rig" sim down --dir "$d" >/dev/null 2>&1 || true
        rm -rf "$d"
    done
}
trap cleanup EXIT
"$rig" sim up --dir "$dir" --units 1 --speed 0 >/dev/null
"$rig" source --dir "$dir" set 230 5 0 50 >/dev/null
"$rig" source --dir "$dir" on >/dev/null
virtual_s=3600
# three hours, one at a time: the median hour, so one slow start does not
# stand for the bench
rates=""
for run in 1 2 3; do
    t0=$(now)
    "$rig" sim advance --dir "$dir" "$virtual_s" >/dev/null
    t1=$(now)
    rates="$rates $(echo "$virtual_s $t0 $t1" | awk '{ printf "%.0f", $1 / ($3 - $2) }')"
done
"$rig" source --dir "$dir" off >/dev/null
"$rig" sim down --dir "$dir" >/dev/null
echo $rates | tr ' ' '\n' | sort -n | sed -n 2p | awk '{ printf "BENCH sim_speed_1pos %d virtual_s_per_wall_s\n", $1 }'

# --- tariff_day_wall_s: one metered day on one position, with the manual's
# tariff schedule switching sub-tariffs through it ---
"$rig" sim up --dir "$day_dir" --units 1 --speed 0 >/dev/null
"$rig" write --dir "$day_dir" tariff_2 2 hour_2 2 tariff_3 3 hour_3 4 tariff_4 4 hour_4 5 \
    tariff_5 2 hour_5 8 minute_5 30 tariff_6 4 hour_6 9 tariff_7 1 hour_7 11 \
    tariff_8 2 hour_8 15 tariff_9 4 hour_9 19 minute_9 30 tariff_10 3 hour_10 22 >/dev/null
"$rig" source --dir "$day_dir" set 230 10 0 50 >/dev/null
"$rig" source --dir "$day_dir" on >/dev/null
t0=$(now)
"$rig" sim advance --dir "$day_dir" 86400 >/dev/null
t1=$(now)
"$rig" source --dir "$day_dir" off >/dev/null
"$rig" sim down --dir "$day_dir" >/dev/null
echo "$t0 $t1" | awk '{ printf "BENCH tariff_day_wall_s %.2f s\n", $2 - $1 }'

# --- energy_day_error_ratio: calibrated units' energy registers against the
# source's reference energy over a simulated day of varying load, power
# factor and harmonics, in fractions of the class C limit (rig/perf/energy_day.c) ---
"$build/rig/perf/energy_day" --bench fixtures/benches/sim.ini 2>/dev/null ||
    echo "bench: energy_day failed (run it alone to see why)" >&2

# field replay: a day's CSV profile, a COMTRADE recording on the AFE, A/B of one revision
"$build/rig/perf/replay_bench" --bench fixtures/benches/sim.ini 2>/dev/null ||
    echo "bench: replay_bench failed (run it alone to see why)" >&2
replay_dir=$(mktemp -d /tmp/med2-bench.XXXXXX)
"$build/rig/perf/replay_bench" --day-profile "$replay_dir/day.csv"
"$rig" sim up --dir "$replay_dir/b" --units 1 --speed 0 >/dev/null
t0=$(now)
"$rig" replay --dir "$replay_dir/b" --every 600 --limit 100 "$replay_dir/day.csv" >/dev/null ||
    echo "bench: the day's replay failed" >&2
t1=$(now)
"$rig" sim down --dir "$replay_dir/b" >/dev/null
rm -rf "$replay_dir"
echo "$t0 $t1" | awk '{ printf "BENCH replay_day_wall_s %.1f s\n", $2 - $1 }'

# --- metrology_instr_per_sample: host instructions per ADC sample of
# meter_on_samples (metrology with calibration, THD, energy, both pulse
# outputs): callgrind's inclusive cost of meter_on_samples over N samples,
# divided by N (firmware/tools/metrology_cost.c) ---
cg_n=400000
cg_out=$(mktemp /tmp/med2-callgrind.XXXXXX)
valgrind --tool=callgrind --callgrind-out-file="$cg_out" "$build/firmware/tools/metrology_cost" "$cg_n" >/dev/null 2>&1
callgrind_annotate --inclusive=yes "$cg_out" 2>/dev/null | awk -v n="$cg_n" '/:meter_on_samples / { gsub(",", "", $1); printf "BENCH metrology_instr_per_sample %.1f instructions\n", $1 / n; exit }'
rm -f "$cg_out"

# --- firmware size of the MCU image (the core on the STM32G4 board) ---
elf=$build/firmware/cm4f/med2.elf
# Berkeley format: flash holds text + initialised data, RAM data + bss
# (bss includes the stack the linker script reserves).
arm-none-eabi-size -B "$elf" | awk 'NR == 2 {
    printf "BENCH fw_flash_bytes %d bytes\nBENCH fw_ram_bytes %d bytes\n", $1 + $2, $2 + $3 }'

# --- Modbus: the firmware's cost per request — callgrind's inclusive count
# of the core's request path (meter_on_uart_rx + meter_on_uart_idle) for a
# 20-register read of the runtime block and a 125-register read of the
# energy block, divided by the requests (firmware/tools/modbus_cost.c); and
# the transactions of a whole-map read (rig/perf/modbus_map.c) ---
mb_n=20000
for req in "20 0" "125 300"; do
    set -- $req
    cg_out=$(mktemp /tmp/med2-callgrind.XXXXXX)
    valgrind --tool=callgrind --callgrind-out-file="$cg_out" \
        "$build/firmware/tools/modbus_cost" "$1" "$2" "$mb_n" >/dev/null 2>&1
    callgrind_annotate --inclusive=yes "$cg_out" 2>/dev/null | awk -v n="$mb_n" -v regs="$1" '
        /:meter_on_uart_rx / || /:meter_on_uart_idle / { gsub(",", "", $1); sum += $1 }
        END { printf "BENCH modbus_request_instr_%sregs %.0f instructions\n", regs, sum / n }'
    rm -f "$cg_out"
done
"$build/rig/perf/modbus_map" --bench fixtures/benches/sim.ini

# --- max_error_ratio, max_reactive_error_ratio: max |error| / limit over the
# class C load points and the IEC 62053-23 class 2 reactive points on 20
# calibrated simulated units (rig/perf/accuracy.c; the per-point spread
# goes to stderr) ---
"$build/rig/perf/accuracy" --bench fixtures/benches/mid-20.ini ||
    echo "bench: accuracy: the 20-position bench failed (the line above says why)" >&2

# --- EOL: the whole end-of-line job (flash, calibrate, verify, identify,
# seal, certificates) on a 20-position simulated rack (rig/perf/eol_bench.c):
# eol_wall_s_20pos (wall seconds) and eol_plan_virtual_s (bench seconds =
# what the same plan takes on a real bench) ---
"$build/rig/perf/eol_bench" --bench fixtures/benches/eol-20.ini 2>/dev/null ||
    echo "bench: eol_bench: a position of the 20-position rack failed: no figures (run it alone to see why)" >&2

# --- defect_classes, defect_coverage: a rack with one injected factory
# defect per position (and two good units) through the EOL: defective units
# rejected with a reason naming their defect, never sealed
# (rig/perf/defect_coverage.c). false_reject_count has its own target,
# make false-rejects (1000 good units, ~5 min). ---
"$build/rig/perf/defect_coverage" 2>&1 | grep -v '^eol:' | grep -v '^defect_coverage:' ||
    echo "bench: defect_coverage: a defect was missed or a good unit rejected (run it alone)" >&2

# --- parallel_clients_errors: 8 clients reading one bench for 30 s, each
# waiting for the bench's lock (rig/perf/parallel_clients.c); health_plan_s:
# bench time of rig health on the 20-position rack (rig/perf/health_bench.c) ---
"$build/rig/perf/parallel_clients" --clients 8 --seconds 30 2>/dev/null ||
    echo "bench: parallel_clients: errors (run it alone to see them)" >&2
"$build/rig/perf/health_bench" --bench fixtures/benches/eol-20.ini ||
    echo "bench: health_bench: the rack is not fit (the line above says why)" >&2

# --- fuzz_execs: executions of a fuzz run on the Modbus frame handler that
# found no crash. `make fuzz` runs the long one (FUZZ_SECONDS, 600 s by
# default, >= 10 000 000 executions); this is a shorter run of the same
# target, from the seeds, so the unit says how long it ran. ---
fuzz_s=${FUZZ_BENCH_SECONDS:-60}
line=$(scripts/fuzz.sh "$build/fuzz/fuzz_mb_frame" "$build/fuzz/seeds" "$build/fuzz" bench -1 "$fuzz_s")
echo "$line" | awk -v s="$fuzz_s" '{ printf "BENCH fuzz_execs %d executions_without_crash_in_%ss\n", $4, s }'

# --- db_concurrent_writers_lost, db_concurrent_writers_rows: 8 writer
# processes (a rack's runners) each writing 5000 records with a unique
# (writer, seq) into one PostgreSQL records database, on a throwaway server
# it starts itself (rig/tests/pg_tmp.h); rows lost or duplicated, goal 0
# (rig/perf/db_writers.c) ---
"$build/rig/perf/db_writers" --writers 8 --records 5000 ||
    echo "bench: db_writers: rows lost or duplicated, or no server (the lines above say which)" >&2

# --- ui_menu_leaves_checked, ui_menu_leaves_total, ocr_agreement: the ui
# suite's walk of every page of every model (suites/ui, docs/ui.md): leaves
# reached and checked against Modbus (or the unit's identity, the map's
# defaults, an action's effect), the leaves of the manual's tree as the suite
# counts them from the manual and the capability table, and the pages the
# OCR (ssocr on benchd's picture) read as the frame shows them ---
ui_figures=$(mktemp /tmp/med2-bench-ui.XXXXXX)
RIG_UI_FIGURES=$ui_figures "$build/suites/ui" --filter 'ui/every_page*' >/dev/null 2>&1 ||
    echo "bench: ui: the walk of every page failed (run $build/suites/ui to see why)" >&2
cat "$ui_figures"
rm -f "$ui_figures"

# --- error_calc_agreement: the error calculator (meter pulses gated against
# the reference standard's pulses, interpolated by timestamp) against the
# exact error from the simulated reference's exact integral over each gate,
# over the class C active load points, in percent of each point's limit;
# goal <= 0.02 (rig/perf/error_calc.c) ---
"$build/rig/perf/error_calc" --bench fixtures/benches/sim.ini 2>/dev/null ||
    echo "bench: error_calc failed (run it alone to see why)" >&2

# --- power_cuts_corrupt, hard_cut_max_loss_wh, warned_cut_loss_wh,
# holdup_used_ratio: 1000 random hard cuts and 50 warned cuts of one unit's
# supply at Imax, against the reference energy and what was written
# (rig/perf/power_cuts.c, docs/power.md) ---
"$build/rig/perf/power_cuts" --bench fixtures/benches/power.ini ||
    echo "bench: power_cuts: a record was corrupted or lost, or the bench failed (the lines above say which)" >&2
# --- arm_instr_per_sample, arm_cpu_load_pct: ARM instructions per sample of
# meter_on_samples, counted by QEMU (-icount) on the mps2-an386 image, and
# that load at 4000 samples/s on a 170 MHz STM32G4; goal <= 10 %
# (rig/perf/qemu_cost.py) ---
python3 rig/perf/qemu_cost.py "$build/firmware/mps2/med2-mps2.elf" 0.5 2>/dev/null ||
    echo "bench: qemu_cost failed (run it alone to see why)" >&2
