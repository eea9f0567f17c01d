# rig/sim: benchd, the simulated bench.
SIM_SRCS := $(wildcard rig/sim/*.c)
# The defect names and their parser are shared with the unit (boards/native),
# so benchd refuses exactly what the unit would.
SIM_OBJS := $(SIM_SRCS:%.c=$(BUILD)/%.o) $(BUILD)/firmware/boards/native/defect_spec.o
# QEMU positions (sim_qemu.c): benchd computes their AFE samples with the
# native board's AFE model and speaks the mps2-an386 board's wires.
SIM_OBJS += $(BUILD)/firmware/boards/native/afe_model.o $(BUILD)/firmware/boards/native/defects.o \
	$(BUILD)/firmware/core/model.o
SIM_BENCHD := $(BUILD)/bin/benchd
SIM_TARGETS := $(SIM_BENCHD)

$(BUILD)/rig/sim/%.o: rig/sim/%.c | $(BUILD)/rig/sim
	$(CC) $(HOST_CFLAGS) -Ifirmware/boards/native -Ifirmware/boards/mps2-an386 -Ifirmware/core $(shell $(PKG_CONFIG) --cflags jansson cairo) -MMD -MP -c $< -o $@

$(SIM_BENCHD): $(SIM_OBJS) | $(BUILD)/bin
	$(CC) $(HOST_LDFLAGS) $(SIM_OBJS) $(shell $(PKG_CONFIG) --libs jansson cairo) -lm -o $@

$(BUILD)/rig/sim:
	mkdir -p $@

-include $(SIM_OBJS:.o=.d)
