package dev.portkeep.bind.rules;

import java.net.Inet6Address;

/**
 * Whether two Linux sockets on one port claim overlapping addresses.
 *
 * <p>Mirrors {@code inet_rcv_saddr_equal()} (6.18): IPv4 and v4-mapped addresses compare as IPv4;
 * {@code [::]} matches every IPv6 address, and every IPv4 one unless it is V6ONLY; two {@code [::]}
 * always overlap; a specific IPv6 address is forced V6ONLY by the kernel and never meets IPv4.
 */
final class LinuxOverlap {
  private LinuxOverlap() {}

  /** The V6ONLY flag the kernel really uses: only a {@code [::]} bind honours the option. */
  static boolean effectiveV6Only(BindPoint point, boolean v6OnlyOption) {
    if (point.isIpv4Address()) {
      return false;
    }
    return !point.isWildcard() || v6OnlyOption;
  }

  static boolean overlaps(BindPoint mine, boolean myV6Only, BindPoint theirs, boolean theirV6Only) {
    boolean mineV4 = mine.isIpv4Address();
    boolean theirsV4 = theirs.isIpv4Address();
    if (mineV4 && theirsV4) {
      return mine.address().isAnyLocalAddress()
          || theirs.address().isAnyLocalAddress()
          || mine.address().equals(theirs.address());
    }
    if (mineV4) {
      return theirs.isWildcard() && !effectiveV6Only(theirs, theirV6Only);
    }
    if (theirsV4) {
      return mine.isWildcard() && !effectiveV6Only(mine, myV6Only);
    }
    return mine.isWildcard() || theirs.isWildcard() || sameIpv6(mine, theirs);
  }

  /** The port space where the overlap happens: IPv4 when either side is an IPv4 address. */
  static Stack stackOf(BindPoint mine, BindPoint theirs) {
    return mine.isIpv4Address() || theirs.isIpv4Address() ? Stack.IPV4 : Stack.IPV6;
  }

  private static boolean sameIpv6(BindPoint a, BindPoint b) {
    return a.address() instanceof Inet6Address x
        && b.address() instanceof Inet6Address y
        && java.util.Arrays.equals(x.getAddress(), y.getAddress());
  }
}
