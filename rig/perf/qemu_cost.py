#!/usr/bin/env python3
"""ARM instructions per sample of meter_on_samples, measured under QEMU.

Runs the mps2-an386 image (boards/mps2-an386) in qemu-system-arm with
-icount shift=SHIFT (each instruction advances QEMU's clock by 2**SHIFT ns),
feeds it SECONDS of samples of a 230 V / 5 A, 50 Hz sine on its sample
UART (qemu_wire.h) and asks for the SysTick ticks the board counted inside
meter_on_samples. SysTick runs on the 25 MHz system clock, so instructions
= ticks * 40 ns / 2**SHIFT: QEMU's instruction count, not a number the
firmware computes about itself. Prints the two BENCH lines of make bench:
arm_instr_per_sample and arm_cpu_load_pct (at 4000 samples/s on a 170 MHz
STM32G4, one instruction per cycle).

usage: qemu_cost.py IMAGE [SECONDS]
"""
import math
import socket
import struct
import subprocess
import sys

SHIFT = 3
SYSCLK_HZ = 25_000_000
RATE = 4000
G4_HZ = 170_000_000
BLOCK = 80
FULL_SCALE = 1 << 23


def recv_exact(s, n):
    b = b""
    while len(b) < n:
        c = s.recv(n - len(b))
        if not c:
            sys.exit("qemu_cost: QEMU closed the board's UART")
        b += c
    return b


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    image = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 2.0
    pairs = [socket.socketpair() for _ in range(3)]
    fds = [p[1].fileno() for p in pairs]
    args = ["qemu-system-arm", "-M", "mps2-an386", "-nodefaults", "-nographic", "-monitor", "none",
            "-nic", "none", "-icount", f"shift={SHIFT},align=off,sleep=off", "-kernel", image]
    for k, fd in enumerate(fds):
        args += ["-chardev", f"socket,id=w{k},fd={fd}", "-serial", f"chardev:w{k}"]
    q = subprocess.Popen(args, pass_fds=fds, stdin=subprocess.DEVNULL)
    try:
        uart_in, uart_out = pairs[1][0], pairs[2][0]
        uart_out.settimeout(120)
        if recv_exact(uart_out, 5)[0:1] != b"h":
            sys.exit("qemu_cost: no hello from the image")
        uart_in.sendall(b"C" + struct.pack("<QIB", 0, 24110101, 0))
        n = int(seconds * RATE)
        amp_v, amp_i = 0.5 * FULL_SCALE, 0.1 * FULL_SCALE
        for start in range(0, n, BLOCK):
            m = min(BLOCK, n - start)
            rec = bytearray(b"S" + bytes([m]))
            for k in range(start, start + m):
                ph = 2 * math.pi * 50.0 * k / RATE
                for code in (int(amp_v * math.sin(ph)), int(amp_i * math.sin(ph - 0.5))):
                    rec += (code & 0xFFFFFF).to_bytes(3, "little")
            uart_in.sendall(rec)
        uart_in.sendall(b"Q")
        while True:
            t = recv_exact(uart_out, 1)
            if t == b"k":
                ticks, samples = struct.unpack("<QQ", recv_exact(uart_out, 16))
                break
            size = {b"e": 10, b"r": 4, b"n": 0, b"i": 0, b"l": 6, b"h": 4, b"f": 32}.get(t)
            if size is None:
                sys.exit(f"qemu_cost: unknown record {t!r} from the image")
            recv_exact(uart_out, size)
    finally:
        q.kill()
        q.wait()
    if samples != n:
        sys.exit(f"qemu_cost: the image computed {samples} samples of {n}")
    instr = ticks * (1e9 / SYSCLK_HZ) / (1 << SHIFT)
    per = instr / samples
    print(f"BENCH arm_instr_per_sample {per:.0f} instructions")
    print(f"BENCH arm_cpu_load_pct {100.0 * per * RATE / G4_HZ:.2f} percent_of_170MHz_at_4000_samples_per_s")


if __name__ == "__main__":
    main()
