# rig/rig.mk — the rig library, the `rig` CLI and the rig's Criterion tests.
# Included by the top-level Makefile (BUILD, CC, HOST_CFLAGS, HOST_LDFLAGS,
# PKG_CONFIG come from there).
#
# The library's sources are grouped by layer under rig/src (README.md, "The
# rig's layers"); every folder but cli/ goes into the library. Internal
# headers are named from rig/src ("bench/bench_internal.h"), public ones
# from rig/include ("rig/bench.h").
#
# For others:
#   RIG_LIB      the static library, $(BUILD)/rig/librig.a
#   RIG_CFLAGS   -Irig/include and the cflags of the libraries it uses
#   RIG_LIBS     what to link after $(RIG_LIB)
#   RIG_TARGETS  += $(BUILD)/bin/rig
#   RIG_TESTS    += the test binaries under $(BUILD)/rig/tests/
#   BENCH_BINS   += the figure programs of `make bench` (rig/perf/*.c)

RIG_PKGS := libmodbus inih jansson libserialport libgpiod sqlite3 libpq libmicrohttpd
RIG_CFLAGS := -Irig/include -Ireports/include $(shell $(PKG_CONFIG) --cflags $(RIG_PKGS))
RIG_LIBS := $(REPORTS_LIB) $(shell $(PKG_CONFIG) --libs $(RIG_PKGS)) -lpthread -lm
RIG_LIB := $(BUILD)/rig/librig.a

RIG_CRITERION_CFLAGS := $(shell $(PKG_CONFIG) --cflags criterion)
RIG_CRITERION_LIBS := $(shell $(PKG_CONFIG) --libs criterion)

RIG_LIB_SRCS := $(filter-out rig/src/cli/%,$(shell find rig/src -name '*.c' | LC_ALL=C sort))
# GPIO lines: libgpiod 1.x and 2.x have incompatible APIs; the library gets
# the one backend for the installed version (drivers/lines/gpiod_backend.h).
RIG_GPIOD_API := $(if $(filter 1.%,$(shell $(PKG_CONFIG) --modversion libgpiod)),v1,v2)
RIG_LIB_SRCS := $(filter-out rig/src/drivers/lines/gpiod_v%.c,$(RIG_LIB_SRCS)) \
                rig/src/drivers/lines/gpiod_$(RIG_GPIOD_API).c
