#!/usr/bin/env python3
"""Check that the rig library keeps its layers (README, "The rig's layers").

Reads the library's object files with nm: file A depends on file B when A
uses a symbol B defines. Fails when
  * a file depends on a higher layer (base < drivers < modbus, tables,
    records < bench < procedures),
  * a procedure depends on the simulated bench's control (drivers/sim,
    bench/bench_sim): procedures see a bench only through its interface,
  * files depend on each other in a cycle.
Prints the depth of the longest dependency chain.

usage: check-layers.py OBJECT...   (the objects under BUILD/rig/src/)
"""
import os
import subprocess
import sys

RANK = {"base": 0, "drivers": 1, "modbus": 2, "tables": 2, "records": 2, "bench": 3,
        "procedures": 4}
SIM_CONTROL = ("drivers/sim/", "bench/bench_sim")


def name_of(obj):
    return obj.split("/rig/src/", 1)[-1][:-2]


def main(objs):
    defs, uses = {}, {}
    for obj in objs:
        name = name_of(obj)
        out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        uses[name] = set()
        for line in out.splitlines():
            parts = line.split()
            if len(parts) == 3 and parts[1] in "TDBR":
                defs[parts[2]] = name
            elif len(parts) == 2 and parts[0] == "U":
                uses[name].add(parts[1])
    deps = {n: sorted({defs[s] for s in u if s in defs and defs[s] != n}) for n, u in uses.items()}
    errors = []
    for a, bs in sorted(deps.items()):
        la = a.split("/")[0]
        if la not in RANK:
            errors.append(f"{a}: in no layer (add its folder to {sys.argv[0]})")
            continue
        for b in bs:
            lb = b.split("/")[0]
            if RANK.get(lb, 99) > RANK[la]:
                errors.append(f"{a} depends on {b}, a higher layer")
            if la == "procedures" and b.startswith(SIM_CONTROL):
                errors.append(f"{a} uses the simulated bench's control ({b}): go through the bench")
    depth, state = {}, {}

    def visit(n, path):
        if state.get(n) == "open":
            errors.append("cycle: " + " -> ".join(path[path.index(n):] + [n]))
            return 0
        if n in depth:
            return depth[n]
        state[n] = "open"
        d = 1 + max((visit(b, path + [n]) for b in deps[n]), default=0)
        state[n] = "done"
        depth[n] = d
        return d

    longest = max((visit(n, []) for n in sorted(deps)), default=0)
    if errors:
        for e in errors:
            print("layers: " + e, file=sys.stderr)
        return 1
    print(f"layers: {len(deps)} files of the rig library keep their layers; no cycles; "
          f"longest dependency chain {longest} files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
