/*
 * stm32g4_regs.h — the registers of the STM32G431 this board uses, and the
 * Cortex-M4 core's own (SysTick, NVIC, SCB).
 *
 * Addresses and bit positions from RM0440 (STM32G4 reference manual): the
 * memory map (§2.2.2), RCC (§7.4), PWR (§6.4), FLASH (§5.7), GPIO (§9.4),
 * SYSCFG (§10.2), EXTI (§15.5), USART (§37.8), SPI (§39.6), I2C (§41.7),
 * RTC (§29.6), TAMP (§30.6); the core's from the ARMv7-M ARM (B3.2, B3.3,
 * B3.4). Only what the board's drivers touch is named here.
 */
#ifndef STM32G4_REGS_H
#define STM32G4_REGS_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

/* ---- Cortex-M4 core ---- */
#define SYST_CSR REG32(0xE000E010u)
#define SYST_RVR REG32(0xE000E014u)
#define SYST_CVR REG32(0xE000E018u)
#define SYST_CSR_ENABLE (1u << 0)
#define SYST_CSR_TICKINT (1u << 1)
#define SYST_CSR_CLKSOURCE_CPU (1u << 2)

#define NVIC_ISER(n) REG32(0xE000E100u + 4u * (n))
#define NVIC_ICER(n) REG32(0xE000E180u + 4u * (n))
#define NVIC_IPR_BYTE(irq) (*(volatile uint8_t *)(uintptr_t)(0xE000E400u + (irq)))

#define SCB_SHPR3 REG32(0xE000ED20u) /* bits 31..24: SysTick's priority */
#define SCB_AIRCR REG32(0xE000ED0Cu)
#define SCB_AIRCR_VECTKEY (0x05FAu << 16)
#define SCB_AIRCR_SYSRESETREQ (1u << 2)

/* The cycle counter (ARMv7-M ARM C1.8): busy waits in microseconds. */
#define DEMCR REG32(0xE000EDFCu)
#define DEMCR_TRCENA (1u << 24)
#define DWT_CTRL REG32(0xE0001000u)
#define DWT_CTRL_CYCCNTENA (1u << 0)
#define DWT_CYCCNT REG32(0xE0001004u)

/* STM32G4 implements 4 priority bits, the top of each IPR byte. */
#define NVIC_PRIORITY(level) ((uint8_t)((level) << 4))

/* Interrupt numbers (RM0440 Table 97) of the handlers the board has. */
#define IRQ_PVD_PVM 1u
#define IRQ_EXTI15_10 40u
#define IRQ_USART2 38u
/* The last interrupt of the STM32G431 (FMAC): the vector table's length. */
#define IRQ_COUNT 102u

/* ---- RCC ---- */
#define RCC_BASE 0x40021000u
#define RCC_CR REG32(RCC_BASE + 0x00u)
#define RCC_CFGR REG32(RCC_BASE + 0x08u)
#define RCC_PLLCFGR REG32(RCC_BASE + 0x0Cu)
#define RCC_AHB2ENR REG32(RCC_BASE + 0x4Cu)
#define RCC_APB1ENR1 REG32(RCC_BASE + 0x58u)
#define RCC_APB2ENR REG32(RCC_BASE + 0x60u)
#define RCC_BDCR REG32(RCC_BASE + 0x90u)

#define RCC_CR_HSION (1u << 8)
#define RCC_CR_HSIRDY (1u << 10)
#define RCC_CR_HSEON (1u << 16)
#define RCC_CR_HSERDY (1u << 17)
#define RCC_CR_PLLON (1u << 24)
#define RCC_CR_PLLRDY (1u << 25)

#define RCC_CFGR_SW_MASK 0x3u
#define RCC_CFGR_SW_PLL 0x3u
#define RCC_CFGR_SWS_SHIFT 2
#define RCC_CFGR_HPRE_MASK (0xFu << 4)
#define RCC_CFGR_HPRE_DIV2 (0x8u << 4)

#define RCC_PLLCFGR_SRC_HSI16 0x2u
#define RCC_PLLCFGR_SRC_HSE 0x3u
#define RCC_PLLCFGR_M_SHIFT 4   /* PLLM = M - 1 */
#define RCC_PLLCFGR_N_SHIFT 8
#define RCC_PLLCFGR_REN (1u << 24)
#define RCC_PLLCFGR_R_SHIFT 25  /* 00: /2, 01: /4, 10: /6, 11: /8 */

