package dev.portkeep.service;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * macOS: a launchd job running {@code portkeep up}: an agent in ~/Library/LaunchAgents, loaded into
 * the user's GUI session, or (as root) a daemon in /Library/LaunchDaemons. KeepAlive with
 * SuccessfulExit false starts it again when it fails, as systemd's Restart=on-failure does; its
 * output goes to a log file, since launchd keeps none.
 */
public final class Launchd {
  public static final String LABEL = "dev.portkeep.up";

  private Launchd() {}

  public static ServicePlan plan(Scope scope, Path launcher, Path tunnels, Path home, long uid) {
    boolean user = scope == Scope.USER;
    Path file =
        (user ? home.resolve("Library/LaunchAgents") : Path.of("/Library/LaunchDaemons"))
            .resolve(LABEL + ".plist");
    Path log = user ? home.resolve("Library/Logs/portkeep.log") : Path.of("/var/log/portkeep.log");
    String domain = user ? "gui/" + uid : "system";
    return new ServicePlan(
        user ? "launchd agent" : "launchd daemon",
        file,
        plist(launcher, tunnels, log),
        StandardCharsets.UTF_8,
        ServicePlan.WRITTEN_BY,
        List.of(List.of("launchctl", "bootstrap", domain, file.toString())),
        List.of(List.of("launchctl", "bootout", domain + "/" + LABEL)),
        List.of("launchctl", "print", domain + "/" + LABEL),
        List.of("launchctl", "kill", "0", domain + "/" + LABEL));
  }

  static String plist(Path launcher, Path tunnels, Path log) {
    return """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" \
        "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
        <!-- %s; portkeep service uninstall removes it. -->
        <plist version="1.0">
        <dict>
          <key>Label</key>
          <string>%s</string>
          <key>ProgramArguments</key>
          <array>
            <string>%s</string>
            <string>up</string>
            <string>-c</string>
            <string>%s</string>
          </array>
          <key>RunAtLoad</key>
          <true/>
          <key>KeepAlive</key>
          <dict>
            <key>SuccessfulExit</key>
            <false/>
          </dict>
          <key>ThrottleInterval</key>
          <integer>5</integer>
          <key>StandardOutPath</key>
          <string>%s</string>
          <key>StandardErrorPath</key>
          <string>%s</string>
        </dict>
        </plist>
        """
        .formatted(
            ServicePlan.WRITTEN_BY,
            LABEL,
            Xml.text(launcher.toString()),
            Xml.text(tunnels.toString()),
            Xml.text(log.toString()),
            Xml.text(log.toString()));
  }
}
