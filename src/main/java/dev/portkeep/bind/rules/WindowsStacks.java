package dev.portkeep.bind.rules;

import java.net.InetAddress;
import java.util.EnumMap;
import java.util.Map;

/**
 * The port spaces a Windows bind reserves: IPv4 for IPv4 and v4-mapped binds, IPv6 for IPv6 ones,
 * and both for a dual-stack ({@code IPV6_V6ONLY} off) wildcard, which must pass both checks.
 */
final class WindowsStacks {
  private static final InetAddress ANY4 = AddressLiteral.parse("0.0.0.0");

  private WindowsStacks() {}

  static Map<Stack, InetAddress> reserved(BindPoint point, boolean v6Only) {
    Map<Stack, InetAddress> stacks = new EnumMap<>(Stack.class);
    if (point.isIpv4Address()) {
      stacks.put(Stack.IPV4, point.address());
    } else {
      stacks.put(Stack.IPV6, point.address());
      if (point.isWildcard() && !v6Only) {
        stacks.put(Stack.IPV4, ANY4);
      }
    }
    return stacks;
  }

  /** Two binds in one stack meet when either is the wildcard or both name the same address. */
  static boolean meet(InetAddress a, InetAddress b) {
    return a.isAnyLocalAddress()
        || b.isAnyLocalAddress()
        || java.util.Arrays.equals(a.getAddress(), b.getAddress());
  }
}
