# rig/rig.mk — the rig library, the `rig` CLI and the rig's Criterion tests.
# Included by the top-level Makefile (BUILD, CC, HOST_CFLAGS, HOST_LDFLAGS,
# PKG_CONFIG come from there).
#
# For others:
#   RIG_LIB      the static library, $(BUILD)/rig/librig.a
#   RIG_CFLAGS   -Irig/include and the cflags of the libraries it uses
#   RIG_LIBS     what to link after $(RIG_LIB)
#   RIG_TARGETS  += $(BUILD)/bin/rig
#   RIG_TESTS    += the test binaries under $(BUILD)/rig/tests/
#   BENCH_BINS   += the figure programs of `make bench` (rig/bench/*.c)

RIG_PKGS := libmodbus inih jansson libserialport libgpiod sqlite3
RIG_CFLAGS := -Irig/include $(shell $(PKG_CONFIG) --cflags $(RIG_PKGS))
RIG_LIBS := $(shell $(PKG_CONFIG) --libs $(RIG_PKGS)) -lpthread -lm
RIG_LIB := $(BUILD)/rig/librig.a

RIG_CRITERION_CFLAGS := $(shell $(PKG_CONFIG) --cflags criterion)
RIG_CRITERION_LIBS := $(shell $(PKG_CONFIG) --libs criterion)

RIG_LIB_SRCS := $(wildcard rig/src/*.c)
RIG_LIB_OBJS := $(patsubst rig/src/%.c,$(BUILD)/rig/src/%.o,$(RIG_LIB_SRCS))
RIG_CLI_SRCS := $(wildcard rig/src/cli/*.c)
RIG_CLI_OBJS := $(patsubst rig/src/cli/%.c,$(BUILD)/rig/src/cli/%.o,$(RIG_CLI_SRCS))
RIG_TEST_SRCS := $(wildcard rig/tests/test_*.c)
RIG_TEST_BINS := $(patsubst rig/tests/%.c,$(BUILD)/rig/tests/%,$(RIG_TEST_SRCS))
RIG_TEST_OBJS := $(patsubst rig/tests/%.c,$(BUILD)/rig/tests/%.o,$(RIG_TEST_SRCS))

RIG_BENCH_SRCS := $(wildcard rig/bench/*.c)
RIG_BENCH_BINS := $(patsubst rig/bench/%.c,$(BUILD)/rig/bench/%,$(RIG_BENCH_SRCS))

RIG_TARGETS += $(BUILD)/bin/rig
BENCH_BINS += $(RIG_BENCH_BINS)
RIG_TESTS += $(RIG_TEST_BINS)

# $(BUILD)/bin has its rule in the top Makefile.
$(BUILD)/rig/src $(BUILD)/rig/src/cli $(BUILD)/rig/tests $(BUILD)/rig/bench:
	mkdir -p $@

$(BUILD)/rig/src/%.o: rig/src/%.c | $(BUILD)/rig/src
	$(CC) $(HOST_CFLAGS) $(RIG_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/rig/src/cli/%.o: rig/src/cli/%.c | $(BUILD)/rig/src/cli
	$(CC) $(HOST_CFLAGS) $(RIG_CFLAGS) -MMD -MP -c -o $@ $<

$(RIG_LIB): $(RIG_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/bin/rig: $(RIG_CLI_OBJS) $(RIG_LIB) | $(BUILD)/bin
	$(CC) $(HOST_LDFLAGS) -o $@ $(RIG_CLI_OBJS) $(RIG_LIB) $(RIG_LIBS)

$(BUILD)/rig/tests/%.o: rig/tests/%.c | $(BUILD)/rig/tests
	$(CC) $(HOST_CFLAGS) $(RIG_CFLAGS) -Irig/src $(RIG_CRITERION_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/rig/tests/%: $(BUILD)/rig/tests/%.o $(RIG_LIB)
	$(CC) $(HOST_LDFLAGS) -o $@ $< $(RIG_LIB) $(RIG_LIBS) $(RIG_CRITERION_LIBS)

$(BUILD)/rig/bench/%: rig/bench/%.c $(RIG_LIB) | $(BUILD)/rig/bench
	$(CC) $(HOST_CFLAGS) $(RIG_CFLAGS) -MMD -MP $(HOST_LDFLAGS) -o $@ $< $(RIG_LIB) $(RIG_LIBS)

# Keep the test objects (they are intermediates of the pattern rule above).
.SECONDARY: $(RIG_TEST_OBJS)

.PHONY: rig-lib rig-tests
rig-lib: $(RIG_LIB)
rig-tests: $(RIG_TEST_BINS)

-include $(RIG_LIB_OBJS:.o=.d) $(RIG_CLI_OBJS:.o=.d) $(RIG_TEST_OBJS:.o=.d) $(RIG_BENCH_BINS:=.d)
