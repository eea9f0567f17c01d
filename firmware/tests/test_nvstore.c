/*
 * test_nvstore.c — double-buffered NV records: round trip, alternation,
 * a torn write of the newer copy (the older one is used), corruption of
 * one or both copies, CRC, sequence wrap, write failure.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "hal_record.h"
#include "nvstore.h"

struct payload {
    uint32_t n;
    uint8_t fill[200];
};

static struct nvstore nv;

static void setup(void)
{
    hal_record_reset();
    nvstore_init(&nv);
}

static struct payload make(uint32_t n)
{
    struct payload p;
    p.n = n;
    memset(p.fill, (int)(n & 0xFF), sizeof(p.fill));
    return p;
}

/* A fresh store, as after a reset: only NV is kept. */
static enum nvstore_status reload(struct payload *out)
{
    nvstore_init(&nv);
    return nvstore_load(&nv, NVSTORE_ENERGY, out, sizeof(*out));
}

TestSuite(nvstore, .init = setup);

Test(nvstore, blank_is_blank)
{
    struct payload p = make(99), q = p;
    cr_assert_eq(nvstore_load(&nv, NVSTORE_ENERGY, &p, sizeof(p)), NVSTORE_BLANK);
    cr_assert_eq(memcmp(&p, &q, sizeof(p)), 0, "data untouched when unusable");
    cr_assert_eq(nv.status[NVSTORE_ENERGY], NVSTORE_BLANK);
    memset(hal_rec.nv, 0, sizeof(hal_rec.nv)); /* a zero-filled part is blank too */
    cr_assert_eq(nvstore_load(&nv, NVSTORE_SETTINGS, &p, sizeof(p)), NVSTORE_BLANK);
}

Test(nvstore, save_load_round_trip_and_alternation)
{
    struct payload p = make(1), q;
    nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q));
    cr_assert_eq(nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)), 0);
    cr_assert_eq(reload(&q), NVSTORE_OK);
    cr_assert_eq(q.n, 1u);
    p = make(2);
    cr_assert_eq(nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)), 0);
    p = make(3);
    cr_assert_eq(nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)), 0);
    cr_assert_eq(reload(&q), NVSTORE_OK);
    cr_assert_eq(memcmp(&p, &q, sizeof(p)), 0);
    /* copies alternate: A holds 3, B holds 2 */
    uint32_t na, nb;
    memcpy(&na, &hal_rec.nv[nvstore_slot_offset(NVSTORE_ENERGY, 0) + NVSTORE_HEADER_SIZE], 4);
    memcpy(&nb, &hal_rec.nv[nvstore_slot_offset(NVSTORE_ENERGY, 1) + NVSTORE_HEADER_SIZE], 4);
    cr_assert_eq(na, 3u);
    cr_assert_eq(nb, 2u);
    /* and records do not disturb each other */
    struct payload s;
    cr_assert_eq(nvstore_load(&nv, NVSTORE_SETTINGS, &s, sizeof(s)), NVSTORE_BLANK);
}

Test(nvstore, torn_write_of_the_newer_copy_uses_the_older)
{
    struct payload p = make(10), q;
    nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q));
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    p = make(11);
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    /* the power goes 100 bytes into the third save (it overwrites copy A,
     * which held 10; copy B holds 11) */
    hal_rec.nv_tear_after = 100;
    p = make(12);
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    cr_assert_eq(reload(&q), NVSTORE_RECOVERED);
    cr_assert_eq(q.n, 11u);
    cr_assert_eq(q.fill[199], 11u);
    /* the next save goes over the torn copy, not over the good one */
    p = make(13);
    cr_assert_eq(nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)), 0);
    cr_assert_eq(reload(&q), NVSTORE_OK);
    cr_assert_eq(q.n, 13u);
    hal_rec.nv_tear_after = 10; /* torn inside the header (its sequence number) this time */
    p = make(14);
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    cr_assert_eq(reload(&q), NVSTORE_RECOVERED);
    cr_assert_eq(q.n, 13u);
}

