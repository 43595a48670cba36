"""portkeep against OpenSSH's `ssh -N -L`, side by side in one run, reported as ratios.

Run through bench/run, which installs what is missing first. Everything here uses the standard
library only; the chart is drawn by gnuplot.

Layout of a run:
  1. build pkload (sink and load generator, C) and portkeep's jar; start the sink and one private
     sshd per cipher, on loopback, with their own keys and configs;
  2. per cipher, "steady" phase: start one portkeep and one ssh tunnel, warm both up, then rounds of
     every bulk figure and the sequential connections, portkeep then OpenSSH (A B A B);
  3. "fresh" phase (AES only): per round and tool a new tunnel process: time to the first forwarded
     byte, RSS at start, 1,000 idle connections; then the JVM's own floor (a class that echoes one
     byte through the sink directly, same JVM flags);
  4. results: Markdown, JSON and a PNG chart of the ratios under bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from model import CIPHERS, FRESH_FIGURES, MiB, SEQ_FIGURES, WARM_SEQ_COUNT, Results, bulk_figures
from report import load_results, write_chart, write_json, write_markdown

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent

# The JVM's floor for "start, then one byte there and back": no SSH, no picocli, no MINA.
FLOOR_JAVA = """
import java.net.Socket;
public class Floor {
  public static void main(String[] a) throws Exception {
    try (Socket s = new Socket("127.0.0.1", Integer.parseInt(a[0]))) {
      s.getOutputStream().write('e');
      if (s.getInputStream().read() != 'e') System.exit(1);
    }
  }
}
"""


@dataclass
class Plan:
    quick: bool
    rounds: int
    single_bytes: int
    parallel_bytes: int
    seq_count: int
    idle_count: int
    idle_hold_ms: int
    ciphers: list[str]
    only: set[str] | None = None

    @staticmethod
    def of(args: argparse.Namespace) -> "Plan":
        quick = args.quick
        plan = Plan(
            quick=quick,
            rounds=args.rounds,
            single_bytes=(256 if quick else 2048) * MiB,
            parallel_bytes=(256 if quick else 1024) * MiB,
            seq_count=1000,
            idle_count=1000,
            idle_hold_ms=1000 if quick else 2000,
            ciphers=args.ciphers.split(","),
            only=set(args.only.split(",")) if args.only else None,
        )
        return plan

    def wants(self, key: str) -> bool:
        return self.only is None or key in self.only

    def bulk_keys(self, cipher: str) -> list[str]:
        keys = [f.key for f in bulk_figures(cipher)]
        if self.quick and cipher != "aes":
            keys = ["up1", "down1"]  # --quick: ChaCha20 only where its target is
        return [k for k in keys if self.wants(k)]


# ---------------------------------------------------------------- processes and ports


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def free_port(taken: set[int]) -> int:
    """A free loopback port below 32768 (the ephemeral range may hold it a moment later), probed
    without SO_REUSEADDR as its user will bind it; bench/soak and bench/scale use it too."""
    for _ in range(500):
        p = random.randint(20000, 32000)
        if p in taken:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
        taken.add(p)
        return p
    raise RuntimeError("no free port between 20000 and 32000")


def cpu_ms(pid: int) -> float:
    """User plus system CPU time of a process, all threads, in milliseconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")


