/*
 * factory.c — the factory register block and its NV record; see factory.h
 * and docs/factory.md.
 */
#include "factory.h"

#include <string.h>

#include "mb_codec.h"

/* The block's values from the one definition in med2_regmap.h. */
struct factory_reg {
    uint16_t address;
    enum med2_reg_type type;
    enum med2_reg_access access;
    double min, max;
};

static const struct factory_reg table[MED2_FACTORY_COUNT] = {
#define FACTORY_ENTRY(id, addr, type, access, unit, lo, hi, def, desc) {(addr), (type), (access), (lo), (hi)},
    MED2_FACTORY_REGMAP(FACTORY_ENTRY)
#undef FACTORY_ENTRY
};

#define DATE_NONE 0u
#define MONTHS 12u
#define DAYS_MAX 31u

void factory_init(struct factory *f, uint32_t board_serial)
{
    memset(f, 0, sizeof(*f));
    f->board_serial = board_serial;
    f->saved_serial = board_serial;
    f->rec.serial = board_serial;
    f->rec.cal = metrology_cal_identity();
    f->pulse1_imp_per_kwh = MED2_PULSE1_LEGAL_IMP_PER_KWH;
}

static bool in_table_range(enum med2_factory_id id, double v)
{
    return v >= table[id].min && v <= table[id].max; /* false for NaN */
}

/* Floats against the limits as floats: -0.05f is below -0.05 in double,
 * and a client writing the map's limit must get it accepted. */
static bool in_float_range(enum med2_factory_id id, float v)
{
    return v >= (float)table[id].min && v <= (float)table[id].max;
}

static bool date_valid(uint32_t d)
{
    uint32_t month = d / 100u % 100u, day = d % 100u;
    return in_table_range(MED2_FACTORY_CAL_DATE, (double)d) && month >= 1u && month <= MONTHS &&
           day >= 1u && day <= DAYS_MAX;
}

/* What a record from NV must satisfy besides its CRC. The serial may be any
 * non-zero number: before a serial is written the board's is saved. */
static bool record_valid(const struct factory_record *r)
{
    return r->serial != 0u && in_table_range(MED2_FACTORY_HW_VERSION, (double)r->hw_version) &&
           (r->cal_date == DATE_NONE || date_valid(r->cal_date)) &&
           in_float_range(MED2_FACTORY_V_GAIN, r->cal.v_gain) &&
           in_float_range(MED2_FACTORY_I_GAIN, r->cal.i_gain) &&
           in_float_range(MED2_FACTORY_PHASE_DEG, r->cal.i_phase_deg) &&
           in_float_range(MED2_FACTORY_V_OFFSET, r->cal.v_rms_offset) &&
           in_float_range(MED2_FACTORY_I_OFFSET, r->cal.i_rms_offset) &&
           in_float_range(MED2_FACTORY_P_OFFSET, r->cal.p_offset_w) &&
           in_float_range(MED2_FACTORY_I_GAIN_SLOPE, r->cal.i_gain_slope) &&
           in_float_range(MED2_FACTORY_PHASE_SLOPE, r->cal.i_phase_slope_deg) &&
           (r->sealed == 0u || r->sealed == FACTORY_SEALED_PATTERN);
}

/* A record of the first layout (factory.h), as the current one. */
static enum nvstore_status load_v1(struct nvstore *nv, struct factory_record *r)
{
    struct factory_record_v1 old;
    enum nvstore_status st = nvstore_load(nv, NVSTORE_FACTORY, &old, sizeof(old));
    if (st == NVSTORE_OK || st == NVSTORE_RECOVERED) {
        *r = (struct factory_record){
            .serial = old.serial, .hw_version = old.hw_version, .cal_date = old.cal_date,
            .sealed = old.sealed,
        };
        r->cal = metrology_cal_identity();
        r->cal.v_gain = old.cal.v_gain;
        r->cal.i_gain = old.cal.i_gain;
        r->cal.i_phase_deg = old.cal.i_phase_deg;
        r->cal.v_rms_offset = old.cal.v_rms_offset;
        r->cal.i_rms_offset = old.cal.i_rms_offset;
        r->cal.p_offset_w = old.cal.p_offset_w;
    }
    return st;
}

void factory_load(struct factory *f, struct nvstore *nv)
{
    struct factory_record r;
    enum nvstore_status st = nvstore_load(nv, NVSTORE_FACTORY, &r, sizeof(r));
    if (st == NVSTORE_CORRUPT) {
        /* perhaps a record of the first layout, written by older firmware */
        enum nvstore_status old = load_v1(nv, &r);
        if (old == NVSTORE_OK || old == NVSTORE_RECOVERED) {
            st = old;
        } else {
            nv->status[NVSTORE_FACTORY] = NVSTORE_CORRUPT;
        }
    }
    if (st == NVSTORE_OK || st == NVSTORE_RECOVERED) {
        if (record_valid(&r)) {
            f->rec = r;
            f->saved = true;
            f->saved_serial = r.serial;
            return;
        }
        nv->status[NVSTORE_FACTORY] = NVSTORE_CORRUPT;
        st = NVSTORE_CORRUPT;
    }
    /* Blank: a new unit. Corrupt or unreadable: run uncalibrated and refuse
     * writes (see factory.h). */
    f->corrupt = st != NVSTORE_BLANK;
}

