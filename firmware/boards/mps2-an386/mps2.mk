# boards/mps2-an386: the core on QEMU's mps2-an386 (Cortex-M4F), hosted by
# benchd for `board = qemu` positions (rig/sim/sim_qemu.c). Uses CM4_* of
# firmware/firmware.mk (same compiler and flags as the STM32G4 build).
MPS2_DIR := firmware/boards/mps2-an386
MPS2_SRCS := $(MPS2_DIR)/startup.c $(MPS2_DIR)/board.c $(MPS2_DIR)/cmsdk_uart.c $(CM4F_ARCH_SRCS)
MPS2_LDSCRIPT := $(MPS2_DIR)/mps2-an386.ld
MPS2_OUT := $(BUILD)/firmware/mps2
MPS2_OBJS := $(FW_CORE_SRCS:%.c=$(MPS2_OUT)/%.o) $(MPS2_SRCS:%.c=$(MPS2_OUT)/%.o)
FW_MPS2_ELF := $(MPS2_OUT)/med2-mps2.elf
FW_TARGETS += $(FW_MPS2_ELF)
MPS2_CFLAGS := $(filter-out -Ifirmware/boards/%,$(CM4_CFLAGS)) -I$(MPS2_DIR)

$(MPS2_OUT)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CM4_CC) $(MPS2_CFLAGS) -MMD -MP -c $< -o $@

$(FW_MPS2_ELF): $(MPS2_OBJS) $(MPS2_LDSCRIPT)
	$(CM4_CC) $(CM4_ARCH) --specs=nano.specs -nostartfiles -Wl,--gc-sections -T$(MPS2_LDSCRIPT) \
		-Wl,-Map=$(MPS2_OUT)/med2-mps2.map -Wl,--build-id=sha1 $(MPS2_OBJS) -lm -o $@

-include $(MPS2_OBJS:.o=.d)
