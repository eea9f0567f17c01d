# firmware/firmware.mk — the portable core (static library), its Criterion
# unit tests, and the MCU image: the core on the STM32G4 board (cm4-link).
# Included by the top Makefile: uses BUILD, CC, CORE_CFLAGS, HOST_LDFLAGS,
# PKG_CONFIG.

FW_CORE_SRCS := \
	firmware/core/calendar.c \
	firmware/core/crc16.c \
	firmware/core/crc32.c \
	firmware/core/demand.c \
	firmware/core/energy.c \
	firmware/core/energy_display.c \
	firmware/core/factory.c \
	firmware/core/mb_codec.c \
	firmware/core/meter.c \
	firmware/core/meter_regs.c \
	firmware/core/metrology.c \
	firmware/core/modbus_slave.c \
	firmware/core/model.c \
	firmware/core/nvstore.c \
	firmware/core/pulse.c \
	firmware/core/pulse_source.c \
	firmware/core/pulse_test.c \
	firmware/core/regmap.c \
	firmware/core/settings.c \
	firmware/core/tariff.c \
	firmware/core/ui.c \
	firmware/core/ui_ctvt.c \
	firmware/core/ui_draw.c \
	firmware/core/ui_edit.c \
	firmware/core/ui_lcd.c \
	firmware/core/ui_menu.c
# power cuts, NV, the event log, the software id (docs/power.md)
FW_CORE_SRCS += firmware/core/demand_nv.c firmware/core/eventlog.c firmware/core/meter_events.c \
	firmware/core/swid.c
FW_CORE_OBJS := $(FW_CORE_SRCS:firmware/core/%.c=$(BUILD)/firmware/core/%.o)
FW_CORE_LIB := $(BUILD)/firmware/libmed2core.a
FW_TARGETS += $(FW_CORE_LIB)

$(BUILD)/firmware/core/%.o: firmware/core/%.c | $(BUILD)/firmware/core
	$(CC) $(CORE_CFLAGS) -MMD -MP -c $< -o $@

# ---- the legally relevant part (docs/power.md "Software id", swid.h) ----
# Its units are linked into one relocatable object whose code and constants
# are the section med2_legal (firmware/tools/legal.ld) (the image's swid_crc() covers exactly it), and the
# relocation sites in it are listed for swid.c to count as zeros. The
# energy registers' display (energy_display.c) is in it; the menus are not.
FW_LEGAL_SRCS := firmware/core/metrology.c firmware/core/energy.c firmware/core/demand.c \
	firmware/core/pulse.c firmware/core/pulse_source.c firmware/core/energy_display.c
FW_LEGAL_OBJS := $(FW_LEGAL_SRCS:firmware/core/%.c=$(BUILD)/firmware/core/%.o)
FW_LEGAL_CODE_OBJ := $(BUILD)/firmware/core/legal_code.o
FW_SWID_MASK_OBJ := $(BUILD)/firmware/core/swid_mask.o
# legal.o = the code and its mask table, so an image that links the legal
# part always has the table (swid.c refers to it weakly: an archive member
# is not pulled in for a weak reference alone)
FW_LEGAL_OBJ := $(BUILD)/firmware/core/legal.o
FW_CORE_LIB_OBJS := $(filter-out $(FW_LEGAL_OBJS),$(FW_CORE_OBJS)) $(FW_LEGAL_OBJ)
# one code section per unit: no hot/cold split into .text.unlikely
$(FW_LEGAL_OBJS): CORE_CFLAGS += -fno-reorder-blocks-and-partition

$(FW_LEGAL_CODE_OBJ): $(FW_LEGAL_OBJS) firmware/tools/legal.ld
	$(LD) -r -T firmware/tools/legal.ld -o $@ $(FW_LEGAL_OBJS)
	@if readelf -SW $@ | grep -E ' \.text' | grep -q ' AX '; then \
	    echo "$@: code outside med2_legal (swid.h)" >&2; rm -f $@; exit 1; fi

$(BUILD)/firmware/core/swid_mask.c: $(FW_LEGAL_CODE_OBJ) firmware/tools/swid_mask.sh
	firmware/tools/swid_mask.sh $< > $@.tmp && mv $@.tmp $@

$(FW_SWID_MASK_OBJ): $(BUILD)/firmware/core/swid_mask.c
	$(CC) $(CORE_CFLAGS) -c $< -o $@

