/*
 * pulse_out.c — hal_pulse_write through the timeline; see pulse_out.h.
 */
#include "pulse_out.h"

#include "board_pins.h"
#include "hal.h"
#include "pulse_timeline.h"

static struct pulse_timeline timeline;
static uint64_t offset;
static uint32_t late;

static void drive(uint8_t edges)
{
    /* one BSRR write per port sets and clears both outputs at once */
    uint32_t bsrr = 0;
    if (edges & PULSE_EDGE_ON(1)) {
        bsrr |= 1u << PULSE1_PIN;
    }
    if (edges & PULSE_EDGE_OFF(1)) {
        bsrr |= 1u << (PULSE1_PIN + 16u);
    }
    if (edges & PULSE_EDGE_ON(2)) {
        bsrr |= 1u << PULSE2_PIN;
    }
    if (edges & PULSE_EDGE_OFF(2)) {
        bsrr |= 1u << (PULSE2_PIN + 16u);
    }
    if (bsrr != 0u) {
        GPIO_BSRR(PULSE_PORT) = bsrr;
    }
}
_Static_assert(PULSE_OUT_DELAY_SAMPLES < PULSE_TIMELINE_SLOTS, "the ring holds the delay");

void pulse_out_init(void)
{
    pulse_timeline_init(&timeline, PULSE_OUT_DELAY_SAMPLES);
    pulse_out_all_off();
}

void pulse_out_set_offset(uint64_t o)
{
    offset = o;
}

void pulse_out_play(uint64_t n)
{
    drive(pulse_timeline_take(&timeline, n));
}

void hal_pulse_write(unsigned output, bool active, uint64_t sample_time)
{
    /* the sample interrupt must not play the slot while it is written */
    __asm volatile("cpsid i" ::: "memory");
    bool queued = pulse_timeline_schedule(&timeline, output, active, sample_time + offset,
                                          afe_sampler_count());
    __asm volatile("cpsie i" ::: "memory");
    if (!queued && (output == 1u || output == 2u)) {
        late++;
        drive(active ? PULSE_EDGE_ON(output) : PULSE_EDGE_OFF(output));
    }
}

void pulse_out_all_off(void)
{
    __asm volatile("cpsid i" ::: "memory");
    pulse_timeline_clear(&timeline);
    drive(PULSE_EDGE_OFF(1) | PULSE_EDGE_OFF(2));
    __asm volatile("cpsie i" ::: "memory");
}

uint32_t pulse_out_late_edges(void)
{
    return late;
}
