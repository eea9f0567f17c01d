/*
 * test_cli.c — the `rig` command line on a real simulated bench: sim up /
 * read / source / advance / flash / down, one-line errors with non-zero
 * exits, what --help promises, and the source output rule (a verb that
 * succeeds leaves it as it was; a failure or SIGINT switches it off).
 * The binary is found beside benchd ($RIG_BENCHD).
 */
#include <criterion/criterion.h>
#include <libgen.h>
#include <sqlite3.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pty_peer.h"
#include "rig/rig.h"
#include "cli_run.h"
#include "sim_env.h"

static void setup(void)
{
    cli_setup("rig-test-cli");
}

static void teardown(void)
{
    cli_teardown();
}

TestSuite(cli, .init = setup, .fini = teardown, .timeout = 60);

Test(cli, help_lists_the_verbs)
{
    cr_assert_eq(RUN("--help"), 0);
    cr_expect(strstr(out, "sim") && strstr(out, "read") && strstr(out, "source") &&
              strstr(out, "flash") && strstr(out, "write"));
    const char *verbs[] = {"sim", "read", "source", "flash", "write"};
    for (int i = 0; i < 5; i++) {
        cr_expect_eq(RUN(verbs[i], "--help"), 0, "%s --help", verbs[i]);
        cr_expect(strstr(out, "usage: rig"), "%s --help: %s", verbs[i], out);
    }
    cr_expect_eq(RUN("frobnicate"), 2);
    cr_expect_str_eq(err, "rig: unknown verb 'frobnicate' — see rig --help\n");
}

/* Every subcommand cmd_source accepts has its own line in the help. */
Test(cli, source_help_lists_every_command)
{
    cr_assert_eq(RUN("source", "--help"), 0);
    const char *cmds[] = {"\n  set V A [PHASE [FREQ]] ", "\n  on ", "\n  off ", "\n  energy ",
                          "\n  reset ", "\n  raw 'SCPI' "};
    for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++)
        cr_expect(strstr(out, cmds[i]), "no line for%s in:\n%s", cmds[i], out);
}

/* The verbs that open a bench state the output rule the tests below check. */
Test(cli, help_states_the_output_rule)
{
    const char *verbs[] = {"read", "write", "source", "flash"};
    for (int i = 0; i < 4; i++) {
        cr_assert_eq(RUN(verbs[i], "--help"), 0);
        cr_expect(strstr(out, "left as it was if this succeeds") &&
                      strstr(out, "switched off if this fails or is\ninterrupted"),
                  "%s --help:\n%s", verbs[i], out);
    }
    cr_assert_eq(RUN("sim", "--help"), 0);
    cr_expect(strstr(out, "left as it\n         was; if advance fails or is interrupted, it is "
                          "switched off"),
              "%s", out);
    cr_expect(strstr(out, "--speed X  clock rate: 1 real time (default)"), "%s", out);
    cr_assert_eq(RUN("--help"), 0);
    cr_expect(strstr(out, "leaves the source output as it was"), "%s", out);
}

/* OUTP? through `rig source raw`, itself a verb that leaves the output alone. */
static const char *output_state(void)
{
    cr_assert_eq(RUN("source", "--dir", dir, "raw", "OUTP?"), 0, "%s", err);
    return out;
}

/* A shared bench: reading or configuring a meter must not de-energise it
 * under another client, so only `rig source on|off` change the output. */
