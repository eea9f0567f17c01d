# firmware/fuzz/fuzz.mk — libFuzzer target on the meter's Modbus frame
# handler (fuzz_mb_frame.c), its seed corpus generated from the register
# map (fuzz_seeds.c), and the runs. Included by the top Makefile: uses
# BUILD, CC and FW_CORE_SRCS (firmware/firmware.mk).
#
#   make fuzz           a long run: FUZZ_RUNS executions (default 10 000 000,
#                       about 6 minutes here; -1 = no limit) or FUZZ_SECONDS
#                       (default 0 = no limit), whichever ends first; the
#                       corpus is kept in $(BUILD)/fuzz/corpus between runs
#   make fuzz-short     the short deterministic run of `make test`:
#                       FUZZ_SHORT_RUNS executions from the seeds, seed 1,
#                       fresh corpus
#
# The fuzzer needs clang and its libFuzzer runtime (Debian: clang,
# libclang-rt-dev; scripts/setup.sh installs them). Crashes are written to
# $(BUILD)/fuzz/artifacts/ and fail the run.

FUZZ_CC ?= clang
FUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CORE_CFLAGS := -std=c11 -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
	-Ifirmware/include -Ifirmware/core
FUZZ_CFLAGS := $(FUZZ_CORE_CFLAGS) -Wall -Wextra -Werror
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_BIN := $(FUZZ_DIR)/fuzz_mb_frame
FUZZ_SEEDS := $(FUZZ_DIR)/seeds
FUZZ_SEED_GEN := $(FUZZ_DIR)/fuzz_seeds
FUZZ_CORE_OBJS := $(FW_CORE_SRCS:firmware/core/%.c=$(FUZZ_DIR)/core/%.o)

FUZZ_SECONDS ?= 0
FUZZ_RUNS ?= 10000000
FUZZ_SHORT_RUNS ?= 500000

$(FUZZ_DIR)/core $(FUZZ_DIR)/artifacts:
	mkdir -p $@

# The core as the other builds compile it, plus coverage and sanitizers;
# warnings are the core's own business (its gcc build has -Werror).
$(FUZZ_DIR)/core/%.o: firmware/core/%.c | $(FUZZ_DIR)/core
	$(FUZZ_CC) $(FUZZ_CORE_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_DIR)/fuzz_mb_frame.o: firmware/fuzz/fuzz_mb_frame.c | $(FUZZ_DIR)/core
	$(FUZZ_CC) $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

$(FUZZ_BIN): $(FUZZ_DIR)/fuzz_mb_frame.o $(FUZZ_CORE_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -lm -o $@

$(FUZZ_SEED_GEN): firmware/fuzz/fuzz_seeds.c firmware/include/med2_regmap.h | $(FUZZ_DIR)/core
	$(CC) -std=c11 -Wall -Wextra -Werror -O1 -Ifirmware/include $< -o $@

$(FUZZ_SEEDS)/.stamp: $(FUZZ_SEED_GEN)
	rm -rf $(FUZZ_SEEDS)
	mkdir -p $(FUZZ_SEEDS)
	$(FUZZ_SEED_GEN) $(FUZZ_SEEDS)
	touch $@

.PHONY: fuzz fuzz-short fuzz-build
fuzz-build: $(FUZZ_BIN) $(FUZZ_SEEDS)/.stamp

fuzz: fuzz-build | $(FUZZ_DIR)/artifacts
	@scripts/fuzz.sh $(FUZZ_BIN) $(FUZZ_SEEDS) $(FUZZ_DIR) long $(FUZZ_RUNS) $(FUZZ_SECONDS)

fuzz-short: fuzz-build | $(FUZZ_DIR)/artifacts
	@scripts/fuzz.sh $(FUZZ_BIN) $(FUZZ_SEEDS) $(FUZZ_DIR) short $(FUZZ_SHORT_RUNS) 0

-include $(FUZZ_CORE_OBJS:.o=.d) $(FUZZ_DIR)/fuzz_mb_frame.d
