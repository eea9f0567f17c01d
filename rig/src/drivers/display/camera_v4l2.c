/*
 * camera_v4l2.c — a picture of a meter's display from the camera in front
 * of it, with fswebcam (Debian package): one frame, no banner, as PNG
 * (display_internal.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "drivers/display/display_internal.h"

#define PNG_COMPRESSION "9"
#define SKIP_FRAMES "5" /* let the camera's exposure settle */

int rig_camera_capture(const char *device, const char *path)
{
    pid_t pid = fork();
    if (pid < 0)
        return rig_error_set(-errno, "fork: %s", strerror(errno));
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY);
        if (null >= 0)
            dup2(null, 1), dup2(null, 2);
        execlp("fswebcam", "fswebcam", "-q", "-d", device, "--no-banner", "-S", SKIP_FRAMES,
               "--png", PNG_COMPRESSION, path, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
        return rig_error_set(-ENOENT, "fswebcam is not installed (Debian package fswebcam): no "
                                      "picture from camera %s", device);
    struct stat st;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || stat(path, &st) != 0 || st.st_size == 0)
        return rig_error_set(-EIO, "camera %s gave no picture — check it is connected and "
                                   "not used by another program", device);
    return 0;
}
