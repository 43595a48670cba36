package dev.portkeep.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The ssh_config keywords portkeep understands, matched case-insensitively as OpenSSH does. */
public enum Keyword {
  PORT("Port"),
  USER("User"),
  IDENTITY_FILE("IdentityFile"),
  STRICT_HOST_KEY_CHECKING("StrictHostKeyChecking"),
  USER_KNOWN_HOSTS_FILE("UserKnownHostsFile"),
  EXIT_ON_FORWARD_FAILURE("ExitOnForwardFailure"),
  CONNECT_TIMEOUT("ConnectTimeout"),
  BATCH_MODE("BatchMode"),
  LOCAL_FORWARD("LocalForward"),
  HOST_NAME("HostName"),
  PROXY_JUMP("ProxyJump"),
  REMOTE_FORWARD("RemoteForward"),
  DYNAMIC_FORWARD("DynamicForward"),
  SERVER_ALIVE_INTERVAL("ServerAliveInterval"),
  SERVER_ALIVE_COUNT_MAX("ServerAliveCountMax"),
  IDENTITY_AGENT("IdentityAgent"),
  IDENTITIES_ONLY("IdentitiesOnly"),
  CERTIFICATE_FILE("CertificateFile"),
  PROXY_COMMAND("ProxyCommand"),
  PASSWORD_AUTHENTICATION("PasswordAuthentication"),
  KBD_INTERACTIVE_AUTHENTICATION("KbdInteractiveAuthentication"),
  PREFERRED_AUTHENTICATIONS("PreferredAuthentications"),
  NUMBER_OF_PASSWORD_PROMPTS("NumberOfPasswordPrompts"),
  /** portkeep's own: reconnect after a lost session (yes by default). Not an OpenSSH keyword. */
  RECONNECT("Reconnect"),
  /** portkeep's own: seconds to hold connections that arrive while reconnecting. */
  RECONNECT_HOLD("ReconnectHold"),
  /** portkeep's own: how many SSH sessions to spread forwarded connections across. */
  SESSIONS("Sessions"),
  /**
   * portkeep's own: a command whose first line of output is the password, for tunnels without a
   * terminal. portkeep never stores a password.
   */
  PASSWORD_COMMAND("PasswordCommand");

  private final String canonical;

  Keyword(String canonical) {
    this.canonical = canonical;
  }

  public String canonical() {
    return canonical;
  }

  /** Keywords that may be given many times and accumulate instead of first-wins. */
  public boolean accumulates() {
    return this == IDENTITY_FILE
        || this == CERTIFICATE_FILE
        || this == LOCAL_FORWARD
        || this == REMOTE_FORWARD
        || this == DYNAMIC_FORWARD;
  }

  /**
   * Keywords whose {@code -o} values get {@code ~} and {@code %} tokens expanded as ssh_config's
   * do. (IdentityFile from {@code -i} and {@code -o} keeps portkeep's earlier reading: {@code ~}
   * only.)
   */
  public boolean hasTokens() {
    return this == IDENTITY_AGENT || this == CERTIFICATE_FILE || this == PROXY_COMMAND;
  }

  /** True for portkeep's own keywords, which OpenSSH does not know: accepted with -o only. */
  public boolean portkeepOnly() {
    return this == RECONNECT
        || this == RECONNECT_HOLD
        || this == SESSIONS
        || this == PASSWORD_COMMAND;
  }

  public static Optional<Keyword> lookup(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return Arrays.stream(values())
        .filter(k -> k.canonical.toLowerCase(Locale.ROOT).equals(lower))
        .findFirst();
  }

  static String known() {
    return String.join(", ", Arrays.stream(values()).map(Keyword::canonical).toList());
  }
}
