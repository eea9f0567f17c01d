/*
 * summary.c — summary.txt: one line per position, what `make run` prints.
 */
#include "report_internal.h"

void report_summary_write(FILE *f, const struct report_eol_run *run)
{
    fprintf(f, "%-4s %-10s %-12s %-6s %-12s %-7s %s\n", "pos", "serial", "model", "result",
            "worst_ratio", "sealed", "reason");
    for (size_t i = 0; i < run->unit_count; i++) {
        const struct report_eol_unit *u = &run->units[i];
        fprintf(f, "%-4u %-10s %-12s %-6s %-12.3f %-7s %s\n", u->position, report_serial(u),
                u->model ? u->model : "?", u->pass ? "PASS" : "FAIL", u->worst_error_ratio,
                u->sealed ? "yes" : "no", u->reason ? u->reason : "");
    }
}
