package dev.portkeep.bind;

import dev.portkeep.bind.rules.AddressLiteral;
import dev.portkeep.config.IpLiterals;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Formats socket addresses the way users write them: IPv6 in brackets, no host names. */
public final class Addresses {
  private Addresses() {}

  /** {@code 127.0.0.1:8080}, {@code [::1]:8080}: RFC 5952 for IPv6, as the kernel tools write. */
  public static String display(InetAddress address, int port) {
    return IpLiterals.hostPort(AddressLiteral.format(address), port);
  }

  public static String display(InetSocketAddress address) {
    return display(address.getAddress(), address.getPort());
  }
}
