/*
 * db_writers.c — a rack's runners writing one PostgreSQL records database at
 * once: 8 writer processes (one per bench), each with its own store
 * (rig_records_open) writing N records with a unique (writer, seq) —
 * position = writer, value = seq — all started together. Then what is in
 * the table is compared with what was written:
 *
 *   BENCH db_concurrent_writers_lost <n> rows   missing + duplicated + unexpected (goal 0)
 *   BENCH db_concurrent_writers_rows <n> rows   rows in the table (8 × N when none is lost)
 *
 * A write that fails counts as lost and is reported on stderr. The server
 * is a throwaway one, started the way the tests start theirs
 * (rig/tests/pg_tmp.h). Wall time and rate go to stderr.
 *
 *   db_writers [--writers W] [--records N]      (defaults 8, 5000)
 */
#include <errno.h>
#include <libpq-fe.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../tests/pg_tmp.h"
#include "rig/error.h"
#include "rig/records.h"

#define MAX_WRITERS 64

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One runner: open its own store, wait for the start, write n records.
 * Exits with the number of failed writes (capped), 100 if it cannot open. */
static void writer(const char *url, unsigned w, long n, int go)
{
    char bench[32], serial[16];
    snprintf(bench, sizeof bench, "db-writers-%u", w);
    snprintf(serial, sizeof serial, "w%u", w);
    struct rig_records *r;
    if (rig_records_open(url, bench, &r) < 0) {
        fprintf(stderr, "db_writers: writer %u: %s\n", w, rig_last_error());
        _exit(100);
    }
    char c;
    if (read(go, &c, 1) < 0) /* EOF: every writer is ready */
        _exit(100);
    int failed = 0;
    for (long seq = 0; seq < n; seq++) {
        struct rig_record rec = {.name = "db_writers", .value = (double)seq, .unit = "",
                                 .lo = NAN, .hi = NAN, .verdict = "INFO", .position = w,
                                 .serial = serial, .firmware = "db_writers"};
        if (rig_record_measurement(r, &rec) < 0) {
            if (failed++ < 3)
                fprintf(stderr, "db_writers: writer %u, record %ld: %s\n", w, seq,
                        rig_last_error());
        }
    }
    rig_records_close(r);
    _exit(failed > 99 ? 99 : failed);
}

int main(int argc, char **argv)
{
    unsigned writers = 8;
    long n = 5000;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--writers") == 0 && i + 1 < argc)
            writers = (unsigned)atoi(argv[++i]);
        else if (strcmp(argv[i], "--records") == 0 && i + 1 < argc)
            n = atol(argv[++i]);
        else {
            fprintf(stderr, "usage: db_writers [--writers W] [--records N]\n");
            return 2;
        }
    }
    if (writers < 1 || writers > MAX_WRITERS || n < 1) {
        fprintf(stderr, "db_writers: 1..%d writers, at least 1 record each\n", MAX_WRITERS);
        return 2;
    }
    struct pg_tmp pg;
    char err[768];
    if (pg_tmp_start(&pg, err, sizeof err) < 0) {
        fprintf(stderr, "db_writers: %s\n", err);
        return 1;
    }
    int status = 1;
    unsigned char *seen = NULL;
    PGconn *c = NULL;
    PGresult *res = NULL;
    /* The schema first, so the writers measure writing, not creating. */
    struct rig_records *r;
    if (rig_records_open(pg.url, "db-writers", &r) < 0) {
        fprintf(stderr, "db_writers: %s\n", rig_last_error());
        goto out;
    }
    rig_records_close(r);

    int go[2];
    if (pipe(go) < 0)
        goto out;
    pid_t pids[MAX_WRITERS];
    for (unsigned w = 0; w < writers; w++) {
        pids[w] = fork();
        if (pids[w] == 0) {
            close(go[1]);
            writer(pg.url, w + 1, n, go[0]);
        }
    }
    close(go[0]);
    usleep(300000); /* let them connect; the start is the close below */
    double t0 = now_s();
    close(go[1]);
    int failed = 0;
    for (unsigned w = 0; w < writers; w++) {
        int st;
        if (pids[w] > 0 && waitpid(pids[w], &st, 0) == pids[w] && WIFEXITED(st))
            failed += WEXITSTATUS(st);
        else
            failed++;
    }
    double wall = now_s() - t0;

    c = PQconnectdb(pg.url);
    res = PQexec(c, "SELECT position, value, count(*) FROM records WHERE name = 'db_writers'"
                    " GROUP BY position, value");
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        fprintf(stderr, "db_writers: reading back: %s", PQerrorMessage(c));
        goto out;
    }
    seen = calloc((size_t)writers * (size_t)n, 1);
    if (!seen)
        goto out;
    long rows = 0, duplicated = 0, unexpected = 0;
    for (int i = 0; i < PQntuples(res); i++) {
        long w = atol(PQgetvalue(res, i, 0)), count = atol(PQgetvalue(res, i, 2));
        double v = strtod(PQgetvalue(res, i, 1), NULL);
        long seq = (long)v;
        rows += count;
        if (w < 1 || w > (long)writers || seq < 0 || seq >= n || (double)seq != v) {
            unexpected += count;
            continue;
        }
        seen[(size_t)(w - 1) * (size_t)n + (size_t)seq] = 1;
        duplicated += count - 1;
    }
    long missing = 0;
    for (size_t k = 0; k < (size_t)writers * (size_t)n; k++)
        missing += !seen[k];
    fprintf(stderr,
            "db_writers: %u writers x %ld records in %.2f s (%.0f records/s); missing %ld,"
            " duplicated %ld, unexpected %ld, failed writes %d\n",
            writers, n, wall, (double)rows / wall, missing, duplicated, unexpected, failed);
    printf("BENCH db_concurrent_writers_lost %ld rows\n", missing + duplicated + unexpected);
    printf("BENCH db_concurrent_writers_rows %ld rows\n", rows);
    status = missing + duplicated + unexpected == 0 && failed == 0 ? 0 : 1;
out:
    free(seen);
    PQclear(res);
    PQfinish(c);
    pg_tmp_stop(&pg);
    return status;
}
