"""Try JVM option sets on portkeep's fresh-process figures, alternating them round by round.

  bench/flags [--rounds 5] [--idle 1000] 'name=OPTIONS' ...

Each variant runs portkeep through the launcher with PORTKEEP_JAVA_OPTS=OPTIONS (they come after
the launcher's own flags, so they win); OpenSSH runs in every round as the yardstick. Prints, per
variant, the median (min-max) of: cold start to the first forwarded byte, RSS at start, KiB per
idle connection, and one 256 MiB download and the sequential-connection p99 on that fresh process.
Example:
  bench/flags 'base=' 'c1=-XX:TieredStopAtLevel=1' 'small=-Xms8m -Xmx64m -XX:MaxNewSize=8m'
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/flags")
    ap.add_argument("variants", nargs="+", help="name=JVM options")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--idle", type=int, default=1000)
    ap.add_argument("--cipher", default="aes")
    ap.add_argument("--java-home", default="/usr/lib/jvm/temurin-25-jdk-amd64")
    args = ap.parse_args()
    variants = dict(v.split("=", 1) for v in args.variants)
    plan = bench.Plan.of(argparse.Namespace(quick=True, rounds=args.rounds, ciphers=args.cipher, only=None))
    rows: dict[str, dict[str, list[float]]] = {name: {} for name in [*variants, "OpenSSH"]}
    with tempfile.TemporaryDirectory(prefix="portkeep-flags-") as tmpdir:
        bed = bench.Testbed(Path(tmpdir), plan, args.java_home)
        try:
            bed.setup()
            for rnd in range(0, args.rounds + 1):  # round 0 warms the page cache, not recorded
                for name, opts in [*variants.items(), ("OpenSSH", None)]:
                    os.environ["PORTKEEP_JAVA_OPTS"] = opts or ""
                    t = bed.start_tunnel("ssh" if opts is None else "portkeep", args.cipher)
                    try:
                        time.sleep(0.5)
                        idle = bed.load("idle", t.port, args.idle, 1000, t.proc.pid)
                        down = bed.load("down", t.port, 256 * bench.MiB, 1)
                        seq = bed.load("seq", t.port, 1000)
                        rss_end = bench.rss_kib(t.proc.pid)
                    finally:
                        bench.stop(t.proc)
                    if rnd == 0:
                        continue
                    r = rows[name]
                    for k, v in (
                        ("cold ms", t.cold_ms),
                        ("RSS start MiB", idle["rss_before_kib"] / 1024),
                        ("KiB/idle conn", idle["kib_per_conn"]),
                        ("256MiB down MB/s", down["mb_per_s"]),
                        ("seq p99 us", seq["p99_us"]),
                        ("RSS end MiB", rss_end / 1024),
                    ):
                        r.setdefault(k, []).append(v)
                print(f"round {rnd} done", file=sys.stderr, flush=True)
        finally:
            bed.close()
    keys = list(next(iter(rows.values())).keys())
    print("| variant | " + " | ".join(keys) + " |")
    print("|---" * (len(keys) + 1) + "|")
    for name, r in rows.items():
        cells = [f"{statistics.median(v):.1f} ({min(v):.1f}-{max(v):.1f})" for v in (r[k] for k in keys)]
        opts = variants.get(name)
        print(f"| {name}{f' `{opts}`' if opts else ''} | " + " | ".join(cells) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