$(FW_LEGAL_OBJ): $(FW_LEGAL_CODE_OBJ) $(FW_SWID_MASK_OBJ)
	$(LD) -r -o $@ $^

$(FW_CORE_LIB): $(FW_CORE_LIB_OBJS)
	rm -f $@
	$(AR) rcs $@ $^

# ---- unit tests: one binary per core module ----
FW_TEST_NAMES := test_crc16 test_crc32 test_calendar test_model test_metrology test_energy test_tariff \
	test_demand test_pulse test_pulse_source test_mb_codec test_regmap test_regmap_doc test_settings test_nvstore test_modbus \
	test_meter_regs test_factory test_meter test_afe_model test_native_line test_native_defects
# the display: menus, buttons, edits, docs/ui.md
FW_TEST_NAMES += test_ui test_ui_lcd test_ui_doc
# the software id over the legal part (docs/power.md): builds copies of the firmware
FW_TEST_NAMES += test_swid test_eventlog test_nv_fram
$(BUILD)/firmware/tests/test_nv_fram: $(BUILD)/firmware/boards/native/nv_fram.o
# the STM32G4 board's portable parts (boards/stm32g4: device framing, the
# clock and line arithmetic), against device models at the SPI and I2C level
STM32G4_DIR := firmware/boards/stm32g4
STM32G4_HOST_OUT := $(BUILD)/firmware/boards/stm32g4
STM32G4_TEST_NAMES := test_ads131m02 test_mb85rs64v test_pcf85176 test_clock_plan test_usart_timing \
	test_i2c_timing test_rtc_bcd test_pulse_timeline test_debounce
STM32G4_TEST_MODELS := ads131m02_model mb85rs64v_model pcf85176_model
FW_TEST_NAMES += $(STM32G4_TEST_NAMES)
$(BUILD)/firmware/tests/test_ads131m02: $(STM32G4_HOST_OUT)/ads131m02.o $(BUILD)/firmware/tests/ads131m02_model.o
$(BUILD)/firmware/tests/test_mb85rs64v: $(STM32G4_HOST_OUT)/mb85rs64v.o $(BUILD)/firmware/tests/mb85rs64v_model.o
$(BUILD)/firmware/tests/test_pcf85176: $(STM32G4_HOST_OUT)/pcf85176.o $(BUILD)/firmware/tests/pcf85176_model.o
$(BUILD)/firmware/tests/test_clock_plan: $(STM32G4_HOST_OUT)/clock_plan.o
$(BUILD)/firmware/tests/test_usart_timing: $(STM32G4_HOST_OUT)/usart_timing.o
$(BUILD)/firmware/tests/test_i2c_timing: $(STM32G4_HOST_OUT)/i2c_timing.o
$(BUILD)/firmware/tests/test_rtc_bcd: $(STM32G4_HOST_OUT)/rtc_bcd.o
$(BUILD)/firmware/tests/test_pulse_timeline: $(STM32G4_HOST_OUT)/pulse_timeline.o
$(BUILD)/firmware/tests/test_debounce: $(STM32G4_HOST_OUT)/debounce.o
STM32G4_TEST_OBJS := $(STM32G4_TEST_NAMES:%=$(BUILD)/firmware/tests/%.o) \
	$(STM32G4_TEST_MODELS:%=$(BUILD)/firmware/tests/%.o)
$(STM32G4_TEST_OBJS): FW_TEST_CFLAGS += -I$(STM32G4_DIR)

$(STM32G4_HOST_OUT)/%.o: $(STM32G4_DIR)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CORE_CFLAGS) -I$(STM32G4_DIR) -MMD -MP -c $< -o $@

FW_TESTS := $(FW_TEST_NAMES:%=$(BUILD)/firmware/tests/%)
FW_TEST_HELPER_OBJS := $(BUILD)/firmware/tests/hal_record.o $(BUILD)/firmware/tests/sine.o \
	$(BUILD)/firmware/tests/mb_frames.o
FW_TEST_CFLAGS = $(CORE_CFLAGS) -Ifirmware/tests -Ifirmware/tools -Ifirmware/boards/native \
	$(shell $(PKG_CONFIG) --cflags criterion)
FW_TEST_LIBS = $(shell $(PKG_CONFIG) --libs criterion) -lm

$(BUILD)/firmware/tests/%.o: firmware/tests/%.c | $(BUILD)/firmware/tests
	$(CC) $(FW_TEST_CFLAGS) -MMD -MP -c $< -o $@

