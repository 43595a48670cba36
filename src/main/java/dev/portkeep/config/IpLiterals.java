package dev.portkeep.config;

import java.util.regex.Pattern;

/** Recognises IP address literals without any name lookup. */
final class IpLiterals {
  private static final Pattern IPV4 =
      Pattern.compile(
          "((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)");
  private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+(%[A-Za-z0-9_.-]+)?");

  private IpLiterals() {}

  static boolean isIpv4(String text) {
    return IPV4.matcher(text).matches();
  }

  /** A syntactic check: hex groups and colons, at most one {@code ::}, an optional zone. */
  static boolean isIpv6(String text) {
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
