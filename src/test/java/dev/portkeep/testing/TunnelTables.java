package dev.portkeep.testing;

/** Tables of a tunnels file for tests: one tunnel through a test sshd. */
public final class TunnelTables {
  private TunnelTables() {}

  /**
   * {@code [tunnel.NAME]} through {@code sshd}, forwarding 127.0.0.1:{@code port} to
   * 127.0.0.1:{@code target}, then {@code extra} lines.
   */
  public static String local(
      String name, OpenSshServer sshd, int port, int target, String... extra) {
    return head(name, sshd)
        + "local = [\"127.0.0.1:"
        + port
        + ":127.0.0.1:"
        + target
        + "\"]\n"
        + String.join("\n", extra)
        + "\n";
  }

  /**
   * An SMB tunnel {@code [tunnel.NAME]} through {@code sshd} to {@code fileserver} ({@code
   * host:port}), its listener at {@code listen}, then {@code extra} lines (e.g. {@code probe = 1}).
   * {@code share} null leaves the share out.
   */
  public static String smb(
      String name,
      OpenSshServer sshd,
      String fileserver,
      String listen,
      String share,
      String... extra) {
    return head(name, sshd)
        + "smb = { fileserver = \""
        + fileserver
        + "\", listen = \""
        + listen
        + "\""
        + (share == null ? "" : ", share = \"" + share + "\"")
        + " }\n"
        + String.join("\n", extra)
        + "\n";
  }

  private static String head(String name, OpenSshServer sshd) {
    return "[tunnel."
        + name
        + "]\n"
        + "host = \""
        + sshd.user()
        + "@127.0.0.1:"
        + sshd.port()
        + "\"\n"
        + "options = { IdentityFile = \""
        + sshd.clientKey()
        + "\", UserKnownHostsFile = \""
        + sshd.knownHostsFile()
        + "\" }\n";
  }
}
