package dev.portkeep.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The status document (status/StatusJson) as text: one line per tunnel, one per forward, the last
 * error under each, and under an SMB forward the command that connects each client OS. Reads the
 * JSON the running {@code up} answered, so it shows exactly what a script would see.
 */
final class StatusText {
  private StatusText() {}

  static List<String> render(JsonNode document, Instant now) {
    List<String> lines = new ArrayList<>();
    for (JsonNode t : document.path("tunnels")) {
      lines.add(tunnel(t, now));
      error(t.path("last_error"), "    ", lines);
      for (JsonNode f : t.path("forwards")) {
        lines.add(forward(f));
        error(f.path("last_error"), "      ", lines);
        smb(f.path("smb"), lines);
      }
    }
    if (lines.isEmpty()) {
      lines.add("no tunnels");
    }
    return lines;
  }

  private static String tunnel(JsonNode t, Instant now) {
    StringBuilder line = new StringBuilder();
    line.append(String.format(Locale.ROOT, "%-16s %-13s", t.path("name").asText(), state(t)));
    line.append(" for ").append(age(Instant.parse(t.path("since").asText()), now));
    line.append("  ").append(t.path("server").asText());
    if (!t.path("cipher").isNull()) {
      line.append(" (").append(t.path("cipher").asText()).append(")");
    }
    long reconnects = t.path("reconnects").asLong();
    if (reconnects > 0) {
      line.append("  reconnects ").append(reconnects);
    }
    if (!t.path("next_try").isNull()) {
      Duration in = Duration.between(now, Instant.parse(t.path("next_try").asText()));
      line.append("  next try in ").append(seconds(in.isNegative() ? Duration.ZERO : in));
    }
    return line.toString();
  }

  private static String state(JsonNode t) {
    String state = t.path("state").asText();
    return t.path("attempt").isNull() || t.path("attempt").asInt() == 0
        ? state
        : state + " #" + t.path("attempt").asInt();
  }

  private static String forward(JsonNode f) {
    StringBuilder line = new StringBuilder("  ");
    line.append(
        String.format(
            Locale.ROOT, "%-36s %-9s", f.path("spec").asText(), f.path("state").asText()));
    List<String> listen = new ArrayList<>();
    f.path("listen").forEach(l -> listen.add(l.asText()));
    line.append(" ").append(String.join(" ", listen));
    if (!f.path("open").isNull()) {
      line.append(
          String.format(
              Locale.ROOT,
              "  conns %d open/%d  up %s  down %s",
              f.path("open").asLong(),
              f.path("total").asLong(),
              bytes(f.path("bytes_up").asLong()),
              bytes(f.path("bytes_down").asLong())));
    }
    List<String> failures = new ArrayList<>();
    f.path("failures")
        .properties()
        .forEach(
            e -> {
              if (e.getValue().asLong() > 0) {
                failures.add(e.getKey() + " " + e.getValue().asLong());
              }
            });
    if (!failures.isEmpty()) {
      line.append("  failures: ").append(String.join(", ", failures));
    }
    JsonNode probe = f.path("probe");
    if (!probe.isNull() && !probe.isMissingNode()) {
      line.append("  probe ")
          .append(probe.path("ok").asBoolean() ? "ok" : "FAILED")
          .append(" (")
          .append(probe.path("latency_ms").asLong())
          .append(" ms)");
    }
    return line.toString();
  }

  private static void error(JsonNode e, String indent, List<String> lines) {
    if (e.isNull() || e.isMissingNode()) {
      return;
    }
    lines.add(
        indent + "last error (" + e.path("kind").asText() + "): " + e.path("message").asText());
    JsonNode bind = e.path("bind");
    if (!bind.isNull() && !bind.isMissingNode()) {
      for (JsonNode h : bind.path("holders")) {
        lines.add(
            indent
                + "  held by "
                + h.path("process").asText("?")
                + (h.path("pid").isNull() ? "" : " (pid " + h.path("pid").asLong() + ")")
                + ", "
                + h.path("state").asText()
                + " "
                + h.path("local").asText());
      }
      lines.add(indent + "  rule " + bind.path("rule").asText());
    }
    if (!e.path("hint").asText().isEmpty()) {
      lines.add(indent + "  hint: " + e.path("hint").asText());
    }
  }

  /**
   * The share and one line per client OS, the command alone after the OS's name so that it can be
   * copied as it is; a note goes on the line below.
   */
  private static void smb(JsonNode smb, List<String> lines) {
    if (smb.isNull() || smb.isMissingNode()) {
      return;
    }
    lines.add(
        smb.path("share").isNull()
            ? "      smb: no share named in the tunnels file"
            : "      smb share " + smb.path("share").asText());
    for (JsonNode c : smb.path("commands")) {
      lines.add(
          String.format(
              Locale.ROOT, "        %-8s %s", c.path("os").asText(), c.path("command").asText()));
      if (!c.path("note").isNull()) {
        lines.add("                 " + c.path("note").asText());
      }
    }
  }

  /** {@code 3d 4h}, {@code 2h 5m}, {@code 4m 10s}, {@code 12s}. */
  static String age(Instant since, Instant now) {
    long s = Math.max(0, Duration.between(since, now).toSeconds());
    if (s >= 86_400) {
      return (s / 86_400) + "d " + (s % 86_400 / 3600) + "h";
    }
    if (s >= 3600) {
      return (s / 3600) + "h " + (s % 3600 / 60) + "m";
    }
    if (s >= 60) {
      return (s / 60) + "m " + (s % 60) + "s";
    }
    return s + "s";
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  /** {@code 512 B}, {@code 1.5 KiB}, {@code 3.2 GiB}. */
  static String bytes(long n) {
    if (n < 1024) {
      return n + " B";
    }
    String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = n;
    int unit = -1;
    while (value >= 1024 && unit < units.length - 1) {
      value /= 1024;
      unit++;
    }
    return String.format(Locale.ROOT, "%.1f %s", value, units[unit]);
  }
}