$(FW_TESTS): $(BUILD)/firmware/tests/%: $(BUILD)/firmware/tests/%.o $(FW_TEST_HELPER_OBJS) $(FW_CORE_LIB)
	$(CC) $(HOST_LDFLAGS) $(filter %.o,$^) $(FW_CORE_LIB) $(FW_TEST_LIBS) -o $@

# Tests that run simulated units: the native board's AFE model.
$(BUILD)/firmware/tests/test_meter $(BUILD)/firmware/tests/test_afe_model: \
	$(BUILD)/firmware/boards/native/afe_model.o

# docs/modbus.md's register table must be what the map gives (make fw-docs).
$(BUILD)/firmware/tests/test_regmap_doc: $(BUILD)/firmware/tools/regmap_doc_table.o
# docs/ui.md's menu tree must be what the menu table gives (make fw-docs).
$(BUILD)/firmware/tests/test_ui_doc: $(BUILD)/firmware/tools/ui_doc_table.o $(BUILD)/firmware/tools/doc_block.o
$(BUILD)/firmware/tools/ui_doc_table.o: HOST_CFLAGS += -Ifirmware/core

# ---- the generator of docs/modbus.md's register table (host tool) ----
FW_DOC_TOOL := $(BUILD)/firmware/tools/regmap_doc
FW_TARGETS += $(FW_DOC_TOOL)
FW_DOC_TOOL_OBJS := $(BUILD)/firmware/tools/regmap_doc.o $(BUILD)/firmware/tools/regmap_doc_table.o \
	$(BUILD)/firmware/tools/doc_block.o

$(BUILD)/firmware/tools/%.o: firmware/tools/%.c | $(BUILD)/firmware/tools
	$(CC) $(HOST_CFLAGS) -Ifirmware/tools -MMD -MP -c $< -o $@

$(FW_DOC_TOOL): $(FW_DOC_TOOL_OBJS)
	$(CC) $(HOST_LDFLAGS) $^ -o $@

# ---- the generator of docs/ui.md's menu tree (host tool, the core's table) ----
FW_UI_DOC_TOOL := $(BUILD)/firmware/tools/ui_doc
FW_TARGETS += $(FW_UI_DOC_TOOL)
FW_UI_DOC_OBJS := $(BUILD)/firmware/tools/ui_doc.o $(BUILD)/firmware/tools/ui_doc_table.o \
	$(BUILD)/firmware/tools/doc_block.o $(BUILD)/firmware/tools/hal_null.o

$(FW_UI_DOC_TOOL): $(FW_UI_DOC_OBJS) $(FW_CORE_LIB)
	$(CC) $(HOST_LDFLAGS) $^ -lm -o $@

.PHONY: fw-docs
fw-docs: $(FW_DOC_TOOL) $(FW_UI_DOC_TOOL)
	$(FW_DOC_TOOL) --update docs/modbus.md
	$(FW_UI_DOC_TOOL) --update docs/ui.md

# ---- metrology_cost: host instructions per sample of meter_on_samples,
# under callgrind (make bench, scripts/bench.sh) ----
FW_METROLOGY_COST := $(BUILD)/firmware/tools/metrology_cost
BENCH_BINS += $(FW_METROLOGY_COST)

$(FW_METROLOGY_COST): $(BUILD)/firmware/tools/metrology_cost.o $(BUILD)/firmware/tools/hal_null.o \
                      $(FW_CORE_LIB)
	$(CC) $(HOST_LDFLAGS) $^ -lm -o $@

$(BUILD)/firmware/tools/metrology_cost.o: HOST_CFLAGS += -Ifirmware/core

# ---- modbus_cost: host instructions per Modbus request, under callgrind
# (make bench, scripts/bench.sh) ----
FW_MODBUS_COST := $(BUILD)/firmware/tools/modbus_cost
BENCH_BINS += $(FW_MODBUS_COST)

$(FW_MODBUS_COST): $(BUILD)/firmware/tools/modbus_cost.o $(BUILD)/firmware/tools/hal_null.o \
                   $(FW_CORE_LIB)
	$(CC) $(HOST_LDFLAGS) $^ -lm -o $@

$(BUILD)/firmware/tools/modbus_cost.o $(BUILD)/firmware/tools/hal_null.o: HOST_CFLAGS += -Ifirmware/core