bool factory_sealed(const struct factory *f)
{
    return f->rec.sealed == FACTORY_SEALED_PATTERN;
}

uint32_t factory_status(const struct factory *f, uint32_t extra)
{
    uint32_t st = extra;
    st |= f->unlocked ? MED2_FACTORY_UNLOCKED : 0u;
    st |= factory_sealed(f) ? MED2_FACTORY_SEALED : 0u;
    st |= f->saved ? MED2_FACTORY_CAL_SAVED : 0u;
    st |= f->corrupt ? MED2_FACTORY_CAL_CORRUPT : 0u;
    return st;
}

/* The value holding register `reg`, or -1 (a gap or outside the block). */
static int find_value(uint32_t reg)
{
    for (int id = 0; id < (int)MED2_FACTORY_COUNT; id++) {
        uint32_t a = table[id].address;
        if (reg >= a && reg < a + MED2_REG_WORDS(table[id].type)) {
            return id;
        }
    }
    return -1;
}

static void value_words(const struct factory *f, enum med2_factory_id id, uint32_t extra,
                        uint16_t words[2])
{
    const struct factory_record *r = &f->rec;
    switch (id) {
    case MED2_FACTORY_STATUS: mb_words_from_u32(factory_status(f, extra), words); break;
    case MED2_FACTORY_SERIAL: mb_words_from_u32(r->serial, words); break;
    case MED2_FACTORY_HW_VERSION: mb_words_from_u32(r->hw_version, words); break;
    case MED2_FACTORY_CAL_DATE: mb_words_from_u32(r->cal_date, words); break;
    case MED2_FACTORY_V_GAIN: mb_words_from_float(r->cal.v_gain, words); break;
    case MED2_FACTORY_I_GAIN: mb_words_from_float(r->cal.i_gain, words); break;
    case MED2_FACTORY_PHASE_DEG: mb_words_from_float(r->cal.i_phase_deg, words); break;
    case MED2_FACTORY_V_OFFSET: mb_words_from_float(r->cal.v_rms_offset, words); break;
    case MED2_FACTORY_I_OFFSET: mb_words_from_float(r->cal.i_rms_offset, words); break;
    case MED2_FACTORY_P_OFFSET: mb_words_from_float(r->cal.p_offset_w, words); break;
    case MED2_FACTORY_I_GAIN_SLOPE: mb_words_from_float(r->cal.i_gain_slope, words); break;
    case MED2_FACTORY_PHASE_SLOPE: mb_words_from_float(r->cal.i_phase_slope_deg, words); break;
    case MED2_FACTORY_PULSE1_CONSTANT: mb_words_from_u32(f->pulse1_imp_per_kwh, words); break;
    default: words[0] = words[1] = 0; break; /* write-only: never read (02 before) */
    }
}

enum mb_status factory_read(const struct factory *f, uint32_t start, uint32_t quantity,
                            uint32_t extra_status, uint16_t *words)
{
    uint32_t end = start + quantity;
    for (uint32_t reg = start; reg < end;) {
        int id = find_value(reg);
        if (id < 0 || !(table[id].access & MED2_A_R)) {
            return MB_EX_ILLEGAL_ADDRESS;
        }
        uint16_t w[2];
        value_words(f, (enum med2_factory_id)id, extra_status, w);
        uint32_t a = table[id].address;
        for (; reg < end && reg < a + MED2_REG_WORDS(table[id].type); reg++) {
            words[reg - start] = w[reg - a];
        }
    }
    return MB_OK;
}

/* Validate one value into scratch (nothing applied yet). */
static enum mb_status stage_value(struct factory *f, enum med2_factory_id id, const uint16_t *w)
{
    struct factory_record *s = &f->scratch;
    if (id == MED2_FACTORY_KEY) {
        f->key_written = true;
        f->key_ok = mb_words_to_u32(w) == MED2_FACTORY_KEY_VALUE;
        return MB_OK;
    }
    if (id == MED2_FACTORY_COMMAND) {
        if (!in_table_range(id, w[0]) ||
            (w[0] == MED2_FACTORY_CMD_RTC_TEST_PULSE2 && !f->has_pulse2)) {
            return MB_EX_ILLEGAL_VALUE;
        }
        f->command = w[0];
        return MB_OK;
    }
    if (id == MED2_FACTORY_PULSE1_CONSTANT) {
        /* two constants only: the legal one and the test one */
        uint32_t k = mb_words_to_u32(w);
        if (k != MED2_PULSE1_LEGAL_IMP_PER_KWH && k != MED2_PULSE1_TEST_IMP_PER_KWH) {
            return MB_EX_ILLEGAL_VALUE;
        }
        f->pulse1_scratch = k;
        return MB_OK;
    }
    uint32_t u = mb_words_to_u32(w);
    float x = mb_words_to_float(w);
    bool is_float = table[id].type == MED2_T_FLOAT;
    bool ok = id == MED2_FACTORY_CAL_DATE ? date_valid(u)
              : is_float                  ? in_float_range(id, x)
                                          : in_table_range(id, (double)u);
    if (!ok) {
        return MB_EX_ILLEGAL_VALUE;
    }
    f->touched = true;
    switch (id) {
    case MED2_FACTORY_SERIAL: s->serial = u; break;
    case MED2_FACTORY_HW_VERSION: s->hw_version = u; break;
    case MED2_FACTORY_CAL_DATE: s->cal_date = u; break;
    case MED2_FACTORY_V_GAIN: s->cal.v_gain = x; break;
    case MED2_FACTORY_I_GAIN: s->cal.i_gain = x; break;
    case MED2_FACTORY_PHASE_DEG: s->cal.i_phase_deg = x; break;
    case MED2_FACTORY_V_OFFSET: s->cal.v_rms_offset = x; break;
    case MED2_FACTORY_I_OFFSET: s->cal.i_rms_offset = x; break;
    case MED2_FACTORY_I_GAIN_SLOPE: s->cal.i_gain_slope = x; break;
    case MED2_FACTORY_PHASE_SLOPE: s->cal.i_phase_slope_deg = x; break;
    default: s->cal.p_offset_w = x; break;
    }
    return MB_OK;
}

