package dev.portkeep.service;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Linux: a systemd unit running {@code portkeep up}, restarted when it fails. A user unit in {@code
 * $XDG_CONFIG_HOME/systemd/user} (enabled with {@code systemctl --user}, started at logon) or, as
 * root, a system unit in {@code /etc/systemd/system} started at boot.
 */
public final class Systemd {
  public static final String UNIT = "portkeep.service";

  private Systemd() {}

  /** The plan; {@code configHome} is $XDG_CONFIG_HOME or ~/.config. */
  public static ServicePlan plan(Scope scope, Path launcher, Path tunnels, Path configHome) {
    Path file =
        scope == Scope.USER
            ? configHome.resolve("systemd/user").resolve(UNIT)
            : Path.of("/etc/systemd/system").resolve(UNIT);
    List<String> ctl = scope == Scope.USER ? List.of("systemctl", "--user") : List.of("systemctl");
    return new ServicePlan(
        scope == Scope.USER ? "systemd user unit" : "systemd system unit",
        file,
        unit(scope, launcher, tunnels),
        StandardCharsets.UTF_8,
        ServicePlan.WRITTEN_BY,
        List.of(with(ctl, "daemon-reload"), with(ctl, "enable", "--now", UNIT)),
        List.of(with(ctl, "disable", "--now", UNIT)),
        with(ctl, "is-enabled", "--quiet", UNIT),
        with(ctl, "is-active", "--quiet", UNIT));
  }

  /**
   * The unit. Exit status 2 (a mistake in the tunnels file or the flags) is not restarted: the same
   * file would fail the same way every 5 s; {@code portkeep reload} is ExecReload's SIGHUP.
   */
  static String unit(Scope scope, Path launcher, Path tunnels) {
    StringBuilder u = new StringBuilder();
    u.append("# ")
        .append(ServicePlan.WRITTEN_BY)
        .append("; portkeep service uninstall removes it.\n");
    u.append("[Unit]\n");
    u.append("Description=portkeep tunnels (portkeep up)\n");
    u.append("Documentation=man:portkeep(1)\n");
    if (scope == Scope.SYSTEM) {
      u.append("Wants=network-online.target\nAfter=network-online.target\n");
    }
    u.append("\n[Service]\n");
    u.append("Type=simple\n");
    u.append("ExecStart=")
        .append(quote(launcher.toString()))
        .append(" up -c ")
        .append(quote(tunnels.toString()))
        .append('\n');
    u.append("ExecReload=/bin/kill -HUP $MAINPID\n");
    u.append("Restart=on-failure\n");
    u.append("RestartSec=5s\n");
    u.append("RestartPreventExitStatus=2\n");
    u.append("\n[Install]\n");
    u.append("WantedBy=").append(scope == Scope.USER ? "default.target" : "multi-user.target");
    u.append('\n');
    return u.toString();
  }

  /** An ExecStart word: as is when plain, else in double quotes with \ " and $ escaped. */
  static String quote(String word) {
    if (word.matches("[A-Za-z0-9_./:@+=,-]+")) {
      return word;
    }
    return '"'
        + word.replace("\\", "\\\\").replace("\"", "\\\"").replace("$", "$$").replace("%", "%%")
        + '"';
  }

  private static List<String> with(List<String> head, String... tail) {
    List<String> all = new ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}