# ---- cm4-link: the MCU image, the core on the STM32G4 board ----
# The core and boards/stm32g4 (an STM32G431CB at 170 MHz, see its
# board.c and stm32g431cb.ld), cross-compiled and linked for the
# Cortex-M4F: the image the EOL flashes. Linked without nosys.specs: a
# core that used anything host-only (heap, stdio, time, files) would need a
# syscall stub (_sbrk, _write, ...) that does not exist here, and the link
# fails. Host headers (POSIX, Linux) do not exist in newlib at all, so
# those fail at compile time.
CM4_CC := arm-none-eabi-gcc
CM4_SIZE := arm-none-eabi-size
CM4_ARCH := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16
CM4_CFLAGS := -std=c11 -Wall -Wextra -Werror $(CM4_ARCH) -Os -g -ffunction-sections -fdata-sections \
	-fno-math-errno -Ifirmware/include -Ifirmware/core -I$(STM32G4_DIR)
CM4_LDSCRIPT := $(STM32G4_DIR)/stm32g431cb.ld
CM4_OUT := $(BUILD)/firmware/cm4f
CM4_LDFLAGS := $(CM4_ARCH) --specs=nano.specs -nostartfiles -Wl,--gc-sections -T$(CM4_LDSCRIPT) \
	-Wl,-Map=$(CM4_OUT)/med2.map -Wl,--build-id=sha1 -Wl,--print-memory-usage
# the board: what runs only on the MCU, then its portable parts (host-tested above)
CM4_BOARD_SRCS := $(addprefix $(STM32G4_DIR)/,startup.c board.c board_pins.c clock.c spi_master.c \
	i2c_master.c usart_rs485.c afe_sampler.c pulse_out.c nv.c rtc.c lcd.c power_fail.c \
	ads131m02.c mb85rs64v.c pcf85176.c clock_plan.c usart_timing.c i2c_timing.c rtc_bcd.c \
	pulse_timeline.c debounce.c)
# what every Cortex-M4F board shares (the reset); boards/mps2-an386 links it too
CM4F_ARCH_DIR := firmware/arch/cortex-m4f
CM4F_ARCH_SRCS := $(CM4F_ARCH_DIR)/reset.c
CM4_OBJS := $(FW_CORE_SRCS:%.c=$(CM4_OUT)/%.o) $(CM4_BOARD_SRCS:%.c=$(CM4_OUT)/%.o) \
	$(CM4F_ARCH_SRCS:%.c=$(CM4_OUT)/%.o)
# the MCU image (rig/src/drivers/flash/flash_image.c finds it beside the rig
# under this path; make check passes it as RIG_FIRMWARE_ARM_IMAGE)
FW_CM4_ELF := $(CM4_OUT)/med2.elf
CM4_OBJ_DIRS := $(CM4_OUT)/firmware/core $(CM4_OUT)/$(STM32G4_DIR) $(CM4_OUT)/$(CM4F_ARCH_DIR)

$(CM4_OUT)/firmware/core/%.o: firmware/core/%.c | $(CM4_OBJ_DIRS)
	$(CM4_CC) $(CM4_CFLAGS) -MMD -MP -c $< -o $@
$(CM4_OUT)/$(STM32G4_DIR)/%.o: $(STM32G4_DIR)/%.c | $(CM4_OBJ_DIRS)
	$(CM4_CC) $(CM4_CFLAGS) -MMD -MP -c $< -o $@
$(CM4_OUT)/$(CM4F_ARCH_DIR)/%.o: $(CM4F_ARCH_DIR)/%.c | $(CM4_OBJ_DIRS)
	$(CM4_CC) $(CM4_CFLAGS) -MMD -MP -c $< -o $@

$(FW_CM4_ELF): $(CM4_OBJS) $(CM4_LDSCRIPT)
	$(CM4_CC) $(CM4_LDFLAGS) $(CM4_OBJS) -lm -o $@

.PHONY: cm4-link
cm4-link: $(FW_CM4_ELF)
	$(CM4_SIZE) $(FW_CM4_ELF)

$(BUILD)/firmware/core $(BUILD)/firmware/tests $(BUILD)/firmware/tools $(CM4_OBJ_DIRS):
	mkdir -p $@

-include $(FW_CORE_OBJS:.o=.d) $(FW_TESTS:=.d) $(FW_TEST_HELPER_OBJS:.o=.d) $(CM4_OBJS:.o=.d) \
	$(FW_DOC_TOOL_OBJS:.o=.d) $(FW_UI_DOC_OBJS:.o=.d) $(STM32G4_TEST_OBJS:.o=.d) \
	$(wildcard $(STM32G4_HOST_OUT)/*.d)
