# boards/native: the host build of the meter, hosted by the simulated bench.
FW_NATIVE_SRCS := firmware/boards/native/main.c firmware/boards/native/afe_model.c \
	firmware/boards/native/defects.c firmware/boards/native/defect_spec.c
# the supply, the FRAM and the battery-backed RTC (docs/power.md)
FW_NATIVE_SRCS += firmware/boards/native/nv_fram.c firmware/boards/native/power.c \
	firmware/boards/native/power_rtc.c
FW_NATIVE_OBJS := $(FW_NATIVE_SRCS:%.c=$(BUILD)/%.o)
FW_NATIVE_IMAGE := $(BUILD)/firmware/native/med2-native
FW_TARGETS += $(FW_NATIVE_IMAGE)

$(BUILD)/firmware/boards/native/%.o: firmware/boards/native/%.c | $(BUILD)/firmware/boards/native
	$(CC) $(HOST_CFLAGS) -Ifirmware/core -MMD -MP -c $< -o $@

$(FW_NATIVE_IMAGE): $(FW_NATIVE_OBJS) $(FW_CORE_LIB) | $(BUILD)/firmware/native
	$(CC) $(HOST_LDFLAGS) $(FW_NATIVE_OBJS) $(FW_CORE_LIB) -lm -o $@

$(BUILD)/firmware/boards/native $(BUILD)/firmware/native:
	mkdir -p $@

-include $(FW_NATIVE_OBJS:.o=.d)
