/*
 * bench_nvdump.c — a field unit's register dump into a unit's NV
 * (rig/nvdump.h), through the bench's driver (benchd's LOADNV).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/error_internal.h"
#include "bench/bench_internal.h"
#include "rig/modbus.h"
#include "rig/nvdump.h"
#include "rig/regmap.h"

/* Register 702's codes (manual §5). */
static const int baud_of_code[] = {1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200};

/* The unit now answers on the dump's line settings (the image has checked
 * their ranges), and codes values as its endian setting says: the rig's
 * client follows, so what comes next reaches it. */
static int follow_line(struct rig_bench *bench, unsigned position, const char *dump)
{
    struct rig_meter *m = rig_bench_meter(bench, position);
    FILE *f = fopen(dump, "r");
    if (!m || !f) {
        if (f)
            fclose(f);
        return 0; /* no Modbus client at this position: nothing to follow */
    }
    struct rig_line l;
    rig_meter_line(m, &l);
    char line[256], name[64];
    double v;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || sscanf(line, "%63s %lf", name, &v) != 2 || v < 0 || v > 255)
            continue;
        int id = rig_reg_lookup(name);
        unsigned u = (unsigned)v;
        if (id == MED2_REG_SLAVE_ID)
            l.slave = (int)u;
        else if (id == MED2_REG_BAUDRATE && u < sizeof baud_of_code / sizeof baud_of_code[0])
            l.baud = baud_of_code[u];
        else if (id == MED2_REG_PARITY && u <= 2)
            l.parity = "NOE"[u];
        else if (id == MED2_REG_STOPBIT && u <= 1)
            l.stop_bits = (int)u + 1;
        else if (id == MED2_REG_ENDIAN && u <= 3)
            rig_meter_set_endian(m, (enum rig_endian)u); /* register 708's codes */
    }
    fclose(f);
    return rig_meter_set_line(m, &l);
}

int rig_bench_load_dump(struct rig_bench *bench, unsigned position, const char *dump)
{
    int rc = rig_bench_check_position(bench, position);
    if (rc < 0)
        return rc;
    if (!bench->drv->load_nv)
        return rig_error_set(-ENOTSUP, "bench %s cannot write a unit's NV (a real unit's NV "
                             "is its own: program the field state over Modbus)",
                             rig_bench_name(bench));
    /* benchd runs elsewhere: it wants the absolute path */
    char path[PATH_MAX];
    if (!realpath(dump, path))
        return rig_error_set(-errno, "%s: cannot open the register dump", dump);
    rc = bench->drv->load_nv(bench, position, path);
    return rc < 0 ? rc : follow_line(bench, position, path);
}