Test(cli, successful_verbs_leave_the_output_as_it_was)
{
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "1", "--speed", "0"), 0, "%s", err);
    cr_expect_str_eq(output_state(), "0\n", "a new bench starts off");
    cr_assert_eq(RUN("source", "--dir", dir, "set", "230", "5"), 0, "%s", err);
    cr_expect_str_eq(output_state(), "0\n", "set does not switch on");
    cr_assert_eq(RUN("source", "--dir", dir, "on"), 0, "%s", err);
    cr_expect_str_eq(output_state(), "1\n");

    const char *const verbs[][8] = {
        {"read", "--dir", dir, "voltage"},
        {"read", "--dir", dir},
        {"write", "--dir", dir, "demand_period", "30"},
        {"source", "--dir", dir, "set", "230", "5", "60"},
        {"source", "--dir", dir, "energy"},
        {"source", "--dir", dir, "reset"},
        {"sim", "advance", "--dir", dir, "2"},
        {"flash", "--dir", dir, "--position", "1"},
    };
    for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++) {
        cr_assert_eq(finish(start(verbs[i])), 0, "rig %s %s: %s", verbs[i][0], verbs[i][3], err);
        cr_expect_str_eq(output_state(), "1\n", "after rig %s %s", verbs[i][0], verbs[i][3]);
    }

    /* A command-line mistake is refused before the bench is touched. */
    cr_expect_eq(RUN("read", "--dir", dir, "volts"), 2);
    cr_expect_str_eq(output_state(), "1\n", "after a usage error");

    /* Off stays off too: a read does not switch it back on. */
    cr_assert_eq(RUN("source", "--dir", dir, "off"), 0, "%s", err);
    cr_assert_eq(RUN("read", "--dir", dir, "voltage"), 0, "%s", err);
    cr_expect_str_eq(output_state(), "0\n");

    /* A verb that fails switches it off: no position 2 on this bench. */
    cr_assert_eq(RUN("source", "--dir", dir, "on"), 0, "%s", err);
    cr_expect_eq(RUN("read", "--dir", dir, "--position", "2", "voltage"), 1);
    cr_expect(strchr(err, '\n') == err + strlen(err) - 1, "one line: %s", err);
    cr_expect_str_eq(output_state(), "0\n", "after a failed read");
}

Test(cli, a_bench_from_up_to_down)
{
    char json[128];
    snprintf(json, sizeof json, "%s/bench.json\n", dir);
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "2", "--speed", "0"), 0, "%s", err);
    cr_expect_str_eq(out, json);

    cr_assert_eq(RUN("source", "--dir", dir, "set", "230", "5", "-36.87", "50"), 0, "%s", err);
    cr_assert_eq(RUN("source", "--dir", dir, "on"), 0, "%s", err);
    cr_assert_eq(RUN("sim", "advance", "--dir", dir, "3.5"), 0, "%s", err);
    cr_assert_eq(RUN("read", "--dir", dir, "--position", "2", "VOLTAGE", "frequency"), 0, "%s", err);
    double v = 0, f = 0;
    cr_assert_eq(sscanf(out, "voltage %lf V\nfrequency %lf Hz\n", &v, &f), 2, "%s", out);
    cr_expect(v > 200 && v < 260, "%s", out);
    cr_expect(f > 49.9 && f < 50.1, "%s", out);
    cr_assert_eq(RUN("source", "--dir", dir, "raw", "SOUR:PHAS?"), 0, "%s", err);
    cr_expect_float_eq(atof(out), -36.87, 1e-6, "%s", out);
    cr_assert_eq(RUN("source", "--dir", dir, "energy"), 0, "%s", err);
    cr_expect(strstr(out, " Wh\n") && atof(out) > 0, "%s", out);
    cr_assert_eq(RUN("flash", "--dir", dir, "--position", "1"), 0, "%s", err);
    cr_expect(strstr(out, "position 1: flashed "), "%s", out);
    cr_assert_eq(RUN("read", "--dir", dir), 0, "%s", err);
    cr_expect(strstr(out, "total_import_active_energy "), "%s", out);

    /* a failing command: one line, exit 1, and the source is off afterwards */
    cr_expect_eq(RUN("source", "--dir", dir, "raw", "BOGUS"), 1);
    cr_expect(strstr(err, "-113") && strchr(err, '\n') == err + strlen(err) - 1, "%s", err);
    cr_assert_eq(RUN("source", "--dir", dir, "raw", "OUTP?"), 0, "%s", err);
    cr_expect_str_eq(out, "0\n");

    char pidfile[128];
    snprintf(pidfile, sizeof pidfile, "%s/benchd.pid", dir);
    FILE *pf = fopen(pidfile, "r");
    cr_assert(pf);
    long pid = 0;
    cr_assert_eq(fscanf(pf, "%ld", &pid), 1);
    fclose(pf);
    cr_assert_eq(RUN("sim", "down", "--dir", dir), 0, "%s", err);
    cr_expect(kill((pid_t)pid, 0) < 0 || access(pidfile, F_OK) != 0, "benchd %ld still there", pid);
    cr_expect_neq(RUN("sim", "down", "--dir", dir), 0);
    cr_expect(strstr(err, "no simulated bench in"), "%s", err);
}

