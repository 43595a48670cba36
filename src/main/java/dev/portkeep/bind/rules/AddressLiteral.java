package dev.portkeep.bind.rules;

import dev.portkeep.config.IpLiterals;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/** Turns an IP literal into an {@link InetAddress} without ever asking a resolver. */
public final class AddressLiteral {

  private AddressLiteral() {}

  /**
   * Parses {@code 127.0.0.1}, {@code ::1}, {@code [::1]}, {@code ::ffff:127.0.0.1} or {@code
   * fe80::1%12}. A v4-mapped literal comes back as an {@code Inet4Address}, as everywhere in Java.
   * A non-numeric scope such as {@code %eth0} is dropped, since naming it would need the host.
   */
  public static InetAddress parse(String literal) {
    String text =
        literal.startsWith("[") && literal.endsWith("]")
            ? literal.substring(1, literal.length() - 1)
            : literal;
    boolean v4 = IpLiterals.isIpv4(text);
    if (!v4 && !IpLiterals.isIpv6(text)) {
      throw new IllegalArgumentException("not an IP literal: '" + literal + "'");
    }
    try {
      return v4 ? InetAddress.getByName(text) : parseV6(text);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("not an IP literal: '" + literal + "'", e);
    }
  }

  /** Formats an address the short way (RFC 5952 for IPv6: {@code ::1}, {@code fe80::1%12}). */
  public static String format(InetAddress address) {
    if (!(address instanceof Inet6Address v6)) {
      return address.getHostAddress();
    }
    // The zone as Java names it: the interface's name when the address has one, else its number.
    String text = v6.getHostAddress();
    String scope = text.indexOf('%') >= 0 ? text.substring(text.indexOf('%')) : "";
    byte[] b = v6.getAddress();
    int[] words = new int[8];
    for (int i = 0; i < 8; i++) {
      words[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; i++) {
      int j = i;
      while (j < 8 && words[j] == 0) {
        j++;
      }
      if (j - i > bestLength) {
        bestStart = i;
        bestLength = j - i;
      }
      i = Math.max(i, j);
    }
    return joinWords(words, bestStart, bestLength) + scope;
  }

  private static String joinWords(int[] words, int gapStart, int gapLength) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      if (i == gapStart) {
        out.append("::");
        i += gapLength - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(words[i]));
    }
    return out.toString();
  }

  private static InetAddress parseV6(String text) throws UnknownHostException {
    int percent = text.indexOf('%');
    if (percent < 0) {
      return InetAddress.getByName(text);
    }
    InetAddress bare = InetAddress.getByName(text.substring(0, percent));
    String scope = text.substring(percent + 1);
    if (bare instanceof Inet6Address
        && !scope.isEmpty()
        && scope.length() <= 9 // fits an int
        && scope.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return Inet6Address.getByAddress(null, bare.getAddress(), Integer.parseInt(scope));
    }
    return bare;
  }
}
