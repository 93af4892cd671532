#!/usr/bin/env python3
"""Osprey's benchmark: wall time of a guest run with the plugin against plain QEMU.

Two measurements, each alternating plain QEMU and QEMU with Osprey's plugin several times
and printing each time and the median ratio (both runs use the same QEMU, guest, arguments):
- trace: a guest whose scenario makes a few hundred thousand system calls (so that boot does
  not dominate), traced with the plugin: syscalls alone (with and without argument decoding),
  then with a profile and all OS object monitors, with the watched kernel stores off
  (updates from system calls only) and on;
- profile: the default guest (boot + default scenario) and the appliance guest (an ordinary
  small system's boot, Tests/IntegrationTests/Scenarios/appliance.sh), with profile generation
  on, against their plain boots (the target is under 1.5x);
- replay: the syscall-heavy guest recorded with `osprey record` against its plain run, then
  the recording replayed with a profile and all OS object monitors against its plain replay
  (QEMU alone, same log; the 2025 paper's figure is 2.5x, the target is under 1.5x).

Usage: python3 scripts/bench.py [--runs 5] [--count 150000] [--kernel linux-image-6.1.0-56-amd64]
                                [--smp 1] [--build debug|release]
Needs: scripts/setup.sh done; builds Osprey itself (release by default).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCENARIO = """#!/bin/sh
# Syscall-heavy: dd with 1-byte blocks makes one read and one write per byte.
dd if=/dev/zero of=/dev/null bs=1 count={count} 2>/dev/null
# And many short-lived processes, each with its execve, mmaps and exit.
i=0
while [ $i -lt {procs} ]; do /bin/true; i=$((i+1)); done
echo bench: done
"""


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def timed_qemu(binary, args, cwd):
    start = time.monotonic()
    p = subprocess.run([binary] + args, cwd=cwd, stdin=subprocess.DEVNULL,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    elapsed = time.monotonic() - start
    out = p.stdout.decode(errors="replace")
    if p.returncode != 0 or "OSPREY-SCENARIO-END rc=0" not in out:
        sys.exit(f"bench: guest run failed (status {p.returncode}):\n{out[-2000:]}\n{p.stderr.decode(errors='replace')[-2000:]}")
    return elapsed


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--count", type=int, default=150000, help="bytes dd copies one at a time (2 calls each)")
    ap.add_argument("--procs", type=int, default=200, help="short-lived processes started")
    ap.add_argument("--kernel", default="linux-image-6.1.0-56-amd64")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--build", choices=["debug", "release"], default="release")
    ap.add_argument("--only", choices=["trace", "profile", "replay"], help="run one of the measurements")
    a = ap.parse_args()

    run(["swift", "build", "-c", a.build], cwd=ROOT, stdout=subprocess.DEVNULL)
    bindir = os.path.join(ROOT, ".build", a.build)
    osprey = os.path.join(bindir, "osprey")
    plugin = os.path.join(bindir, "libOspreyPlugin.so")

    work = tempfile.mkdtemp(prefix="osprey-bench-")
    if a.only in (None, "trace"):
        bench_trace(a, osprey, plugin, work)
    if a.only in (None, "profile"):
        bench_profile(a, osprey, plugin, work)
    if a.only in (None, "replay"):
        bench_replay(a, osprey, plugin, work)


def alternate(runs, desc, plain_args, osprey_args, cwd, label):
    """Times plain QEMU and QEMU with the plugin, alternately, `runs` times each."""
    plain, osp = [], []
    for i in range(runs):
        plain.append(timed_qemu(desc["qemuBinary"], plain_args, cwd))
        osp.append(timed_qemu(desc["qemuBinary"], osprey_args, cwd))
        print(f"{label} {i + 1}/{runs}: plain {plain[-1]:.2f} s, osprey {osp[-1]:.2f} s", flush=True)
    return plain, osp


APPLIANCE = os.path.join(ROOT, "Tests", "IntegrationTests", "Scenarios", "appliance.sh")


def bench_profile(a, osprey, plugin, work):
    # The default guest (its scenario feeds the profile) and the appliance guest (an ordinary
    # small system's boot, not written for the profile; curl from Debian).
    guests = [
        ("default guest", "default-guest", []),
        ("appliance guest", "appliance-guest", ["--scenario", APPLIANCE, "--package", "curl"]),
    ]
    for label, name, extra in guests:
        guest = os.path.join(work, name)
        run([osprey, "guest", "build", "--kernel", a.kernel, "--out", guest] + extra, stdout=subprocess.DEVNULL)
        desc = json.load(open(os.path.join(guest, "guest.json")))
        base = desc["qemuArgs"] + ["-serial", "stdio", "-monitor", "none", "-smp", str(a.smp)]
        profile = os.path.join(work, f"{name}-profile.json")
        profiled = base + ["-plugin", f"{plugin},mode=profile,out={profile}"]
        plain, osp = alternate(a.runs, desc, base, profiled, guest, f"profile run ({label})")
        complete = json.load(open(profile)).get("complete")
        ratios = [o / p for o, p in zip(osp, plain)]
        print()
        print(f"guest: {label} of {a.kernel}, -smp {a.smp}; profile complete: {complete}")
        print(f"plain boot median: {statistics.median(plain):.2f} s")
        print(f"osprey profile ({a.build} build) median: {statistics.median(osp):.2f} s")
        print(f"profile/plain median ratio (per pair): {statistics.median(ratios):.3f} (target < 1.5)")
        print()


def heavy_guest(a, osprey, work):
    """The syscall-heavy guest and a profile of its kernel (built once per bench run)."""
    guest = os.path.join(work, "guest")
    profile = os.path.join(work, "bench-profile.json")
    if not os.path.exists(profile):
        scenario = os.path.join(work, "scenario.sh")
        with open(scenario, "w") as f:
            f.write(SCENARIO.format(count=a.count, procs=a.procs))
        run([osprey, "guest", "build", "--kernel", a.kernel, "--scenario", scenario, "--out", guest])
        # The monitors need a profile of this kernel, learned by Osprey on the default guest (whose
        # scenario does what a complete profile needs; the syscall-heavy one does not).
        profile_guest = os.path.join(work, "profile-guest")
        run([osprey, "guest", "build", "--kernel", a.kernel, "--out", profile_guest], stdout=subprocess.DEVNULL)
        run([osprey, "profile", "--guest", profile_guest, "--out", profile], stdout=subprocess.DEVNULL)
    return guest, json.load(open(os.path.join(guest, "guest.json"))), profile


def bench_replay(a, osprey, plugin, work):
    guest, desc, profile = heavy_guest(a, osprey, work)
    base = desc["qemuArgs"] + ["-serial", "stdio", "-monitor", "none", "-smp", str(a.smp)]
    plain, record, replay, monitored = [], [], [], []
    first = None
    for i in range(a.runs):
        plain.append(timed_qemu(desc["qemuBinary"], base, guest))
        rec = os.path.join(work, f"recording-{i}")
        start = time.monotonic()
        p = subprocess.run([osprey, "record", "--guest", guest, "--out", rec, "--console", rec + ".console", "--", "-smp", str(a.smp)],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        record.append(time.monotonic() - start)
        if p.returncode != 0:
            sys.exit(f"bench: osprey record failed:\n{p.stderr.decode(errors='replace')[-2000:]}")
        if first is None:
            first = json.load(open(os.path.join(rec, "manifest.json")))
            first_dir = rec
        else:
            shutil.rmtree(rec)
        replay_args = first["arguments"] + ["-icount", first["icount"] + ",rr=replay,rrfile=replay.bin"]
        out = os.path.join(work, "replay-monitors.jsonl")
        replay.append(timed_qemu(desc["qemuBinary"], replay_args, first_dir))
        monitored.append(timed_qemu(desc["qemuBinary"], replay_args + [
            "-plugin", f"{plugin},out={out},summary=off,profile={profile},monitors=all,watch=on"], first_dir))
        print(f"replay round {i + 1}/{a.runs}: plain {plain[-1]:.2f} s, record {record[-1]:.2f} s, "
              f"plain replay {replay[-1]:.2f} s, replay with all monitors {monitored[-1]:.2f} s", flush=True)
    calls = sum(1 for line in open(out) if '"type":"syscall"' in line)
    objects = sum(1 for line in open(out) if '"type":"syscall"' not in line) - 2
    rec_ratios = [r / p for r, p in zip(record, plain)]
    mon_ratios = [m / r for m, r in zip(monitored, replay)]
    print()
    print(f"guest: {a.kernel}, -smp {a.smp}, scenario: dd of {a.count} bytes one at a time + {a.procs} processes; "
          f"{first.get('instructions', 0) / 1e9:.2f} G instructions recorded")
    print(f"replay with monitors: {calls} system calls and {objects} object events per replay")
    print(f"plain QEMU median: {statistics.median(plain):.2f} s; osprey record median: {statistics.median(record):.2f} s")
    print(f"record/plain median ratio (per pair): {statistics.median(rec_ratios):.3f}")
    print(f"plain replay median: {statistics.median(replay):.2f} s; replay with all monitors median: {statistics.median(monitored):.2f} s")
    print(f"replay with all monitors / plain replay median ratio (per pair): {statistics.median(mon_ratios):.3f} "
          f"(the 2025 paper: 2.5; target < 1.5)")
    print()


def bench_trace(a, osprey, plugin, work):
    guest, desc, profile = heavy_guest(a, osprey, work)
    base = desc["qemuArgs"] + ["-serial", "stdio", "-monitor", "none", "-smp", str(a.smp)]
    trace = os.path.join(work, "trace.jsonl")
    bare = os.path.join(work, "trace-nodecode.jsonl")
    monitored = os.path.join(work, "trace-monitors.jsonl")
    traced = base + ["-plugin", f"{plugin},out={trace},summary=off"]
    undecoded = base + ["-plugin", f"{plugin},out={bare},summary=off,decode=off"]
    syscall_only = base + ["-plugin", f"{plugin},out={monitored},summary=off,profile={profile},monitors=all,watch=off"]
    watched = base + ["-plugin", f"{plugin},out={monitored},summary=off,profile={profile},monitors=all,watch=on"]
    plain, osp, nodecode, mon, monwatch = [], [], [], [], []
    for i in range(a.runs):
        plain.append(timed_qemu(desc["qemuBinary"], base, guest))
        osp.append(timed_qemu(desc["qemuBinary"], traced, guest))
        nodecode.append(timed_qemu(desc["qemuBinary"], undecoded, guest))
        mon.append(timed_qemu(desc["qemuBinary"], syscall_only, guest))
        monwatch.append(timed_qemu(desc["qemuBinary"], watched, guest))
        print(f"trace run {i + 1}/{a.runs}: plain {plain[-1]:.2f} s, osprey {osp[-1]:.2f} s, "
              f"osprey decode=off {nodecode[-1]:.2f} s, monitors (syscall updates) {mon[-1]:.2f} s, "
              f"monitors + watched stores {monwatch[-1]:.2f} s", flush=True)
    events = sum(1 for line in open(trace) if '"type":"syscall"' in line)
    decoded = sum(1 for line in open(trace) if '"decoded"' in line)
    ratios = [o / p for o, p in zip(osp, plain)]
    bare_ratios = [o / p for o, p in zip(nodecode, plain)]
    print()
    print(f"guest: {a.kernel}, -smp {a.smp}, scenario: dd of {a.count} bytes one at a time + {a.procs} processes")
    print(f"system calls traced per run: {events} ({decoded} with decoded arguments)")
    print(f"plain QEMU median: {statistics.median(plain):.2f} s")
    print(f"with Osprey (syscall tracing with full decoding, {a.build} build) median: {statistics.median(osp):.2f} s")
    print(f"with Osprey, decode=off, median: {statistics.median(nodecode):.2f} s")
    print(f"median ratio, full decoding (per pair): {statistics.median(ratios):.3f} (target < 1.3)")
    print(f"median ratio, decode=off (per pair): {statistics.median(bare_ratios):.3f}")
    print(f"ratio of medians, full decoding: {statistics.median(osp) / statistics.median(plain):.3f}")
    objects = sum(1 for line in open(monitored) if '"type":"syscall"' not in line)
    mon_ratios = [o / p for o, p in zip(mon, plain)]
    watch_ratios = [o / p for o, p in zip(monwatch, plain)]
    on_top = [w / m for w, m in zip(monwatch, mon)]
    print(f"object monitor events per run (with watched stores): {objects}")
    print(f"with all monitors, syscall-only updates, median: {statistics.median(mon):.2f} s, "
          f"ratio {statistics.median(mon_ratios):.3f}")
    print(f"with all monitors and watched stores, median: {statistics.median(monwatch):.2f} s, "
          f"ratio {statistics.median(watch_ratios):.3f} (target < 1.5)")
    print(f"watched stores on top of syscall-only updates (per round): {statistics.median(on_top):.3f} (target < 1.05)")

if __name__ == "__main__":
    main()
