/*
 * parallel_clients.c — `make bench`'s parallel_clients_errors: eight
 * clients reading one simulated bench at once for 30 s, as CI jobs and
 * people do on a shared bench; every failed read and every value that is
 * not what the source applies counts. Each client opens the bench for each
 * read (waiting for its lock, as `rig read --wait` does), reads both units'
 * voltage and current, and closes it.
 *
 *   BENCH parallel_clients_errors <n> errors   (goal 0)
 *   BENCH parallel_clients_reads <n> reads
 *
 *   parallel_clients [--clients N] [--seconds S]
 */
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rig/rig.h"
#include "rig/sim/simbench.h"

#define VOLTS 230.0
#define AMPS 5.0
#define TOLERANCE 0.10 /* uncalibrated units read within +-5 % per channel */
#define LOCK_WAIT_S 60.0

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One client: read until seconds have passed; reads and errors to the pipe. */
static void client(const char *dir, double seconds, int out)
{
    unsigned long reads = 0, errors = 0;
    const struct rig_bench_options opt = {.lock_wait_s = LOCK_WAIT_S};
    double end = now_s() + seconds;
    while (now_s() < end) {
        struct rig_bench *b;
        if (rig_bench_attach_with(dir, &opt, &b) < 0) {
            errors++;
            continue;
        }
        for (unsigned p = 1; p <= 2; p++) {
            double v = NAN, i = NAN;
            struct rig_meter *m = rig_bench_meter(b, p);
            reads++;
            if (!m || rig_meter_read_reg(m, MED2_REG_VOLTAGE, &v) < 0 ||
                rig_meter_read_reg(m, MED2_REG_CURRENT, &i) < 0 ||
                fabs(v / VOLTS - 1.0) > TOLERANCE || fabs(i / AMPS - 1.0) > TOLERANCE) {
                errors++;
                fprintf(stderr, "parallel_clients: position %u: V %.2f I %.3f %s\n", p, v, i,
                        rig_last_error());
            }
        }
        rig_bench_release(b);
    }
    dprintf(out, "%lu %lu\n", reads, errors);
}

int main(int argc, char **argv)
{
    unsigned clients = 8;
    double seconds = 30.0;
    for (int a = 1; a + 1 < argc; a += 2) {
        if (strcmp(argv[a], "--clients") == 0)
            clients = (unsigned)atoi(argv[a + 1]);
        else if (strcmp(argv[a], "--seconds") == 0)
            seconds = atof(argv[a + 1]);
    }
    char dir[] = "/tmp/med2-parallel-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    static const struct rig_sim_unit units[2] = {{"C80-1M-V3", "24110071", 1, 38400, NULL},
                                                 {"C80-1M-V3", "24110072", 1, 38400, NULL}};
    struct rig_simbench_options opt = {.dir = dir, .speed = "1", .units = units, .unit_count = 2,
                                       .detach = true};
    pid_t benchd;
    struct rig_bench *b;
    if (rig_simbench_start(&opt, &benchd) < 0 || rig_bench_attach(dir, &b) < 0 ||
        rig_source_set(rig_bench_source(b), VOLTS, AMPS, 0.0, 50.0) < 0 ||
        rig_source_output(rig_bench_source(b), true) < 0) {
        fprintf(stderr, "parallel_clients: %s\n", rig_last_error());
        rig_simbench_stop(dir, 0);
        return 1;
    }
    rig_bench_release(b); /* the output stays on for the clients */
    sleep(1);             /* a measurement window at the load */
    int pipefd[2];
    if (pipe(pipefd) < 0)
        return 1;
    pid_t pids[64];
    clients = clients > 64 ? 64 : clients;
    for (unsigned c = 0; c < clients; c++)
        if ((pids[c] = fork()) == 0) {
            client(dir, seconds, pipefd[1]);
            _exit(0);
        }
    close(pipefd[1]);
    unsigned long reads = 0, errors = 0, r, e;
    FILE *in = fdopen(pipefd[0], "r");
    unsigned reported = 0;
    while (fscanf(in, "%lu %lu", &r, &e) == 2) {
        reads += r;
        errors += e;
        reported++;
    }
    fclose(in);
    for (unsigned c = 0; c < clients; c++) /* not benchd: it is our child too */
        waitpid(pids[c], NULL, 0);
    if (rig_bench_attach(dir, &b) == 0)
        rig_bench_close(b); /* the source off */
    rig_simbench_stop(dir, 0);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    (void)!system(cmd);
    errors += clients - reported; /* a client that died */
    printf("BENCH parallel_clients_errors %lu errors\n", errors);
    printf("BENCH parallel_clients_reads %lu reads_by_%u_clients_in_%.0f_s\n", reads, clients,
           seconds);
    return errors == 0 ? 0 : 1;
}
