/*
 * rig/buttons.h — pressing a meter's buttons (`next`, `enter`; docs/ui.md).
 *
 * A real bench presses them with relays on GPIO output lines (bench file
 * keys button_next, button_enter: CHIP:LINE, and press_ms); the simulated
 * bench with benchd's button wires, in virtual time. Either way the call
 * returns once the button is released and the unit has seen it.
 */
#ifndef RIG_BUTTONS_H
#define RIG_BUTTONS_H

#ifdef __cplusplus
extern "C" {
#endif

struct rig_bench;

enum rig_button { RIG_BUTTON_NEXT = 1, RIG_BUTTON_ENTER = 2 };

/* A short press: long enough for any unit, far below the long press. */
#define RIG_PRESS_SHORT_MS 200u
/* A long press: the firmware's 2 s and a margin. */
#define RIG_PRESS_LONG_MS 2500u

/*
 * rig_press — press position's button for hold_ms (0: the bench's press
 * time, RIG_PRESS_SHORT_MS unless the bench file says press_ms).
 * Returns 0, -EINVAL (no such position or button), -ENODEV (no relay for
 * that button on this bench: the message names the bench file key), -EIO.
 */
int rig_press(struct rig_bench *bench, unsigned position, enum rig_button button, unsigned hold_ms);

/* rig_button_name — "next" or "enter"; rig_button_parse — the reverse, -1 if neither. */
const char *rig_button_name(enum rig_button button);
int rig_button_parse(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* RIG_BUTTONS_H */
