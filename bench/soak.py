"""bench/soak: one `portkeep up` with N tunnels to a real sshd for a long time; fails if it grows.

Run through bench/soak. Standard library only. What a run does:
  1. keys, a private sshd on loopback, an echo server, and a tunnels file with N tunnels, each
     forwarding one loopback port through the sshd to the echo server; then `portkeep up` through
     the launcher (which execs the JVM, so the launcher's pid is the JVM's);
  2. every second, on one thread: one new connection through the next tunnel (round robin) that
     echoes 256 KiB and is closed, and a 1 KiB echo on one held connection per tunnel (reopened
     when it broke);
  3. every 5 minutes (scaled, see below) the sshd and all its session children are killed with
     SIGKILL, as a crash would, and started again on the same port;
  4. every minute (scaled): wait until every tunnel is `up` again and every held connection works,
     then, with no traffic in flight, one sample: `jcmd PID GC.class_histogram` (a full collection,
     then the live objects: their total bytes and the CompletableFuture count), the threads
     (/proc/PID/status Threads), the open descriptors (/proc/PID/fd), RSS and PSS.

Short runs are scaled: the restart period and the sample period are 5 and 1 minutes times
minutes/30 (at least 2 s per sample), so a 2-minute run has 30 samples and 6 restarts, like a
30-minute one. Restarts come half a sample period before a sample.

The verdict. The first ceil(n/5) samples are warm-up (class loading, the JIT, the first
reconnect: the first restart falls inside them) and are left out. The remaining samples are cut
into thirds; a measure grows when the median of the last third exceeds the median of the first
third by more than its margin:
  live heap     1 MiB + 5% of the first-third median
  futures       200 + 25% (live CompletableFuture objects: the leak of issue 11 part 8)
  threads       3
  descriptors   4
  RSS           8 MiB + 10%
Medians of thirds rather than a fitted slope: one sample taken while the JIT or a reconnect left
something behind moves a slope, not a median. The least-squares slope over the kept samples is
printed per hour beside the verdict, to read, not to judge. The run fails too when portkeep exits,
when the tunnels are not all back within 60 s of a sample time, or when no traffic got through.
Exit 0: no growth; 1: something grew or broke; 2: the run could not be set up.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench import free_port, launcher_version, log

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
MiB = 1024 * 1024
SHORT = 256 * 1024  # echoed by each per-second connection
CHUNK = 16 * 1024
RECOVERY_S = 60.0


class Failed(Exception):
    """portkeep broke during the run (exit 1), as opposed to a run that could not be set up (exit 2)."""


@dataclass(frozen=True)
class Margin:
    absolute: float
    relative: float

    def of(self, base: float) -> float:
        return self.absolute + self.relative * base


# name, unit divisor for the table, unit label, margin
MEASURES = [
    ("heap", MiB, "MiB", Margin(1 * MiB, 0.05)),
    ("futures", 1, "", Margin(200, 0.25)),
    ("threads", 1, "", Margin(3, 0)),
    ("fds", 1, "", Margin(4, 0)),
    ("rss", MiB, "MiB", Margin(8 * MiB, 0.10)),
]


def wait_listening(port: int, what: str, seconds: float = 10) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"{what} does not listen on 127.0.0.1:{port}")


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, queue = [], [pid]
    while queue:
        for c in children.get(queue.pop(), []):
            found.append(c)
            queue.append(c)
    return found


def proc_status(pid: int, key: str) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise RuntimeError(f"no {key} in /proc/{pid}/status")


def pss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return -1


# ---------------------------------------------------------------- the peers


class EchoServer:
    """Echoes every connection until EOF, one thread each, on 127.0.0.1."""

    def __init__(self, port: int):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", port))
        self.sock.listen(256)
        self.port = port
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._echo, args=(conn,), daemon=True).start()

    @staticmethod
    def _echo(conn: socket.socket) -> None:
        with conn:
            try:
                while data := conn.recv(65536):
                    conn.sendall(data)
            except OSError:
                pass

    def close(self) -> None:
        self.sock.close()


class Sshd:
    """A private OpenSSH sshd with its own config; `crash` kills it and its sessions at once."""

    def __init__(self, tmp: Path, port: int):
        self.tmp, self.port = tmp, port
        self.conf = tmp / "sshd.conf"
        self.conf.write_text(
            "\n".join(
                [
                    f"Port {port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {tmp / 'host'}",
                    f"AuthorizedKeysFile {tmp / 'authorized_keys'}",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    "StrictModes no",
                    "UsePAM no",
                    f"PidFile {tmp / 'sshd.pid'}",
                    "AllowTcpForwarding yes",
                    "PermitOpen 127.0.0.1:*",
                    "MaxStartups 200:30:400",
                    "LogLevel ERROR",
                    "",
                ]
            )
        )
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        os.makedirs("/run/sshd", exist_ok=True)
        err = open(self.tmp / "sshd.log", "a")
        self.proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(self.conf)], stderr=err)
        err.close()
        wait_listening(self.port, "sshd")

    def crash(self) -> None:
        """SIGKILL the master, then every session child (the master alone leaves sessions running)."""
        if self.proc is None:
            return
        tree = descendants(self.proc.pid)
        os.kill(self.proc.pid, signal.SIGKILL)
        for pid in tree:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        self.proc = None

    def close(self) -> None:
        self.crash()


# ---------------------------------------------------------------- portkeep up


def launcher() -> str:
    """The portkeep launcher to run: this checkout's, or $SOAK_PORTKEEP (another build's)."""
    return os.environ.get("SOAK_PORTKEEP", str(REPO / "portkeep"))


def prepare(java_home: str) -> None:
    """Trains the launcher's start-up cache here, not inside the time the tunnels are given to come
    up (`launcher_version`)."""
    launcher_version(launcher(), dict(os.environ, JAVA_HOME=java_home))


class Portkeep:
    def __init__(self, tmp: Path, java_home: str, sshd_port: int, echo_port: int, tunnels: int, taken: set[int]):
        self.tmp = tmp
        self.control = tmp / "ctl" / "control.sock"
        self.listen = [free_port(taken) for _ in range(tunnels)]
        self.names = [f"t{i + 1:02d}" for i in range(tunnels)]
        lines = ['ssh_config = "none"', ""]
        for name, port in zip(self.names, self.listen):
            lines += [
                f"[tunnel.{name}]",
                f'host = "root@127.0.0.1:{sshd_port}"',
                f'local = ["127.0.0.1:{port}:127.0.0.1:{echo_port}"]',
                "options = { "
                f'IdentityFile = "{tmp / "client"}", UserKnownHostsFile = "{tmp / "known_hosts"}", '
                'StrictHostKeyChecking = "yes" }',
                "",
            ]
        self.file = tmp / "tunnels.toml"
        self.file.write_text("\n".join(lines))
        self.log = tmp / "portkeep.log"
        env = dict(os.environ, JAVA_HOME=java_home)
        with open(self.log, "w") as logf:
            self.proc = subprocess.Popen(
                [launcher(), "up", "-c", str(self.file), "--control", str(self.control)],
                env=env, stdin=subprocess.DEVNULL, stdout=logf, stderr=subprocess.STDOUT,
            )  # fmt: skip
        self.pid = self.proc.pid  # the launcher execs java: same process

    def ask(self, request: dict, timeout: float = 5) -> dict:
        with socket.socket(socket.AF_UNIX) as s:
            s.settimeout(timeout)
            s.connect(str(self.control))
            s.sendall((json.dumps(request) + "\n").encode())
            data = b""
            while not data.endswith(b"\n"):
                part = s.recv(65536)
                if not part:
                    break
                data += part
        return json.loads(data)

    def states(self) -> dict[str, str]:
        try:
            answer = self.ask({"command": "status"})
        except (OSError, ValueError):
            return {}
        return {t["name"]: t["state"] for t in answer.get("tunnels", [])}

    def alive(self) -> bool:
        return self.proc.poll() is None

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:]

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


# ---------------------------------------------------------------- traffic


def echo_exchange(s: socket.socket, size: int) -> None:
    """Send size bytes in chunks, reading each chunk back before the next; raises on a mismatch."""
    sent = 0
    while sent < size:
        n = min(CHUNK, size - sent)
        block = os.urandom(16) * (n // 16)
        s.sendall(block)
        got = b""
        while len(got) < n:
            part = s.recv(n - len(got))
            if not part:
                raise ConnectionError("closed by the tunnel")
            got += part
        if got != block:
            raise ConnectionError("echo differs")
        sent += n


@dataclass
class Traffic:
    ports: list[int]
    held: list[socket.socket | None] = field(default_factory=list)
    short_ok: int = 0
    short_failed: int = 0
    held_ok: int = 0
    held_failed: int = 0
    bytes: int = 0
    turn: int = 0

    def __post_init__(self) -> None:
        self.held = [None] * len(self.ports)

    def tick(self) -> None:
        """One connection opened, used and closed through the next tunnel; a ping on each held one."""
        port = self.ports[self.turn % len(self.ports)]
        self.turn += 1
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=5) as s:
                echo_exchange(s, SHORT)
            self.short_ok += 1
            self.bytes += 2 * SHORT
        except OSError:
            self.short_failed += 1
        self.ping_held()

    def ping_held(self) -> bool:
        """A 1 KiB echo on every held connection, reopening the broken ones; True if all worked."""
        all_ok = True
        for i, port in enumerate(self.ports):
            try:
                if self.held[i] is None:
                    self.held[i] = socket.create_connection(("127.0.0.1", port), timeout=5)
                echo_exchange(self.held[i], 1024)
                self.held_ok += 1
                self.bytes += 2048
            except OSError:
                self.held_failed += 1
                all_ok = False
                if self.held[i] is not None:
                    self.held[i].close()
                    self.held[i] = None
        return all_ok

    def close(self) -> None:
        for s in self.held:
            if s is not None:
                s.close()


# ---------------------------------------------------------------- samples and verdict


def histogram(java_home: str, pid: int) -> tuple[int, int]:
    """(live bytes, live CompletableFuture objects) after the full collection the histogram does."""
    jcmd = str(Path(java_home) / "bin" / "jcmd")
    out = subprocess.run([jcmd, str(pid), "GC.class_histogram"], capture_output=True, text=True, timeout=60)
    if out.returncode != 0:
        raise RuntimeError(f"jcmd {pid} GC.class_histogram failed: {out.stdout} {out.stderr}")
    total, futures = -1, 0
    for line in out.stdout.splitlines():
        parts = line.split()
        if parts and parts[0] == "Total":
            total = int(parts[2])
        elif len(parts) >= 4 and parts[3] == "java.util.concurrent.CompletableFuture":
            futures = int(parts[1])
    if total < 0:
        raise RuntimeError(f"no Total line in the class histogram of {pid}")
    return total, futures


def sample(java_home: str, pid: int, started: float) -> dict:
    heap, futures = histogram(java_home, pid)
    return {
        "t": round(time.monotonic() - started),
        "heap": heap,
        "futures": futures,
        "threads": proc_status(pid, "Threads"),
        "fds": len(os.listdir(f"/proc/{pid}/fd")),
        "rss": proc_status(pid, "VmRSS") * 1024,
        "pss": pss_kib(pid) * 1024,
    }


def slope(xs: list[float], ys: list[float]) -> float:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    den = sum((x - mx) ** 2 for x in xs)
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / den if den else 0.0


def verdict(samples: list[dict]) -> tuple[list[dict], int]:
    """Per measure: first-third and last-third medians of the kept samples, margin, slope, grew."""
    warm = math.ceil(len(samples) / 5)
    kept = samples[warm:]
    third = len(kept) // 3
    rows = []
    for name, div, unit, margin in MEASURES:
        if third < 2:
            raise RuntimeError(f"only {len(samples)} samples: too few to judge (at least 10)")
        first = statistics.median(s[name] for s in kept[:third])
        last = statistics.median(s[name] for s in kept[-third:])
        per_hour = slope([s["t"] for s in kept], [s[name] for s in kept]) * 3600
        limit = margin.of(first)
        rows.append(
            {"measure": name, "first": first, "last": last, "margin": limit, "slope_per_hour": per_hour,
             "grew": last - first > limit, "div": div, "unit": unit}
        )  # fmt: skip
    return rows, warm


def fmt(v: float, div: int) -> str:
    return f"{v / div:.1f}" if div > 1 else f"{v:.0f}"


def table(samples: list[dict], warm: int) -> str:
    head = "| # | t (s) | live heap (MiB) | futures | threads | fds | RSS (MiB) | PSS (MiB) | |"
    lines = [head, "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for i, s in enumerate(samples, 1):
        note = "warm-up" if i <= warm else ""
        lines.append(
            f"| {i} | {s['t']} | {s['heap'] / MiB:.2f} | {s['futures']} | {s['threads']} | {s['fds']} "
            f"| {s['rss'] / MiB:.1f} | {s['pss'] / MiB:.1f} | {note} |"
        )
    return "\n".join(lines)


def verdict_table(rows: list[dict]) -> str:
    lines = [
        "| measure | median, first third | median, last third | allowed rise | slope per hour | |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        d, u = r["div"], f" {r['unit']}" if r["unit"] else ""
        lines.append(
            f"| {r['measure']} | {fmt(r['first'], d)}{u} | {fmt(r['last'], d)}{u} | {fmt(r['margin'], d)}{u} "
            f"| {r['slope_per_hour'] / d:+.2f}{u} | {'GREW' if r['grew'] else 'flat'} |"
        )
    return "\n".join(lines)


# ---------------------------------------------------------------- the run


def setup_keys(tmp: Path, sshd_port: int) -> None:
    for name in ("host", "client"):
        subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(tmp / name)], check=True)
    (tmp / "authorized_keys").write_text((tmp / "client.pub").read_text())
    host_pub = " ".join((tmp / "host.pub").read_text().split()[:2])
    (tmp / "known_hosts").write_text(f"[127.0.0.1]:{sshd_port} {host_pub}\n")


def wait_recovered(pk: Portkeep, traffic: Traffic, names: list[str]) -> float | None:
    """Seconds until every tunnel is up and every held connection echoes, or None after 60 s."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < RECOVERY_S:
        if not pk.alive():
            return None
        states = pk.states()
        if all(states.get(n) == "up" for n in names) and traffic.ping_held():
            return time.monotonic() - t0
        time.sleep(0.5)
    return None


