/*
 * records_common.c — helpers shared by the records interface and its
 * backends (records_internal.h).
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "records/records_internal.h"

void records_utc_now(char *buf, size_t len, enum records_time form)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    struct tm tm;
    gmtime_r(&ts.tv_sec, &tm);
    if (form == RECORDS_TIME_COMPACT) {
        strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm);
    } else if (form == RECORDS_TIME_S) {
        strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
    } else {
        char s[32];
        strftime(s, sizeof s, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(buf, len, "%.20s.%03dZ", s, (int)(ts.tv_nsec / 1000000));
    }
}

/* Is the query parameter starting at p (up to '&' or the end) password=...? */
static bool is_password_param(const char *p)
{
    return strncmp(p, "password=", 9) == 0;
}

char *records_redact_url(const char *url)
{
    size_t n = strlen(url);
    char *out = malloc(n + 1);
    if (!out)
        return NULL;
    const char *scheme_end = strstr(url, "://");
    if (!scheme_end) {
        memcpy(out, url, n + 1);
        return out;
    }
    const char *auth = scheme_end + 3;
    /* The authority ends at the first '/', '?' or '#' (RFC 3986: a '/' in a
     * password must be percent-encoded); the userinfo at its last '@'. */
    size_t auth_len = strcspn(auth, "/?#");
    const char *at = NULL;
    for (const char *p = auth; p < auth + auth_len; p++)
        if (*p == '@')
            at = p;
    size_t o = 0;
    memcpy(out, url, (size_t)(auth - url));
    o = (size_t)(auth - url);
    if (at) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        const char *user_end = colon ? colon : at;
        memcpy(out + o, auth, (size_t)(user_end - auth));
        o += (size_t)(user_end - auth);
        memcpy(out + o, at, (size_t)(auth + auth_len - at));
        o += (size_t)(auth + auth_len - at);
    } else {
        memcpy(out + o, auth, auth_len);
        o += auth_len;
    }
    const char *rest = auth + auth_len;
    const char *q = strchr(rest, '?');
    if (!q) {
        strcpy(out + o, rest);
        return out;
    }
    memcpy(out + o, rest, (size_t)(q - rest));
    o += (size_t)(q - rest);
    /* The query: copy every parameter but password=. */
    const char *p = q + 1;
    bool first = true;
    while (*p) {
        size_t len = strcspn(p, "&#");
        if (!is_password_param(p)) {
            out[o++] = first ? '?' : '&';
            memcpy(out + o, p, len);
            o += len;
            first = false;
        }
        p += len;
        if (*p == '#') {
            strcpy(out + o, p);
            return out;
        }
        if (*p == '&')
            p++;
    }
    out[o] = '\0';
    return out;
}

uint64_t records_fnv1a64(const char *s)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001b3ull;
    }
    return h;
}

void records_one_line(const char *msg, char *out, size_t len)
{
    if (!len)
        return;
    size_t o = 0;
    bool space = true; /* drops leading blanks */
    for (const char *p = msg ? msg : ""; *p && o + 1 < len; p++) {
        bool blank = *p == '\n' || *p == '\t' || *p == '\r' || *p == ' ';
        if (blank) {
            if (!space)
                out[o++] = ' ';
            space = true;
        } else {
            out[o++] = *p;
            space = false;
        }
    }
    while (o > 0 && out[o - 1] == ' ')
        o--;
    out[o] = '\0';
}
