package dev.portkeep.bind;

import dev.portkeep.bind.rules.Holder;
import dev.portkeep.bind.rules.Outcome;
import dev.portkeep.bind.rules.ProcessRef;
import dev.portkeep.bind.rules.Rule;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Concrete ways out of a failed bind: another free loopback address, the nearest free port, how to
 * reconfigure a known holder, the Windows SMB and excluded-range routes, privileges for low ports.
 * Every suggested address or port is checked with the model and a trial bind before it is offered.
 */
final class BindHints {
  static final int PORT_SEARCH = 50;
  private static final int LOOPBACK_SEARCH = 30;

  private BindHints() {}

  static List<String> forChecks(List<SocketCheck> checks, BindCheck.Scene scene, BindCheck check) {
    Set<String> hints = new LinkedHashSet<>();
    List<SocketCheck> failed = checks.stream().filter(c -> !c.bindable()).toList();
    for (SocketCheck c : failed) {
      hints.addAll(specific(c, scene));
    }
    if (failed.stream().anyMatch(BindHints::inUse)) {
      SocketCheck first = failed.get(0);
      otherLoopback(first, scene, check).ifPresent(hints::add);
      nearestPort(checks, scene, check).ifPresent(hints::add);
    }
    return List.copyOf(hints);
  }

  private static boolean inUse(SocketCheck c) {
    return c.ruleIs(Rule.LISTENER_HOLDS_PORT)
        || c.ruleIs(Rule.SOCKET_HOLDS_PORT)
        || c.ruleIs(Rule.TIME_WAIT_HOLDS_PORT)
        || c.ruleIs(Rule.REUSEPORT_OTHER_USER)
        || c.ruleIs(Rule.SHARING_TABLE_IN_USE)
        || c.ruleIs(Rule.SHARING_TABLE_ACCESS_DENIED)
        || c.ruleIs(Rule.KERNEL_HOLDS_PORT)
        || c.ruleIs(Rule.LINGERING_CONNECTION)
        || c.rule().equals("INVISIBLE_HOLDER");
  }

  private static List<String> specific(SocketCheck c, BindCheck.Scene scene) {
    List<String> hints = new ArrayList<>();
    int port = c.plan().port();
    if (c.ruleIs(Rule.PRIVILEGED_PORT)) {
      hints.add(
          "ports below "
              + unprivilegedStart(scene)
              + " need privilege: run as root, or give Java the capability"
              + " (sudo setcap cap_net_bind_service=+ep \"$(readlink -f \"$(command -v java)\")\"), or lower the limit"
              + " (sudo sysctl -w net.ipv4.ip_unprivileged_port_start="
              + port
              + "); or use a port above 1023");
    }
    if (c.ruleIs(Rule.ADDRESS_NOT_LOCAL)) {
      hints.add(
          c.plan().address().getHostAddress()
              + " is not an address of this machine; listen on one it has,"
              + " such as 127.0.0.1 or ::1");
    }
    if (c.ruleIs(Rule.EXCLUDED_PORT_RANGE)) {
      hints.add(
          "Windows reserved port "
              + port
              + " (see: netsh int ipv4 show excludedportrange protocol=tcp); pick a"
              + " port outside those ranges, or reserve yours as administrator: net stop winnat, then netsh int ipv4 add"
              + " excludedportrange protocol=tcp startport="
              + port
              + " numberofports=1, then net start winnat");
    }
    if (c.ruleIs(Rule.KERNEL_HOLDS_PORT) && (port == 445 || port == 139)) {
      hints.add(
          "Windows' own file-sharing server holds "
              + port
              + "; on Windows 11 24H2 or Server 2025 forward a high"
              + " port instead and connect with: net use \\\\127.0.0.1\\share /TCPPORT:<port> (or New-SmbMapping -TcpPort)");
    }
    if (c.ruleIs(Rule.TIME_WAIT_HOLDS_PORT)) {
      hints.add(
          "only TIME_WAIT leftovers of earlier connections hold port "
              + port
              + "; they expire within a minute");
    }
    if (c.rule().equals("INVISIBLE_HOLDER")) {
      hints.add(
          "run 'ss -tanpe' as root to look for a bound socket on port "
              + port
              + " that is not listening");
    }
    for (Holder h : c.holders()) {
      knownService(h, port).ifPresent(hints::add);
      if (h.entry().process() instanceof ProcessRef.Hidden) {
        hints.add("the holder belongs to a process portkeep cannot see; run as root to name it");
      }
    }
    return hints;
  }

