"""bench/run's report: Markdown, JSON and a gnuplot chart of the ratios portkeep / OpenSSH."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
from pathlib import Path

from model import (
    AFTER_STEADY_TARGET_MIB,
    CIPHER_TITLE,
    FRESH_FIGURES,
    SEQ_FIGURES,
    SINGLE_CPU_TARGET,
    WARM_SEQ_COUNT,
    MiB,
    Results,
    Series,
    bulk_figures,
)


def summary(values: list[float]) -> dict:
    if not values:
        return {}
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def verdict(s: Series) -> str:
    f = s.figure
    pk = statistics.median(s.portkeep)
    if f.target_ratio is not None:
        return "met" if statistics.median(s.ratios()) >= f.target_ratio else "missed"
    if f.target_abs is not None:
        ok = pk < f.target_abs if f.key == "seq_p99" else pk <= f.target_abs
        return "met" if ok else "missed"
    return ""


def ceiling(s: Series) -> float:
    """Throughput ratio a zero-cost client would reach, from the OpenSSH rounds (see the report)."""
    cpus = os.cpu_count() or 1
    bounds = []
    for mbps, busy, client in zip(s.openssh, s.extra["ssh_machine_busy_pct"], s.extra["ssh_cpu_ms_per_gb"]):
        total = busy / 100 * cpus * 1000 / (mbps / 1000)  # CPU ms per GB, the whole machine
        bounds.append(total / max(1.0, total - client))
    return statistics.median(bounds)


def fmt(v: float) -> str:
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def span(values: list[float]) -> str:
    s = summary(values)
    return f"{fmt(s['median'])} ({fmt(s['min'])}–{fmt(s['max'])})"


def ordered(res: Results) -> list[Series]:
    order = [f.key for f in bulk_figures("aes") + SEQ_FIGURES + FRESH_FIGURES]
    return sorted(res.series.values(), key=lambda s: (s.cipher != "aes", order.index(s.figure.key)))


def glance(res: Results) -> list[str]:
    """One row per figure: the median ratio (min-max) per cipher, with the target and its verdict."""
    ciphers = sorted({c for c, _ in res.series}, key=lambda c: c != "aes")
    head = "| figure | better | " + " | ".join(f"{CIPHER_TITLE[c]}" for c in ciphers) + " | target |"
    rows = [head, "|---|---|" + "---|" * len(ciphers) + "---|"]
    seen = []
    for s in ordered(res):
        if s.figure.key not in seen:
            seen.append(s.figure.key)
    for key in seen:
        cells, target = [], ""
        for c in ciphers:
            s = res.series.get((c, key))
            if not s:
                cells.append("")
                continue
            r = s.ratios()
            v = verdict(s)
            absolute = f", portkeep {fmt(statistics.median(s.portkeep))} {s.figure.unit}" if s.figure.target_abs else ""
            cells.append(f"{fmt(statistics.median(r))}x ({fmt(min(r))}–{fmt(max(r))}){absolute}{' ' + v if v else ''}")
            target = target or s.figure.target
        f = next(s.figure for (c, k), s in res.series.items() if k == key)
        rows.append(f"| {f.title} | {f.better} | " + " | ".join(cells) + f" | {target} |")
    return rows


def write_markdown(path: Path, res: Results, meta: dict) -> None:
    lines = [
        f"# portkeep vs OpenSSH `ssh -N -L`: {meta['mode']} run, {meta['started']}",
        "",
        f"portkeep `{meta['portkeep_version']}` at commit `{meta['commit']}`, JVM flags "
        f"`{' '.join(meta['jvm_flags'])}` `{meta['portkeep_java_opts']}`, portkeep options `{meta.get('portkeep_args', '')}`, {meta['java']}; {meta['openssh']}; "
        f"{meta['cpus']} CPUs, load average at start {meta['loadavg']}.",
        f"{meta['rounds']} rounds after a warm-up, portkeep then OpenSSH each time. Single stream "
        f"{meta['single_bytes'] // MiB} MiB, parallel {meta['parallel_bytes'] // MiB} MiB in total, "
        f"{meta['seq_count']} sequential connections, {meta['idle_count']} idle connections.",
        "",
        "## Ratios at a glance",
        "",
        *glance(res),
        "",
        "## Every figure",
        "",
        "Each cell: median (min–max) over the rounds. Ratio = portkeep / OpenSSH, one per round; "
        "'better' says which way is good for portkeep.",
        "",
        "| cipher | figure | unit | better | portkeep | OpenSSH | ratio | ratios per round | target | |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in ordered(res):
        f = s.figure
        per_round = " ".join(f"{r:.2f}" for r in s.ratios())
        lines.append(
            f"| {CIPHER_TITLE[s.cipher]} | {f.title} | {f.unit} | {f.better} | {span(s.portkeep)} | "
            f"{span(s.openssh)} | **{fmt(statistics.median(s.ratios()))}x** ({fmt(min(s.ratios()))}–"
            f"{fmt(max(s.ratios()))}) | {per_round} | {f.target} | {verdict(s)} |"
        )
    lines += [
        "",
        "## CPU per GB moved",
        "",
        "Milliseconds of CPU per GB (all threads): the client (portkeep's JVM or ssh), the sshd session "
        "serving it, and how busy the whole machine was during the transfer (100 % = every CPU busy; "
        "it includes the load generator, the sink, the kernel and anything else running). CPU per GB is "
        "less noisy than MB/s on a shared machine.",
        "",
        "'Ceiling' is the ratio a client that costs no CPU at all would reach in the OpenSSH rounds' "
        "conditions: when the machine is saturated, throughput can only grow by the share of CPU the "
        "ssh client used (total CPU per GB / (total - ssh's)). A target above it cannot be met on this "
        "machine by any client talking to one sshd.",
        "",
        f"Target: the client's CPU per GB at or below OpenSSH's ({SINGLE_CPU_TARGET}x) for single streams.",
        "",
        "| cipher | figure | portkeep | OpenSSH | ratio | sshd for portkeep | sshd for OpenSSH | machine busy pk / ssh | ceiling | target |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for s in ordered(res):
        pk, ssh = s.extra.get("portkeep_cpu_ms_per_gb"), s.extra.get("ssh_cpu_ms_per_gb")
        if pk and ssh:
            ratio = statistics.median(a / b for a, b in zip(pk, ssh))
            sd_pk, sd_ssh = s.extra["portkeep_sshd_cpu_ms_per_gb"], s.extra["ssh_sshd_cpu_ms_per_gb"]
            busy = f"{fmt(statistics.median(s.extra['portkeep_machine_busy_pct']))} % / {fmt(statistics.median(s.extra['ssh_machine_busy_pct']))} %"
            target = ""
            if s.figure.key in ("up1", "down1"):
                target = f"<= {SINGLE_CPU_TARGET}x " + ("met" if ratio <= SINGLE_CPU_TARGET else "missed")
            lines.append(
                f"| {CIPHER_TITLE[s.cipher]} | {s.figure.title} | {span(pk)} | {span(ssh)} | {fmt(ratio)}x | "
                f"{span(sd_pk)} | {span(sd_ssh)} | {busy} | {fmt(ceiling(s))}x | {target} |"
            )
    conn_rows = []
    for s in ordered(res):
        pk, ssh = s.extra.get("portkeep_cpu_us_per_conn"), s.extra.get("ssh_cpu_us_per_conn")
        if pk and ssh:
            ratio = statistics.median(a / b for a, b in zip(pk, ssh))
            sd_pk, sd_ssh = s.extra["portkeep_sshd_cpu_us_per_conn"], s.extra["ssh_sshd_cpu_us_per_conn"]
            conn_rows.append(
                f"| {CIPHER_TITLE[s.cipher]} | {s.figure.title} | {span(pk)} | {span(ssh)} | {fmt(ratio)}x | "
                f"{span(sd_pk)} | {span(sd_ssh)} |"
            )
    if conn_rows:
        lines += [
            "",
            "## CPU per connection",
            "",
            "Microseconds of CPU per sequential connection (connect, one byte there and back, close), all "
            "threads: the client (portkeep's JVM, its JIT included, or ssh) and the sshd serving it. 'Warm' "
            f"rounds come after each tunnel carried {WARM_SEQ_COUNT} more connections.",
            "",
            "| cipher | figure | portkeep | OpenSSH | ratio | sshd for portkeep | sshd for OpenSSH |",
            "|---|---|---|---|---|---|---|",
            *conn_rows,
        ]
    if res.failures:
        lines += ["", "## Failures", "", "Transfers that did not complete (the round was retried once on a new tunnel):", ""]
        for f in res.failures:
            lines.append(f"- round {f['round']}, attempt {f['attempt']}: {f['error']}")
    if getattr(res, "jvm_floor_ms", None):
        lines += ["", f"JVM floor (the launcher's JVM flags, a class that sends one byte to the sink directly and reads it back, process start to exit): {span(res.jvm_floor_ms)} ms."]
    if getattr(res, "extra_rss", None):
        lines += ["", after_steady(res.extra_rss)]
    lines.append("")
    path.write_text("\n".join(lines))


def after_steady(rss_kib: dict) -> str:
    """The RSS of each client right after the steady phase, with the target's verdict for portkeep."""
    parts = []
    for cipher in CIPHER_TITLE:
        pk, ssh = rss_kib.get(f"portkeep_{cipher}_after_steady_kib"), rss_kib.get(f"ssh_{cipher}_after_steady_kib")
        if pk is None:
            continue
        mib = pk * 1024 / MiB
        met = "met" if mib < AFTER_STEADY_TARGET_MIB else "missed"
        theirs = f" (OpenSSH {fmt(ssh * 1024 / MiB)} MiB)" if ssh is not None else ""
        parts.append(f"{CIPHER_TITLE[cipher]} portkeep {fmt(mib)} MiB{theirs}, {met}")
    return (
        f"RSS right after the steady phase (the bulk loads just over; target < {AFTER_STEADY_TARGET_MIB} MiB): "
        + "; ".join(parts)
        + "."
    )