def tree_cpu_ms(roots: list[int]) -> float:
    """CPU ms of every live descendant of `roots` (the sshd masters: their per-connection children)."""
    parent, cpu = {}, {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parent[int(entry)] = int(fields[1])
        cpu[int(entry)] = (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid, ms in cpu.items():
        p = parent.get(pid)
        while p and p not in roots:
            p = parent.get(p)
        if p:
            total += ms
    return total


def machine_ticks() -> tuple[int, int]:
    """(busy, total) jiffies of all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    idle = v[3] + v[4]
    return sum(v) - idle, sum(v)


def rss_kib(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return -1


def wait_rss_steady(pid: int, limit_s: float = 20.0) -> None:
    """Until RSS moves by less than 256 KiB over a second (at most limit_s): the idle-connection
    figure is a difference of two RSS readings, and a JIT still compiling (or the native heap trim
    giving back what it freed) moved RSS by more than 1,000 connections take, both ways."""
    deadline = time.monotonic() + limit_s
    last = rss_kib(pid)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = rss_kib(pid)
        if abs(now - last) < 256:
            return
        last = now


def launcher_version(launcher: str, env: dict, timeout: float = 900) -> str:
    """`portkeep --version` through the launcher, which first builds a stale jar and trains its
    start-up cache (half a minute, a minute on a busy machine): done before anything timed."""
    out = subprocess.run([launcher, "--version"], env=env, capture_output=True, text=True, timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"{launcher} --version failed: {out.stderr.strip()}")
    return out.stdout.strip()


def echo_once(port: int, timeout: float = 5.0) -> bool:
    """Connect, send 'e', expect 'e' back. False on refusal or a connection closed early."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            s.sendall(b"e")
            return s.recv(1) == b"e"
    except OSError:
        return False


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


class Testbed:
    """Keys, the sink, one sshd per cipher, and how to start each kind of tunnel."""

    def __init__(self, tmp: Path, plan: Plan, java_home: str):
        self.tmp = tmp
        self.plan = plan
        self.java_home = java_home
        self.ports: set[int] = set()
        self.procs: list[subprocess.Popen] = []
        self.pkload = tmp / "pkload"
        self.sshd_port: dict[str, int] = {}
        self.jvm_flags: list[str] = []
        self.sshd_pids: list[int] = []

    # -- setup

    def setup(self) -> None:
        subprocess.run(
            ["gcc", "-O2", "-pthread", "-o", str(self.pkload), str(BENCH / "pkload.c")], check=True
        )
        self.build_portkeep()
        (self.tmp / "Floor.java").write_text(FLOOR_JAVA)
        javac = str(Path(self.java_home) / "bin" / "javac")
        subprocess.run([javac, "-d", str(self.tmp), str(self.tmp / "Floor.java")], check=True)
        for name in ("host", "client"):
            subprocess.run(
                ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(self.tmp / name)], check=True
            )
        (self.tmp / "authorized_keys").write_text((self.tmp / "client.pub").read_text())
        host_pub = " ".join((self.tmp / "host.pub").read_text().split()[:2])
        os.makedirs("/run/sshd", exist_ok=True)
        known = []
        for cipher in self.plan.ciphers:
            port = free_port(self.ports)
            self.sshd_port[cipher] = port
            known.append(f"[127.0.0.1]:{port} {host_pub}")
            self.start_sshd(cipher, port)
        (self.tmp / "known_hosts").write_text("\n".join(known) + "\n")
        self.sink_port = free_port(self.ports)
        sink = subprocess.Popen(
            [str(self.pkload), "serve", str(self.sink_port)], stdout=subprocess.PIPE, text=True
        )
        self.procs.append(sink)
        sink.stdout.readline()  # {"ready": port}
        for cipher, port in self.sshd_port.items():
            self.wait_listening(port, f"sshd ({cipher})")

    def build_portkeep(self) -> None:
        self.version = launcher_version(str(REPO / "portkeep"), dict(os.environ, JAVA_HOME=self.java_home))
        # The launcher's own JVM flags, to run the jar the same way without it.
        flags = subprocess.run(
            ["bash", "-c", f'source "{REPO}/portkeep" && printf "%s\\n" "${{PORTKEEP_JVM_FLAGS[@]}}"'],
            capture_output=True,
            text=True,
            check=True,
        )
        self.jvm_flags = flags.stdout.split()

    def start_sshd(self, cipher: str, port: int) -> None:
        conf = self.tmp / f"sshd_{cipher}.conf"
        conf.write_text(
            "\n".join(
                [
                    f"Port {port}",
                    "ListenAddress 127.0.0.1",
                    f"HostKey {self.tmp / 'host'}",
                    f"AuthorizedKeysFile {self.tmp / 'authorized_keys'}",
                    "PasswordAuthentication no",
                    "KbdInteractiveAuthentication no",
                    "PermitRootLogin prohibit-password",
                    "StrictModes no",
                    "UsePAM no",
                    f"PidFile {self.tmp / f'sshd_{cipher}.pid'}",
                    "AllowTcpForwarding yes",
                    f"Ciphers {CIPHERS[cipher]}",
                    "MaxStartups 200:30:400",
                    "LogLevel ERROR",
                    "",
                ]
            )
        )
        err = open(self.tmp / f"sshd_{cipher}.log", "w")
        sshd = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(conf)], stderr=err)
        self.procs.append(sshd)
        self.sshd_pids.append(sshd.pid)

    def wait_listening(self, port: int, what: str) -> None:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    return
            time.sleep(0.02)
        raise RuntimeError(f"{what} does not listen on 127.0.0.1:{port}")

    # -- tunnels

    def tunnel_command(self, tool: str, cipher: str, listen: int) -> tuple[list[str], dict]:
        forward = f"127.0.0.1:{listen}:127.0.0.1:{self.sink_port}"
        common = [
            "-N",
            "-L", forward,
            "-p", str(self.sshd_port[cipher]),
            "-i", str(self.tmp / "client"),
            "-o", f"UserKnownHostsFile={self.tmp / 'known_hosts'}",
            "-o", "StrictHostKeyChecking=yes",
            "-o", "BatchMode=yes",
            "-o", "ExitOnForwardFailure=yes",
        ]  # fmt: skip
        env = dict(os.environ, JAVA_HOME=self.java_home)
        if tool == "ssh":
            cmd = ["ssh", "-F", "/dev/null", "-o", f"Ciphers={CIPHERS[cipher]}", "-o", "IdentitiesOnly=yes"]
            return cmd + common + ["root@127.0.0.1"], env
        # Both read no ssh_config (-F /dev/null): the same options for both, whatever ~/.ssh holds.
        # BENCH_PORTKEEP_ARGS adds portkeep-only options, e.g. "-o Sessions=2" to measure striping.
        common = common + os.environ.get("BENCH_PORTKEEP_ARGS", "").split()
        if tool == "portkeep":
            return [str(REPO / "portkeep"), "-F", "/dev/null"] + common + ["root@127.0.0.1"], env
        if tool == "portkeep-jar":  # the same JVM flags, without the launcher's JDK probe
            java = str(Path(self.java_home) / "bin" / "java")
            opts = os.environ.get("PORTKEEP_JAVA_OPTS", "").split()
            jar = os.environ.get("BENCH_PORTKEEP_JAR") or str(REPO / "target" / "portkeep.jar")
            return [java, *self.jvm_flags, *opts, "-jar", jar, "-F", "/dev/null"] + common + ["root@127.0.0.1"], env
        raise ValueError(tool)

    def start_tunnel(self, tool: str, cipher: str) -> "Tunnel":
        listen = free_port(self.ports)
        cmd, env = self.tunnel_command(tool, cipher, listen)
        logf = open(self.tmp / f"{tool}-{cipher}-{listen}.log", "w")
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, env=env, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        tunnel = Tunnel(tool, cipher, listen, proc, logf.name)
        # Cold start: poll the listener until one byte has gone through to the sink and back.
        deadline = t0 + 30
        while not echo_once(listen):
            if proc.poll() is not None or time.monotonic() > deadline:
                stop(proc)
                raise RuntimeError(f"{tool} tunnel did not come up; log: {logf.name}\n{Path(logf.name).read_text()[-2000:]}")
            time.sleep(0.001)
        tunnel.cold_ms = (time.monotonic() - t0) * 1000
        self.ports.discard(listen)
        return tunnel

    def load(self, *args: object) -> dict:
        out = subprocess.run([str(self.pkload), *map(str, args)], capture_output=True, text=True, timeout=300)
        if out.returncode != 0:
            raise RuntimeError(f"pkload {' '.join(map(str, args))} failed: {out.stdout} {out.stderr}")
        return json.loads(out.stdout)

    def close(self) -> None:
        for p in reversed(self.procs):
            stop(p)


