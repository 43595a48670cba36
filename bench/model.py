"""The figures bench/run measures and the values it collects: shared by the runner and the report."""

from __future__ import annotations

from dataclasses import dataclass, field

MiB = 1 << 20

CIPHERS = {"aes": "aes128-gcm@openssh.com", "chacha": "chacha20-poly1305@openssh.com"}
CIPHER_TITLE = {"aes": "AES-128-GCM", "chacha": "ChaCha20-Poly1305"}


@dataclass(frozen=True)
class Figure:
    """One measured quantity. `better` says which way is good for portkeep's ratio."""

    key: str
    title: str
    short: str  # the chart's label
    unit: str
    better: str  # "higher" or "lower"
    target: str = ""  # human text
    target_ratio: float | None = None  # ratio portkeep/OpenSSH the target asks for
    target_abs: float | None = None  # absolute portkeep value the target asks for


def bulk_figures(cipher: str) -> list[Figure]:
    single = 0.8 if cipher == "chacha" else 1.0
    return [
        Figure("up1", "1 stream upload", "1 up", "MB/s", "higher", f">= {single}x", single),
        Figure("down1", "1 stream download", "1 down", "MB/s", "higher", f">= {single}x", single),
        Figure("up8", "8 streams upload", "8 up", "MB/s", "higher"),
        Figure("down8", "8 streams download", "8 down", "MB/s", "higher"),
        Figure("up64", "64 streams upload", "64 up", "MB/s", "higher", ">= 1.0x", 1.0),
        Figure("down64", "64 streams download", "64 down", "MB/s", "higher", ">= 1.0x", 1.0),
    ]


SEQ_FIGURES = [
    Figure("seq_rate", "sequential connections", "seq conn/s", "conn/s", "higher", ">= 1.0x", 1.0),
    Figure("seq_median", "sequential connect+echo+close, median", "seq median", "us", "lower"),
    Figure("seq_p99", "sequential connect+echo+close, p99", "seq p99", "us", "lower", "p99 < 5000 us", None, 5000),
    # The same load once each tunnel has carried WARM_SEQ_COUNT more connections: what a connection
    # costs once the JIT has compiled its path, not a target of its own.
    Figure("seq_warm_rate", "sequential connections, warm", "seq warm conn/s", "conn/s", "higher"),
    Figure("seq_warm_p99", "sequential connect+echo+close, warm, p99", "seq warm p99", "us", "lower"),
]
# Connections each tunnel carries, after the rounds of the cold figures, before the warm ones.
WARM_SEQ_COUNT = 15000
# Client CPU per GB moved, portkeep / OpenSSH, that the single-stream figures ask for.
SINGLE_CPU_TARGET = 1.0
# RSS right after the steady phase (the bulk loads just over), MiB.
AFTER_STEADY_TARGET_MIB = 128

FRESH_FIGURES = [
    Figure("cold_start", "cold start to first forwarded byte", "cold start", "ms", "lower", "as low as the JVM allows"),
    Figure("cold_start_jar", "cold start, java -jar without the launcher", "cold start (java -jar)", "ms", "lower"),
    Figure("rss_start", "RSS at start", "RSS at start", "MiB", "lower", "<= 64 MiB", None, 64),
    Figure("rss_settled", "RSS 5 s after start", "RSS after 5 s", "MiB", "lower"),
    Figure("idle_conn", "memory per idle connection", "KiB per idle conn", "KiB", "lower", "<= 33 KiB", None, 33),
]


@dataclass
class Series:
    """The values of one figure for both tools, one per round, in round order."""

    figure: Figure
    cipher: str
    portkeep: list[float] = field(default_factory=list)
    openssh: list[float] = field(default_factory=list)
    extra: dict[str, list[float]] = field(default_factory=dict)  # e.g. CPU ms per GB

    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.portkeep, self.openssh) if b]


class Results:
    def __init__(self) -> None:
        self.series: dict[tuple[str, str], Series] = {}
        self.failures: list[dict] = []

    def add(self, fig: Figure, cipher: str, tool: str, value: float, **extra: float) -> None:
        s = self.series.setdefault((cipher, fig.key), Series(fig, cipher))
        (s.portkeep if tool.startswith("portkeep") else s.openssh).append(value)
        for k, v in extra.items():
            s.extra.setdefault(f"{tool.split('-')[0]}_{k}", []).append(v)
