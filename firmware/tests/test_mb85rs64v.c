/*
 * test_mb85rs64v.c — the STM32G4 board's FRAM driver (boards/stm32g4/
 * mb85rs64v.c) against a model of the part (mb85rs64v_model.c): what is
 * written reads back, only the bytes asked for change, every write is
 * preceded by WREN (the part ignores one that is not, and the model shows
 * it), block protection left on a part is cleared, the array's end is
 * respected, an absent part is an error rather than silently lost saves.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "mb85rs64v.h"
#include "mb85rs64v_model.h"

static struct mb85rs64v_model part;
static struct spi_bus bus;
static struct mb85rs64v fram;

static void setup(void)
{
    mb85rs64v_model_init(&part);
    bus = mb85rs64v_model_bus(&part);
}

TestSuite(mb85rs64v, .init = setup);

static void raw_write(uint16_t addr, uint8_t value)
{
    uint8_t t[4] = {MB85RS_OP_WRITE, (uint8_t)(addr >> 8), (uint8_t)addr, value};
    bus.select(bus.ctx, true);
    bus.transfer(bus.ctx, t, NULL, sizeof t);
    bus.select(bus.ctx, false);
}

Test(mb85rs64v, the_part_ignores_a_write_without_wren)
{
    raw_write(0x0100, 0x42);
    cr_assert_eq(part.mem[0x0100], 0xFF);
    cr_assert_eq(part.ignored_writes, 1u);
    uint8_t wren = MB85RS_OP_WREN;
    bus.select(bus.ctx, true);
    bus.transfer(bus.ctx, &wren, NULL, 1);
    bus.select(bus.ctx, false);
    raw_write(0x0100, 0x42);
    cr_assert_eq(part.mem[0x0100], 0x42);
    raw_write(0x0101, 0x43); /* the latch went with the write */
    cr_assert_eq(part.mem[0x0101], 0xFF);
    cr_assert_eq(part.ignored_writes, 2u);
}

Test(mb85rs64v, what_is_written_reads_back_and_nothing_else_changes)
{
    cr_assert_eq(mb85rs64v_init(&fram, &bus), 0);
    uint8_t w[200], r[200];
    for (unsigned k = 0; k < sizeof w; k++) {
        w[k] = (uint8_t)(k * 7u + 1u);
    }
    cr_assert_eq(mb85rs64v_write(&fram, 1000, w, sizeof w), 0);
    cr_assert_arr_eq(part.mem + 1000, w, sizeof w, "in the part's array");
    cr_assert_eq(part.mem[999], 0xFF);
    cr_assert_eq(part.mem[1200], 0xFF);
    cr_assert_eq(mb85rs64v_read(&fram, 1000, r, sizeof r), 0);
    cr_assert_arr_eq(r, w, sizeof w);
    cr_assert_eq(part.ignored_writes, 0u);
    cr_assert_not(part.wel, "left write-protected between saves");
}

Test(mb85rs64v, every_write_enables_itself)
{
    cr_assert_eq(mb85rs64v_init(&fram, &bus), 0);
    for (uint32_t k = 0; k < 10u; k++) {
        uint8_t b = (uint8_t)k;
        cr_assert_eq(mb85rs64v_write(&fram, 4096u + k, &b, 1), 0);
        cr_assert_eq(part.mem[4096u + k], k);
    }
    cr_assert_eq(part.ignored_writes, 0u);
}

Test(mb85rs64v, init_clears_block_protection)
{
    part.status = 0x0Cu; /* BP1:BP0 = 11: the whole array */
    uint8_t b = 0x5A;
    cr_assert_eq(mb85rs64v_init(&fram, &bus), 0);
    cr_assert_eq(part.status & 0x0Cu, 0u);
    cr_assert_eq(mb85rs64v_write(&fram, 0x1F00, &b, 1), 0);
    cr_assert_eq(part.mem[0x1F00], 0x5A);
    cr_assert_eq(part.protected_bytes, 0u);
}

Test(mb85rs64v, protection_left_on_drops_writes)
{
    /* what init guards against: the model drops the write, as the part does */
    part.status = 0x04u; /* upper quarter */
    uint8_t b = 0x5A;
    fram.bus = &bus;
    cr_assert_eq(mb85rs64v_write(&fram, 0x1F00, &b, 1), 0);
    cr_assert_eq(part.mem[0x1F00], 0xFF);
    cr_assert_eq(part.protected_bytes, 1u);
}

Test(mb85rs64v, the_array_ends_at_8_kib)
{
    cr_assert_eq(mb85rs64v_init(&fram, &bus), 0);
    uint8_t w[2] = {1, 2}, r[2];
    cr_assert_eq(mb85rs64v_write(&fram, 8190, w, 2), 0);
    cr_assert_eq(part.mem[8191], 2);
    cr_assert_eq(mb85rs64v_write(&fram, 8191, w, 2), -EINVAL);
    cr_assert_eq(part.mem[0], 0xFF, "no wrap to address 0");
    cr_assert_eq(mb85rs64v_read(&fram, 8192, r, 1), -EINVAL);
}

Test(mb85rs64v, an_absent_part_is_an_error)
{
    part.absent = true;
    uint8_t b = 1;
    cr_assert_eq(mb85rs64v_init(&fram, &bus), -EIO);
    cr_assert_eq(mb85rs64v_write(&fram, 0, &b, 1), -EIO);
}
