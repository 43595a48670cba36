package dev.portkeep.config.tunnels;

import dev.portkeep.config.Keyword;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** The keys of the tunnels file, and the hints for a key written in the wrong place. */
final class Keys {
  static final String TUNNEL = "tunnel";

  static final String SSH_CONFIG = "ssh_config";
  static final String ON_CHANGE = "on_change";
  static final String HOOK_TIMEOUT = "hook_timeout";
  static final String LOG_FILE = "log_file";
  static final String LOG_MAX_SIZE = "log_max_size";
  static final String LOG_KEEP = "log_keep";
  static final String METRICS = "metrics";
  static final String UI = "ui";

  static final String HOST = "host";
  static final String LOCAL = "local";
  static final String REMOTE = "remote";
  static final String DYNAMIC = "dynamic";
  static final String OPTIONS = "options";
  static final String ADDRESS_FAMILY = "address_family";
  static final String PASSWORD_COMMAND = "password_command";
  static final String SMB = "smb";
  static final String ENABLED = "enabled";
  static final String PROBE = "probe";

  static final String FILESERVER = "fileserver";
  static final String NETBIOS = "netbios";
  static final String LISTEN = "listen";
  static final String SHARE = "share";

  static final List<String> GLOBAL =
      List.of(SSH_CONFIG, ON_CHANGE, HOOK_TIMEOUT, LOG_FILE, LOG_MAX_SIZE, LOG_KEEP, METRICS, UI);
  static final List<String> TOP = Stream.concat(GLOBAL.stream(), Stream.of(TUNNEL)).toList();
  static final List<String> IN_TUNNEL =
      List.of(
          HOST,
          LOCAL,
          REMOTE,
          DYNAMIC,
          OPTIONS,
          ADDRESS_FAMILY,
          PASSWORD_COMMAND,
          SMB,
          ENABLED,
          PROBE,
          ON_CHANGE);
  static final List<String> IN_SMB = List.of(FILESERVER, NETBIOS, LISTEN, SHARE);

  private Keys() {}

  /** A tunnel's key at the top of the file: it belongs in a [tunnel.NAME] table. */
  static Optional<String> topLevelHint(String key) {
    Optional<Keyword> keyword = Keyword.lookup(key);
    if (keyword.isPresent()) {
      return Optional.of(
          "ssh options go in a tunnel's options = { "
              + keyword.get().canonical()
              + " = \"...\" }, or for every tunnel in the ssh_config under Host *");
    }
    if (IN_TUNNEL.contains(key)) {
      return Optional.of(
          "a tunnel's keys go in its own table: [tunnel.NAME] on one line, then " + key + " = ...");
    }
    return Optional.empty();
  }

  /** A global key or an ssh_config keyword inside a tunnel's table. */
  static Optional<String> tunnelHint(String key) {
    if (GLOBAL.contains(key)) {
      return Optional.of(
          key + " is a global key: put it at the top of the file, before the first [tunnel.NAME]");
    }
    return Keyword.lookup(key)
        .map(k -> "ssh options go in options: options = { " + k.canonical() + " = \"...\" }");
  }
}