# The parser of injected defects is the simulator's own (benchd and the
# native board link it too), so a bench file is checked by the same rules.
RIG_DEFECT_SPEC_OBJ := $(BUILD)/rig/src/base/defect_spec.o
RIG_LIB_OBJS := $(patsubst rig/src/%.c,$(BUILD)/rig/src/%.o,$(RIG_LIB_SRCS)) $(RIG_DEFECT_SPEC_OBJ)
RIG_CLI_SRCS := $(wildcard rig/src/cli/*.c)
RIG_CLI_OBJS := $(patsubst rig/src/cli/%.c,$(BUILD)/rig/src/cli/%.o,$(RIG_CLI_SRCS))
RIG_TEST_SRCS := $(wildcard rig/tests/test_*.c)
RIG_TEST_BINS := $(patsubst rig/tests/%.c,$(BUILD)/rig/tests/%,$(RIG_TEST_SRCS))
RIG_TEST_OBJS := $(patsubst rig/tests/%.c,$(BUILD)/rig/tests/%.o,$(RIG_TEST_SRCS))

RIG_PERF_SRCS := $(wildcard rig/perf/*.c)
RIG_PERF_BINS := $(patsubst rig/perf/%.c,$(BUILD)/rig/perf/%,$(RIG_PERF_SRCS))

RIG_TARGETS += $(BUILD)/bin/rig
BENCH_BINS += $(RIG_PERF_BINS)
RIG_TESTS += $(RIG_TEST_BINS)

# $(BUILD)/bin has its rule in the top Makefile.
$(BUILD)/rig/tests $(BUILD)/rig/perf:
	mkdir -p $@

$(BUILD)/rig/src/%.o: rig/src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(RIG_CFLAGS) -Irig/src -MMD -MP -c -o $@ $<

$(RIG_DEFECT_SPEC_OBJ): firmware/boards/native/defect_spec.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/rig/src/bench/bench_file.o $(BUILD)/rig/perf/defect_coverage: \
    RIG_CFLAGS += -Ifirmware/boards/native

$(RIG_LIB): $(RIG_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/bin/rig: $(RIG_CLI_OBJS) $(RIG_LIB) $(REPORTS_LIB) | $(BUILD)/bin
	$(CC) $(HOST_LDFLAGS) -o $@ $(RIG_CLI_OBJS) $(RIG_LIB) $(RIG_LIBS)

$(BUILD)/rig/tests/%.o: rig/tests/%.c | $(BUILD)/rig/tests
	$(CC) $(HOST_CFLAGS) $(RIG_CFLAGS) -Irig/src $(RIG_CRITERION_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/rig/tests/%: $(BUILD)/rig/tests/%.o $(RIG_LIB) $(REPORTS_LIB)
	$(CC) $(HOST_LDFLAGS) -o $@ $< $(RIG_LIB) $(RIG_LIBS) $(RIG_CRITERION_LIBS)

$(BUILD)/rig/perf/%: rig/perf/%.c $(RIG_LIB) $(REPORTS_LIB) | $(BUILD)/rig/perf
	$(CC) $(HOST_CFLAGS) $(RIG_CFLAGS) -MMD -MP $(HOST_LDFLAGS) -o $@ $< $(RIG_LIB) $(RIG_LIBS)

# test_eol_cli runs eol_bench too.
$(BUILD)/rig/tests/test_eol_cli: | $(BUILD)/rig/perf/eol_bench

# test_flash_gdb flashes the mps2-an386 image into QEMU through gdb and
# reads the firmware's records (qemu_wire.h) from its UART2.
$(BUILD)/rig/tests/test_flash_gdb: | $(FW_MPS2_ELF)
$(BUILD)/rig/tests/test_flash_gdb.o: RIG_CFLAGS += -I$(MPS2_DIR)
# test_flash_qemu flashes QEMU positions of benchd: the ARM images.
$(BUILD)/rig/tests/test_flash_qemu: | $(FW_MPS2_ELF) $(FW_CM4_ELF)

# Keep the test objects (they are intermediates of the pattern rule above).
.SECONDARY: $(RIG_TEST_OBJS)

.PHONY: rig-lib rig-tests
rig-lib: $(RIG_LIB)
rig-tests: $(RIG_TEST_BINS)

-include $(RIG_LIB_OBJS:.o=.d) $(RIG_CLI_OBJS:.o=.d) $(RIG_TEST_OBJS:.o=.d) $(RIG_PERF_BINS:=.d)

# Both gpiod backends against the libgpiod double (rig/tests/gpiod_double),
# one test binary per API: the backend compiled against the double's gpiod.h
# of that API and linked with the double instead of the library.
RIG_GPIOD_DOUBLE := rig/tests/gpiod_double
RIG_GPIOD_TESTS := $(BUILD)/rig/tests/test_gpiod_v1 $(BUILD)/rig/tests/test_gpiod_v2
RIG_TESTS += $(RIG_GPIOD_TESTS)
RIG_GPIOD_DOUBLE_OBJS = $(BUILD)/rig/tests/gpiod_$*/test.o $(BUILD)/rig/tests/gpiod_$*/bench.o \
                        $(BUILD)/rig/tests/gpiod_$*/backend.o \
                        $(BUILD)/rig/tests/gpiod_$*/double.o $(BUILD)/rig/tests/gpiod_double_core.o

$(BUILD)/rig/tests/gpiod_%/backend.o: rig/src/drivers/lines/gpiod_%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -I$(RIG_GPIOD_DOUBLE)/$* $(RIG_CFLAGS) -Irig/src -MMD -MP -c -o $@ $<

$(BUILD)/rig/tests/gpiod_%/double.o: $(RIG_GPIOD_DOUBLE)/gpiod_double_%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -I$(RIG_GPIOD_DOUBLE)/$* -I$(RIG_GPIOD_DOUBLE) -MMD -MP -c -o $@ $<

$(BUILD)/rig/tests/gpiod_%/test.o: $(RIG_GPIOD_DOUBLE)/test_gpiod_lines.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -I$(RIG_GPIOD_DOUBLE) $(RIG_CFLAGS) -Irig/src $(RIG_CRITERION_CFLAGS) \
	    -MMD -MP -c -o $@ $<

$(BUILD)/rig/tests/gpiod_%/bench.o: $(RIG_GPIOD_DOUBLE)/test_gpiod_bench.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -I$(RIG_GPIOD_DOUBLE) $(RIG_CFLAGS) -Irig/src $(RIG_CRITERION_CFLAGS) \
	    -MMD -MP -c -o $@ $<

$(BUILD)/rig/tests/gpiod_double_core.o: $(RIG_GPIOD_DOUBLE)/gpiod_double_core.c | $(BUILD)/rig/tests
	$(CC) $(HOST_CFLAGS) -I$(RIG_GPIOD_DOUBLE) -MMD -MP -c -o $@ $<

# keep the objects (intermediates of the pattern rules above)
.SECONDARY: $(foreach a,v1 v2,$(addprefix $(BUILD)/rig/tests/gpiod_$(a)/,test.o bench.o backend.o double.o))
.SECONDEXPANSION:
$(BUILD)/rig/tests/test_gpiod_%: $$(RIG_GPIOD_DOUBLE_OBJS) $(RIG_LIB) $(REPORTS_LIB)
	$(CC) $(HOST_LDFLAGS) -o $@ $(RIG_GPIOD_DOUBLE_OBJS) $(RIG_LIB) \
	    $(filter-out -lgpiod,$(RIG_LIBS)) $(RIG_CRITERION_LIBS)

# The display's button relays against the same double (test_button_relay.c).
RIG_GPIOD_DOUBLE_OBJS += $(BUILD)/rig/tests/gpiod_$*/button_relay.o
$(BUILD)/rig/tests/gpiod_%/button_relay.o: $(RIG_GPIOD_DOUBLE)/test_button_relay.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) -I$(RIG_GPIOD_DOUBLE) $(RIG_CFLAGS) -Irig/src $(RIG_CRITERION_CFLAGS) \
	    -MMD -MP -c -o $@ $<