  private static java.util.Optional<String> knownService(Holder h, int port) {
    if (!(h.entry().process() instanceof ProcessRef.Seen seen) || seen.name() == null) {
      return java.util.Optional.empty();
    }
    String name = seen.name().toLowerCase(Locale.ROOT);
    if (name.contains("smbd") || name.contains("samba")) {
      return java.util.Optional.of(
          "smbd holds port "
              + port
              + ": in smb.conf set 'smb ports' to another port, or"
              + " 'bind interfaces only = yes' with 'interfaces' naming only the addresses smbd should use, then restart smbd");
    }
    if (name.equals("ssh")) {
      return java.util.Optional.of(
          "an ssh client (pid "
              + seen.pid()
              + ") holds port "
              + port
              + ": another tunnel already forwards it; stop that one or pick another port");
    }
    if (name.equals("sshd")) {
      return java.util.Optional.of(
          "sshd holds port "
              + port
              + ": it is an SSH server's own port (Port and ListenAddress"
              + " in its sshd_config) or a remote forward it serves");
    }
    return java.util.Optional.empty();
  }

  private static int unprivilegedStart(BindCheck.Scene scene) {
    return scene.host().linux().unprivilegedPortStart().orElse(1024);
  }

  /** Linux accepts any 127.0.0.0/8 address: find one where this port is free. */
  private static java.util.Optional<String> otherLoopback(
      SocketCheck failed, BindCheck.Scene scene, BindCheck check) {
    if (!(failed.plan().address() instanceof Inet4Address v4)
        || !v4.isLoopbackAddress()
        || check.policy() == SocketOptionsPolicy.WINDOWS) {
      return java.util.Optional.empty();
    }
    byte[] raw = v4.getAddress();
    for (int last = 2; last < 2 + LOOPBACK_SEARCH; last++) {
      if (last == (raw[3] & 0xff)) {
        continue;
      }
      SocketPlan candidate = failed.plan().withAddress(address(127, 0, 0, last));
      if (check.predict(scene, candidate).outcome() == Outcome.BINDABLE
          && check.trial(candidate).isEmpty()) {
        return java.util.Optional.of(
            "listen on another loopback address where port "
                + failed.plan().port()
                + " is free, e.g. "
                + candidate.display()
                + " (Linux accepts any 127.0.0.0/8 address)");
      }
    }
    return java.util.Optional.empty();
  }

  /** The nearest port at which every planned socket would bind. */
  private static java.util.Optional<String> nearestPort(
      List<SocketCheck> checks, BindCheck.Scene scene, BindCheck check) {
    int port = checks.get(0).plan().port();
    int floor =
        check.policy() == SocketOptionsPolicy.WINDOWS
            ? 1
            : Math.min(port, unprivilegedStart(scene));
    for (int d = 1; d <= PORT_SEARCH; d++) {
      for (int candidate : new int[] {port + d, port - d}) {
        if (candidate < Math.max(1, floor) || candidate > 65_535) {
          continue;
        }
        List<SocketPlan> plans = checks.stream().map(c -> c.plan().withPort(candidate)).toList();
        boolean free =
            plans.stream().allMatch(p -> check.predict(scene, p).outcome() == Outcome.BINDABLE)
                && plans.stream().allMatch(p -> check.trial(p).isEmpty());
        if (free) {
          return java.util.Optional.of(
              "the nearest free port is "
                  + candidate
                  + " ("
                  + String.join(", ", plans.stream().map(SocketPlan::display).toList())
                  + ")");
        }
      }
    }
    return java.util.Optional.empty();
  }

  private static InetAddress address(int a, int b, int c, int d) {
    try {
      return InetAddress.getByAddress(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d});
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
