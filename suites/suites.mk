# suites: Criterion suites that test meters through the rig, one binary per
# suite directory: suites/<name>/*.c -> $(BUILD)/suites/<name>.
SUITE_NAMES := smoke modbus tariff demand pulse partial eol mid
# power cuts, NV, the event log (docs/power.md)
SUITE_NAMES += power
# the display and buttons
SUITE_NAMES += ui
SUITE_BINS := $(SUITE_NAMES:%=$(BUILD)/suites/%)
SUITE_OBJ_DIR := $(BUILD)/suites-obj
SUITE_SRCS := $(foreach s,$(SUITE_NAMES),$(wildcard suites/$(s)/*.c))
SUITE_OBJS := $(SUITE_SRCS:suites/%.c=$(SUITE_OBJ_DIR)/%.o)

$(SUITE_OBJ_DIR)/%.o: suites/%.c
	@mkdir -p $(dir $@)
	$(CC) $(HOST_CFLAGS) $(RIG_CFLAGS) $(shell $(PKG_CONFIG) --cflags criterion) -MMD -MP -c $< -o $@

define suite_objects
$(BUILD)/suites/$(1): $(filter $(SUITE_OBJ_DIR)/$(1)/%,$(SUITE_OBJS)) $(RIG_LIB) $(REPORTS_LIB)
endef
$(foreach s,$(SUITE_NAMES),$(eval $(call suite_objects,$(s))))

$(SUITE_BINS):
	@mkdir -p $(dir $@)
	$(CC) $(HOST_LDFLAGS) $^ $(RIG_LIBS) $(shell $(PKG_CONFIG) --libs criterion) -lm -o $@

-include $(SUITE_OBJS:.o=.d)