Test(cli, errors_are_one_line)
{
    cr_expect_eq(RUN("read", "--dir", "/tmp/rig-no-such-bench"), 1);
    cr_expect_str_eq(err, "rig read: no simulated bench in /tmp/rig-no-such-bench (no bench.json) "
                          "— start one with rig sim up --dir /tmp/rig-no-such-bench\n");
    cr_expect_eq(RUN("read", "--bench", "fixtures/benches/sim.ini", "volts"), 2);
    cr_expect(strstr(err, "no register named 'volts'"), "%s", err);
    cr_expect_eq(RUN("source", "--dir", dir, "set", "abc", "5"), 2);
    cr_expect(strstr(err, "V 'abc' is not a number"), "%s", err);
}

Test(cli, interrupt_switches_the_source_off)
{
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "1", "--speed", "0"), 0, "%s", err);
    cr_assert_eq(RUN("source", "--dir", dir, "set", "230", "5"), 0, "%s", err);
    cr_assert_eq(RUN("source", "--dir", dir, "on"), 0, "%s", err);

    /* A hw bench file whose source is the simulated one and whose meter line
     * nobody serves: `rig read` waits for it, and is interrupted meanwhile. */
    struct rig_bench *b;
    char src_tty[64], ini[128], text[512];
    struct pty_peer dead;
    cr_assert_eq(rig_bench_attach(dir, &b), 0, "%s", rig_last_error());
    snprintf(src_tty, sizeof src_tty, "%s", rig_source_port(rig_bench_source(b)));
    rig_bench_release(b);
    cr_assert_eq(pty_peer_open(&dead), 0);
    snprintf(ini, sizeof ini, "%s/hw.ini", dir);
    snprintf(text, sizeof text,
             "[bench]\nkind = hw\npositions = 1\n[source]\nport = %s\ntransport = termios\n"
             "[position 1]\nmodel = C80-1M-V3\nrs485 = %s\n",
             src_tty, dead.path);
    FILE *f = fopen(ini, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);

    pid_t pid = start((const char *const[]){"read", "--bench", ini, "voltage", NULL});
    usleep(400000);
    kill(pid, SIGINT);
    cr_expect_eq(finish(pid), 128 + SIGINT);
    cr_expect_str_eq(err, "rig: interrupted — source output switched off (confirmed)\n");
    cr_assert_eq(RUN("source", "--dir", dir, "raw", "OUTP?"), 0, "%s", err);
    cr_expect_str_eq(out, "0\n");
    pty_peer_close(&dead);
}

/* A source that does not answer OUTP? after OUTP OFF: the handler must not
 * claim the output is off. */
Test(cli, interrupt_does_not_claim_an_unconfirmed_off)
{
    struct pty_peer mute_source, dead;
    char ini[128], text[512];
    cr_assert_eq(pty_peer_open(&mute_source), 0);
    cr_assert_eq(pty_peer_open(&dead), 0);
    snprintf(ini, sizeof ini, "%s/mute.ini", dir);
    snprintf(text, sizeof text,
             "[bench]\nkind = hw\npositions = 1\n[source]\nport = %s\ntransport = termios\n"
             "[position 1]\nmodel = C80-1M-V3\nrs485 = %s\n",
             mute_source.path, dead.path);
    FILE *f = fopen(ini, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    pid_t pid = start((const char *const[]){"read", "--bench", ini, "voltage", NULL});
    usleep(400000);
    kill(pid, SIGINT);
    cr_expect_eq(finish(pid), 128 + SIGINT);
    cr_expect(strstr(err, "did not confirm it is off: CHECK THE SOURCE"), "%s", err);
    pty_peer_close(&dead);
    pty_peer_close(&mute_source);
}

Test(cli, read_all_follows_the_units_map)
{
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "1", "--model", "B80-1M-V2", "--speed",
                     "0"),
                 0, "%s", err);
    cr_assert_eq(RUN("read", "--dir", dir, "all"), 0, "%s", err);
    cr_expect(strstr(out, "t2_import_active_energy 0.000 Wh\n"), "%s", out);
    cr_expect(strstr(out, "endian 0\n"), "%s", out);
    cr_expect(!strstr(out, "t1_1_import_active_energy"), "the B80 map has no T1-1:\n%s", out);
    cr_expect(!strstr(out, "system_command"), "write-only values are not read:\n%s", out);
    cr_expect_eq(RUN("read", "--dir", dir, "t1_1_import_active_energy"), 1);
    cr_expect(strstr(err, "not in the B80 map"), "%s", err);
    cr_expect_eq(RUN("read", "--dir", dir, "system_command"), 2);
    cr_expect(strstr(err, "write-only"), "%s", err);
    cr_assert_eq(RUN("read", "--help"), 0);
    cr_expect(strstr(out, "t1_1_import_active_energy        308     -"), "%s", out);
}