@dataclass
class Tunnel:
    tool: str
    cipher: str
    port: int
    proc: subprocess.Popen
    log: str
    cold_ms: float = 0.0


# ---------------------------------------------------------------- measuring


def bulk_args(key: str, plan: Plan) -> tuple[str, int, int]:
    direction = "up" if key.startswith("up") else "down"
    streams = int(key[len(direction) :])
    size = plan.single_bytes if streams == 1 else plan.parallel_bytes
    return direction, size, streams


class TransferFailed(Exception):
    """A load that did not complete through a tunnel: a finding to report, not a harness bug."""


def run_bulk(bed: Testbed, t: Tunnel, key: str, plan: Plan, size: int | None = None) -> dict:
    """One transfer, with the CPU the client, the sshd session and the whole machine spent on it."""
    direction, full, streams = bulk_args(key, plan)
    before, sshd_before, (busy0, all0) = cpu_ms(t.proc.pid), tree_cpu_ms(bed.sshd_pids), machine_ticks()
    out = subprocess.run(
        [str(bed.pkload), direction, str(t.port), str(size or full), str(streams)],
        capture_output=True, text=True, timeout=600,
    )
    alive = t.proc.poll() is None
    if out.returncode != 0 or not alive:
        raise TransferFailed(
            f"{t.tool} {t.cipher} {key}: {out.stdout.strip() or out.stderr.strip()}; "
            f"tunnel {'still running' if alive else f'exited with {t.proc.returncode}'}"
        )
    r = json.loads(out.stdout)
    gb = r["bytes"] / 1e9
    busy1, all1 = machine_ticks()
    r["cpu_ms_per_gb"] = (cpu_ms(t.proc.pid) - before) / gb
    r["sshd_cpu_ms_per_gb"] = (tree_cpu_ms(bed.sshd_pids) - sshd_before) / gb
    r["machine_busy_pct"] = 100 * (busy1 - busy0) / max(1, all1 - all0)
    return r


