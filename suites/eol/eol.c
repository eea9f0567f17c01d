/*
 * suites/eol — factory end-of-line on a simulated rack (eol-3.ini: a
 * C80-1M-V3, a B80-1M-V2 and a B80-0M-02 without RS485, sharing one source):
 * a rack flashed, calibrated, verified, identified, sealed, PASS per
 * position; a sealed unit is never recalibrated; an uncalibrated unit fails
 * verification with its errors recorded and is not sealed; the firmware
 * refuses out-of-range calibration (03), locked writes and writes to a
 * sealed unit; a source that stops answering aborts the rack with the
 * source switched off.
 *
 * The rack test writes its reports to $RIG_REPORT_DIR (make run:
 * reports/latest), else to a temporary directory.
 */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rig/rig.h"

#define EOL_BENCH "fixtures/benches/eol-3.ini"
#define POSITIONS 3
#define DEAD_SOURCE_TIMEOUT_MS 300

static struct rig_bench *bench;
static char tmpdir[64];

static void open_rack(void)
{
    cr_assert_eq(rig_bench_open(EOL_BENCH, &bench), 0, "%s", rig_last_error());
    cr_assert_eq(rig_bench_position_count(bench), POSITIONS);
    snprintf(tmpdir, sizeof tmpdir, "/tmp/med2-eol.XXXXXX");
    cr_assert(mkdtemp(tmpdir));
}

static void close_rack(void)
{
    rig_bench_close(bench);
    bench = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", tmpdir);
}

TestSuite(eol, .init = open_rack, .fini = close_rack, .timeout = 300);

static long count_records(const char *db, const char *where)
{
    sqlite3 *s;
    cr_assert_eq(sqlite3_open(db, &s), SQLITE_OK);
    char sql[256];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM records WHERE %s", where);
    sqlite3_stmt *st;
    cr_assert_eq(sqlite3_prepare_v2(s, sql, -1, &st, NULL), SQLITE_OK, "%s", sqlite3_errmsg(s));
    cr_assert_eq(sqlite3_step(st), SQLITE_ROW);
    long n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(s);
    return n;
}