Test(cli, write_unlocks_saves_reads_back_and_follows_the_line)
{
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "1", "--speed", "0"), 0, "%s", err);
    cr_assert_eq(RUN("write", "--dir", dir, "demand_period", "30", "pulse2_duration", "250"), 0,
                 "%s", err);
    cr_expect_str_eq(out, "demand_period 30 min\npulse2_duration 250 ms\nsaved\n");
    cr_assert_eq(RUN("read", "--dir", dir, "demand_period"), 0, "%s", err);
    cr_expect_str_eq(out, "demand_period 30 min\n");

    cr_assert_eq(RUN("write", "--dir", dir, "--no-save", "sub_interval", "5"), 0, "%s", err);
    cr_expect_str_eq(out, "sub_interval 5 min\nstaged, not saved (--no-save)\n");
    cr_assert_eq(RUN("write", "--dir", dir, "system_command", "110"), 0, "%s", err);
    cr_expect_str_eq(out, "system_command 110 sent\n");
    cr_assert_eq(RUN("read", "--dir", dir, "demand_period", "sub_interval"), 0, "%s", err);
    cr_expect_str_eq(out, "demand_period 15 min\nsub_interval 1 min\n", "after defaults");

    /* Checked before anything is sent. */
    cr_expect_eq(RUN("write", "--dir", dir, "voltage", "1"), 2);
    cr_expect(strstr(err, "register voltage is read-only"), "%s", err);
    cr_expect_eq(RUN("write", "--dir", dir, "demand_period", "61"), 2);
    cr_expect(strstr(err, "demand_period 61 is outside 1..60"), "%s", err);
    cr_expect_eq(RUN("write", "--dir", dir, "--password", "12", "demand_period", "20"), 2);
    cr_expect_eq(RUN("write", "--dir", dir, "demand_period"), 2);
    /* A wrong password: the meter refuses the write. */
    cr_expect_eq(RUN("write", "--dir", dir, "--password", "0000002", "demand_period", "20"), 1);
    cr_expect(strstr(err, "exception 01") && strchr(err, '\n') == err + strlen(err) - 1, "%s", err);

    /* A new slave id and baud rate: the write follows them; the bench's
     * settings then get no answer, the new ones do. */
    cr_assert_eq(RUN("write", "--dir", dir, "slave_id", "7", "baudrate", "3"), 0, "%s", err);
    cr_expect_str_eq(out, "slave_id 7\nbaudrate 3\nsaved\n");
    cr_expect_eq(RUN("read", "--dir", dir, "voltage"), 1);
    cr_expect(strstr(err, "slave 1"), "%s", err);
    cr_assert_eq(RUN("read", "--dir", dir, "--slave", "7", "--baud", "9600", "slave_id"), 0, "%s",
                 err);
    cr_expect_str_eq(out, "slave_id 7\n");
}

/* rig press and rig display (docs/ui.md): the digits on the first line, the
 * marks after; OCR of benchd's picture; bad arguments are one line. */
Test(cli, press_and_display)
{
    char png[128];
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "1", "--speed", "0"), 0, "%s", err);
    cr_assert_eq(RUN("display", "--dir", dir), 0, "%s", err);
    cr_expect(strstr(out, "kWh main energy btn-next btn-back import total\nbacklight on\n"), "%s", out);
    cr_assert_eq(RUN("press", "--dir", dir, "--hold", "2500", "enter"), 0, "%s", err);
    cr_assert_eq(RUN("press", "--dir", dir, "--hold", "2500", "enter"), 0, "%s", err);
    cr_assert_eq(RUN("press", "--dir", dir, "next"), 0, "%s", err);
    cr_assert_eq(RUN("display", "--dir", dir), 0, "%s", err);
    cr_expect(strncmp(out, "5Et    \nsettings", 16) == 0, "%s", out);
    snprintf(png, sizeof png, "%s/lcd.png", dir);
    cr_assert_eq(RUN("display", "--dir", dir, "--png", png, "--ocr"), 0, "%s", err);
    cr_expect_str_eq(out, "    5Et\n", "OCR reads no blanks: the digits right-aligned");
    cr_expect_eq(access(png, R_OK), 0);
    cr_expect_eq(RUN("press", "--dir", dir, "sideways"), 2);
    cr_expect(strstr(err, "'sideways' is not a button: next or enter"), "%s", err);
    cr_expect_eq(RUN("press", "--dir", dir, "--position", "3", "next"), 1);
    cr_expect(strstr(err, "no position 3"), "%s", err);
    cr_expect_eq(RUN("display", "--dir", dir, "--png", "lcd.png"), 2);
    cr_expect(strstr(err, "absolute path"), "%s", err);
    cr_assert_eq(RUN("sim", "down", "--dir", dir), 0, "%s", err);
}