Test(nvstore, first_save_torn_is_corrupt_not_blank)
{
    struct payload p = make(5), q;
    nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q));
    hal_rec.nv_tear_after = 50;
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    cr_assert_eq(reload(&q), NVSTORE_CORRUPT);
}

Test(nvstore, crc_catches_one_flipped_bit)
{
    struct payload p = make(20), q;
    nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q));
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    p = make(21);
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)); /* in copy B */
    hal_rec.nv[nvstore_slot_offset(NVSTORE_ENERGY, 1) + NVSTORE_HEADER_SIZE + 150] ^= 0x08;
    cr_assert_eq(reload(&q), NVSTORE_RECOVERED);
    cr_assert_eq(q.n, 20u);
}

Test(nvstore, both_copies_corrupt_reports_corrupt)
{
    struct payload p = make(30), q = make(77);
    nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q));
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    hal_rec.nv[nvstore_slot_offset(NVSTORE_ENERGY, 0) + 40] ^= 0xFF;
    hal_rec.nv[nvstore_slot_offset(NVSTORE_ENERGY, 1) + 41] ^= 0xFF;
    q = make(77);
    cr_assert_eq(reload(&q), NVSTORE_CORRUPT);
    cr_assert_eq(q.n, 77u, "data untouched");
    cr_assert_eq(nv.status[NVSTORE_ENERGY], NVSTORE_CORRUPT);
    /* after which a save starts over and works */
    p = make(31);
    cr_assert_eq(nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)), 0);
    cr_assert_eq(reload(&q), NVSTORE_RECOVERED);
    cr_assert_eq(q.n, 31u);
}

Test(nvstore, another_length_is_corrupt)
{
    struct payload p = make(40), q;
    nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q));
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    nvstore_init(&nv);
    cr_assert_eq(nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q) - 4), NVSTORE_CORRUPT);
}

Test(nvstore, sequence_numbers_wrap)
{
    struct payload p = make(50), q;
    nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q));
    nv.seq[NVSTORE_ENERGY] = 0xFFFFFFFEu;
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)); /* seq 0xFFFFFFFF */
    p = make(51);
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)); /* seq 0 */
    cr_assert_eq(reload(&q), NVSTORE_OK);
    cr_assert_eq(q.n, 51u);
    cr_assert_eq(nv.seq[NVSTORE_ENERGY], 0u);
}

Test(nvstore, failed_write_keeps_the_old_data)
{
    struct payload p = make(60), q;
    nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q));
    nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p));
    hal_rec.nv_fail_writes = true;
    p = make(61);
    cr_assert_lt(nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)), 0);
    hal_rec.nv_fail_writes = false;
    cr_assert_eq(reload(&q), NVSTORE_OK);
    cr_assert_eq(q.n, 60u);
}

/* Verify after write: a part that acknowledges a write and keeps nothing
 * (a failed EEPROM cell array) fails the save and sets the fault; the
 * older copy is still the record. */
Test(nvstore, lost_write_fails_the_save)
{
    struct payload p = make(70), q;
    nvstore_load(&nv, NVSTORE_ENERGY, &q, sizeof(q));
    cr_assert_eq(nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)), 0);
    cr_assert(!nv.fault);
    p = make(71);
    hal_rec.nv_tear_after = 0;
    cr_assert_eq(nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)), -EIO);
    cr_assert(nv.fault);
    /* a later save that is kept works, the fault stays until power-up */
    cr_assert_eq(nvstore_save(&nv, NVSTORE_ENERGY, &p, sizeof(p)), 0);
    cr_assert(nv.fault);
    cr_assert_eq(reload(&q), NVSTORE_OK);
    cr_assert_eq(q.n, 71u);
}

Test(nvstore, too_big_refused)
{
    static uint8_t big[NVSTORE_MAX_PAYLOAD + 1];
    cr_assert_lt(nvstore_save(&nv, NVSTORE_ENERGY, big, sizeof(big)), 0);
    cr_assert_eq(nvstore_save(&nv, NVSTORE_ENERGY, big, NVSTORE_MAX_PAYLOAD), 0);
}
