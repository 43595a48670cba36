"""Compare builds of portkeep on one load, alternating them with each other and with OpenSSH.

  bench/ab [--rounds 7] [--load down1] [--size-mib 1024] [--cipher aes] [--syscalls] NAME=JAR ... | NAME='JAR JVM-OPTIONS'...

Each variant is a portkeep jar (copy target/portkeep.jar aside before a change, say), run with the
launcher's JVM flags against the same private sshd and sink as bench/run. One long-lived tunnel per
variant, then rounds of the load, A B ... OpenSSH each round. Prints, per variant, the median
(min-max) of MB/s, the client's CPU ms per GB and the sshd session's, and the ratio to OpenSSH per
round (for seq: connections per second, median and p99, the client's CPU per connection). CPU per GB is the figure to trust on a shared machine; MB/s moves with the neighbours.
With --load start there is no long-lived tunnel: each round starts a fresh tunnel of each build
through the launcher (PORTKEEP_JAR, so each build has its own start-up cache) and one of OpenSSH,
and prints the time to the first forwarded byte. --load fresh-seq does the same and then runs 3,000
sequential connections through each fresh tunnel: what a new tunnel's JIT (and the method profiles
in the start-up cache) make of its first connections, which a long-lived tunnel's rounds hide.
With --syscalls, after the rounds each client's threads are traced (strace -f -c) over 1,000
sequential connections, and the system calls per connection printed (total, futex, epoll_wait).
Example:
  cp target/portkeep.jar /tmp/before.jar; (change, mvn package)
  bench/ab before=/tmp/before.jar after=target/portkeep.jar --load down1
  bench/ab nio2='target/portkeep.jar -Dportkeep.io=nio2' loops=target/portkeep.jar --load seq
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench  # noqa: E402


FRESH_SEQ_CONNECTIONS = 3000


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/ab")
    ap.add_argument("variants", nargs="+", help="name=path/to/portkeep.jar")
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument(
        "--load",
        default="down1",
        help="up1, down1, up8, down64, ..., seq (1,000 connect+echo+close), start (a fresh tunnel through "
        "the launcher), or fresh-seq (the first 3,000 connections of a fresh tunnel through the launcher)",
    )
    ap.add_argument("--size-mib", type=int, default=1024)
    ap.add_argument("--cipher", default="aes")
    ap.add_argument("--syscalls", action="store_true", help="strace -f -c each client over 1,000 connections")
    ap.add_argument("--java-home", default=os.environ.get("BENCH_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))
    args = ap.parse_args()
    # name=JAR, or name='JAR JVM-OPTIONS...' to try JVM options on a build
    variants, options = {}, {}
    for v in args.variants:
        name, spec = v.split("=", 1)
        jar, _, opts = spec.partition(" ")
        variants[name], options[name] = jar, opts
    for name, jar in variants.items():
        if not Path(jar).is_file():
            print(f"bench/ab: no jar at {jar} (variant {name})", file=sys.stderr)
            return 2
    plan = bench.Plan.of(argparse.Namespace(quick=True, rounds=args.rounds, ciphers=args.cipher, only=None))
    size = args.size_mib * bench.MiB
    rows: dict[str, dict[str, list[float]]] = {name: {} for name in [*variants, "OpenSSH"]}
    with tempfile.TemporaryDirectory(prefix="portkeep-ab-") as tmpdir:
        bed = bench.Testbed(Path(tmpdir), plan, args.java_home)
        tunnels = {}
        try:
            bed.setup()
            if args.load in ("start", "fresh-seq"):
                fresh_tunnels(bed, variants, options, args, rows)
                variants = {}  # nothing long-lived to start below
            for name, jar in variants.items():
                os.environ["BENCH_PORTKEEP_JAR"] = str(Path(jar).resolve())
                os.environ["PORTKEEP_JAVA_OPTS"] = options[name]
                tunnels[name] = bed.start_tunnel("portkeep-jar", args.cipher)
            if args.load not in ("start", "fresh-seq"):
                tunnels["OpenSSH"] = bed.start_tunnel("ssh", args.cipher)
            for rnd in range(args.rounds + 1 if tunnels else 0):  # round 0 warms up, not recorded
                got = {}
                for name, t in tunnels.items():
                    if args.load == "seq":
                        cpu0 = bench.cpu_ms(t.proc.pid)
                        got[name] = bed.load("seq", t.port, 1000)
                        got[name]["cpu_us_per_conn"] = (bench.cpu_ms(t.proc.pid) - cpu0)  # ms per 1000 = us each
                    else:
                        got[name] = bench.run_bulk(bed, t, args.load, plan, size)
                if rnd == 0:
                    continue
                for name, r in got.items():
                    row = rows[name]
                    if args.load == "seq":
                        row.setdefault("conn/s", []).append(r["conn_per_s"])
                        row.setdefault("median us", []).append(r["median_us"])
                        row.setdefault("p99 us", []).append(r["p99_us"])
                        row.setdefault("client CPU us/conn", []).append(r["cpu_us_per_conn"])
                        row.setdefault("ratio to OpenSSH", []).append(r["conn_per_s"] / got["OpenSSH"]["conn_per_s"])
                        continue
                    row.setdefault("MB/s", []).append(r["mb_per_s"])
                    row.setdefault("client CPU ms/GB", []).append(r["cpu_ms_per_gb"])
                    row.setdefault("sshd CPU ms/GB", []).append(r["sshd_cpu_ms_per_gb"])
                    row.setdefault("ratio to OpenSSH", []).append(r["mb_per_s"] / got["OpenSSH"]["mb_per_s"])
                unit, key = ("conn/s", "conn_per_s") if args.load == "seq" else ("MB/s", "mb_per_s")
                each = ", ".join(f"{name} {r[key]:.0f}" for name, r in got.items())
                print(f"round {rnd}: {each} {unit}", file=sys.stderr, flush=True)
            if args.syscalls:
                syscalls = {name: count_syscalls(bed, t, Path(tmpdir) / f"strace-{name}") for name, t in tunnels.items()}
        finally:
            for t in tunnels.values():
                bench.stop(t.proc)
            bed.close()
    keys = list(rows["OpenSSH"].keys())
    size_note = f"{args.size_mib} MiB, " if args.load not in ("seq", "start", "fresh-seq") else ""
    print(f"{args.load}, {size_note}{args.cipher}, {args.rounds} rounds")
    print("| variant | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name, r in rows.items():
        cells = [f"{statistics.median(v):.2f} ({min(v):.2f}-{max(v):.2f})" for v in (r[k] for k in keys)]
        print(f"| {name} | " + " | ".join(cells) + " |")
    if args.syscalls:
        print("\nsystem calls per connection (strace -f -c, 1,000 connect + echo + close)")
        print("| variant | all | futex | epoll_wait | epoll_ctl |")
        print("|---|---|---|---|---|")
        for name, calls in syscalls.items():
            per = {k: calls.get(k, 0) / 1000 for k in ("total", "futex", "epoll_wait", "epoll_ctl")}
            print(f"| {name} | {per['total']:.1f} | {per['futex']:.1f} | {per['epoll_wait']:.1f} | {per['epoll_ctl']:.1f} |")
    return 0


def fresh_tunnels(bed: "bench.Testbed", variants: dict, options: dict, args: argparse.Namespace, rows: dict) -> None:
    """--load start and fresh-seq: per round, a fresh tunnel of each build through the launcher
    (PORTKEEP_JAR), then one of OpenSSH; the time to the first forwarded byte and, for fresh-seq,
    the first 3,000 connections through it. Round 0 trains each build's start-up cache (the
    launcher keeps it next to the jar) and is not recorded; the cache is trained before it, since
    training takes longer than a tunnel is given to come up."""
    for name, jar in variants.items():
        env = dict(os.environ, PORTKEEP_JAR=str(Path(jar).resolve()), JAVA_HOME=args.java_home)
        bench.launcher_version(str(bench.REPO / "portkeep"), env)
    for rnd in range(args.rounds + 1):
        got = {}
        for name in [*variants, "OpenSSH"]:
            if name == "OpenSSH":
                os.environ.pop("PORTKEEP_JAR", None)
                os.environ.pop("PORTKEEP_JAVA_OPTS", None)
            else:
                os.environ["PORTKEEP_JAR"] = str(Path(variants[name]).resolve())
                os.environ["PORTKEEP_JAVA_OPTS"] = options[name]
            t = bed.start_tunnel("ssh" if name == "OpenSSH" else "portkeep", args.cipher)
            try:
                got[name] = {"cold start ms": t.cold_ms}
                if args.load == "fresh-seq":
                    r = bench.run_seq(bed, t, FRESH_SEQ_CONNECTIONS)
                    got[name]["conn/s"] = r["conn_per_s"]
                    got[name]["client CPU us/conn"] = r["cpu_us_per_conn"]
            finally:
                bench.stop(t.proc)
        if rnd == 0:
            continue
        ratio_key = "conn/s" if args.load == "fresh-seq" else "cold start ms"
        for name, figures in got.items():
            for key, value in figures.items():
                rows[name].setdefault(key, []).append(value)
            rows[name].setdefault("ratio to OpenSSH", []).append(figures[ratio_key] / got["OpenSSH"][ratio_key])
        print(f"round {rnd} done", file=sys.stderr, flush=True)


def count_syscalls(bed: "bench.Testbed", t: "bench.Tunnel", out: Path) -> dict[str, int]:
    """Calls by name of every thread of the tunnel's process during one 1,000-connection run."""
    strace = subprocess.Popen(["strace", "-f", "-c", "-o", str(out), "-p", str(t.proc.pid)], stderr=subprocess.PIPE, text=True)
    assert strace.stderr is not None
    strace.stderr.readline()  # "strace: Process N attached ..." once it is attached
    time.sleep(1)  # the other threads are attached right after the first
    bed.load("seq", t.port, 1000)
    strace.send_signal(signal.SIGINT)
    strace.wait()
    calls: dict[str, int] = {}
    for line in out.read_text().splitlines():
        cols = line.split()
        # % time, seconds, usecs/call, calls, [errors,] syscall
        if len(cols) >= 5 and cols[3].isdigit():
            calls[cols[-1]] = int(cols[3])
    return calls


if __name__ == "__main__":
    sys.exit(main())
