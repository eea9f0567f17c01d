/*
 * qemu_wire.h — the wires between benchd and the meter firmware running on
 * QEMU's mps2-an386 (boards/mps2-an386; benchd's side: rig/sim/sim_qemu.c).
 *
 * Three CMSDK UARTs of the board:
 *   UART0  the RS485 line, bytes as they are (benchd relays its pty);
 *   UART1  benchd -> meter: the AFE's sample stream and the bench's events,
 *          in place of the SPI AFE (the same codes the native board's AFE
 *          model makes, computed by benchd);
 *   UART2  meter -> benchd: hello, pulse edges, "reached", NV changes.
 * A record is a type byte and a fixed payload (samples: a count, then the
 * codes), little-endian. The sample stream is the meter's clock: sample n
 * after the unit's hello is at config.t0_ns + n * 250 us, exactly as on the
 * native board, so the firmware runs in step with benchd's clock whatever
 * QEMU's own (icount) time does.
 */
#ifndef MED2_QEMU_WIRE_H
#define MED2_QEMU_WIRE_H

#include "hal.h"

#define QW_VERSION 1u

/* benchd -> meter (UART1) */
#define QW_CONFIG 'C'  /* t0_ns u64, serial u32, model u8: answer to every hello */
#define QW_SAMPLES 'S' /* n u8 (1..QW_MAX_BLOCK), then n x (v i24, i i24) */
#define QW_SYNC 'Y'    /* seq u32: the meter answers QW_REACHED once all before it is done */
#define QW_SUPPLY 'P'  /* on u8 */
#define QW_IDLE 'I'    /* count u32: the line has been silent for 3.5 characters after
                          its count-th byte (counted since the hello): the
                          meter answers QW_IDLE_DONE once it has read that
                          many, and benchd relays nothing more until then */
#define QW_COST 'Q'    /* (nothing): the meter answers QW_COST_IS */
#define QW_BUTTON 'B'  /* button u8 (1 next, 2 enter), pressed u8 */

/* meter -> benchd (UART2) */
#define QW_HELLO 'h'   /* version u32: the firmware (re)started and waits for QW_CONFIG */
#define QW_EDGE 'e'    /* output u8, level u8, sample u64 (samples since the hello) */
#define QW_REACHED 'r' /* seq u32 */
#define QW_NV 'n'      /* NV memory changed: benchd saves it back to the slot's file */
#define QW_IDLE_DONE 'i' /* (nothing) */
#define QW_LINE 'l'    /* baud u32, parity u8 ('N', 'O', 'E'), stop bits u8: the
                          UART's settings from now on (benchd drops what a
                          client sends with other settings, as a UART would) */
#define QW_FRAME 'f'   /* sample u64, then struct med2_lcd_frame as its bytes (both
                          ends little-endian with the same alignment) */
#define QW_COST_IS 'k' /* ticks u64, samples u64: SysTick ticks inside meter_on_samples */

#define QW_MAX_BLOCK 80u     /* samples per QW_SAMPLES record */
#define QW_SAMPLE_BYTES 6u   /* two 24-bit codes */

/* Memory map (mps2-an386 in QEMU): code at 0, RAM at 0x20000000; NV is a
 * RAM region benchd preloads from the slot's NV file (loader device) and
 * saves back through QMP pmemsave. Its layout is the native board's NV
 * file: QW_NV_DATA_SIZE bytes of NV memory, then the RTC trailer. */
#define QW_NV_ADDR 0x203F0000u
#define QW_NV_DATA_SIZE HAL_NV_SIZE
#define QW_NV_FILE_SIZE (QW_NV_DATA_SIZE + 16u)
#define QW_RTC_MAGIC 0x31435452u /* "RTC1", as in the native board's NV file */

/* SysTick's clock in QEMU's mps2: the 25 MHz system clock. */
#define QW_SYSCLK_HZ 25000000u

#endif