def run_seq(bed: Testbed, t: Tunnel, count: int) -> dict:
    """`count` sequential connections through `t`, with the CPU the client and the sshd spent."""
    before, sshd_before = cpu_ms(t.proc.pid), tree_cpu_ms(bed.sshd_pids)
    r = bed.load("seq", t.port, count)
    r["cpu_us_per_conn"] = (cpu_ms(t.proc.pid) - before) * 1000 / count
    r["sshd_cpu_us_per_conn"] = (tree_cpu_ms(bed.sshd_pids) - sshd_before) * 1000 / count
    return r


def seq_cpu(r: dict) -> dict:
    return {k: r[k] for k in ("cpu_us_per_conn", "sshd_cpu_us_per_conn")}


def measure_or_restart(bed: Testbed, t: Tunnel, key: str, plan: Plan, res: Results, rnd: int) -> tuple[dict, Tunnel]:
    """run_bulk; a failed transfer is recorded, the tunnel restarted (if it died) and the round retried once."""
    for attempt in (1, 2):
        try:
            return run_bulk(bed, t, key, plan), t
        except TransferFailed as e:
            tail = Path(t.log).read_text(errors="replace")[-1500:]
            res.failures.append({"round": rnd, "attempt": attempt, "error": str(e), "log_tail": tail})
            log(f"FAILED: {e}")
            if attempt == 2:
                raise
            stop(t.proc)
            t = bed.start_tunnel(t.tool, t.cipher)
    raise AssertionError("unreachable")


