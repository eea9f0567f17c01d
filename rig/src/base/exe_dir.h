/*
 * exe_dir.h — where the running program is: the rig finds its companions
 * (benchd, the firmware image, the suites) beside itself.
 */
#ifndef RIG_BASE_EXE_DIR_H
#define RIG_BASE_EXE_DIR_H

#include <stddef.h>

/* The directory of this executable into buf. Returns 0 or -errno. */
int rig_exe_dir(char *buf, size_t len);

#endif
