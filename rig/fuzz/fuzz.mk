# rig/fuzz/fuzz.mk — libFuzzer target on the COMTRADE parser
# (fuzz_comtrade.c), its seeds written by the rig's COMTRADE writer
# (fuzz_comtrade_seeds.c), and its runs. Included by the top Makefile after
# firmware/fuzz/fuzz.mk (uses FUZZ_CC, FUZZ_SAN, BUILD, CC, RIG_LIB).
#
#   make fuzz-comtrade        a long run: FUZZ_COMTRADE_RUNS (default 2 000 000)
#   make fuzz-comtrade-short  the short deterministic run of `make test`
#                             (FUZZ_COMTRADE_SHORT_RUNS, seed 1, fresh corpus)

FUZZ_CT_DIR := $(BUILD)/fuzz-comtrade
FUZZ_CT_BIN := $(FUZZ_CT_DIR)/fuzz_comtrade
FUZZ_CT_SEEDS := $(FUZZ_CT_DIR)/seeds
FUZZ_CT_SRCS := rig/src/procedures/comtrade_cfg.c rig/src/procedures/comtrade_dat.c \
                rig/src/base/error.c rig/fuzz/fuzz_comtrade.c
FUZZ_COMTRADE_RUNS ?= 2000000
FUZZ_COMTRADE_SHORT_RUNS ?= 100000

$(FUZZ_CT_BIN): $(FUZZ_CT_SRCS) rig/src/procedures/comtrade_internal.h rig/include/rig/comtrade.h
	@mkdir -p $(dir $@)
	$(FUZZ_CC) -std=c11 -D_GNU_SOURCE -g -O1 $(FUZZ_SAN) -fsanitize=fuzzer -Wall -Wextra -Werror \
	    -Irig/include -Irig/src $(FUZZ_CT_SRCS) -lm -o $@

$(FUZZ_CT_DIR)/fuzz_comtrade_seeds: rig/fuzz/fuzz_comtrade_seeds.c $(RIG_LIB) $(REPORTS_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -Irig/include $< $(RIG_LIB) $(RIG_LIBS) -o $@

$(FUZZ_CT_SEEDS)/.stamp: $(FUZZ_CT_DIR)/fuzz_comtrade_seeds
	rm -rf $(FUZZ_CT_SEEDS) && mkdir -p $(FUZZ_CT_SEEDS)
	$< $(FUZZ_CT_SEEDS)
	touch $@

.PHONY: fuzz-comtrade fuzz-comtrade-short fuzz-comtrade-build
fuzz-comtrade-build: $(FUZZ_CT_BIN) $(FUZZ_CT_SEEDS)/.stamp

fuzz-comtrade: fuzz-comtrade-build
	@scripts/fuzz.sh $(FUZZ_CT_BIN) $(FUZZ_CT_SEEDS) $(FUZZ_CT_DIR) long $(FUZZ_COMTRADE_RUNS) 0 fuzz_comtrade 2048

fuzz-comtrade-short: fuzz-comtrade-build
	@scripts/fuzz.sh $(FUZZ_CT_BIN) $(FUZZ_CT_SEEDS) $(FUZZ_CT_DIR) short $(FUZZ_COMTRADE_SHORT_RUNS) 0 fuzz_comtrade 2048