static bool file_exists(const char *dir, const char *name)
{
    char path[1200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    struct stat sb;
    return stat(path, &sb) == 0 && sb.st_size > 0;
}

static struct rig_meter *factory(unsigned position)
{
    struct rig_meter *m = rig_bench_factory(bench, position);
    cr_assert(m, "%s", rig_last_error());
    return m;
}

Test(eol, rack_is_flashed_calibrated_verified_sealed_and_passes)
{
    const char *env = getenv("RIG_REPORT_DIR");
    char dir[512], db[600];
    snprintf(dir, sizeof dir, "%s", env && *env ? env : tmpdir);
    snprintf(db, sizeof db, "%s/records.sqlite", dir);
    struct rig_eol_options opt = {.report_dir = dir, .records_db = db, .seal = true};
    struct rig_eol_result r[POSITIONS];
    int rc = rig_eol_run(bench, &opt, r);
    cr_assert_eq(rc, 0, "rig_eol_run: %d: %s", rc, rc < 0 ? rig_last_error() : "a unit failed");
    for (unsigned i = 0; i < POSITIONS; i++) {
        const struct rig_position *p = rig_bench_position(bench, i + 1);
        cr_expect(r[i].pass, "position %u: %s", i + 1, r[i].reason);
        cr_expect(r[i].calibrated && r[i].verified && r[i].identified && r[i].sealed,
                  "position %u", i + 1);
        cr_expect_lt(r[i].worst_error_ratio, 0.5, "position %u: a calibrated unit is well "
                                                  "inside its class: %g",
                     i + 1, r[i].worst_error_ratio);
        cr_expect(r[i].v_gain != 1.0 || r[i].i_gain != 1.0, "position %u: gains written",
                  i + 1);
        char cert[64];
        snprintf(cert, sizeof cert, "certificates/%s.txt", p->serial);
        cr_expect(file_exists(dir, cert), "%s/%s", dir, cert);
    }
    cr_expect(file_exists(dir, "index.html"));
    cr_expect(file_exists(dir, "summary.txt"));
    /* every verification point of the routine profile (4 a unit) is a
     * record with its limits; gated at the test constant */
    cr_expect_eq(count_records(db, "name LIKE 'eol.verify.%' AND name != "
                                   "'eol.verify.worst_error_ratio' AND verdict = 'PASS'"),
                 3 * 4);
    cr_expect_eq(count_records(db, "name = 'eol.pulse1.test_constant' AND value = 100000"), 3);
    for (unsigned i = 0; i < POSITIONS; i++) {
        cr_expect_eq(r[i].pulse1_imp_per_kwh, MED2_PULSE1_TEST_IMP_PER_KWH, "position %u", i + 1);
        cr_expect_str_eq(r[i].profile, "routine");
    }
    cr_expect_eq(count_records(db, "name = 'eol.result' AND verdict = 'PASS'"), 3);
    cr_expect_eq(count_records(db, "lo IS NULL AND name LIKE 'eol.verify.%'"), 0);

    /* the sealed units: RS485 ones say so and refuse writes; the factory
     * port of the unit without RS485 has gone silent */
    for (unsigned pos = 1; pos <= 2; pos++) {
        uint32_t st = 0;
        cr_assert_eq(rig_factory_status(factory(pos), &st), 0, "%s", rig_last_error());
        cr_expect(st & MED2_FACTORY_SEALED, "position %u status 0x%x", pos, st);
        struct rig_factory_identity id;
        cr_assert_eq(rig_factory_read_identity(factory(pos), &id), 0, "%s", rig_last_error());
        cr_expect_eq(id.serial, (uint32_t)atol(rig_bench_position(bench, pos)->serial));
        cr_expect_eq(rig_factory_unlock(factory(pos)), -EPERM, "%s", rig_last_error());
        cr_expect(strstr(rig_last_error(), "sealed"), "%s", rig_last_error());
    }
    struct rig_meter *m3 = factory(3);
    rig_meter_set_timeout(m3, DEAD_SOURCE_TIMEOUT_MS);
    uint32_t st;
    cr_expect_eq(rig_factory_status(m3, &st), -ETIMEDOUT);
    rig_meter_set_timeout(m3, 0);
    /* output 2 is back at its defaults (import reactive, 1 varh, 100 ms) */
    double v;
    cr_assert_eq(rig_meter_read_reg(rig_bench_meter(bench, 1), MED2_REG_PULSE2_SOURCE, &v), 0);
    cr_expect_eq(v, 3);
    cr_assert_eq(rig_meter_read_reg(rig_bench_meter(bench, 1), MED2_REG_PULSE2_DURATION, &v), 0);
    cr_expect_eq(v, 100);
    /* sealed: pulse output 1 is back at 1000 imp/kWh — by the register and
     * by its pulses: 4.6 kW for 4 s is 5.1 Wh, 511 pulses at the test
     * constant */
    cr_assert_eq(rig_factory_read(factory(1), MED2_FACTORY_PULSE1_CONSTANT, &v), 0, "%s",
                 rig_last_error());
    cr_expect_eq(v, MED2_PULSE1_LEGAL_IMP_PER_KWH);
    struct rig_source *src = rig_bench_source(bench);
    uint64_t before[POSITIONS], after;
    cr_assert_eq(rig_source_set(src, 230.0, 20.0, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 1.0), 0);
    for (unsigned i = 0; i < POSITIONS; i++)
        cr_assert_eq(rig_pulse_count(bench, i + 1, 1, &before[i]), 0, "%s", rig_last_error());
    cr_assert_eq(rig_sleep(bench, 4.0), 0);
    for (unsigned i = 0; i < POSITIONS; i++) {
        cr_assert_eq(rig_pulse_count(bench, i + 1, 1, &after), 0, "%s", rig_last_error());
        cr_expect(after - before[i] >= 4 && after - before[i] <= 6,
                  "position %u: %llu pulses for 5.1 Wh at 1 Wh a pulse", i + 1,
                  (unsigned long long)(after - before[i]));
    }
    cr_expect_eq(rig_source_output(src, false), 0, "%s", rig_last_error());
}

Test(eol, sealed_unit_is_never_recalibrated)
{
    struct rig_eol_options opt = {.seal = true};
    struct rig_eol_result r[POSITIONS];
    cr_assert_eq(rig_eol_run(bench, &opt, r), 0, "%s", rig_last_error());
    struct rig_factory_cal before[2], after[2];
    for (unsigned pos = 1; pos <= 2; pos++)
        cr_assert_eq(rig_factory_read_cal(factory(pos), &before[pos - 1]), 0, "%s",
                     rig_last_error());

    struct rig_eol_result c[POSITIONS];
    cr_assert_eq(rig_eol_calibrate(bench, c), 0, "%s", rig_last_error());
    for (unsigned i = 0; i < POSITIONS; i++) {
        cr_expect(!c[i].calibrated, "position %u", i + 1);
        cr_expect(!c[i].pass);
        cr_expect(strstr(c[i].reason, "sealed"), "position %u: %s", i + 1, c[i].reason);
    }
    cr_expect(c[0].sealed && c[1].sealed);
    for (unsigned pos = 1; pos <= 2; pos++) {
        cr_assert_eq(rig_factory_read_cal(factory(pos), &after[pos - 1]), 0);
        cr_expect(memcmp(&before[pos - 1], &after[pos - 1], sizeof after[0]) == 0,
                  "position %u: calibration unchanged", pos);
    }

    /* A second EOL run neither flashes nor recalibrates them, and fails them. */
    struct rig_eol_result r2[POSITIONS];
    cr_expect_eq(rig_eol_run(bench, &opt, r2), 1);
    for (unsigned i = 0; i < 2; i++) {
        cr_expect(!r2[i].pass && r2[i].sealed, "position %u", i + 1);
        cr_expect(strstr(r2[i].reason, "sealed before"), "%s", r2[i].reason);
    }
    cr_expect(!r2[2].pass, "the silent unit without RS485 cannot be run again");
}

Test(eol, uncalibrated_unit_fails_verification_and_is_not_sealed)
{
    char db[128];
    snprintf(db, sizeof db, "%s/records.sqlite", tmpdir);
    struct rig_records *rec;
    cr_assert_eq(rig_records_open(db, "eol-3", &rec), 0, "%s", rig_last_error());
    rig_bench_set_records(bench, rec);
    /* the image the bench's units run: the host build, or the ARM image
     * on QEMU positions */
    char image[4096];
    cr_assert_eq(rig_flash_default_image(bench, image, sizeof image), 0, "%s", rig_last_error());
    for (unsigned pos = 1; pos <= POSITIONS; pos++)
        cr_assert_eq(rig_flash(bench, pos, image), 0, "%s", rig_last_error());
    struct rig_eol_result r[POSITIONS] = {0};
    cr_assert_eq(rig_eol_verify(bench, r), 0, "%s", rig_last_error());
    rig_bench_set_records(bench, NULL);
    rig_records_close(rec);
    for (unsigned i = 0; i < POSITIONS; i++) {
        cr_expect(!r[i].verified, "position %u: an uncalibrated unit (+-5 %% gains, +-1 deg) "
                                  "passed verification",
                  i + 1);
        cr_expect_gt(r[i].worst_error_ratio, 1.0, "position %u", i + 1);
        cr_expect(strstr(r[i].reason, "verification"), "%s", r[i].reason);
        cr_expect(!r[i].sealed);
    }
    cr_expect_gt(count_records(db, "name LIKE 'eol.verify.%' AND verdict = 'FAIL'"), 3);
    cr_expect_eq(count_records(db, "name LIKE 'eol.verify.%' AND value IS NULL"), 0,
                 "every error is recorded, not just the verdict");
    for (unsigned pos = 1; pos <= POSITIONS; pos++) {
        uint32_t st = 0;
        cr_assert_eq(rig_factory_status(factory(pos), &st), 0, "%s", rig_last_error());
        cr_expect(!(st & MED2_FACTORY_SEALED), "position %u", pos);
    }
}

Test(eol, firmware_refuses_out_of_range_and_locked_calibration)
{
    for (unsigned pos = 1; pos <= POSITIONS; pos++) {
        struct rig_meter *m = factory(pos);
        /* locked: exception 01 */
        cr_expect_eq(rig_factory_write(m, MED2_FACTORY_V_GAIN, 1.01), -EACCES, "position %u: %s",
                     pos, rig_last_error());
        cr_expect(strstr(rig_last_error(), "locked"), "%s", rig_last_error());
        cr_assert_eq(rig_factory_unlock(m), 0, "position %u: %s", pos, rig_last_error());
        uint32_t st = 0;
        cr_assert_eq(rig_factory_status(m, &st), 0);
        cr_expect(st & MED2_FACTORY_UNLOCKED);
        struct rig_factory_cal before, after, bad;
        cr_assert_eq(rig_factory_read_cal(m, &before), 0);
        /* out of range: exception 03, nothing changes */
        cr_expect_eq(rig_factory_write(m, MED2_FACTORY_V_GAIN, 1.2), -ERANGE, "position %u: %s",
                     pos, rig_last_error());
        cr_expect(strstr(rig_last_error(), "03"), "%s", rig_last_error());
        cr_expect_eq(rig_factory_write(m, MED2_FACTORY_PHASE_DEG, -3.5), -ERANGE);
        cr_expect_eq(rig_factory_write(m, MED2_FACTORY_CAL_DATE, 19991231), -ERANGE);
        bad = before;
        bad.i_gain = 0.5;
        bad.v_gain = 1.05;
        cr_expect_eq(rig_factory_write_cal(m, &bad), -ERANGE);
        cr_expect(strstr(rig_last_error(), "FACTORY_I_GAIN"), "%s", rig_last_error());
        cr_assert_eq(rig_factory_read_cal(m, &after), 0);
        cr_expect(memcmp(&before, &after, sizeof after) == 0,
                  "position %u: a refused write changed nothing", pos);
        /* in range: applied at once, read back BE */
        cr_assert_eq(rig_factory_write(m, MED2_FACTORY_P_OFFSET, 0.25), 0, "%s",
                     rig_last_error());
        double v;
        cr_assert_eq(rig_factory_read(m, MED2_FACTORY_P_OFFSET, &v), 0);
        cr_expect_float_eq(v, 0.25, 1e-6);
        /* lock again: writes refused */
        cr_assert_eq(rig_factory_lock(m), 0, "%s", rig_last_error());
        cr_expect_eq(rig_factory_write(m, MED2_FACTORY_P_OFFSET, 0.0), -EACCES);
    }
}

static pid_t benchd_pid(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/benchd.pid", rig_bench_dir(bench));
    FILE *f = fopen(path, "r");
    cr_assert(f, "no %s", path);
    long pid = 0;
    cr_assert_eq(fscanf(f, "%ld", &pid), 1);
    fclose(f);
    return (pid_t)pid;
}

Test(eol, dead_source_aborts_the_rack_with_the_source_off)
{
    struct rig_source *src = rig_bench_source(bench);
    cr_assert_eq(rig_source_set(src, 230.0, 5.0, 0.0, 50.0), 0, "%s", rig_last_error());
    cr_assert_eq(rig_source_output(src, true), 0, "%s", rig_last_error());
    rig_source_set_timeout(src, DEAD_SOURCE_TIMEOUT_MS);
    pid_t pid = benchd_pid();
    /* benchd is the source: stopped, it answers nothing (the meters still
     * answer their lines) */
    cr_assert_eq(kill(pid, SIGSTOP), 0);
    struct rig_eol_result r[POSITIONS];
    int rc = rig_eol_calibrate(bench, r);
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", rig_last_error());
    cr_assert_eq(kill(pid, SIGCONT), 0);
    cr_expect_lt(rc, 0, "the rack was not aborted");
    cr_expect(strstr(msg, "source"), "%s", msg);
    for (unsigned i = 0; i < POSITIONS; i++) {
        cr_expect(!r[i].calibrated && !r[i].pass);
        cr_expect(strstr(r[i].reason, "aborted"), "position %u: %s", i + 1, r[i].reason);
    }
    /* what the rig sent while the source was silent, OUTP OFF last, is
     * executed now: the output is off */
    usleep(300000);
    rig_source_set_timeout(src, 2000);
    char reply[32];
    cr_assert_eq(rig_source_query(src, "OUTP?", reply, sizeof reply), 0, "%s", rig_last_error());
    cr_expect_str_eq(reply, "0");
}
