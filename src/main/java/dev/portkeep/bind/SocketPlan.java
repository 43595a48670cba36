package dev.portkeep.bind;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.util.Objects;

/**
 * One listening socket portkeep will open: its family, address and port, and whether it is a
 * dual-stack IPv6 socket (which Java makes of every IPv6 wildcard socket) that takes the port on
 * both stacks.
 */
public record SocketPlan(StandardProtocolFamily family, InetAddress address, int port) {
  public SocketPlan {
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(address, "address");
    if ((address instanceof Inet6Address) != (family == StandardProtocolFamily.INET6)) {
      throw new IllegalArgumentException(address + " is not " + family);
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port);
    }
  }

  /** True for the IPv6 wildcard, which the JDK opens with IPV6_V6ONLY off. */
  public boolean dualStack() {
    return family == StandardProtocolFamily.INET6 && address.isAnyLocalAddress();
  }

  public SocketPlan withPort(int newPort) {
    return new SocketPlan(family, address, newPort);
  }

  public SocketPlan withAddress(InetAddress newAddress) {
    return new SocketPlan(family, newAddress, port);
  }

  public InetSocketAddress socketAddress() {
    return new InetSocketAddress(address, port);
  }

  /** {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code [::]:8080 (dual-stack)}. */
  public String display() {
    return Addresses.display(address, port) + (dualStack() ? " (dual-stack)" : "");
  }
}
