/*
 * modbus_cost — the firmware's cost per Modbus request, for the
 * `modbus_request_instr_*` figures of `make bench`.
 *
 * Feeds N copies of one read request (function 03, slave 1, COUNT registers
 * from ADDRESS) to a C80-1M-V3 unit's core as the board would (the frame's
 * bytes, then the line's idle), checks every reply is the normal response of
 * 2 x COUNT data bytes, and prints what it did. scripts/bench.sh runs it
 * under callgrind and divides the inclusive cost of meter_on_uart_rx and
 * meter_on_uart_idle by N: instructions, repeatable whatever the machine is
 * doing, and what the request costs the MCU — not a pty round trip.
 *
 *   modbus_cost COUNT ADDRESS [N]     (N default 20000)
 */
#include <stdio.h>
#include <stdlib.h>

#include "crc16.h"
#include "hal_null.h"
#include "meter.h"

#define SLAVE 1u
#define FUNCTION_READ_HOLDING 0x03u

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: modbus_cost COUNT ADDRESS [N]\n");
        return 2;
    }
    unsigned count = (unsigned)strtoul(argv[1], NULL, 10);
    unsigned address = (unsigned)strtoul(argv[2], NULL, 10);
    unsigned long n = argc > 3 ? strtoul(argv[3], NULL, 10) : 20000ul;
    if (count < 1 || count > 125 || address > 0xFFFF) {
        fprintf(stderr, "modbus_cost: COUNT 1..125, ADDRESS 0..65535\n");
        return 2;
    }
    hal_null_reset();
    static struct meter m;
    struct meter_identity id = {.model = MED2_MODEL_C80_1M_V3, .serial = 1};
    meter_init(&m, &id);

    uint8_t req[8] = {SLAVE, FUNCTION_READ_HOLDING, (uint8_t)(address >> 8), (uint8_t)address,
                      0, (uint8_t)count};
    uint16_t crc = crc16_modbus(req, 6);
    req[6] = (uint8_t)crc;
    req[7] = (uint8_t)(crc >> 8);
    for (unsigned long k = 0; k < n; k++) {
        hal_null_tx_len = 0;
        meter_on_uart_rx(&m, req, sizeof req);
        meter_on_uart_idle(&m);
        if (hal_null_tx_len != 5u + 2u * count || hal_null_tx[1] != FUNCTION_READ_HOLDING) {
            fprintf(stderr, "modbus_cost: request %lu: reply of %zu bytes, function 0x%02x — "
                            "not a normal response to %u registers from %u\n",
                    k, hal_null_tx_len, hal_null_tx_len > 1 ? hal_null_tx[1] : 0, count, address);
            return 1;
        }
    }
    printf("# %lu requests of %u registers from %u answered\n", n, count, address);
    return 0;
}
