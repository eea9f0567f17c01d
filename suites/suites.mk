# suites: Criterion suites that test meters through the rig, one binary per
# suite directory: suites/<name>/*.c -> $(BUILD)/suites/<name>.
SUITE_NAMES := smoke
SUITE_BINS := $(SUITE_NAMES:%=$(BUILD)/suites/%)
SUITE_OBJ_DIR := $(BUILD)/suites-obj

$(SUITE_OBJ_DIR)/%.o: suites/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(RIG_CFLAGS) $(shell $(PKG_CONFIG) --cflags criterion) -MMD -MP -c $< -o $@

.SECONDEXPANSION:
$(SUITE_BINS): $(BUILD)/suites/%: $$(patsubst suites/%.c,$(SUITE_OBJ_DIR)/%.o,$$(wildcard suites/%/*.c)) $(RIG_LIB)
	@mkdir -p $(dir $@)
	$(CC) $(HOST_LDFLAGS) $^ $(RIG_LIBS) $(shell $(PKG_CONFIG) --libs criterion) -lm -o $@

-include $(patsubst suites/%.c,$(SUITE_OBJ_DIR)/%.d,$(wildcard suites/*/*.c))
