#!/usr/bin/env python3
"""Interleaved timing for a loaded machine: runs each command once per round, in turn, for ROUNDS
rounds, and reports per command the median and minimum wall time and the median CPU time
(user + sys of the child). A load burst then hits every command alike instead of one command's
whole batch, as it does with hyperfine's consecutive runs.
usage: interleave.py ROUNDS NAME=COMMAND [NAME=COMMAND ...]   (COMMAND split on spaces)"""
import os, resource, statistics, subprocess, sys, time

# Commands are timed in their own process, not answered by a resident process (docs/resident.md),
# unless LOCKSTEP_RESIDENT is set: a cached `lockstep run` would otherwise measure that instead.
os.environ.setdefault("LOCKSTEP_RESIDENT", "0")
rounds = int(sys.argv[1])
cmds = [a.split("=", 1) for a in sys.argv[2:]]
res = {n: ([], []) for n, _ in cmds}
for r in range(rounds + 2):                      # two warm-up rounds, not recorded
    for name, cmd in cmds:
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t = time.perf_counter()
        subprocess.run(cmd.split(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        wall = time.perf_counter() - t
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if r >= 2:
            res[name][0].append(wall * 1000)
            res[name][1].append(cpu * 1000)
print(f"{'':22s} {'wall median':>11s} {'wall min':>9s} {'CPU median':>10s} {'CPU min':>8s}   (ms, {rounds} interleaved rounds, load {os.getloadavg()[0]:.1f})")
for name, (w, c) in res.items():
    print(f"{name:22s} {statistics.median(w):11.1f} {min(w):9.1f} {statistics.median(c):10.1f} {min(c):8.1f}")
