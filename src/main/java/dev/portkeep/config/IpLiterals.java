package dev.portkeep.config;

import java.util.regex.Pattern;

/**
 * IP address literals as text, without any name lookup: recognising them, and the one rule for
 * writing a host beside a port (an IPv6 literal goes in brackets).
 */
public final class IpLiterals {
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

  private IpLiterals() {}

  /**
   * {@code host} as written before {@code :port}: IPv6 literals (anything with a colon) in
   * brackets, names and IPv4 as they are. A host already in brackets (a HostName written {@code
   * [::1]}, which Java's resolver accepts) keeps the one pair it has.
   */
  public static String bracketed(String host) {
    boolean alreadyBracketed = host.startsWith("[") && host.endsWith("]");
    return host.indexOf(':') >= 0 && !alreadyBracketed ? "[" + host + "]" : host;
  }

  /** {@code host:port}, the host as {@link #bracketed} writes it. */
  public static String hostPort(String host, int port) {
    return bracketed(host) + ":" + port;
  }

  /** A dotted IPv4 literal, each part 0-255. */
  public static boolean isIpv4(String text) {
    return IPV4.matcher(text).matches();
  }

  /** A syntactic check: hex groups and colons, at most one {@code ::}, an optional zone. */
  public static boolean isIpv6(String text) {
    if (!text.contains(":") || !IPV6_CHARS.matcher(text).matches()) {
      return false;
    }
    String addr = text.contains("%") ? text.substring(0, text.indexOf('%')) : text;
    int doubleColons = addr.split("::", -1).length - 1;
    if (doubleColons > 1) {
      return false;
    }
    String[] groups = addr.split(":", -1);
    int max = addr.contains(".") ? 7 : 8;
    return groups.length <= max + (doubleColons == 1 ? 1 : 0)
        && groups.length >= (doubleColons == 1 ? 3 : max);
  }
}
