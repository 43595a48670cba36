"""Profile portkeep under one load of bench/run, with JFR and per-thread CPU.

  bench/profile [--cipher aes|chacha] [--seconds 20] LOAD

LOAD is one of bench/run's figures: up1, down1, up8, down8, up64, down64, seq, idle, start.
The load repeats for --seconds through one portkeep tunnel started with a JFR recording
(settings=profile); then it prints JFR's hot methods, allocation and GC views, the top sampled
stacks, and the CPU time of each JVM thread (from /proc, by thread name). The .jfr file stays in
/tmp for `jfr print` / `jfr view`.
"""

from __future__ import annotations

import argparse
import collections
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench  # noqa: E402


def thread_cpu(pid: int) -> dict[str, float]:
    """CPU ms per thread name (numbers stripped so pools add up) of a live process."""
    out: dict[str, float] = collections.Counter()
    tick = 1000 / os.sysconf("SC_CLK_TCK")
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            name = Path(f"/proc/{pid}/task/{tid}/comm").read_text().strip()
            stat = Path(f"/proc/{pid}/task/{tid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        out[re.sub(r"\d+", "N", name)] += (int(stat[11]) + int(stat[12])) * tick
    return out


def print_run(n: int, result: dict, before: dict[str, float], after: dict[str, float]) -> None:
    """One line per run of 1,000 connections: its rate and the CPU us per connection by thread."""
    used = sorted(((after[k] - before.get(k, 0), k) for k in after), reverse=True)
    total = sum(ms for ms, _ in used)
    top = ", ".join(f"{k} {ms:.0f}" for ms, k in used[:4] if ms > 0)
    print(
        f"run {n}: {result['conn_per_s']:.0f} conn/s, p99 {result['p99_us']:.0f} us, "
        f"{total:.0f} us of CPU per connection ({top})",
        flush=True,
    )


def parse_events(jfr_tool: str, jfr: Path, event: str, depth: int) -> list[tuple[float, list[str], str]]:
    """(weight, frames leaf first, thread) per event; weight is bytes for allocations, else 1."""
    text = subprocess.run(
        [jfr_tool, "print", "--events", event, "--stack-depth", str(depth), str(jfr)],
        capture_output=True,
        text=True,
    ).stdout
    units = {"bytes": 1, "kB": 1e3, "MB": 1e6, "GB": 1e9}
    out = []
    for chunk in text.split(event + " {")[1:]:
        frames = re.findall(r"^\s+(\S.*?)\s+line:", chunk, re.M)
        w = re.search(r"weight = ([\d.]+) (bytes|kB|MB|GB)", chunk)
        thread = re.search(r'(?:eventThread|sampledThread) = "([^"]*)"', chunk)
        weight = float(w.group(1)) * units[w.group(2)] if w else 1.0
        out.append((weight, frames, re.sub(r"\d+", "N", thread.group(1)) if thread else "?"))
    return out


def report(events: list[tuple[float, list[str], str]], depth: int, limit: int, unit: str) -> str:
    """Top leaf methods (self), then top stacks cut to `depth` frames, as shares of the total."""
    total = sum(w for w, _, _ in events) or 1
    leaf: collections.Counter = collections.Counter()
    stacks: collections.Counter = collections.Counter()
    threads: collections.Counter = collections.Counter()
    for w, frames, thread in events:
        if frames:
            leaf[frames[0]] += w
            stacks["\n        ".join(frames[:depth])] += w
        threads[thread] += w
    lines = [f"total {total:.0f} {unit}; by thread: " + ", ".join(f"{t} {100 * w / total:.0f}%" for t, w in threads.most_common(6))]
    lines += ["  self:"] + [f"  {100 * w / total:5.1f}%  {m}" for m, w in leaf.most_common(limit)]
    lines += ["  stacks:"] + [f"  {100 * w / total:5.1f}%  {st}" for st, w in stacks.most_common(limit)]
    return "\n".join(lines)


def memory_snapshot(java_home: str, pid: int, histogram: bool = True) -> str:
    """RSS, the JVM's native memory summary (committed, by area) and the top of the heap histogram."""
    jcmd = str(Path(java_home) / "bin" / "jcmd")
    nmt = subprocess.run([jcmd, str(pid), "VM.native_memory", "summary"], capture_output=True, text=True).stdout
    lines = [f"RSS {bench.rss_kib(pid)} KiB; native memory (committed):"]
    for m in re.finditer(r"^-?\s*(\S[\w ]*?) \(reserved=\d+KB, committed=(\d+)KB\)", nmt, re.M):
        if int(m.group(2)) >= 512:
            lines.append(f"  {m.group(1).strip():24} {int(m.group(2)):8} KiB")
    if histogram:
        hist = subprocess.run([jcmd, str(pid), "GC.class_histogram"], capture_output=True, text=True).stdout
        lines += ["heap histogram after a full GC (top 14):"] + ["  " + x for x in hist.splitlines()[1:17]]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench/profile")
    ap.add_argument("load")
    ap.add_argument("--cipher", default="aes")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--depth", type=int, default=8, help="frames per stack in the report")
    ap.add_argument("--top", type=int, default=12, help="rows per report")
    ap.add_argument("--java-opts", default="", help="extra JVM options to try (e.g. -Xmx64m)")
    ap.add_argument("--java-home", default="/usr/lib/jvm/temurin-25-jdk-amd64")
    ap.add_argument(
        "--per-run",
        action="store_true",
        help="seq: CPU per connection of each run of 1,000, by thread (shows the JIT's warm-up end)",
    )
    args = ap.parse_args()
    jfr = Path(f"/tmp/portkeep-{args.load}-{args.cipher}.jfr")
    os.environ["PORTKEEP_JAVA_OPTS"] = (
        f"{os.environ.get('PORTKEEP_JAVA_OPTS', '')} {args.java_opts} "
        "-XX:NativeMemoryTracking=summary "
        f"-XX:StartFlightRecording=filename={jfr},settings=profile,dumponexit=true,"
        "jdk.CPUTimeSample#enabled=true,jdk.CPUTimeSample#throttle=2ms"
    ).strip()
    plan = bench.Plan.of(
        argparse.Namespace(quick=False, rounds=1, ciphers=args.cipher, only=None)
    )
    with tempfile.TemporaryDirectory(prefix="portkeep-profile-") as tmpdir:
        bed = bench.Testbed(Path(tmpdir), plan, args.java_home)
        try:
            bed.setup()
            t = bed.start_tunnel("portkeep", args.cipher)
            print(f"cold start {t.cold_ms:.0f} ms, RSS {bench.rss_kib(t.proc.pid)} KiB", flush=True)
            before = thread_cpu(t.proc.pid)
            deadline = time.monotonic() + args.seconds
            runs = 0
            while time.monotonic() < deadline:
                if args.load == "seq":
                    run_start = thread_cpu(t.proc.pid) if args.per_run else {}
                    r = bed.load("seq", t.port, 1000)
                    if args.per_run:
                        print_run(runs + 1, r, run_start, thread_cpu(t.proc.pid))
                elif args.load == "idle":  # snapshots while 1,000 connections are held open
                    print("\n== at start\n" + memory_snapshot(args.java_home, t.proc.pid, histogram=False))
                    idle = subprocess.Popen(
                        [str(bed.pkload), "idle", str(t.port), "1000", "6000", str(t.proc.pid)],
                        stdout=subprocess.PIPE, text=True,
                    )
                    time.sleep(4)
                    print("\n== holding 1,000 idle connections\n" + memory_snapshot(args.java_home, t.proc.pid))
                    r = idle.communicate()[0]
                    break
                elif args.load == "start":
                    r = {"rss_kib": bench.rss_kib(t.proc.pid)}
                    print(memory_snapshot(args.java_home, t.proc.pid))
                    break
                else:
                    r = bench.run_bulk(bed, t, args.load, plan)
                runs += 1
            print(f"{runs} runs, last: {r}")
            after = thread_cpu(t.proc.pid)
            rows = sorted(((after[k] - before.get(k, 0), k) for k in after), reverse=True)
            print("\nCPU ms by thread (during the load):")
            for ms, name in rows[:12]:
                if ms > 0:
                    print(f"  {ms:8.0f}  {name}")
            print(f"\nRSS at the end {bench.rss_kib(t.proc.pid)} KiB")
            bench.stop(t.proc)
        finally:
            bed.close()
    jfr_tool = str(Path(args.java_home) / "bin" / "jfr")
    for view in ("gc-pauses", "gc-configuration"):
        out = subprocess.run([jfr_tool, "view", "--width", "160", view, str(jfr)], capture_output=True, text=True)
        print(f"\n== jfr view {view}\n{out.stdout.strip()[:1500]}")
    cpu = parse_events(jfr_tool, jfr, "jdk.CPUTimeSample", args.depth)
    print("\n== CPU time samples (jdk.CPUTimeSample, whole recording)\n" + report(cpu, args.depth, args.top, "samples"))
    alloc = [e for e in parse_events(jfr_tool, jfr, "jdk.ObjectAllocationSample", args.depth) if e[2] != "main"]
    print("\n== allocation (jdk.ObjectAllocationSample, main thread left out)\n" + report(alloc, args.depth, args.top, "bytes"))
    print(f"\nrecording: {jfr}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