/* rows of the records file db with this verdict */
static long records_with(const char *db, const char *verdict)
{
    sqlite3 *s = NULL;
    sqlite3_stmt *st = NULL;
    long n = -1;
    if (sqlite3_open(db, &s) == SQLITE_OK &&
        sqlite3_prepare_v2(s, "SELECT count(*) FROM records WHERE verdict = ?", -1, &st, NULL) ==
            SQLITE_OK &&
        sqlite3_bind_text(st, 1, verdict, -1, SQLITE_STATIC) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW)
        n = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(s);
    return n;
}

Test(cli, measure_gates_every_position_records_and_switches_off)
{
    char db[128];
    snprintf(db, sizeof db, "%s/records.sqlite", dir);
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "2", "--speed", "0"), 0, "%s", err);
    cr_assert_eq(RUN("measure", "--dir", dir, "--volts", "230", "--amps", "5", "--pf", "0.5L",
                     "--records", db),
                 0, "%s", err);
    cr_expect(strstr(out, "position  1 24110001") && strstr(out, "position  2 24110002") &&
                  strstr(out, "error ") && strstr(out, "pulses"),
              "%s", out);
    cr_expect_str_eq(output_state(), "0\n", "measure switches the source off after the point");
    cr_expect_eq(records_with(db, "INFO"), 2, "a record per position");

    /* one position */
    cr_assert_eq(RUN("measure", "--dir", dir, "--position", "2", "--volts", "230", "--amps", "10"),
                 0, "%s", err);
    cr_expect(!strstr(out, "position  1") && strstr(out, "position  2"), "%s", out);

    /* an instrument error: one line naming it, the source off, the records kept */
    cr_expect_eq(RUN("measure", "--dir", dir, "--volts", "1000", "--amps", "5", "--records", db),
                 1);
    cr_expect(strstr(err, "rig measure: ") && strstr(err, "-222") &&
                  strstr(err, "SOUR:VOLT 1000"),
              "%s", err);
    cr_expect_str_eq(output_state(), "0\n");
    cr_expect_eq(records_with(db, "FAIL"), 2, "failed positions are recorded too");

    cr_expect_eq(RUN("measure", "--dir", dir, "--volts", "230"), 2);
    cr_expect(strstr(err, "--volts V --amps A"), "%s", err);
    cr_expect_eq(RUN("measure", "--dir", dir, "--volts", "230", "--amps", "5", "--pf", "2L"), 2);
}

Test(cli, pulses_prints_each_pulse_and_the_energy)
{
    cr_assert_eq(RUN("sim", "up", "--dir", dir, "--units", "1", "--speed", "0"), 0, "%s", err);
    cr_assert_eq(RUN("source", "--dir", dir, "set", "230", "20"), 0, "%s", err);
    cr_assert_eq(RUN("source", "--dir", dir, "on"), 0, "%s", err);
    cr_assert_eq(RUN("pulses", "--dir", dir, "--position", "1", "--for", "5"), 0, "%s", err);
    /* 4600 W: a 1 Wh pulse every ~0.78 s, give or take the uncalibrated unit */
    unsigned count = 0;
    double wh = 0;
    const char *sum = strstr(out, "position 1 output 1: ");
    cr_assert(sum, "%s", out);
    cr_assert_eq(sscanf(sum, "position 1 output 1: %u pulses in 5 s = %lf Wh", &count, &wh), 2, "%s",
                 sum);
    cr_expect(count >= 5 && count <= 8, "%u pulses in 5 s at 4600 W", count);
    cr_expect_eq(wh, (double)count);
    cr_expect(strstr(out, "width") && strstr(out, " W\n"), "%s", out);
    cr_expect_str_eq(output_state(), "1\n", "pulses leaves the output as it was");
    cr_expect_eq(RUN("pulses", "--dir", dir, "--position", "3", "--for", "1"), 2);
    cr_expect_eq(RUN("pulses", "--dir", dir, "--position", "1"), 2);
    cr_expect(strstr(err, "--for SECONDS"), "%s", err);
}
