package dev.portkeep.bind;

import dev.portkeep.bind.rules.AddressLiteral;
import dev.portkeep.config.IpLiterals;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * Formats socket addresses the way users write them (IPv6 in brackets, no host names), and says
 * where a client on this computer reaches a listener.
 */
public final class Addresses {
  private Addresses() {}

  /** {@code 127.0.0.1:8080}, {@code [::1]:8080}: RFC 5952 for IPv6, as the kernel tools write. */
  public static String display(InetAddress address, int port) {
    return IpLiterals.hostPort(AddressLiteral.format(address), port);
  }

  public static String display(InetSocketAddress address) {
    return display(address.getAddress(), address.getPort());
  }

  /**
   * Where a client on this computer reaches a listener at {@code listener}: that address, or for a
   * wildcard (0.0.0.0, ::) the loopback address of its family.
   */
  public static InetSocketAddress reachable(InetSocketAddress listener) {
    InetAddress address = listener.getAddress();
    if (!address.isAnyLocalAddress()) {
      return listener;
    }
    byte[] loopback = new byte[address instanceof Inet6Address ? 16 : 4];
    if (loopback.length == 4) {
      loopback[0] = 127;
    }
    loopback[loopback.length - 1] = 1;
    try {
      return new InetSocketAddress(InetAddress.getByAddress(loopback), listener.getPort());
    } catch (UnknownHostException e) {
      throw new AssertionError("4 or 16 bytes make an IP address", e);
    }
  }
}
