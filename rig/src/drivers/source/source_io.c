/*
 * source_io.c — talking SCPI to the source over its byte transport: opening
 * it, one command followed by its error-queue check (SYST:ERR?), one query
 * and its reply line. Both dialects (source_scpi.c, source_fluke6105.c)
 * speak through this.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/error_internal.h"
#include "drivers/source/source_internal.h"
#include "rig/source.h"

#define SCPI_WRITE_TIMEOUT_MS 1000
#define SCPI_ERROR_DRAIN_MAX 16 /* SYST:ERR? reads until "0,..." at most this often */

int rig_source_open_dialect(const char *port, int baud, enum rig_transport_kind kind,
                            enum rig_source_dialect dialect, struct rig_source **out)
{
    int rc = rig_source_open(port, baud, kind, out);
    if (rc == 0)
        (*out)->dialect = dialect;
    return rc;
}

enum rig_source_dialect rig_source_dialect(const struct rig_source *src)
{
    return src->dialect;
}

int rig_source_open(const char *port, int baud, enum rig_transport_kind kind,
                    struct rig_source **out)
{
    struct rig_transport *t;
    *out = NULL;
    int rc = rig_transport_open(port, baud, kind, &t);
    if (rc < 0)
        return rig_error_prefix(rc, "source");
    struct rig_source *src = calloc(1, sizeof *src);
    if (!src) {
        rig_transport_close(t);
        return rig_error_set(-ENOMEM, "source: out of memory");
    }
    src->t = t;
    src->timeout_ms = RIG_SOURCE_TIMEOUT_MS;
    *out = src;
    return 0;
}

void rig_source_close(struct rig_source *src)
{
    if (!src)
        return;
    rig_transport_close(src->t);
    free(src);
}

void rig_source_set_timeout(struct rig_source *src, int timeout_ms)
{
    if (timeout_ms > 0)
        src->timeout_ms = timeout_ms;
}

int rig_source_fd(const struct rig_source *src)
{
    return src ? rig_transport_fd(src->t) : -1;
}

const char *rig_source_port(const struct rig_source *src)
{
    return rig_transport_port(src->t);
}

static int send_line(struct rig_source *src, const char *cmd)
{
    char line[SCPI_LINE_MAX + 2];
    int n = snprintf(line, sizeof line, "%s\n", cmd);
    if (n < 0 || (size_t)n >= sizeof line)
        return rig_error_set(-EMSGSIZE, "source: command too long: %.40s...", cmd);
    int rc = rig_transport_write(src->t, line, (size_t)n, SCPI_WRITE_TIMEOUT_MS);
    if (rc < 0)
        return rig_error_prefix(rc, "source");
    return 0;
}

/* Send a query and read its one-line reply. */
int rig_scpi_query(struct rig_source *src, const char *cmd, char *reply, size_t len)
{
    /* Anything unread now is stale (a reply to an earlier, timed-out query). */
    rig_transport_discard_input(src->t);
    int rc = send_line(src, cmd);
    if (rc < 0)
        return rc;
    rc = rig_transport_read_line(src->t, reply, len, src->timeout_ms);
    if (rc == -ETIMEDOUT)
        return rig_error_set(rc,
                             "source: no answer on %s to '%s' within %d ms — check the cable, "
                             "baud and that the instrument is on",
                             rig_transport_port(src->t), cmd, src->timeout_ms);
    if (rc < 0)
        return rig_error_prefix(rc, "source: '%s'", cmd);
    return 0;
}

/*
 * Read the error queue after cmd. The first error is reported; the rest of
 * the queue is read out so the next command starts clean.
 */
static int check_errors(struct rig_source *src, const char *cmd)
{
    char reply[SCPI_LINE_MAX];
    char first[SCPI_LINE_MAX] = "";
    int first_code = 0;

    for (int i = 0; i < SCPI_ERROR_DRAIN_MAX; i++) {
        int rc = rig_scpi_query(src, "SYST:ERR?", reply, sizeof reply);
        if (rc < 0)
            return rc;
        char *end;
        long code = strtol(reply, &end, 10);
        if (end == reply || *end != ',')
            return rig_error_set(-EPROTO,
                                 "source: unexpected reply '%s' to SYST:ERR? on %s — is this a "
                                 "SCPI instrument speaking the generic dialect?",
                                 reply, rig_transport_port(src->t));
        if (code == 0)
            break;
        if (first_code == 0) {
            first_code = (int)code;
            snprintf(first, sizeof first, "%s", reply);
        }
    }
    if (first_code == 0)
        return 0;
    /* SCPI -1xx: command errors (the instrument did not understand it);
     * -2xx: execution errors (-222 data out of range, ...). */
    int rc = first_code == -222 ? -ERANGE : -EREMOTEIO;
    const char *hint = first_code <= -100 && first_code > -200
                           ? "check the command's spelling and that the instrument supports it"
                           : "check the value is within the instrument's range";
    return rig_error_set(rc, "source: instrument on %s reports %s after '%s' — %s",
                         rig_transport_port(src->t), first, cmd, hint);
}

int rig_scpi_command(struct rig_source *src, const char *fmt, ...)
{
    char cmd[SCPI_LINE_MAX];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= sizeof cmd)
        return rig_error_set(-EMSGSIZE, "source: command too long");
    rig_transport_discard_input(src->t);
    int rc = send_line(src, cmd);
    if (rc < 0)
        return rc;
    return check_errors(src, cmd);
}


int rig_scpi_expect_off(struct rig_source *src, const char *query, const char *command)
{
    char reply[SCPI_LINE_MAX];
    int rc = rig_scpi_query(src, query, reply, sizeof reply);
    if (rc < 0)
        return rc;
    if (strcmp(reply, "0") != 0 && strcasecmp(reply, "OFF") != 0)
        return rig_error_set(-EIO, "source: output still on after %s (%s says '%s') on %s — "
                                   "switch the instrument off by hand",
                             command, query, reply, rig_transport_port(src->t));
    return 0;
}
