package dev.portkeep.testing;

/** Tables of a tunnels file for tests: one {@code -L} tunnel through a test sshd. */
public final class TunnelTables {
  private TunnelTables() {}

  /**
   * {@code [tunnel.NAME]} through {@code sshd}, forwarding 127.0.0.1:{@code port} to
   * 127.0.0.1:{@code target}, then {@code extra} lines.
   */
  public static String local(
      String name, OpenSshServer sshd, int port, int target, String... extra) {
    return "[tunnel."
        + name
        + "]\n"
        + "host = \""
        + sshd.user()
        + "@127.0.0.1:"
        + sshd.port()
        + "\"\n"
        + "local = [\"127.0.0.1:"
        + port
        + ":127.0.0.1:"
        + target
        + "\"]\n"
        + "options = { IdentityFile = \""
        + sshd.clientKey()
        + "\", UserKnownHostsFile = \""
        + sshd.knownHostsFile()
        + "\" }\n"
        + String.join("\n", extra)
        + "\n";
  }
}