def run(args: argparse.Namespace, tmp: Path) -> int:
    scale = args.minutes / 30
    sample_s = max(2.0, 60 * scale)
    restart_s = 5 * sample_s
    n_samples = max(1, round(args.minutes * 60 / sample_s))
    taken: set[int] = set()
    sshd_port, echo_port = free_port(taken), free_port(taken)
    setup_keys(tmp, sshd_port)
    sshd = Sshd(tmp, sshd_port)
    echo = EchoServer(echo_port)
    sshd.start()
    prepare(args.java_home)
    pk = Portkeep(tmp, args.java_home, sshd_port, echo_port, args.tunnels, taken)
    traffic = Traffic(pk.listen)
    problems: list[str] = []
    samples: list[dict] = []
    restarts, recoveries = 0, []
    log(f"portkeep up (pid {pk.pid}), {args.tunnels} tunnels to sshd 127.0.0.1:{sshd_port}; "
        f"{n_samples} samples every {sample_s:g} s, sshd killed every {restart_s:g} s")  # fmt: skip
    try:
        if wait_recovered(pk, traffic, pk.names) is None:
            raise RuntimeError(f"the tunnels did not all come up in {RECOVERY_S:g} s; log:\n{pk.tail()}")
        started = time.monotonic()
        next_restart = restart_s - sample_s / 2
        for k in range(1, n_samples + 1):
            due = started + k * sample_s
            while (now := time.monotonic()) < due:
                if now - started >= next_restart:
                    sshd.crash()
                    sshd.start()
                    restarts += 1
                    next_restart += restart_s
                    log(f"sshd killed and started again ({restarts})")
                traffic.tick()
                time.sleep(max(0.0, min(1.0 - (time.monotonic() - now), due - time.monotonic())))
                if not pk.alive():
                    raise Failed(f"portkeep exited with {pk.proc.returncode}; log:\n{pk.tail()}")
            took = wait_recovered(pk, traffic, pk.names)
            if took is None:
                problems.append(f"sample {k}: tunnels not all up within {RECOVERY_S:g} s: {pk.states()}")
                if not pk.alive():
                    raise Failed(f"portkeep exited with {pk.proc.returncode}; log:\n{pk.tail()}")
            else:
                recoveries.append(took)
            s = sample(args.java_home, pk.pid, started)
            samples.append(s)
            log(f"sample {k}/{n_samples}: heap {s['heap'] / MiB:.2f} MiB, futures {s['futures']}, "
                f"threads {s['threads']}, fds {s['fds']}, RSS {s['rss'] / MiB:.1f} MiB")  # fmt: skip
    finally:
        traffic.close()
        pk.stop()
        sshd.close()
        echo.close()
    rows, warm = verdict(samples)
    if traffic.short_ok == 0 or traffic.held_ok == 0:
        problems.append("no traffic got through")
    grew = [r["measure"] for r in rows if r["grew"]]
    problems += [f"{m} grew" for m in grew]
    report = "\n".join(
        [
            f"portkeep up, {args.tunnels} tunnels, {args.minutes:g} minutes: {n_samples} samples every "
            f"{sample_s:g} s, sshd killed {restarts} times; first {warm} samples are warm-up.",
            f"Traffic: {traffic.short_ok} connections opened, echoed 256 KiB and closed "
            f"({traffic.short_failed} failed, while the sshd was down); {traffic.held_ok} pings on held "
            f"connections ({traffic.held_failed} failed); {traffic.bytes / MiB:.0f} MiB through the tunnels. "
            f"Back up after a restart within {max(recoveries, default=0):.1f} s at most.",
            "",
            table(samples, warm),
            "",
            verdict_table(rows),
            "",
            "verdict: " + ("FAIL: " + "; ".join(problems) if problems else "PASS: nothing grew"),
        ]
    )
    print(report, flush=True)
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        stem = f"soak-{args.tunnels}t-{args.minutes:g}m-{time.strftime('%Y%m%d-%H%M')}"
        (out / f"{stem}.md").write_text(report + "\n")
        (out / f"{stem}.json").write_text(
            json.dumps({"samples": samples, "verdict": rows, "problems": problems, "restarts": restarts}, indent=1)
        )
        log(f"written: {out / stem}.md .json")
    return 1 if problems else 0


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/soak", description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=30, help="how long (default 30); shorter runs are scaled")
    ap.add_argument("--tunnels", type=int, default=10, help="tunnels in the one portkeep up (default 10)")
    ap.add_argument("--out", help="also write the report (.md) and the samples (.json) into this folder")
    ap.add_argument("--java-home", default=os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))
    args = ap.parse_args()
    if args.minutes <= 0 or args.tunnels < 1:
        ap.error("--minutes must be above 0 and --tunnels at least 1")
    if args.minutes * 60 / max(2.0, 2 * args.minutes) < 10:
        ap.error(f"--minutes {args.minutes:g} gives fewer than 10 samples; use at least 0.34")
    with tempfile.TemporaryDirectory(prefix="portkeep-soak-") as tmpdir:
        try:
            return run(args, Path(tmpdir))
        except Failed as e:
            log(f"bench/soak: FAIL: {e}")
            return 1
        except RuntimeError as e:
            log(f"bench/soak: {e}")
            return 2


if __name__ == "__main__":
    sys.exit(main())