#define RCC_AHB2ENR_GPIOAEN (1u << 0)
#define RCC_AHB2ENR_GPIOBEN (1u << 1)
#define RCC_APB1ENR1_RTCAPBEN (1u << 10)
#define RCC_APB1ENR1_SPI2EN (1u << 14)
#define RCC_APB1ENR1_USART2EN (1u << 17)
#define RCC_APB1ENR1_I2C2EN (1u << 22)
#define RCC_APB1ENR1_PWREN (1u << 28)
#define RCC_APB2ENR_SYSCFGEN (1u << 0)
#define RCC_APB2ENR_SPI1EN (1u << 12)

#define RCC_BDCR_LSEON (1u << 0)
#define RCC_BDCR_LSERDY (1u << 1)
#define RCC_BDCR_LSEDRV_MEDIUM_HIGH (0x2u << 3)
#define RCC_BDCR_RTCSEL_MASK (0x3u << 8)
#define RCC_BDCR_RTCSEL_LSE (0x1u << 8)
#define RCC_BDCR_RTCEN (1u << 15)
#define RCC_BDCR_BDRST (1u << 16)

/* ---- PWR ---- */
#define PWR_BASE 0x40007000u
#define PWR_CR1 REG32(PWR_BASE + 0x00u)
#define PWR_CR2 REG32(PWR_BASE + 0x04u)
#define PWR_SR2 REG32(PWR_BASE + 0x14u)
#define PWR_CR5 REG32(PWR_BASE + 0x80u)

#define PWR_CR1_DBP (1u << 8)
#define PWR_CR1_VOS_MASK (0x3u << 9)
#define PWR_CR1_VOS_RANGE1 (0x1u << 9)
#define PWR_CR2_PVDE (1u << 0)
#define PWR_CR2_PLS_PVD_IN (0x7u << 1) /* the PVD_IN pin against VREFINT */
#define PWR_SR2_VOSF (1u << 10)
#define PWR_SR2_PVDO (1u << 11)        /* 1: below the threshold */
#define PWR_CR5_R1MODE (1u << 8)       /* 0: range 1 boost mode */

/* ---- FLASH ---- */
#define FLASH_ACR REG32(0x40022000u)
#define FLASH_ACR_LATENCY_MASK 0xFu
#define FLASH_ACR_PRFTEN (1u << 8)
#define FLASH_ACR_ICEN (1u << 9)
#define FLASH_ACR_DCEN (1u << 10)
/* OTP area: 1 KiB of one-time-programmable flash (RM0440 §5.3.1). */
#define FLASH_OTP_BASE 0x1FFF7000u

/* ---- GPIO ---- */
#define GPIOA_BASE 0x48000000u
#define GPIOB_BASE 0x48000400u
#define GPIO_MODER(port) REG32((port) + 0x00u)
#define GPIO_OTYPER(port) REG32((port) + 0x04u)
#define GPIO_OSPEEDR(port) REG32((port) + 0x08u)
#define GPIO_PUPDR(port) REG32((port) + 0x0Cu)
#define GPIO_IDR(port) REG32((port) + 0x10u)
#define GPIO_BSRR(port) REG32((port) + 0x18u)
#define GPIO_AFR(port, n) REG32((port) + 0x20u + 4u * (n)) /* n 0: pins 0..7, 1: 8..15 */

/* ---- SYSCFG, EXTI ---- */
#define SYSCFG_EXTICR(n) REG32(0x40010000u + 0x08u + 4u * (n)) /* n 0..3: lines 4n..4n+3 */
#define EXTI_BASE 0x40010400u
#define EXTI_IMR1 REG32(EXTI_BASE + 0x00u)
#define EXTI_RTSR1 REG32(EXTI_BASE + 0x08u)
#define EXTI_FTSR1 REG32(EXTI_BASE + 0x0Cu)
#define EXTI_PR1 REG32(EXTI_BASE + 0x14u)  /* write 1 to clear */
#define EXTI_LINE_PVD 16u

/* ---- USART2 ---- */
#define USART2_BASE 0x40004400u
#define USART_CR1(u) REG32((u) + 0x00u)
#define USART_CR2(u) REG32((u) + 0x04u)
#define USART_CR3(u) REG32((u) + 0x08u)
#define USART_BRR(u) REG32((u) + 0x0Cu)
#define USART_RTOR(u) REG32((u) + 0x14u)
#define USART_ISR(u) REG32((u) + 0x1Cu)
#define USART_ICR(u) REG32((u) + 0x20u)
#define USART_RDR(u) REG32((u) + 0x24u)
#define USART_TDR(u) REG32((u) + 0x28u)
#define USART_PRESC(u) REG32((u) + 0x2Cu)

