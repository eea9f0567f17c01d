/*
 * test_nv_fram.c — the native board's FRAM emulation (nv_fram.h): bytes
 * overwritten in place, bus time in virtual time, a write torn where a cut
 * falls (the bytes before new, the byte on the wire part new, the rest
 * old), nothing reaching the part after the cut, the access counts kept in
 * the wear file across a restart of the process.
 */
#define _POSIX_C_SOURCE 200809L /* mkdtemp */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nv_fram.h"

#define PER_BYTE (NV_FRAM_NS_PER_BYTE + NV_FRAM_CPU_NS_PER_BYTE)

static char dir[64], path[128];
static void *domain;

static void setup(void)
{
    snprintf(dir, sizeof(dir), "/tmp/med2-fram.XXXXXX");
    cr_assert_not_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/nv.bin", dir);
    cr_assert_eq(nv_fram_open(path, 32, &domain), 0);
    nv_fram_power_up();
}

static void teardown(void)
{
    char cmd[160];
    snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
    (void)!system(cmd);
}

TestSuite(nv_fram, .init = setup, .fini = teardown);

Test(nv_fram, a_fresh_part_reads_erased_and_keeps_what_is_written)
{
    uint8_t b[16], w[16];
    cr_assert_eq(nv_fram_read(100, b, sizeof(b)), 0);
    for (unsigned k = 0; k < sizeof(b); k++) {
        cr_assert_eq(b[k], 0xFF);
    }
    memset(w, 0x5A, sizeof(w));
    cr_assert_eq(nv_fram_write(100, w, sizeof(w)), 0);
    /* another process on the same file: the content is there */
    cr_assert_eq(nv_fram_open(path, 32, &domain), 0);
    cr_assert_eq(nv_fram_read(100, b, sizeof(b)), 0);
    cr_assert_arr_eq(b, w, sizeof(w));
    cr_assert_eq(nv_fram_write(HAL_NV_SIZE - 4u, w, 8), -EINVAL, "past the end");
}

Test(nv_fram, accesses_take_bus_time)
{
    uint8_t w[100] = {0};
    nv_fram_begin(1000000);
    cr_assert_eq(nv_fram_write(0, w, sizeof(w)), 0);
    cr_assert_eq(nv_fram_now(), 1000000 + NV_FRAM_CS_NS + (NV_FRAM_CMD_BYTES + 100u) * PER_BYTE);
    nv_fram_begin(0); /* an earlier instant: the bus is still busy */
    cr_assert_eq(nv_fram_now(), 1000000 + NV_FRAM_CS_NS + (NV_FRAM_CMD_BYTES + 100u) * PER_BYTE);
}

Test(nv_fram, a_cut_tears_the_write_where_it_falls)
{
    uint8_t w[64], b[64];
    memset(w, 0x00, sizeof(w)); /* over erased 0xFF */
    uint64_t t0 = 5000000;
    nv_fram_begin(t0);
    uint64_t data_start = t0 + NV_FRAM_CS_NS + NV_FRAM_CMD_BYTES * PER_BYTE;
    /* 10 bytes and 4 bits of the 11th clocked in */
    nv_fram_arm_cut(data_start + 10u * PER_BYTE + NV_FRAM_NS_PER_BYTE / 2u);
    cr_assert_eq(nv_fram_write(200, w, sizeof(w)), -EIO);
    cr_assert(nv_fram_cut_happened());
    cr_assert_eq(nv_fram_stats()->torn, 1u);
    uint32_t off, good;
    nv_fram_last_tear(&off, &good);
    cr_assert_eq(off, 200u);
    cr_assert_eq(good, 10u);
    cr_assert_eq(nv_fram_write(300, w, 4), -EIO, "the CPU has stopped: nothing more reaches the part");
    nv_fram_power_up();
    cr_assert_eq(nv_fram_read(200, b, sizeof(b)), 0);
    for (unsigned k = 0; k < 10u; k++) {
        cr_assert_eq(b[k], 0x00, "byte %u new", k);
    }
    cr_assert_eq(b[10], 0x0F, "MSB first: 4 bits new, 4 old");
    for (unsigned k = 11; k < sizeof(b); k++) {
        cr_assert_eq(b[k], 0xFF, "byte %u old", k);
    }
    cr_assert_eq(nv_fram_read(300, b, 4), 0);
    cr_assert_eq(b[0], 0xFF);
}

Test(nv_fram, a_cut_in_the_nth_write)
{
    uint8_t w[40] = {0}, b[40];
    nv_fram_arm_cut_in_write(2, 500000); /* half-way through the second */
    cr_assert_eq(nv_fram_write(0, w, sizeof(w)), 0);
    cr_assert_eq(nv_fram_write(1000, w, sizeof(w)), -EIO);
    nv_fram_power_up();
    cr_assert_eq(nv_fram_read(1000, b, sizeof(b)), 0);
    unsigned fresh = 0;
    while (fresh < sizeof(b) && b[fresh] == 0x00) {
        fresh++;
    }
    cr_assert(fresh > 10u && fresh < 30u, "%u bytes new, about half", fresh);
    cr_assert_eq(b[sizeof(b) - 1], 0xFF);
}

Test(nv_fram, every_access_is_counted_and_the_count_is_kept)
{
    uint8_t w[8] = {1, 2, 3, 4, 5, 6, 7, 8}, b[8];
    uint64_t before = nv_fram_stats()->max_wear;
    for (int n = 0; n < 5; n++) {
        cr_assert_eq(nv_fram_write(4000, w, sizeof(w)), 0);
    }
    cr_assert_eq(nv_fram_read(4000, b, sizeof(b)), 0);
    cr_assert_geq(nv_fram_stats()->max_wear, before + 6u, "5 writes and a read");
    char wear[160];
    snprintf(wear, sizeof(wear), "%s.wear", path);
    FILE *f = fopen(wear, "rb");
    cr_assert_not_null(f);
    uint64_t count;
    cr_assert_eq(fseek(f, 4000 * (long)sizeof(uint64_t), SEEK_SET), 0);
    cr_assert_eq(fread(&count, sizeof(count), 1, f), 1u);
    fclose(f);
    cr_assert_eq(count, 6u, "byte 4000: 5 writes + 1 read, in the wear file");
}
