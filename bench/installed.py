"""The installed self-contained build (.deb) next to the git-clone launcher, with OpenSSH as the
yardstick, in one run of alternating rounds, each tunnel a fresh process.

  bench/installed [--rounds 5] [--deb target/portkeep_<version>_<arch>.deb]

With --deb, the package is installed first (dpkg -i) and removed at the end (dpkg -r); without,
/usr/bin/portkeep must be installed already. Per tool it prints the median (min-max) of: cold start
to the first forwarded byte, RSS 0.5 s after that byte, RSS 5 s after it, and the ratio of the
cold start to OpenSSH's; then the package's size. See bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402

INSTALLED = "/usr/bin/portkeep"


def command(bed: bench.Testbed, tool: str, cipher: str, listen: int) -> tuple[list[str], dict]:
    if tool == "installed":
        cmd, env = bench.Testbed.tunnel_command(bed, "portkeep", cipher, listen)
        env = {k: v for k, v in env.items() if k != "JAVA_HOME"}  # it brings its own runtime
        return [INSTALLED, *cmd[1:]], env
    return bench.Testbed.tunnel_command(bed, "ssh" if tool == "OpenSSH" else "portkeep", cipher, listen)


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/installed")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--deb")
    ap.add_argument("--cipher", default="aes")
    ap.add_argument("--java-home", default="/usr/lib/jvm/temurin-25-jdk-amd64")
    args = ap.parse_args()
    if args.deb:
        subprocess.run(["dpkg", "-i", args.deb], check=True, stdout=subprocess.DEVNULL)
    elif not os.access(INSTALLED, os.X_OK):
        sys.exit("bench/installed: no /usr/bin/portkeep; give --deb PACKAGE.deb")
    tools = ["installed", "clone", "OpenSSH"]
    rows: dict[str, dict[str, list[float]]] = {t: {} for t in tools}
    plan = bench.Plan.of(argparse.Namespace(quick=True, rounds=args.rounds, ciphers=args.cipher, only=None))
    try:
        with tempfile.TemporaryDirectory(prefix="portkeep-installed-") as tmpdir:
            bed = bench.Testbed(Path(tmpdir), plan, args.java_home)
            try:
                bed.setup()
                for rnd in range(0, args.rounds + 1):  # round 0 warms the page cache, not recorded
                    for tool in tools:
                        t = start(bed, tool, args.cipher)
                        try:
                            time.sleep(0.5)
                            rss_start = bench.rss_kib(t.proc.pid)
                            time.sleep(4.5)
                            rss_5s = bench.rss_kib(t.proc.pid)
                        finally:
                            bench.stop(t.proc)
                        if rnd == 0:
                            continue
                        for k, v in (("cold ms", t.cold_ms), ("RSS start MiB", rss_start / 1024),
                                     ("RSS 5 s MiB", rss_5s / 1024)):  # fmt: skip
                            rows[tool].setdefault(k, []).append(v)
            finally:
                bed.close()
    finally:
        if args.deb:
            subprocess.run(["dpkg", "-r", "portkeep"], check=True, stdout=subprocess.DEVNULL)
    report(rows, args)
    return 0


def start(bed: bench.Testbed, tool: str, cipher: str) -> bench.Tunnel:
    real = bed.tunnel_command
    bed.tunnel_command = lambda _tool, c, listen: command(bed, tool, c, listen)  # type: ignore[method-assign]
    try:
        return bed.start_tunnel(tool, cipher)
    finally:
        bed.tunnel_command = real  # type: ignore[method-assign]


def report(rows: dict[str, dict[str, list[float]]], args: argparse.Namespace) -> None:
    ssh_cold = statistics.median(rows["OpenSSH"]["cold ms"])
    print(f"{'':10} {'cold ms':>22} {'x OpenSSH':>10} {'RSS start MiB':>22} {'RSS 5 s MiB':>22}")
    for tool, r in rows.items():
        cells = []
        for k in ("cold ms", "RSS start MiB", "RSS 5 s MiB"):
            v = r[k]
            cells.append(f"{statistics.median(v):8.1f} ({min(v):.1f}-{max(v):.1f})")
        ratio = statistics.median(r["cold ms"]) / ssh_cold
        print(f"{tool:10} {cells[0]:>22} {ratio:>10.2f} {cells[1]:>22} {cells[2]:>22}")
    if args.deb:
        size = os.path.getsize(args.deb)
        installed = subprocess.run(["dpkg-deb", "-f", args.deb, "Installed-Size"], capture_output=True,
                                   text=True).stdout.strip()  # fmt: skip
        print(f"package: {size / 2**20:.1f} MiB .deb, {int(installed) / 1024:.1f} MiB installed")


if __name__ == "__main__":
    sys.exit(main())
