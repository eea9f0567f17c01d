/*
 * records.c — the records interface (rig/records.h): picks the backend from
 * the URL, owns the run and the timestamps, and hands the database work to
 * records_sqlite.c or records_pg.c through their ops (records_internal.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"
#include "records/records_internal.h"

/* Which backend, and what it opens: "postgresql://" and "postgres://" go
 * to libpq whole (it parses them), "sqlite:PATH" and a bare path to SQLite. */
static int pick(const char *url, const struct rig_records_ops **ops, const char **target)
{
    if (strncmp(url, "postgresql://", 13) == 0 || strncmp(url, "postgres://", 11) == 0) {
        *ops = &rig_records_pg_ops;
        *target = url;
        return 0;
    }
    if (strncmp(url, "sqlite:", 7) == 0) {
        *ops = &rig_records_sqlite_ops;
        *target = url + 7;
        return 0;
    }
    /* A "scheme://" we do not know is a mistake, not a file name to create. */
    const char *sep = strstr(url, "://");
    size_t scheme = strspn(url, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
    if (sep && scheme > 0 && scheme == (size_t)(sep - url))
        return rig_error_set(-EINVAL,
                             "records: %.*s: unknown store — use a file path, sqlite:PATH, "
                             "postgresql://... or postgres://...",
                             (int)(sep - url + 3), url);
    *ops = &rig_records_sqlite_ops;
    *target = url;
    return 0;
}

int rig_records_open(const char *url, const char *bench_name, struct rig_records **out)
{
    if (!out)
        return rig_error_set(-EINVAL, "records: no place for the store");
    *out = NULL;
    if (!url || !*url)
        return rig_error_set(-EINVAL, "records: no store given (a file path or a URL)");
    const struct rig_records_ops *ops = NULL;
    const char *target = NULL;
    int rc = pick(url, &ops, &target);
    if (rc < 0)
        return rc;
    if (!*target)
        return rig_error_set(-EINVAL, "records: %s: no file after sqlite:", url);
    struct rig_records *r = calloc(1, sizeof *r);
    if (!r || !(r->where = ops == &rig_records_pg_ops ? records_redact_url(url) : strdup(target))) {
        free(r);
        return rig_error_set(-ENOMEM, "records: out of memory");
    }
    r->ops = ops;
    pthread_mutex_init(&r->lock, NULL);
    records_utc_now(r->since, sizeof r->since, RECORDS_TIME_S);
    rc = ops->open(r, target);
    if (rc < 0) {
        free(r->where);
        free(r);
        return rc;
    }
    char started[48], stamp[24], host[64] = "";
    records_utc_now(started, sizeof started, RECORDS_TIME_MS);
    records_utc_now(stamp, sizeof stamp, RECORDS_TIME_COMPACT);
    gethostname(host, sizeof host - 1);
    /* Runs of a rack share one database: two runners can start in the same
     * second with the same pid (containers). The second one gets a suffix
     * rather than overwriting the first one's run. */
    snprintf(r->run, sizeof r->run, "%s-%ld", stamp, (long)getpid());
    for (int k = 2; (rc = ops->start_run(r, started, bench_name, host)) == -EEXIST && k < 100; k++)
        snprintf(r->run, sizeof r->run, "%s-%ld-%d", stamp, (long)getpid(), k);
    if (rc < 0) {
        if (rc == -EEXIST)
            rc = rig_error_set(-EIO, "records: %s: cannot find a free run id for %s", r->where,
                               r->run);
        rig_records_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

void rig_records_close(struct rig_records *r)
{
    if (!r)
        return;
    r->ops->close(r);
    pthread_mutex_destroy(&r->lock);
    free(r->where);
    free(r);
}

const char *rig_records_run(const struct rig_records *r)
{
    return r->run;
}

const char *rig_records_path(const struct rig_records *r)
{
    return r->where;
}

int rig_record_measurement(struct rig_records *r, const struct rig_record *rec)
{
    if (!r || !rec || !rec->name)
        return rig_error_set(-EINVAL, "records: no store or no record name");
    char ts[48];
    /* one connection, one record at a time: a libpq connection must not be
     * used from two threads at once */
    pthread_mutex_lock(&r->lock);
    records_utc_now(ts, sizeof ts, RECORDS_TIME_MS);
    int rc = r->ops->insert(r, ts, rec);
    pthread_mutex_unlock(&r->lock);
    return rc;
}

int rig_records_lock_bench(struct rig_records *r, const char *bench_name, double wait_s,
                           char *holder, size_t holder_len)
{
    if (holder && holder_len)
        holder[0] = '\0';
    if (!r || !bench_name || !*bench_name)
        return rig_error_set(-EINVAL, "records: no store or no bench name to lock");
    if (!(wait_s >= 0))
        wait_s = 0;
    return r->ops->lock_bench(r, bench_name, wait_s, holder, holder_len);
}

void rig_bench_set_records(struct rig_bench *bench, struct rig_records *db)
{
    bench->records = db;
}

struct rig_records *rig_bench_records(struct rig_bench *bench)
{
    return bench->records;
}
