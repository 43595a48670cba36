package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;

/** What the host contributes to a bind: its addresses, IPv6 support, sysctls, excluded ranges. */
public record HostFacts(
    Set<InetAddress> localAddresses,
    TriState ipv6Present,
    LinuxSysctls linux,
    List<ExcludedRange> excludedRanges) {

  public HostFacts {
    localAddresses = Set.copyOf(localAddresses);
    requireNonNull(ipv6Present, "ipv6Present");
    requireNonNull(linux, "linux");
    excludedRanges = List.copyOf(excludedRanges);
  }

  /** A host with only loopback addresses, IPv6 present, Linux defaults and no exclusions. */
  public static HostFacts loopbackOnly() {
    return new HostFacts(
        Set.of(AddressLiteral.parse("127.0.0.1"), AddressLiteral.parse("::1")),
        TriState.YES,
        LinuxSysctls.DEFAULTS,
        List.of());
  }

  public HostFacts withLinux(LinuxSysctls sysctls) {
    return new HostFacts(localAddresses, ipv6Present, sysctls, excludedRanges);
  }

  public HostFacts withExcludedRanges(List<ExcludedRange> ranges) {
    return new HostFacts(localAddresses, ipv6Present, linux, ranges);
  }

  public HostFacts withIpv6Present(TriState present) {
    return new HostFacts(localAddresses, present, linux, excludedRanges);
  }

  /** True when the address is assigned here; all of 127.0.0.0/8 counts once any of it does. */
  boolean isLocal(InetAddress address) {
    if (address.isAnyLocalAddress() || localAddresses.contains(address)) {
      return true;
    }
    if (address instanceof Inet4Address && address.isLoopbackAddress()) {
      return localAddresses.stream()
          .anyMatch(a -> a instanceof Inet4Address && a.isLoopbackAddress());
    }
    return localAddresses.stream().anyMatch(a -> sameIgnoringScope(a, address));
  }

  private static boolean sameIgnoringScope(InetAddress a, InetAddress b) {
    return java.util.Arrays.equals(a.getAddress(), b.getAddress());
  }
}
