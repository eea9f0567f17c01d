#!/usr/bin/python3
"""interop.py — a simulated MED2 meter read and configured by pymodbus.

Run by suites/modbus/interop.c with Debian's interpreter (/usr/bin/python3,
where python3-pymodbus lives). Talks to one unit on its RS485 tty, in the
default big-endian mode (manual §5 register 708 = 0), and prints one JSON
object: what it read and what the unit answered, for the C test to check.

    interop.py --port TTY [--baud 38400] [--slave 1] [--password 0000001]
"""
import argparse
import json
import struct
import sys

from pymodbus.client import ModbusSerialClient
from pymodbus.mei_message import ReadDeviceInformationRequest

# Manual §5 (C80 and B80 alike for these).
VOLTAGE = 0
FREQUENCY = 12
TOTAL_IMPORT_ACTIVE_ENERGY = 300
DEMAND_PERIOD = 712
PASSWORD = 6000


def words_to_float(words):
    return struct.unpack(">f", struct.pack(">2H", *words))[0]


def words_to_double(words):
    return struct.unpack(">d", struct.pack(">4H", *words))[0]


def password_words(password):
    """Manual §5: a NUL, then the digits last to first, two per register."""
    raw = b"\0" + password[::-1].encode("ascii")
    return list(struct.unpack(">4H", raw))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", required=True)
    ap.add_argument("--baud", type=int, default=38400)
    ap.add_argument("--slave", type=int, default=1)
    ap.add_argument("--password", default="0000001")
    ap.add_argument("--demand-period", type=int, default=30)
    args = ap.parse_args()

    out = {}
    client = ModbusSerialClient(port=args.port, baudrate=args.baud, parity="N", stopbits=1,
                                bytesize=8, timeout=1)
    if not client.connect():
        print(json.dumps({"error": "cannot open " + args.port}))
        return 1
    try:
        rr = client.read_holding_registers(VOLTAGE, 14, slave=args.slave)
        if rr.isError():
            raise RuntimeError("reading 0..13: %s" % rr)
        out["voltage"] = words_to_float(rr.registers[0:2])
        out["frequency"] = words_to_float(rr.registers[FREQUENCY:FREQUENCY + 2])

        rr = client.read_holding_registers(TOTAL_IMPORT_ACTIVE_ENERGY, 4, slave=args.slave)
        if rr.isError():
            raise RuntimeError("reading 300: %s" % rr)
        out["total_import_active_energy"] = words_to_double(rr.registers)

        # Locked: a write is refused with exception 01.
        wr = client.write_registers(DEMAND_PERIOD, [0, args.demand_period], slave=args.slave)
        out["locked_write_exception"] = getattr(wr, "exception_code", None)

        wr = client.write_registers(PASSWORD, password_words(args.password), slave=args.slave)
        if wr.isError():
            raise RuntimeError("entering the password: %s" % wr)
        wr = client.write_registers(DEMAND_PERIOD, [0, args.demand_period], slave=args.slave)
        if wr.isError():
            raise RuntimeError("writing 712: %s" % wr)
        rr = client.read_holding_registers(DEMAND_PERIOD, 2, slave=args.slave)
        if rr.isError():
            raise RuntimeError("reading 712: %s" % rr)
        out["demand_period"] = rr.registers[0] << 16 | rr.registers[1]

        # Function 2B/0E, basic device identification, stream access.
        # (pymodbus 3.0 requests take the slave as `unit`; later ones as `slave`.)
        di = client.execute(ReadDeviceInformationRequest(read_code=0x01, object_id=0x00,
                                                         unit=args.slave, slave=args.slave))
        if di.isError():
            raise RuntimeError("reading the device identification: %s" % di)
        out["device"] = {str(k): v.decode("ascii", "replace") for k, v in di.information.items()}
    except Exception as e:  # report, do not traceback: the C test shows this line
        out["error"] = str(e)
    finally:
        client.close()
    print(json.dumps(out))
    return 0 if "error" not in out else 1


if __name__ == "__main__":
    sys.exit(main())
