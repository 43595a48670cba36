package dev.portkeep.smb;

import dev.portkeep.bind.BindCheck;
import dev.portkeep.bind.CheckReport;
import dev.portkeep.bind.SocketCheck;
import dev.portkeep.bind.SocketOptionsPolicy;
import dev.portkeep.bind.SocketPlan;
import dev.portkeep.bind.rules.Rule;
import dev.portkeep.config.IpLiterals;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Picks the local listener for SMB on this OS with the privileges portkeep has, using the bind
 * engine, and says why:
 *
 * <ul>
 *   <li>Linux: port 445 on a free 127.0.0.x when portkeep may bind it (clients then need no port
 *       option); otherwise a high port on 127.0.0.1;
 *   <li>macOS: 127.0.0.1:445 when it can be bound, else a high port (launchd holds *:445 while File
 *       Sharing is on);
 *   <li>Windows: the kernel's SMB server holds 445, so a high port on 127.0.0.1, with {@code net
 *       use /TCPPORT} on Windows 11 24H2 and Server 2025, or the older-Windows procedure.
 * </ul>
 */
public final class SmbRoute {
  static final int SMB = 445;
  static final int PREFERRED_HIGH = 1445;

  /**
   * Windows 11 24H2 and Windows Server 2025 share build 26100, the first with SMB alternative
   * ports.
   */
  static final int ALTERNATIVE_PORTS_BUILD = 26100;

  private static final int ALIASES = 40;

  private final BindCheck check;
  private final SocketOptionsPolicy os;
  private final OptionalInt windowsBuild;

  public SmbRoute(BindCheck check, SocketOptionsPolicy os, OptionalInt windowsBuild) {
    this.check = check;
    this.os = os;
    this.windowsBuild = windowsBuild;
  }

  /** Chooses the listener for this host. */
  public SmbListener choose() {
    List<String> why = new ArrayList<>();
    if (os == SocketOptionsPolicy.WINDOWS) {
      why.add(
          "Windows' own SMB server (the kernel, System pid 4) holds port 445 on every address, so"
              + " no program can listen there; portkeep forwards a high port instead");
      int port = highPort(why);
      return new SmbListener("127.0.0.1", port, why);
    }
    Optional<String> alias =
        os == SocketOptionsPolicy.LINUX ? freeLoopbackFor445(why) : loopback445(why);
    if (alias.isPresent()) {
      return new SmbListener(alias.get(), SMB, why);
    }
    int port = highPort(why);
    return new SmbListener("127.0.0.1", port, why);
  }

  /** How each client connects to the listener once it is bound at {@code port}. */
  public List<String> howToConnect(String address, int port, String share, String user) {
    return os == SocketOptionsPolicy.WINDOWS
        ? windowsConnect(port, share, user)
        : unixConnect(address, port, share, user);
  }

  private Optional<String> freeLoopbackFor445(List<String> why) {
    for (int last = 2; last < 2 + ALIASES; last++) {
      String address = "127.0.0." + last;
      CheckReport report = check.check(address + ":" + SMB, List.of(plan(address, SMB)));
      if (report.bindable()) {
        why.add(
            "portkeep may bind port 445 and "
                + address
                + ":445 is free, so clients connect with no port"
                + " option (Linux accepts any 127.0.0.0/8 address)");
        return Optional.of(address);
      }
      SocketCheck failed = report.firstFailure().orElseThrow();
      if (failed.ruleIs(Rule.PRIVILEGED_PORT)) {
        why.add("port 445 needs root or CAP_NET_BIND_SERVICE, so a high port is used");
        return Optional.empty();
      }
      if (!failed.holders().isEmpty() && failed.holders().get(0).entry().local().isWildcard()) {
        why.add(
            "port 445 is held on every address by "
                + failed.holderText()
                + ", so a high port is used");
        return Optional.empty();
      }
    }
    why.add(
        "no loopback address from 127.0.0.2 to 127.0.0."
            + (1 + ALIASES)
            + " has port 445 free, so a high port is used");
    return Optional.empty();
  }

  private Optional<String> loopback445(List<String> why) {
    CheckReport report = check.check("127.0.0.1:445", List.of(plan("127.0.0.1", SMB)));
    if (report.bindable()) {
      why.add(
          "127.0.0.1:445 is free and portkeep may bind it, so clients connect with no port option");
      return Optional.of("127.0.0.1");
    }
    SocketCheck failed = report.firstFailure().orElseThrow();
    why.add("127.0.0.1:445 cannot be bound (" + failed.explanation() + "), so a high port is used");
    return Optional.empty();
  }

  private int highPort(List<String> why) {
    if (check
        .check("127.0.0.1:" + PREFERRED_HIGH, List.of(plan("127.0.0.1", PREFERRED_HIGH)))
        .bindable()) {
      return PREFERRED_HIGH;
    }
    why.add("port " + PREFERRED_HIGH + " is taken, so the listener takes any free port");
    return 0;
  }

  private static SocketPlan plan(String address, int port) {
    try {
      return new SocketPlan(StandardProtocolFamily.INET, InetAddress.getByName(address), port);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(address, e);
    }
  }

  /**
   * {@code address} is an IP literal without brackets (smbclient refuses {@code //[::1]/s}); the
   * URL brackets an IPv6 one.
   */
  static List<String> unixConnect(String address, int port, String share, String user) {
    String p = port == SMB ? "" : " -p " + port;
    String mountPort = port == SMB ? "" : "port=" + port + ",";
    String url =
        port == SMB
            ? "smb://" + IpLiterals.bracketed(address) + "/" + share
            : "smb://" + IpLiterals.hostPort(address, port) + "/" + share;
    return List.of(
        "smbclient //" + address + "/" + share + p + " -U " + user,
        "sudo mount -t cifs //"
            + address
            + "/"
            + share
            + " /mnt -o "
            + mountPort
            + "username="
            + user,
        url + "   (file managers; on macOS Finder's Connect to Server)");
  }

  List<String> windowsConnect(int port, String share, String user) {
    if (windowsBuild.isPresent() && windowsBuild.getAsInt() >= ALTERNATIVE_PORTS_BUILD) {
      return List.of(
          "net use \\\\127.0.0.1\\"
              + share
              + " /TCPPORT:"
              + port
              + " /user:"
              + user
              + "   (from an elevated prompt)",
          "New-SmbMapping -RemotePath \\\\127.0.0.1\\" + share + " -TcpPort " + port);
    }
    return List.of(
        "this Windows (build "
            + (windowsBuild.isPresent() ? windowsBuild.getAsInt() : "unknown")
            + ") cannot connect to SMB on another port; Windows 11 24H2 and Server 2025 can (net use /TCPPORT)",
        "older Windows needs a loopback adapter and netsh portproxy: see docs/smb.md, 'Older Windows'");
  }

  /**
   * The build number in {@code ver}'s output, e.g. "Microsoft Windows [Version 10.0.26100.2314]".
   */
  public static OptionalInt parseWindowsBuild(String ver) {
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("Version \\d+\\.\\d+\\.(\\d+)").matcher(ver);
    return m.find() ? OptionalInt.of(Integer.parseInt(m.group(1))) : OptionalInt.empty();
  }
}
