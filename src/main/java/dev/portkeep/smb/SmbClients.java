package dev.portkeep.smb;

import dev.portkeep.bind.Addresses;
import dev.portkeep.bind.rules.AddressLiteral;
import dev.portkeep.config.IpLiterals;
import dev.portkeep.config.SmbAddresses;
import dev.portkeep.status.SmbAccess;
import dev.portkeep.status.SmbAccess.ClientCommand;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The commands that reach an SMB listener from each client OS, for the status and the web page. A
 * share the user did not name is never made up: Linux then lists the shares, macOS opens the server
 * (Finder offers its shares), and Windows, whose {@code net use} needs one, shows {@code <share>}
 * with a note saying what goes there. Each IPv6 literal in the form its client takes: bare for
 * smbclient (it refuses {@code //[::1]/s}), bracketed in an smb:// URL, and as an ipv6-literal.net
 * name in a UNC path, the only way Windows writes one.
 */
public final class SmbClients {
  static final String WINDOWS = "windows";
  static final String MACOS = "macos";
  static final String LINUX = "linux";

  /** Characters a POSIX shell takes literally in a word, so no quotes are needed. */
  private static final Pattern SHELL_PLAIN = Pattern.compile("[A-Za-z0-9_./:%@=+,-]+");

  private SmbClients() {}

  /**
   * How clients on this computer reach the listener at {@code listener}, naming {@code share} when
   * there is one; a wildcard listener (0.0.0.0, ::) through the loopback address of its family.
   */
  public static SmbAccess access(InetSocketAddress listener, Optional<String> share) {
    InetAddress address = Addresses.reachable(listener).getAddress();
    boolean v6 = address instanceof Inet6Address;
    String host = AddressLiteral.format(address);
    int port = listener.getPort();
    return new SmbAccess(
        share,
        List.of(
            windows(v6 ? uncName(host) : host, port, share),
            macos(host, port, share),
            linux(host, port, share)));
  }

  static ClientCommand linux(String host, int port, Optional<String> share) {
    String p = port == SmbAddresses.SMB_PORT ? "" : " -p " + port;
    if (share.isEmpty()) {
      return new ClientCommand(
          LINUX,
          "smbclient -L " + shellWord("//" + host) + p,
          Optional.of("lists the shares; open one with smbclient //" + host + "/NAME" + p));
    }
    return new ClientCommand(
        LINUX, "smbclient " + shellWord("//" + host + "/" + share.get()) + p, Optional.empty());
  }

  static ClientCommand macos(String host, int port, Optional<String> share) {
    String url =
        "smb://"
            + IpLiterals.bracketed(host.replace("%", "%25"))
            + (port == SmbAddresses.SMB_PORT ? "" : ":" + port)
            + "/"
            + share.map(SmbClients::pathSegment).orElse("");
    return new ClientCommand(
        MACOS,
        "open " + shellWord(url),
        share.isEmpty() ? Optional.of("Finder connects and offers the shares") : Optional.empty());
  }

  static ClientCommand windows(String host, int port, Optional<String> share) {
    String unc = "\\\\" + host + "\\" + share.orElse("<share>");
    String command =
        "net use "
            + (unc.contains(" ") ? "\"" + unc + "\"" : unc)
            + (port == SmbAddresses.SMB_PORT ? "" : " /TCPPORT:" + port);
    List<String> notes = new ArrayList<>();
    if (share.isEmpty()) {
      notes.add(
          "put the name of a share on the file server in place of <share> (net use needs one;"
              + " name it with share in the tunnel's smb table to see it here)");
    }
    if (port != SmbAddresses.SMB_PORT) {
      notes.add(
          "a port other than 445 needs Windows 11 24H2 or Windows Server 2025 (net use /TCPPORT)");
    }
    return new ClientCommand(
        WINDOWS,
        command,
        notes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notes)));
  }

  /** An IPv6 literal as a UNC host name: {@code ::1} is {@code 0--1.ipv6-literal.net}. */
  static String uncName(String v6) {
    String name = v6.replace(':', '-').replace('%', 's');
    return (name.startsWith("-") ? "0" + name : name)
        + (name.endsWith("-") ? "0" : "")
        + ".ipv6-literal.net";
  }

  /** {@code word} as one shell word: as it is when plain, else in single quotes. */
  static String shellWord(String word) {
    return SHELL_PLAIN.matcher(word).matches() ? word : "'" + word.replace("'", "'\\''") + "'";
  }

  /** A share name as a URL path segment: UTF-8, percent-encoded beyond the unreserved set. */
  static String pathSegment(String share) {
    StringBuilder out = new StringBuilder();
    for (byte b : share.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~$".indexOf(c) >= 0)) {
        out.append(c);
      } else {
        out.append('%').append(String.format("%02X", b & 0xff));
      }
    }
    return out.toString();
  }
}
