package dev.portkeep.bind.rules;

import java.util.List;
import java.util.Optional;

/** The Windows checks that need no other socket: family, local address, excluded port ranges. */
final class WindowsPreflight {
  private WindowsPreflight() {}

  static Optional<Verdict> check(PlannedBind plan, HostFacts host, List<String> assumptions) {
    BindPoint at = plan.at();
    if (at.family() == Family.INET6 && host.ipv6Present() == TriState.NO) {
      return Optional.of(
          Verdicts.refused(
              BindError.WSAEAFNOSUPPORT,
              Rule.FAMILY_UNAVAILABLE,
              "IPv6 is not available on this host.",
              List.of()));
    }
    if (!at.address().isMulticastAddress() && !host.isLocal(at.address())) {
      return Optional.of(
          Verdicts.refused(
              BindError.WSAEADDRNOTAVAIL,
              Rule.ADDRESS_NOT_LOCAL,
              at.addressText() + " is not an address of this host.",
              List.of()));
    }
    if (at.isMapped()) {
      assumptions.add(
          "a v4-mapped bind reserves only the IPv4 stack (not documented by Microsoft)");
    }
    boolean v6Only = plan.options().v6Only() == TriState.YES;
    for (Stack stack : WindowsStacks.reserved(at, v6Only).keySet()) {
      Optional<Verdict> excluded = excluded(plan, host, stack, assumptions);
      if (excluded.isPresent()) {
        return excluded;
      }
    }
    return Optional.empty();
  }

  private static Optional<Verdict> excluded(
      PlannedBind plan, HostFacts host, Stack stack, List<String> assumptions) {
    Family family = stack == Stack.IPV4 ? Family.INET : Family.INET6;
    int port = plan.at().port();
    for (ExcludedRange range : host.excludedRanges()) {
      if (range.family() != family || !range.contains(port)) {
        continue;
      }
      if (range.kind() == ExclusionKind.ADMINISTERED) {
        assumptions.add(
            "the administered "
                + stack.label()
                + " exclusion "
                + range
                + " keeps the port from ephemeral use only, as users report (Microsoft does not say)");
        continue;
      }
      return Optional.of(
          Verdicts.refused(
              BindError.WSAEACCES,
              Rule.EXCLUDED_PORT_RANGE,
              Verdicts.name(plan)
                  + " lies in the "
                  + stack.label()
                  + " excluded "
                  + range
                  + ", reserved by a system component such as Hyper-V or WinNAT, so the bind fails"
                  + " with 10013 although netstat shows no holder.",
              List.of()));
    }
    return Optional.empty();
  }
}
