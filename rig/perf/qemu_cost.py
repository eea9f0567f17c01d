#!/usr/bin/env python3
"""ARM instructions per sample of meter_on_samples, measured under QEMU.

Runs the mps2-an386 image (boards/mps2-an386) in qemu-system-arm with
-icount shift=SHIFT (each instruction advances QEMU's clock by 2**SHIFT ns),
feeds it SECONDS of samples of a 230 V / 5 A, 50 Hz sine through its
sample ring (qemu_wire.h: the board's PSRAM, mapped from a memfd here) and
asks for the SysTick ticks the board counted inside meter_on_samples. SysTick runs on the 25 MHz system clock, so instructions
= ticks * 40 ns / 2**SHIFT: QEMU's instruction count, not a number the
firmware computes about itself. Prints the two BENCH lines of make bench:
arm_instr_per_sample and arm_cpu_load_pct (at 4000 samples/s on a 170 MHz
STM32G4, one instruction per cycle), and qemu_speed_x_realtime: the
seconds of samples the emulated meter computes per wall-clock second.

usage: qemu_cost.py IMAGE [SECONDS]
"""
import math
import mmap
import os
import socket
import struct
import subprocess
import sys
import time

SHIFT = 3
SYSCLK_HZ = 25_000_000
RATE = 4000
G4_HZ = 170_000_000
FULL_SCALE = 1 << 23
SHM_SIZE = 16 << 20
RING = 65536
CHUNK = 4000
# struct qw_shared: idle_seq u32, idle_at_count u32, consumed u32,
# nv_write_fail u32, rtc_gain_ppb i32, reserved u32, v[RING], i[RING]
CONSUMED_AT = 8
V_AT = 24
I_AT = V_AT + 4 * RING


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
    shm_fd = os.memfd_create("med2-psram", 0)
    os.ftruncate(shm_fd, SHM_SIZE)
    shm = mmap.mmap(shm_fd, SHM_SIZE)
    fds = [p[1].fileno() for p in pairs]
    args = ["qemu-system-arm", "-M", "mps2-an386,memory-backend=psram", "-object",
            f"memory-backend-file,id=psram,size={SHM_SIZE},mem-path=/proc/self/fd/{shm_fd},share=on",
            "-nodefaults", "-nographic", "-monitor", "none",
            "-nic", "none", "-icount", f"shift={SHIFT},align=off,sleep=off", "-kernel", image]
    for k, fd in enumerate(fds):
        args += ["-chardev", f"socket,id=w{k},fd={fd}", "-serial", f"chardev:w{k}"]
    q = subprocess.Popen(args, pass_fds=fds + [shm_fd], stdin=subprocess.DEVNULL)
    try:
        uart_in, uart_out = pairs[1][0], pairs[2][0]
        uart_out.settimeout(120)
        if recv_exact(uart_out, 5)[0:1] != b"h":
            sys.exit("qemu_cost: no hello from the image")
        uart_in.sendall(b"C" + struct.pack("<QIB", 0, 24110101, 0))
        n = int(seconds * RATE)
        amp_v, amp_i = 0.5 * FULL_SCALE, 0.1 * FULL_SCALE
        # one mains cycle repeats: a second of it fills the ring's chunks
        cycle = [(int(amp_v * math.sin(2 * math.pi * 50.0 * k / RATE)),
                  int(amp_i * math.sin(2 * math.pi * 50.0 * k / RATE - 0.5))) for k in range(CHUNK)]
        started = time.monotonic()
        written = 0
        while written < n:
            m = min(CHUNK, n - written)
            while (written + m - struct.unpack_from("<I", shm, CONSUMED_AT)[0]) % (1 << 32) > RING:
                time.sleep(0.001)
            for k in range(m):
                at = (written + k) % RING
                shm[V_AT + 4 * at:V_AT + 4 * at + 4] = struct.pack("<i", cycle[k][0])
                shm[I_AT + 4 * at:I_AT + 4 * at + 4] = struct.pack("<i", cycle[k][1])
            written += m
            uart_in.sendall(b"R" + struct.pack("<I", m))
        uart_in.sendall(b"Q")
        while True:
            t = recv_exact(uart_out, 1)
            if t == b"k":
                ticks, samples = struct.unpack("<QQ", recv_exact(uart_out, 16))
                wall = time.monotonic() - started
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
    print(f"BENCH qemu_speed_x_realtime {samples / RATE / wall:.1f} ratio")


if __name__ == "__main__":
    main()
