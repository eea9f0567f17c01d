/*
 * buttons.c — the meter's button names (rig/buttons.h).
 */
#include <string.h>

#include "rig/buttons.h"

const char *rig_button_name(enum rig_button button)
{
    return button == RIG_BUTTON_NEXT ? "next" : button == RIG_BUTTON_ENTER ? "enter" : "?";
}

int rig_button_parse(const char *name)
{
    if (strcmp(name, "next") == 0)
        return RIG_BUTTON_NEXT;
    if (strcmp(name, "enter") == 0)
        return RIG_BUTTON_ENTER;
    return -1;
}
