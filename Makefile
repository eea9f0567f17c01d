# MED2 HIL rig — one entry point. See README.md.
#
#   make setup     install missing Debian packages (scripts/setup.sh)
#   make all       firmware (native image, core for Cortex-M4F), rig and the suites
#   make test      every test, built with ASan/UBSan, on the simulated bench
#   make run       the current end-to-end suite on a simulated bench, with summary
#   make bench     performance figures, lines "BENCH <name> <value> <unit>"
#   make fw-test   the firmware's unit tests only
#   make false-rejects  1000 good simulated units through the EOL (~5 min):
#                  false_reject_count, which make bench leaves out for time
#   make fuzz      a long libFuzzer run on the Modbus frame handler
#                  (FUZZ_SECONDS, FUZZ_RUNS; see firmware/fuzz/fuzz.mk)
#   make flash BOARD=stm32g4 [PROBE=stlink]
#                  build the MCU image and flash it onto a meter on the desk
#                  with OpenOCD (scripts/openocd/)
#   make clean

BUILD ?= build
SAN ?= 0

CC ?= cc
ifeq ($(origin CC),default)
CC := gcc
endif
PKG_CONFIG ?= pkg-config

WARN := -Wall -Wextra -Werror
OPT := -O2 -g
ifeq ($(SAN),1)
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
OPT := -O1 -g
endif

# The portable core: plain C11, nothing from the host beyond the C library.
CORE_CFLAGS := -std=c11 $(WARN) $(OPT) $(SANFLAGS) -Ifirmware/include -Ifirmware/core
# Host programs (native board, benchd, rig): POSIX + Linux.
HOST_CFLAGS := -std=c11 -D_GNU_SOURCE $(WARN) $(OPT) $(SANFLAGS) -Ifirmware/include
HOST_LDFLAGS := $(SANFLAGS)

.PHONY: all setup firmware rig suites test run bench clean check check-build fuzz false-rejects flash
.DEFAULT_GOAL := all

all: firmware rig suites

setup:
	@scripts/setup.sh

$(BUILD)/bin:
	mkdir -p $@

include firmware/firmware.mk
include firmware/boards/native/native.mk
include firmware/boards/mps2-an386/mps2.mk
include reports/reports.mk
include rig/rig.mk
include rig/sim/sim.mk
include suites/suites.mk
include firmware/fuzz/fuzz.mk
include rig/fuzz/fuzz.mk

firmware: $(FW_TARGETS)
rig: $(RIG_TARGETS) $(SIM_TARGETS)
# the suites rig ci runs on a bench (build/suites/NAME)
suites: $(SUITE_BINS)

# Everything the tests need, in this build tree.
# The MCU image is among them: the flashing tests and the EOL's bench-time
# plan read it (a real bench never flashes the host build).
check-build: $(FW_TARGETS) $(RIG_TARGETS) $(SIM_TARGETS) $(FW_TESTS) $(REPORTS_TESTS) $(RIG_TESTS) \
             $(SUITE_BINS) $(FW_CM4_ELF)

# Run every test of this build tree; the rig finds benchd and the firmware
# image through these variables (a real install finds them beside `rig`).
TEST_ENV := RIG_BENCHD=$(BUILD)/bin/benchd RIG_FIRMWARE_IMAGE=$(FW_NATIVE_IMAGE)
# the MCU image a real bench flashes, whose flashing time the EOL plan counts
TEST_ENV += RIG_FIRMWARE_ARM_IMAGE=$(FW_CM4_ELF)
# the ARM image QEMU positions run (board = qemu)
TEST_ENV += RIG_QEMU_IMAGE=$(FW_MPS2_ELF)
check: check-build
	@python3 scripts/check-layers.py $(RIG_LIB_OBJS)
	@scripts/run-tests.sh "$(TEST_ENV)" $(FW_TESTS) $(REPORTS_TESTS) $(RIG_TESTS) $(SUITE_BINS)

# The firmware's unit tests alone (the core's and the STM32G4 board's
# portable parts); make check runs them among all the others.
.PHONY: fw-test
fw-test: $(FW_TESTS) $(FW_NATIVE_IMAGE)
	@scripts/run-tests.sh "RIG_FIRMWARE_IMAGE=$(FW_NATIVE_IMAGE)" $(FW_TESTS)

