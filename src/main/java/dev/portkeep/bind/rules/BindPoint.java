package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

import dev.portkeep.config.IpLiterals;
import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * A local address and port as one socket family sees it.
 *
 * <p>An {@code INET6} point whose address is an {@code Inet4Address} is a v4-mapped bind such as
 * {@code [::ffff:127.0.0.1]}: Java folds every mapped literal into an {@code Inet4Address}.
 */
public record BindPoint(Family family, InetAddress address, int port) {
  public BindPoint {
    requireNonNull(family, "family");
    requireNonNull(address, "address");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port + " is out of range 0-65535");
    }
    if (family == Family.INET && !(address instanceof Inet4Address)) {
      throw new IllegalArgumentException("an INET socket cannot bind " + address.getHostAddress());
    }
  }

  /** Parses an IP literal (no resolver involved) into a point of the given family. */
  public static BindPoint of(Family family, String literal, int port) {
    return new BindPoint(family, AddressLiteral.parse(literal), port);
  }

  /** True for {@code 0.0.0.0} and {@code ::}, the addresses that match every local address. */
  public boolean isWildcard() {
    return address.isAnyLocalAddress() && !isMapped();
  }

  /** True for an {@code INET6} socket bound to a v4-mapped address. */
  public boolean isMapped() {
    return family == Family.INET6 && address instanceof Inet4Address;
  }

  /** True when the address lives in the IPv4 port space: plain IPv4 or v4-mapped. */
  public boolean isIpv4Address() {
    return address instanceof Inet4Address;
  }

  /** The address as the user would type it, with mapped addresses shown as such. */
  public String addressText() {
    String text = AddressLiteral.format(address);
    if (isMapped()) {
      return "[::ffff:" + text + "]";
    }
    return IpLiterals.bracketed(text);
  }

  @Override
  public String toString() {
    return addressText() + ":" + port;
  }
}
