/*
 * replay_internal.h — the parts of a field replay (rig/replay.h) that share
 * what the public header does not show: profile parsing (replay_profile.c),
 * a recording as a profile (replay_recording.c), the step's power
 * (replay_reference.c), the trace (replay_trace.c) and the run (replay_run.c).
 */
#ifndef RIG_REPLAY_INTERNAL_H
#define RIG_REPLAY_INTERNAL_H

#include <stdio.h>

#include "rig/replay.h"

/* replay_profile.c: a CSV profile from in (name for messages) into p. */
int replay_profile_parse_csv(FILE *in, const char *name, struct rig_profile *p);

/* replay_recording.c: the COMTRADE recording at cfg_path into p (wave,
 * per-cycle steps, recorded_wh). */
int replay_profile_from_recording(const char *cfg_path, struct rig_profile *p);

/* replay_reference.c: the active power a source delivers at step s, W
 * (fundamental and each voltage/current harmonic pair of one order). */
double replay_step_power(const struct rig_replay_step *s);

#endif