# Built with both cores, run one binary at a time (each runs its tests on
# both cores itself).
test: setup
	$(MAKE) --no-print-directory cm4-link
	$(MAKE) --no-print-directory fuzz-short
	$(MAKE) --no-print-directory fuzz-comtrade-short
	$(MAKE) --no-print-directory -j2 BUILD=build/san SAN=1 check-build
	$(MAKE) --no-print-directory BUILD=build/san SAN=1 check
	$(MAKE) --no-print-directory qemu-smoke
	@scripts/openocd/check.sh

# The EOL suite on the 3-position rack (fixtures/benches/eol-3.ini); its rack
# test writes certificates, index.html, summary.txt and records.sqlite to
# reports/latest, Criterion the JUnit XML; the summary per position closes.
run: setup
	$(MAKE) --no-print-directory -j2 all $(BUILD)/suites/eol
	@rm -rf reports/latest && mkdir -p reports/latest
	@$(TEST_ENV) RIG_REPORT_DIR=reports/latest $(BUILD)/suites/eol \
	    --xml=reports/latest/junit.xml --jobs 2; status=$$?; \
	echo; echo "EOL, rack eol-3 (reports/latest/index.html, certificates/, records.sqlite):"; \
	cat reports/latest/summary.txt 2>/dev/null || echo "no summary: the rack test did not finish"; \
	exit $$status

# Ends with qemu_tests_passing/total: the QEMU suites of make test-qemu
# (half an hour); their output goes to $(BUILD)/test-qemu.log.
bench: setup
	$(MAKE) --no-print-directory all cm4-link $(BENCH_BINS) fuzz-build $(FW_MPS2_ELF) \
	    $(QEMU_SUITES:%=$(BUILD)/suites/%)
	@scripts/bench.sh "$(TEST_ENV)" $(BUILD)
	@scripts/test-qemu.sh "$(QEMU_ENV)" $(BUILD) $(QEMU_SUITES) >$(BUILD)/test-qemu.log 2>&1; \
	    grep '^BENCH' $(BUILD)/test-qemu.log

# 50 racks of 20 good units, each its own serial (rig/perf/false_rejects.c).
false-rejects: setup
	$(MAKE) --no-print-directory all $(BUILD)/rig/perf/false_rejects
	@$(TEST_ENV) $(BUILD)/rig/perf/false_rejects --racks $${RACKS:-50} 2>&1 | grep --line-buffered -v '^eol:'

# The suites with every position of every simulated bench on QEMU
# (boards/mps2-an386, benchd --board qemu): RIG_SIM_BOARD=qemu; each unit
# is flashed through its gdb stub. The tariff suite meters whole days, about
# 7 minutes each on QEMU, so this is a long run (~30 min on 2 cores);
# make test runs only qemu-smoke (suites/modbus's line tests).
QEMU_ENV := $(TEST_ENV) RIG_SIM_BOARD=qemu
QEMU_SUITES := modbus tariff eol
.PHONY: test-qemu qemu-smoke
test-qemu: setup
	$(MAKE) --no-print-directory -j2 all $(FW_MPS2_ELF) $(FW_CM4_ELF) $(QEMU_SUITES:%=$(BUILD)/suites/%)
	@scripts/test-qemu.sh "$(QEMU_ENV)" $(BUILD) $(QEMU_SUITES)
qemu-smoke: $(FW_MPS2_ELF) $(BUILD)/bin/benchd $(BUILD)/suites/modbus
	@echo "== suites/modbus line tests on QEMU"
	@$(QEMU_ENV) $(BUILD)/suites/modbus --filter 'line/*' --jobs 2

# One meter on the desk, over SWD: the image a bench's EOL flashes
# (FW_CM4_ELF), with the probe's OpenOCD configuration. A bench flashes
# its positions itself (rig flash, the bench file's swd line).
BOARD ?=
PROBE ?= cmsis-dap
OPENOCD ?= openocd
FLASH_CFG_cmsis-dap := scripts/openocd/stm32g4.cfg
FLASH_CFG_stlink := scripts/openocd/stm32g4-stlink.cfg
flash:
	@if [ "$(BOARD)" != stm32g4 ]; then \
	    echo "make flash: no MCU image for BOARD='$(BOARD)': the board with one is stm32g4" \
	         "(make flash BOARD=stm32g4 [PROBE=stlink])" >&2; exit 2; fi
	@if [ -z "$(FLASH_CFG_$(PROBE))" ]; then \
	    echo "make flash: PROBE='$(PROBE)' unknown: cmsis-dap (the default) or stlink" >&2; exit 2; fi
	$(MAKE) --no-print-directory cm4-link
	$(OPENOCD) -f $(FLASH_CFG_$(PROBE)) -c "program $(FW_CM4_ELF) verify reset exit"

clean:
	rm -rf build reports/latest