static enum mb_status run_command(struct factory *f, struct nvstore *nv, uint16_t cmd)
{
    if (cmd == MED2_FACTORY_CMD_LOCK) {
        f->unlocked = false;
        f->pulse1_imp_per_kwh = MED2_PULSE1_LEGAL_IMP_PER_KWH;
        return MB_OK;
    }
    if (cmd == MED2_FACTORY_CMD_RTC_TEST || cmd == MED2_FACTORY_CMD_RTC_TEST_END ||
        cmd == MED2_FACTORY_CMD_RTC_TEST_PULSE2) {
        f->rtc_test = cmd == MED2_FACTORY_CMD_RTC_TEST;
        f->rtc_test_pulse2 = cmd == MED2_FACTORY_CMD_RTC_TEST_PULSE2;
        return MB_OK;
    }
    struct factory_record r = f->rec;
    if (cmd == MED2_FACTORY_CMD_SEAL) {
        if (!f->saved || f->dirty) {
            return MB_EX_ILLEGAL_FUNCTION; /* seal only what is saved */
        }
        r.sealed = FACTORY_SEALED_PATTERN;
    }
    if (nvstore_save(nv, NVSTORE_FACTORY, &r, sizeof(r)) != 0) {
        return MB_EX_DEVICE_FAILURE;
    }
    f->rec = r;
    f->saved = true;
    f->dirty = false;
    f->saved_serial = r.serial;
    if (cmd == MED2_FACTORY_CMD_SEAL) {
        /* a sealed unit pulses at the legal constant, whatever was asked */
        f->unlocked = false;
        f->pulse1_imp_per_kwh = MED2_PULSE1_LEGAL_IMP_PER_KWH;
    }
    return MB_OK;
}

enum mb_status factory_write(struct factory *f, struct nvstore *nv, uint32_t start,
                             uint32_t quantity, const uint16_t *words)
{
    uint32_t end = start + quantity;
    /* 1. addresses and access: whole writable values, no gaps */
    for (uint32_t reg = start; reg < end;) {
        int id = find_value(reg);
        if (id < 0 || reg != table[id].address || !(table[id].access & MED2_A_W) ||
            reg + MED2_REG_WORDS(table[id].type) > end) {
            return MB_EX_ILLEGAL_ADDRESS;
        }
        reg += MED2_REG_WORDS(table[id].type);
    }
    /* 2. state: sealed or corrupt refuse everything; values need the key */
    bool closed = factory_sealed(f) || f->corrupt;
    for (uint32_t reg = start; reg < end;) {
        int id = find_value(reg);
        if (closed || (id != MED2_FACTORY_KEY && !f->unlocked)) {
            return MB_EX_ILLEGAL_FUNCTION;
        }
        reg += MED2_REG_WORDS(table[id].type);
    }
    /* 3. values into scratch */
    f->scratch = f->rec;
    f->touched = f->key_written = f->key_ok = false;
    f->command = 0;
    f->pulse1_scratch = 0;
    for (uint32_t reg = start; reg < end;) {
        int id = find_value(reg);
        enum mb_status st = stage_value(f, (enum med2_factory_id)id, &words[reg - start]);
        if (st != MB_OK) {
            return st;
        }
        reg += MED2_REG_WORDS(table[id].type);
    }
    /* 4. apply */
    if (f->touched) {
        f->rec = f->scratch;
        f->dirty = true;
    }
    if (f->pulse1_scratch != 0u) {
        f->pulse1_imp_per_kwh = f->pulse1_scratch;
    }
    if (f->key_written) {
        f->unlocked = f->key_ok;
        if (!f->unlocked) { /* a wrong key locks: the legal constant again */
            f->pulse1_imp_per_kwh = MED2_PULSE1_LEGAL_IMP_PER_KWH;
        }
    }
    if (f->command != 0u) {
        return run_command(f, nv, f->command);
    }
    return MB_OK;
}
