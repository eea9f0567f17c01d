/*
 * power_rtc.c — the battery-backed RTC domain; see power_rtc.h.
 */
#include "power_rtc.h"

#include <string.h>
#include <time.h>

#define DOMAIN_MAGIC 0x32435452u /* "RTC2" */

struct domain {
    uint32_t magic;
    uint32_t reserved;
    int64_t offset_s;  /* RTC = epoch + offset + count */
    int64_t note_rtc;  /* the RTC's reading at the note */
    int64_t note_wall; /* CLOCK_REALTIME seconds at the note */
};
_Static_assert(sizeof(struct domain) <= POWER_RTC_DOMAIN_SIZE, "battery domain size");

static struct {
    struct domain *d;
    struct domain ram; /* a board without a file: the domain lives as long as the process */
    uint32_t epoch;
} rtc;

static int64_t wall_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_REALTIME, &t);
    return (int64_t)t.tv_sec;
}

static int64_t reading(int64_t count_s)
{
    return (int64_t)rtc.epoch + rtc.d->offset_s + count_s;
}

void power_rtc_init(void *mem, uint32_t epoch, int64_t count_s)
{
    rtc.epoch = epoch;
    rtc.d = mem != NULL ? (struct domain *)mem : &rtc.ram;
    if (rtc.d->magic != DOMAIN_MAGIC) {
        /* a fresh battery: the RTC starts at its epoch */
        memset(rtc.d, 0, sizeof(*rtc.d));
        rtc.d->magic = DOMAIN_MAGIC;
        rtc.d->offset_s = 0;
        rtc.d->note_rtc = reading(count_s);
        rtc.d->note_wall = wall_s();
        return;
    }
    if (reading(count_s) < rtc.d->note_rtc) {
        /* The bench's clock started again: the RTC went on counting on its
         * battery for the real time that passed since the note. */
        int64_t off = wall_s() - rtc.d->note_wall;
        rtc.d->offset_s += rtc.d->note_rtc - reading(count_s) + (off > 0 ? off : 0);
    }
    power_rtc_note(count_s);
}

uint32_t power_rtc_read(int64_t count_s)
{
    int64_t s = reading(count_s);
    return s < 0 ? 0u : s > (int64_t)UINT32_MAX ? UINT32_MAX : (uint32_t)s;
}

void power_rtc_set(uint32_t seconds, int64_t count_s)
{
    rtc.d->offset_s = (int64_t)seconds - rtc.epoch - count_s;
    /* a clock set backwards is the one legitimate way back: note it */
    power_rtc_note(count_s);
}

void power_rtc_note(int64_t count_s)
{
    rtc.d->note_rtc = reading(count_s);
    rtc.d->note_wall = wall_s();
}
