package dev.portkeep.web;

import dev.portkeep.config.IpLiterals;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Locale;

/**
 * Which {@code Host} headers the page answers, against DNS rebinding: a page of another site whose
 * name was pointed at 127.0.0.1 sends its own name as the Host, so only the address the page is
 * bound to passes, with its port, and {@code localhost} when that address is loopback. Bound to
 * every interface, any IP literal passes (rebinding needs a name), {@code localhost} too.
 */
final class HostCheck {
  private final InetAddress bound;
  private final int port;

  HostCheck(InetSocketAddress bound) {
    this.bound = bound.getAddress();
    this.port = bound.getPort();
  }

  /** Whether {@code host} (the header's value, null when absent) names this page. */
  boolean allows(String host) {
    if (host == null || host.isBlank()) {
      return false;
    }
    String h = host.strip().toLowerCase(Locale.ROOT);
    String name;
    int p;
    if (h.startsWith("[")) {
      int close = h.indexOf(']');
      if (close < 0) {
        return false;
      }
      name = h.substring(1, close);
      String rest = h.substring(close + 1);
      if (rest.isEmpty()) {
        p = 80;
      } else if (rest.startsWith(":")) {
        p = port(rest.substring(1));
      } else {
        return false;
      }
    } else {
      int colon = h.lastIndexOf(':');
      name = colon < 0 ? h : h.substring(0, colon);
      p = colon < 0 ? 80 : port(h.substring(colon + 1));
    }
    return p == port && names(name);
  }

  private boolean names(String name) {
    if (name.equals("localhost")) {
      return bound.isLoopbackAddress() || bound.isAnyLocalAddress();
    }
    if (!IpLiterals.isIpv4(name) && !IpLiterals.isIpv6(name)) {
      return false;
    }
    if (bound.isAnyLocalAddress()) {
      return true;
    }
    try {
      return InetAddress.getByName(name).equals(bound); // an IP literal: parsed, never looked up
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  private static int port(String text) {
    if (text.isEmpty() || text.length() > 5 || !text.chars().allMatch(Character::isDigit)) {
      return -1;
    }
    return Integer.parseInt(text);
  }
}