.SECONDARY: $(foreach a,v1 v2,$(BUILD)/rig/tests/gpiod_$(a)/button_relay.o)

-include $(foreach a,v1 v2,$(BUILD)/rig/tests/gpiod_$(a)/button_relay.d)
-include $(foreach a,v1 v2,$(BUILD)/rig/tests/gpiod_$(a)/test.d $(BUILD)/rig/tests/gpiod_$(a)/bench.d \
           $(BUILD)/rig/tests/gpiod_$(a)/backend.d \
           $(BUILD)/rig/tests/gpiod_$(a)/double.d) $(BUILD)/rig/tests/gpiod_double_core.d

# The supply relay (docs/power.md) on the libgpiod double, line API v2: its
# own test binary, built like the ones above (not a test_*.c of the generic rule).
RIG_SUPPLY_GPIOD_TEST := $(BUILD)/rig/tests/test_supply_gpiod
RIG_TESTS += $(RIG_SUPPLY_GPIOD_TEST)
RIG_SUPPLY_GPIOD_OBJS := $(BUILD)/rig/tests/supply_gpiod.o $(BUILD)/rig/tests/gpiod_v2/backend.o \
                         $(BUILD)/rig/tests/gpiod_v2/double.o $(BUILD)/rig/tests/gpiod_double_core.o

$(BUILD)/rig/tests/supply_gpiod.o: rig/tests/supply_gpiod.c | $(BUILD)/rig/tests
	$(CC) $(HOST_CFLAGS) -I$(RIG_GPIOD_DOUBLE) $(RIG_CFLAGS) -Irig/src $(RIG_CRITERION_CFLAGS) \
	    -MMD -MP -c -o $@ $<

$(RIG_SUPPLY_GPIOD_TEST): $(RIG_SUPPLY_GPIOD_OBJS) $(RIG_LIB) $(REPORTS_LIB)
	$(CC) $(HOST_LDFLAGS) -o $@ $(RIG_SUPPLY_GPIOD_OBJS) $(RIG_LIB) \
	    $(filter-out -lgpiod,$(RIG_LIBS)) $(RIG_CRITERION_LIBS)

-include $(BUILD)/rig/tests/supply_gpiod.d