#define USART_CR1_UE (1u << 0)
#define USART_CR1_RE (1u << 2)
#define USART_CR1_TE (1u << 3)
#define USART_CR1_RXNEIE (1u << 5)
#define USART_CR1_TCIE (1u << 6)
#define USART_CR1_TXEIE (1u << 7)
#define USART_CR1_PS (1u << 9)
#define USART_CR1_PCE (1u << 10)
#define USART_CR1_M0 (1u << 12)
#define USART_CR1_DEDT_SHIFT 16 /* in 1/16 bit times */
#define USART_CR1_DEAT_SHIFT 21
#define USART_CR1_RTOIE (1u << 26)
#define USART_CR2_STOP_2 (0x2u << 12)
#define USART_CR2_RTOEN (1u << 23)
#define USART_CR3_DEM (1u << 14)
#define USART_ISR_PE (1u << 0)
#define USART_ISR_FE (1u << 1)
#define USART_ISR_NE (1u << 2)
#define USART_ISR_ORE (1u << 3)
#define USART_ISR_RXNE (1u << 5)
#define USART_ISR_TC (1u << 6)
#define USART_ISR_TXE (1u << 7)
#define USART_ISR_RTOF (1u << 11)
#define USART_ICR_ERRORS 0xFu   /* PECF, FECF, NECF, ORECF */
#define USART_ICR_TCCF (1u << 6)
#define USART_ICR_RTOCF (1u << 11)

/* ---- SPI1, SPI2 ---- */
#define SPI1_BASE 0x40013000u
#define SPI2_BASE 0x40003800u
#define SPI_CR1(s) REG32((s) + 0x00u)
#define SPI_CR2(s) REG32((s) + 0x04u)
#define SPI_SR(s) REG32((s) + 0x08u)
/* Byte access: a 32- or 16-bit access would push two frames (RM0440 §39.5.9). */
#define SPI_DR8(s) (*(volatile uint8_t *)(uintptr_t)((s) + 0x0Cu))

#define SPI_CR1_CPHA (1u << 0)
#define SPI_CR1_MSTR (1u << 2)
#define SPI_CR1_BR_SHIFT 3      /* f_PCLK / 2^(BR+1) */
#define SPI_CR1_SPE (1u << 6)
#define SPI_CR1_SSI (1u << 8)
#define SPI_CR1_SSM (1u << 9)
#define SPI_CR2_DS_8BIT (0x7u << 8)
#define SPI_CR2_FRXTH (1u << 12) /* RXNE at 8 bits */
#define SPI_SR_RXNE (1u << 0)
#define SPI_SR_TXE (1u << 1)
#define SPI_SR_BSY (1u << 7)

/* ---- I2C2 ---- */
#define I2C2_BASE 0x40005800u
#define I2C_CR1(i) REG32((i) + 0x00u)
#define I2C_CR2(i) REG32((i) + 0x04u)
#define I2C_TIMINGR(i) REG32((i) + 0x10u)
#define I2C_ISR(i) REG32((i) + 0x18u)
#define I2C_ICR(i) REG32((i) + 0x1Cu)
#define I2C_TXDR(i) REG32((i) + 0x28u)

#define I2C_CR1_PE (1u << 0)
#define I2C_CR2_SADD7_SHIFT 1
#define I2C_CR2_START (1u << 13)
#define I2C_CR2_NBYTES_SHIFT 16
#define I2C_CR2_AUTOEND (1u << 25)
#define I2C_ISR_TXIS (1u << 1)
#define I2C_ISR_NACKF (1u << 4)
#define I2C_ISR_STOPF (1u << 5)
#define I2C_ISR_BUSY (1u << 15)
#define I2C_ICR_ALL 0x3F38u /* ADDR, NACK, STOP, BERR, ARLO, OVR, PEC, TIMEOUT, ALERT */

/* ---- RTC ---- */
#define RTC_BASE 0x40002800u
#define RTC_TR REG32(RTC_BASE + 0x00u)
#define RTC_DR REG32(RTC_BASE + 0x04u)
#define RTC_ICSR REG32(RTC_BASE + 0x0Cu)
#define RTC_PRER REG32(RTC_BASE + 0x10u)
#define RTC_CR REG32(RTC_BASE + 0x18u)
#define RTC_WPR REG32(RTC_BASE + 0x24u)

#define RTC_ICSR_RSF (1u << 5)
#define RTC_ICSR_INITF (1u << 6)
#define RTC_ICSR_INIT (1u << 7)
#define RTC_WPR_KEY1 0xCAu
#define RTC_WPR_KEY2 0x53u
#define RTC_WPR_LOCK 0xFFu
/* 32768 Hz LSE: (PREDIV_A + 1) x (PREDIV_S + 1) = 32768 (RM0440 §29.3.3). */
#define RTC_PRER_LSE ((127u << 16) | 255u)

#endif /* STM32G4_REGS_H */