def write_json(path: Path, res: Results, meta: dict) -> None:
    out = {"meta": meta, "figures": []}
    for s in ordered(res):
        f = s.figure
        out["figures"].append(
            {
                "cipher": s.cipher,
                "key": f.key,
                "title": f.title,
                "unit": f.unit,
                "better": f.better,
                "target": f.target,
                "verdict": verdict(s),
                "portkeep": {"rounds": s.portkeep, **summary(s.portkeep)},
                "openssh": {"rounds": s.openssh, **summary(s.openssh)},
                "ratio": {"rounds": s.ratios(), **summary(s.ratios())},
                "extra": s.extra,
                "ceiling_ratio": ceiling(s) if "ssh_machine_busy_pct" in s.extra else None,
            }
        )
    out["jvm_floor_ms"] = getattr(res, "jvm_floor_ms", [])
    out["failures"] = res.failures
    out["rss_after_steady_kib"] = getattr(res, "extra_rss", {})
    path.write_text(json.dumps(out, indent=1) + "\n")


def write_chart(path: Path, res: Results, meta: dict, tmp: Path) -> None:
    """Two panels: ratios where higher is better, ratios where lower is better; log scale."""
    panels = {"higher": [], "lower": []}
    for s in ordered(res):
        f = s.figure
        r = summary(s.ratios())
        label = f"{f.short}{' chacha' if s.cipher == 'chacha' else ''}"
        target = "NaN"
        if f.target_ratio is not None:
            target = f.target_ratio
        elif f.target_abs is not None:  # an absolute target, drawn where it falls against OpenSSH
            target = f.target_abs / statistics.median(s.openssh)
        color = 2 if s.cipher == "chacha" else 1
        top = ceiling(s) if "ssh_machine_busy_pct" in s.extra else "NaN"
        panels[f.better].append(f'"{label}" {r["median"]:.4f} {r["min"]:.4f} {r["max"]:.4f} {target} {color} {top}')
    script = [
        "set terminal pngcairo size 1400,1000 font 'sans,11'",
        f"set output '{path}'",
        "set multiplot layout 2,1 title "
        f"\"portkeep / OpenSSH ssh -N -L, {meta['mode']} run {meta['started']} (median, bars min-max over {meta['rounds']} rounds)\"",
        "set style fill solid 0.6 border -1",
        "set boxwidth 0.6",
        "set logscale y 2",
        "set grid ytics",
        "set xtics rotate by -30 left",
        "set key top right horizontal font ',9' samplen 2 spacing 1 box opaque",
        "set bmargin 6",
        "set rmargin 9",
        "set linetype 1 lc rgb '#3b6fb6'",
        "set linetype 2 lc rgb '#e08a2c'",
    ]
    for better, rows in panels.items():
        if not rows:
            continue
        data = tmp / f"chart_{better}.dat"
        data.write_text("\n".join(rows) + "\n")
        what = "throughput and rate: above 1 portkeep is faster" if better == "higher" else (
            "latency, start time, memory: below 1 portkeep is cheaper")
        script += [
            f"set title '{what}'",
            "set ylabel 'ratio portkeep / OpenSSH'",
            "set yrange [0.0625:32]" if better == "lower" else "set yrange [0.125:8]",
            f"plot '{data}' using 0:2:($6) with boxes lc variable notitle, "
            f"'' using 0:2:3:4 with yerrorbars lc rgb 'black' pt 0 notitle, "
            f"'' using 0:5 with points pt 7 ps 1.5 lc rgb '#c0392b' title 'target (an absolute one drawn against OpenSSH)', "
            + (f"'' using 0:7 with points pt 9 ps 1.5 lc rgb '#555555' title 'ceiling: a client using no CPU, this machine', "
               if better == "higher" else "")
            + f"1 with lines lc rgb 'black' dt 2 title 'parity', "
            f"'' using 0:4:(sprintf('%.2f',$2)):xtic(1) with labels offset 0,0.7 notitle",
        ]
    script.append("unset multiplot")
    gp = tmp / "chart.gp"
    gp.write_text("\n".join(script) + "\n")
    subprocess.run(["gnuplot", str(gp)], check=True)


def load_results(path: Path) -> tuple[Results, dict]:
    """Results and metadata back from a run's JSON, to draw its report and chart again."""
    data = json.loads(path.read_text())
    figures = {f.key: f for f in bulk_figures("aes") + SEQ_FIGURES + FRESH_FIGURES}
    res = Results()
    for f in data["figures"]:
        fig = bulk_figures(f["cipher"])[[x.key for x in bulk_figures("aes")].index(f["key"])] if f["key"] in [
            x.key for x in bulk_figures("aes")] else figures[f["key"]]
        res.series[(f["cipher"], f["key"])] = Series(fig, f["cipher"], f["portkeep"]["rounds"], f["openssh"]["rounds"], f["extra"])
    res.failures = data.get("failures", [])
    res.jvm_floor_ms = data.get("jvm_floor_ms", [])
    res.extra_rss = data.get("rss_after_steady_kib", {})
    return res, data["meta"]
