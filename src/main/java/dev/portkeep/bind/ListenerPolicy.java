package dev.portkeep.bind;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import dev.portkeep.error.UsageException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.StandardProtocolFamily;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Decides which sockets a listen address means, following OpenSSH's meaning of the address forms
 * but with portkeep's stricter sockets:
 *
 * <ul>
 *   <li>none or {@code localhost}: 127.0.0.1 and ::1, one socket per family the host has;
 *   <li>{@code *} or empty: one dual-stack IPv6 wildcard socket (IPv4 0.0.0.0 with {@code -4} or on
 *       a host without IPv6), never a second IPv4 wildcard that would collide with it;
 *   <li>an IPv4 literal: an IPv4-only socket; an IPv6 literal: exactly that address;
 *   <li>a host name: every address it resolves to, filtered by {@code -4}/{@code -6}.
 * </ul>
 */
public final class ListenerPolicy {
  private static final InetAddress LOOPBACK4 = literal("127.0.0.1");
  private static final InetAddress LOOPBACK6 = literal("::1");
  private static final InetAddress ANY4 = literal("0.0.0.0");
  private static final InetAddress ANY6 = literal("::");

  private ListenerPolicy() {}

  public static List<SocketPlan> plan(
      BindAddress bind, int port, AddressFamily family, HostStacks host) {
    List<SocketPlan> plans = new ArrayList<>();
    switch (bind) {
      case BindAddress.Loopback l -> {
        if (family.allowsInet() && host.inet()) {
          plans.add(new SocketPlan(StandardProtocolFamily.INET, LOOPBACK4, port));
        }
        if (family.allowsInet6() && host.inet6()) {
          plans.add(new SocketPlan(StandardProtocolFamily.INET6, LOOPBACK6, port));
        }
      }
      case BindAddress.AllInterfaces a -> {
        boolean v6 = host.inet6() && family != AddressFamily.INET;
        plans.add(
            v6
                ? new SocketPlan(StandardProtocolFamily.INET6, ANY6, port)
                : new SocketPlan(StandardProtocolFamily.INET, ANY4, port));
      }
      case BindAddress.Literal lit -> plans.add(literalPlan(lit, port, family));
      case BindAddress.HostName name -> plans.addAll(resolve(name, port, family));
    }
    if (plans.isEmpty()) {
      throw new UsageException(
          "cannot listen on "
              + bind
              + ":"
              + port
              + ": no address of the requested family ("
              + family
              + ") on this host",
          "drop -4/-6, or name an address of the family this host has");
    }
    return plans;
  }

  private static SocketPlan literalPlan(BindAddress.Literal lit, int port, AddressFamily family) {
    if ((family == AddressFamily.INET && lit.family() == AddressFamily.INET6)
        || (family == AddressFamily.INET6 && lit.family() == AddressFamily.INET)) {
      throw new UsageException(
          "listen address "
              + lit
              + " is not of the family chosen with -"
              + (family == AddressFamily.INET ? 4 : 6),
          "drop -4/-6 or give an address of that family");
    }
    InetAddress address = literal(lit.address());
    return new SocketPlan(
        address instanceof Inet6Address
            ? StandardProtocolFamily.INET6
            : StandardProtocolFamily.INET,
        address,
        port);
  }

  private static List<SocketPlan> resolve(
      BindAddress.HostName name, int port, AddressFamily family) {
    InetAddress[] all;
    try {
      all = InetAddress.getAllByName(name.name());
    } catch (UnknownHostException e) {
      throw new UsageException(
          "cannot listen on " + name + ":" + port + ": the name does not resolve",
          "use an IP address, localhost or * as the listen address");
    }
    return Arrays.stream(all)
        .distinct()
        .filter(a -> a instanceof Inet6Address ? family.allowsInet6() : family.allowsInet())
        .map(
            a ->
                new SocketPlan(
                    a instanceof Inet6Address
                        ? StandardProtocolFamily.INET6
                        : StandardProtocolFamily.INET,
                    a,
                    port))
        .toList();
  }

  /** Parses an address literal; never a name lookup, since callers pass only literals. */
  static InetAddress literal(String text) {
    try {
      return InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      throw new UsageException(
          "bad listen address '" + text + "': not a valid IP address", "check the address digits");
    }
  }
}