def steady_phase(bed: Testbed, plan: Plan, cipher: str, res: Results) -> None:
    keys = plan.bulk_keys(cipher)
    figs = {f.key: f for f in bulk_figures(cipher)}
    tunnels = [bed.start_tunnel("portkeep", cipher), bed.start_tunnel("ssh", cipher)]
    try:
        warm = Plan(**{**plan.__dict__, "single_bytes": 256 * MiB, "parallel_bytes": 256 * MiB})
        for i, t in enumerate(tunnels):
            log(f"{cipher}: warm-up {t.tool}")
            for key in keys:
                _, tunnels[i] = measure_or_restart(bed, tunnels[i], key, warm, res, 0)
            t = tunnels[i]
            if plan.wants("seq"):
                bed.load("seq", t.port, plan.seq_count)
        for rnd in range(1, plan.rounds + 1):
            log(f"{cipher}: round {rnd}/{plan.rounds}")
            for key in keys:
                for i, t in enumerate(tunnels):
                    r, tunnels[i] = measure_or_restart(bed, t, key, plan, res, rnd)
                    extra = {k: r[k] for k in ("cpu_ms_per_gb", "sshd_cpu_ms_per_gb", "machine_busy_pct")}
                    res.add(figs[key], cipher, t.tool, r["mb_per_s"], **extra)
            if plan.wants("seq"):
                for t in tunnels:
                    r = run_seq(bed, t, plan.seq_count)
                    res.add(SEQ_FIGURES[0], cipher, t.tool, r["conn_per_s"], **seq_cpu(r))
                    res.add(SEQ_FIGURES[1], cipher, t.tool, r["median_us"])
                    res.add(SEQ_FIGURES[2], cipher, t.tool, r["p99_us"], max_us=r["max_us"])
        if plan.wants("seq"):
            for t in tunnels:
                log(f"{cipher}: {WARM_SEQ_COUNT} more connections through {t.tool}")
                bed.load("seq", t.port, WARM_SEQ_COUNT)
            for rnd in range(1, plan.rounds + 1):
                log(f"{cipher}: warm connections, round {rnd}/{plan.rounds}")
                for t in tunnels:
                    r = run_seq(bed, t, plan.seq_count)
                    res.add(SEQ_FIGURES[3], cipher, t.tool, r["conn_per_s"], **seq_cpu(r))
                    res.add(SEQ_FIGURES[4], cipher, t.tool, r["p99_us"], max_us=r["max_us"])
        for t in tunnels:
            res.extra_rss = getattr(res, "extra_rss", {})
            res.extra_rss[f"{t.tool}_{cipher}_after_steady_kib"] = rss_kib(t.proc.pid)
    finally:
        for t in tunnels:
            stop(t.proc)


def fresh_phase(bed: Testbed, plan: Plan, cipher: str, res: Results) -> None:
    cold, cold_jar, rss, rss_settled, idle = FRESH_FIGURES
    # Warm-up: page cache for the jar, the JDK and ssh; discarded.
    for tool in ("portkeep", "ssh"):
        stop(bed.start_tunnel(tool, cipher).proc)
    floor_cmd = [str(Path(bed.java_home) / "bin" / "java"), *bed.jvm_flags, "-cp", str(bed.tmp), "Floor", str(bed.sink_port)]
    floors = []
    for rnd in range(1, plan.rounds + 1):
        log(f"fresh processes: round {rnd}/{plan.rounds}")
        for tool in ("portkeep", "ssh"):
            t = bed.start_tunnel(tool, cipher)
            try:
                res.add(cold, cipher, tool, t.cold_ms)
                time.sleep(0.5)
                res.add(rss, cipher, tool, rss_kib(t.proc.pid) / 1024)
                # Once start-up is over: the JIT idle, what it freed given back (the launcher trims
                # the native heap every second).
                time.sleep(4.5)
                res.add(rss_settled, cipher, tool, rss_kib(t.proc.pid) / 1024)
                wait_rss_steady(t.proc.pid)
                r = bed.load("idle", t.port, plan.idle_count, plan.idle_hold_ms, t.proc.pid)
                if not r["ok"]:
                    raise RuntimeError(f"{tool}: idle connections failed: {r}")
                res.add(idle, cipher, tool, r["kib_per_conn"], open_seconds=r["open_seconds"])
            finally:
                stop(t.proc)
        for tool in ("portkeep-jar", "ssh"):
            if tool == "ssh":  # the same OpenSSH figure again, so the ratio pairs with this round
                res.add(cold_jar, cipher, "ssh", res.series[(cipher, "cold_start")].openssh[-1])
                continue
            t = bed.start_tunnel(tool, cipher)
            stop(t.proc)
            res.add(cold_jar, cipher, tool, t.cold_ms)
        t0 = time.monotonic()
        subprocess.run(floor_cmd, capture_output=True, check=True)
        floors.append((time.monotonic() - t0) * 1000)
    res.jvm_floor_ms = floors


