package dev.portkeep.bind;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/** Formats socket addresses the way users write them: IPv6 in brackets, no host names. */
public final class Addresses {
  private Addresses() {}

  public static String display(InetAddress address, int port) {
    String text = address.getHostAddress();
    int zone = text.indexOf('%');
    if (address instanceof Inet6Address) {
      String plain = zone >= 0 ? text.substring(0, zone) : text;
      return "[" + compress(plain) + (zone >= 0 ? text.substring(zone) : "") + "]:" + port;
    }
    return text + ":" + port;
  }

  public static String display(InetSocketAddress address) {
    return display(address.getAddress(), address.getPort());
  }

  /** Java prints 0:0:0:0:0:0:0:1; users and the kernel tools write ::1. */
  static String compress(String full) {
    String[] groups = full.split(":");
    int bestStart = -1;
    int bestLen = 0;
    for (int i = 0; i < groups.length; ) {
      if (groups[i].equals("0")) {
        int j = i;
        while (j < groups.length && groups[j].equals("0")) {
          j++;
        }
        if (j - i > bestLen && j - i > 1) {
          bestStart = i;
          bestLen = j - i;
        }
        i = j;
      } else {
        i++;
      }
    }
    if (bestStart < 0) {
      return full;
    }
    String head = String.join(":", java.util.Arrays.copyOfRange(groups, 0, bestStart));
    String tail =
        String.join(":", java.util.Arrays.copyOfRange(groups, bestStart + bestLen, groups.length));
    return head + "::" + tail;
  }
}
