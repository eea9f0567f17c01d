/*
 * flash_image.c — what a real bench flashes and how long it takes: the
 * MCU (ARM) image and never the host build, its loadable bytes, and the
 * probe's time for them (rig/flash.h).
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/error_internal.h"
#include "base/exe_dir.h"
#include "rig/flash.h"

/* The build's Cortex-M image, beside the rig (make cm4-link). */
#define ARM_IMAGE_FROM_EXE "/../firmware/cm4f/med2.elf"

int rig_flash_arm_image(char *buf, size_t len)
{
    const char *env = getenv("RIG_FIRMWARE_ARM_IMAGE");
    if (env && *env) {
        if (access(env, R_OK) != 0)
            return rig_error_set(-ENOENT, "MCU image %s (RIG_FIRMWARE_ARM_IMAGE) not readable: %s",
                                 env, strerror(errno));
        snprintf(buf, len, "%s", env);
        return 0;
    }
    char dir[4096];
    int rc = rig_exe_dir(dir, sizeof dir);
    if (rc < 0)
        return rig_error_set(rc, "cannot tell where this program is, to find the MCU image — set "
                                 "RIG_FIRMWARE_ARM_IMAGE");
    char path[4200];
    snprintf(path, sizeof path, "%s%s", dir, ARM_IMAGE_FROM_EXE);
    if (access(path, R_OK) != 0)
        return rig_error_set(-ENOENT, "no MCU image at %s — build it (make cm4-link) or set "
                                      "RIG_FIRMWARE_ARM_IMAGE",
                             path);
    if (!realpath(path, buf) && (size_t)snprintf(buf, len, "%s", path) >= len)
        return rig_error_set(-ENAMETOOLONG, "MCU image path too long: %s", path);
    return 0;
}

/* The ELF header's class and machine; false if f is not an ELF file. */
static bool elf_header(FILE *f, unsigned char *cls, unsigned *machine)
{
    unsigned char id[EI_NIDENT];
    if (fread(id, 1, sizeof id, f) != sizeof id || memcmp(id, ELFMAG, SELFMAG) != 0)
        return false;
    *cls = id[EI_CLASS];
    uint16_t m = 0;
    if (fseek(f, (long)offsetof(Elf32_Ehdr, e_machine), SEEK_SET) != 0 || fread(&m, 2, 1, f) != 1)
        return false;
    *machine = m;
    return true;
}

int rig_flash_check_mcu_image(const char *image)
{
    FILE *f = fopen(image, "rb");
    if (!f)
        return rig_error_set(-ENOENT, "cannot read image %s: %s", image, strerror(errno));
    unsigned char cls = 0;
    unsigned machine = 0;
    bool elf = elf_header(f, &cls, &machine);
    fclose(f);
    if (elf && machine != EM_ARM)
        return rig_error_set(-EINVAL, "%s is a host build (ELF machine %u), not the MCU image — a "
                                      "real bench flashes the ARM image (make cm4-link: "
                                      "firmware/cm4f/med2.elf)",
                             image, machine);
    return 0; /* an ARM ELF, or a .hex/.bin OpenOCD places itself */
}

/* Read the struct of n bytes at offset. */
static bool read_at(FILE *f, long offset, void *buf, size_t n)
{
    return fseek(f, offset, SEEK_SET) == 0 && fread(buf, n, 1, f) == 1;
}

/* Sum of the PT_LOAD segments' file bytes: what goes into flash. The
 * program header table's place and each entry's fields, by class. */
static int elf_loadable(FILE *f, unsigned char cls, size_t *bytes)
{
    bool is32 = cls == ELFCLASS32;
    Elf32_Ehdr h32;
    Elf64_Ehdr h64;
    if (!(is32 ? read_at(f, 0, &h32, sizeof h32) : read_at(f, 0, &h64, sizeof h64)))
        return -EIO;
    uint64_t phoff = is32 ? h32.e_phoff : h64.e_phoff;
    unsigned entsize = is32 ? h32.e_phentsize : h64.e_phentsize;
    unsigned count = is32 ? h32.e_phnum : h64.e_phnum;
    *bytes = 0;
    for (unsigned k = 0; k < count; k++) {
        long at = (long)(phoff + (uint64_t)k * entsize);
        Elf32_Phdr p32;
        Elf64_Phdr p64;
        if (!(is32 ? read_at(f, at, &p32, sizeof p32) : read_at(f, at, &p64, sizeof p64)))
            return -EIO;
        if ((is32 ? p32.p_type : p64.p_type) == PT_LOAD)
            *bytes += is32 ? p32.p_filesz : p64.p_filesz;
    }
    return 0;
}

int rig_flash_image_bytes(const char *image, size_t *bytes)
{
    FILE *f = fopen(image, "rb");
    if (!f)
        return rig_error_set(-ENOENT, "cannot read image %s: %s", image, strerror(errno));
    unsigned char cls = 0;
    unsigned machine = 0;
    int rc = 0;
    if (elf_header(f, &cls, &machine)) {
        rc = elf_loadable(f, cls, bytes);
    } else {
        struct stat st;
        rc = fstat(fileno(f), &st) == 0 ? 0 : -errno;
        *bytes = rc == 0 ? (size_t)st.st_size : 0;
    }
    fclose(f);
    return rc < 0 ? rig_error_set(rc, "image %s: cannot read its segments", image) : 0;
}

double rig_flash_seconds(size_t bytes)
{
    return RIG_FLASH_START_S + (double)bytes / RIG_FLASH_WRITE_BYTES_PER_S +
           (double)bytes / RIG_FLASH_VERIFY_BYTES_PER_S;
}

int rig_flash_find_tool(const char *env_var, const char *name, char *buf, size_t len)
{
    const char *env = getenv(env_var);
    if (env && *env) {
        if (access(env, X_OK) != 0)
            return rig_error_set(-ENOENT, "%s not found at %s — check %s, or install %s "
                                          "(apt-get install %s)",
                                 name, env, env_var, name, name);
        snprintf(buf, len, "%s", env);
        return 0;
    }
    const char *path = getenv("PATH");
    char dirs[4096];
    snprintf(dirs, sizeof dirs, "%s", path ? path : "/usr/bin:/bin");
    for (char *save = NULL, *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        if ((size_t)snprintf(buf, len, "%s/%s", *d ? d : ".", name) < len && access(buf, X_OK) == 0)
            return 0;
    }
    return rig_error_set(-ENOENT, "%s not found in PATH — install %s (apt-get install %s) or "
                                  "set %s",
                         name, name, name, env_var);
}
