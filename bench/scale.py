"""bench/scale: memory of one `portkeep up` with N tunnels against N `ssh -N -L`, and `status` time.

Run through bench/scale. Standard library only; reuses the peers of soak.py. For each tunnel count
(default 10 and 50), rounds that alternate the two tools (portkeep, then OpenSSH):
  - portkeep: one `portkeep up` (through the launcher, as users start it) with N tunnels in its
    tunnels file, each `-L` through one private sshd to an echo server;
  - OpenSSH: N `ssh -N -L` processes with the same forwards, keys and server;
  - then 1 MiB echoed through each tunnel (1 MiB up and 1 MiB back, one connection, closed), a
    pause of SETTLE_S for both (the launcher trims the JVM's native heap every second), and the
    total of VmRSS and of Pss (/proc/PID/smaps_rollup) over the tool's processes.
RSS counts a shared page in every process that maps it (libc and ssh's own text, N times over
for OpenSSH); PSS shares it out, so the sum of PSS is what the machine really gives. Both are
reported, as medians over the rounds and as portkeep/OpenSSH ratios.

With the largest fleet still running, `portkeep status` (and `status --json`) is timed next to
`portkeep --version`: by hyperfine when it is installed, else by repeated runs here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from soak import (
    MiB, EchoServer, Portkeep, Sshd, echo_exchange, free_port, log, proc_status, pss_kib, setup_keys,
    launcher, prepare, wait_listening,
)  # fmt: skip

SETTLE_S = 5.0
UP_S = 60.0


def wait_up(pk: Portkeep, count: int) -> None:
    deadline = time.monotonic() + UP_S
    while time.monotonic() < deadline:
        states = pk.states()
        if len(states) == count and all(s == "up" for s in states.values()):
            return
        if not pk.alive():
            raise RuntimeError(f"portkeep exited with {pk.proc.returncode}:\n{pk.tail()}")
        time.sleep(0.2)
    raise RuntimeError(f"not all {count} tunnels up after {UP_S:g} s: {pk.states()}")


def push(ports: list[int]) -> None:
    for port in ports:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            echo_exchange(s, MiB)


def memory(pids: list[int]) -> tuple[int, int]:
    """(sum of VmRSS, sum of Pss) in KiB."""
    return sum(proc_status(p, "VmRSS") for p in pids), sum(pss_kib(p) for p in pids)


class Bed:
    def __init__(self, tmp: Path, java_home: str):
        self.tmp, self.java_home = tmp, java_home
        self.taken: set[int] = set()
        self.sshd_port, echo_port = free_port(self.taken), free_port(self.taken)
        setup_keys(tmp, self.sshd_port)
        self.sshd = Sshd(tmp, self.sshd_port)
        self.sshd.start()
        self.echo = EchoServer(echo_port)

    def portkeep(self, n: int) -> Portkeep:
        run = self.tmp / f"pk{n}-{time.monotonic_ns()}"
        run.mkdir()
        for f in ("client", "known_hosts"):
            shutil.copy(self.tmp / f, run / f)
        return Portkeep(run, self.java_home, self.sshd_port, self.echo.port, n, self.taken)

    def openssh(self, n: int) -> tuple[list[subprocess.Popen], list[int]]:
        procs, ports = [], [free_port(self.taken) for _ in range(n)]
        for port in ports:
            procs.append(
                subprocess.Popen(
                    ["ssh", "-F", "/dev/null", "-N", "-L", f"127.0.0.1:{port}:127.0.0.1:{self.echo.port}",
                     "-p", str(self.sshd_port), "-i", str(self.tmp / "client"), "-o", "IdentitiesOnly=yes",
                     "-o", f"UserKnownHostsFile={self.tmp / 'known_hosts'}", "-o", "StrictHostKeyChecking=yes",
                     "-o", "BatchMode=yes", "-o", "ExitOnForwardFailure=yes", "root@127.0.0.1"],
                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
            )
        for port in ports:
            wait_listening(port, "ssh -L", 30)
        return procs, ports

    def close(self) -> None:
        self.sshd.close()
        self.echo.close()


def stop_all(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        p.terminate()
    for p in procs:
        p.wait(10)


def round_portkeep(bed: Bed, n: int, keep: bool = False) -> tuple[dict, Portkeep | None]:
    pk = bed.portkeep(n)
    try:
        wait_up(pk, n)
        push(pk.listen)
        time.sleep(SETTLE_S)
        rss, pss = memory([pk.pid])
        r = {"rss_kib": rss, "pss_kib": pss, "threads": proc_status(pk.pid, "Threads")}
    except BaseException:
        pk.stop()
        raise
    if keep:
        return r, pk
    pk.stop()
    return r, None


def round_openssh(bed: Bed, n: int) -> dict:
    procs, ports = bed.openssh(n)
    try:
        push(ports)
        time.sleep(SETTLE_S)
        rss, pss = memory([p.pid for p in procs])
        return {"rss_kib": rss, "pss_kib": pss, "processes": n}
    finally:
        stop_all(procs)


def time_status(pk: Portkeep, java_home: str, runs: int) -> dict:
    pk_launcher = launcher()
    cmds = {
        "status": [pk_launcher, "status", "-c", str(pk.file), "--control", str(pk.control)],
        "status --json": [pk_launcher, "status", "--json", "-c", str(pk.file), "--control", str(pk.control)],
        "--version": [pk_launcher, "--version"],
    }
    env = dict(os.environ, JAVA_HOME=java_home)
    out: dict[str, dict] = {}
    if shutil.which("hyperfine"):
        report = pk.tmp / "hyperfine.json"
        subprocess.run(
            ["hyperfine", "-N", "--warmup", "3", "--runs", str(runs), "--export-json", str(report),
             *[" ".join(c) for c in cmds.values()]],
            env=env, check=True, stdout=subprocess.DEVNULL,
        )  # fmt: skip
        for name, r in zip(cmds, json.loads(report.read_text())["results"]):
            out[name] = {"median_ms": r["median"] * 1000, "mean_ms": r["mean"] * 1000,
                         "stddev_ms": (r["stddev"] or 0) * 1000, "runs": runs, "by": "hyperfine"}  # fmt: skip
        return out
    times: dict[str, list[float]] = {k: [] for k in cmds}
    for i in range(runs + 3):
        for name, argv in cmds.items():
            t0 = time.monotonic()
            subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL)
            if i >= 3:
                times[name].append((time.monotonic() - t0) * 1000)
    for name, ts in times.items():
        out[name] = {"median_ms": statistics.median(ts), "mean_ms": statistics.fmean(ts),
                     "stddev_ms": statistics.stdev(ts), "runs": runs, "by": "repeated runs"}  # fmt: skip
    return out


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/scale", description=__doc__.split("\n")[0])
    ap.add_argument("--tunnels", default="10,50", help="tunnel counts (default 10,50)")
    ap.add_argument("--rounds", type=int, default=3, help="rounds per count and tool (default 3)")
    ap.add_argument("--status-runs", type=int, default=20, help="timed runs of each command (default 20)")
    ap.add_argument("--java-home", default=os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))
    ap.add_argument("--out", help="also write the report (.md) and the figures (.json) into this folder")
    args = ap.parse_args()
    counts = [int(c) for c in args.tunnels.split(",")]
    results: dict = {"java_opts": os.environ.get("PORTKEEP_JAVA_OPTS", ""), "counts": {}}
    with tempfile.TemporaryDirectory(prefix="portkeep-scale-") as tmpdir:
        prepare(args.java_home)
        bed = Bed(Path(tmpdir), args.java_home)
        try:
            for n in counts:
                pk_rounds, ssh_rounds = [], []
                for rnd in range(1, args.rounds + 1):
                    last = n == counts[-1] and rnd == args.rounds
                    log(f"{n} tunnels, round {rnd}/{args.rounds}: portkeep")
                    r, kept = round_portkeep(bed, n, keep=last)
                    pk_rounds.append(r)
                    if kept is not None:
                        log(f"{n} tunnels: timing portkeep status against portkeep --version")
                        try:
                            results["status"] = time_status(kept, args.java_home, args.status_runs)
                            results["status_tunnels"] = n
                        finally:
                            kept.stop()
                    log(f"{n} tunnels, round {rnd}/{args.rounds}: OpenSSH")
                    ssh_rounds.append(round_openssh(bed, n))
                results["counts"][n] = {"portkeep": pk_rounds, "openssh": ssh_rounds}
        finally:
            bed.close()
    report = render(results)
    print(report)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        stem = f"scale-{time.strftime('%Y%m%d-%H%M')}"
        (out / f"{stem}.md").write_text(report + "\n")
        (out / f"{stem}.json").write_text(json.dumps(results, indent=1))
        log(f"written: {out / stem}.md .json")
    return 0


def render(results: dict) -> str:
    lines = [
        "| tunnels | portkeep RSS (MiB) | OpenSSH RSS (MiB) | ratio | portkeep PSS (MiB) | OpenSSH PSS (MiB) | ratio | portkeep threads |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, r in results["counts"].items():
        med = {t: {k: statistics.median(x[k] for x in r[t]) for k in ("rss_kib", "pss_kib")} for t in r}
        pk, ssh = med["portkeep"], med["openssh"]
        threads = statistics.median(x["threads"] for x in r["portkeep"])
        lines.append(
            f"| {n} | {pk['rss_kib'] / 1024:.1f} | {ssh['rss_kib'] / 1024:.1f} | {pk['rss_kib'] / ssh['rss_kib']:.2f}x "
            f"| {pk['pss_kib'] / 1024:.1f} | {ssh['pss_kib'] / 1024:.1f} | {pk['pss_kib'] / ssh['pss_kib']:.2f}x | {threads:.0f} |"
        )
    if "status" in results:
        lines += ["", f"With {results['status_tunnels']} tunnels up:", "",
                  "| command | median (ms) | mean ± sd (ms) | runs | timed by |", "|---|---:|---:|---:|---|"]  # fmt: skip
        for name, s in results["status"].items():
            lines.append(
                f"| portkeep {name} | {s['median_ms']:.0f} | {s['mean_ms']:.0f} ± {s['stddev_ms']:.0f} | {s['runs']} | {s['by']} |"
            )
    if results["java_opts"]:
        lines += ["", f"PORTKEEP_JAVA_OPTS={results['java_opts']}"]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