def metadata(plan: Plan, bed: Testbed) -> dict:
    def cmd(*c: str) -> str:
        out = subprocess.run(c, capture_output=True, text=True)
        return (out.stdout + out.stderr).strip().splitlines()[0] if (out.stdout + out.stderr).strip() else ""

    return {
        "mode": "quick" if plan.quick else "full",
        "started": time.strftime("%Y-%m-%d %H:%M"),
        "portkeep_version": bed.version,
        "commit": cmd("git", "-C", str(REPO), "rev-parse", "--short", "HEAD"),
        "java": cmd(str(Path(bed.java_home) / "bin" / "java"), "-version"),
        "jvm_flags": bed.jvm_flags,
        "portkeep_java_opts": os.environ.get("PORTKEEP_JAVA_OPTS", ""),
        "portkeep_args": os.environ.get("BENCH_PORTKEEP_ARGS", ""),
        "openssh": cmd("ssh", "-V"),
        "cpus": os.cpu_count(),
        "loadavg": open("/proc/loadavg").read().split()[:3],
        "kernel": platform.release(),
        "rounds": plan.rounds,
        "single_bytes": plan.single_bytes,
        "parallel_bytes": plan.parallel_bytes,
        "seq_count": plan.seq_count,
        "idle_count": plan.idle_count,
        "idle_hold_ms": plan.idle_hold_ms,
        "ciphers": plan.ciphers,
    }


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller transfers, ChaCha20 single stream only (< 3 min)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds per figure and tool (default 5)")
    ap.add_argument("--ciphers", default="aes,chacha", help="aes, chacha or both (default aes,chacha)")
    ap.add_argument("--only", help="comma-separated figures: up1,down1,up8,down8,up64,down64,seq,fresh")
    ap.add_argument("--out", default=str(BENCH / "results"), help="folder for the results")
    ap.add_argument("--name", help="file name stem for the results (default <mode>-<date>-<time>)")
    ap.add_argument("--java-home", default=os.environ.get("BENCH_JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64"))
    ap.add_argument("--render", metavar="JSON", help="only write the Markdown and the chart again from a run's JSON")
    args = ap.parse_args()
    if args.render:
        src = Path(args.render)
        res, meta = load_results(src)
        with tempfile.TemporaryDirectory() as tmpdir:
            write_markdown(src.with_suffix(".md"), res, meta)
            write_chart(src.with_suffix(".png"), res, meta, Path(tmpdir))
        print(src.with_suffix(".md").read_text())
        return 0
    plan = Plan.of(args)
    if plan.rounds < 1:
        ap.error("--rounds must be at least 1")
    started = time.monotonic()
    res = Results()
    with tempfile.TemporaryDirectory(prefix="portkeep-bench-") as tmpdir:
        tmp = Path(tmpdir)
        bed = Testbed(tmp, plan, args.java_home)
        try:
            log("setting up: pkload, portkeep jar, keys, sshd per cipher, sink")
            bed.setup()
            meta = metadata(plan, bed)
            for cipher in plan.ciphers:
                steady_phase(bed, plan, cipher, res)
            if plan.wants("fresh"):
                fresh_phase(bed, plan, plan.ciphers[0], res)
        finally:
            bed.close()
        meta["seconds"] = round(time.monotonic() - started)
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        stem = args.name or f"{meta['mode']}-{time.strftime('%Y%m%d-%H%M')}"
        write_markdown(out / f"{stem}.md", res, meta)
        write_json(out / f"{stem}.json", res, meta)
        write_chart(out / f"{stem}.png", res, meta, tmp)
    log(f"done in {meta['seconds']} s: {out / stem}.md .json .png")
    print((out / f"{stem}.md").read_text())
    return 0


if __name__ == "__main__":
    sys.exit(main())
