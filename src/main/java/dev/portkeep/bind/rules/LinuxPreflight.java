package dev.portkeep.bind.rules;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The checks Linux makes before looking for conflicts, in the kernel's order: {@code __inet_bind()}
 * tests the address before the port, {@code __inet6_bind()} the port first.
 */
final class LinuxPreflight {
  private LinuxPreflight() {}

  /** A verdict when a check fails; otherwise empty, with any assumption added to the list. */
  static Optional<Verdict> check(PlannedBind plan, HostFacts host, List<String> assumptions) {
    if (plan.at().family() == Family.INET) {
      return address(plan, host, assumptions).or(() -> privilege(plan, host, assumptions));
    }
    return family(host, assumptions)
        .or(() -> privilege(plan, host, assumptions))
        .or(() -> mappedOnV6Only(plan))
        .or(() -> scope(plan))
        .or(() -> address(plan, host, assumptions));
  }

  private static Optional<Verdict> family(HostFacts host, List<String> assumptions) {
    if (host.ipv6Present() == TriState.NO) {
      return Optional.of(
          Verdicts.refused(
              BindError.EAFNOSUPPORT,
              Rule.FAMILY_UNAVAILABLE,
              "IPv6 is not available on this host.",
              List.of()));
    }
    if (host.ipv6Present() == TriState.UNKNOWN) {
      assumptions.add("IPv6 is available on this host");
    }
    return Optional.empty();
  }

  private static Optional<Verdict> privilege(
      PlannedBind plan, HostFacts host, List<String> assumptions) {
    int port = plan.at().port();
    if (port == 0 || plan.caller().privilege() == Privilege.PRIVILEGED) {
      return Optional.empty();
    }
    OptionalInt start = host.linux().unprivilegedPortStart();
    if (start.isEmpty() && port < 1024) {
      return Optional.of(
          Verdicts.uncertain(
              BindError.EACCES,
              Rule.PRIVILEGED_PORT,
              "port "
                  + port
                  + " is privileged unless ip_unprivileged_port_start was lowered, which could not be"
                  + " read.",
              List.of("the value of net.ipv4.ip_unprivileged_port_start")));
    }
    if (start.isEmpty()) {
      assumptions.add("net.ipv4.ip_unprivileged_port_start is at most " + port);
      return Optional.empty();
    }
    if (port < start.getAsInt()) {
      return Optional.of(
          Verdicts.refused(
              BindError.EACCES,
              Rule.PRIVILEGED_PORT,
              "port "
                  + port
                  + " is below ip_unprivileged_port_start ("
                  + start.getAsInt()
                  + ") and the caller has"
                  + " neither root nor CAP_NET_BIND_SERVICE.",
              List.of()));
    }
    return Optional.empty();
  }

  private static Optional<Verdict> mappedOnV6Only(PlannedBind plan) {
    if (plan.at().isMapped() && plan.options().v6Only() == TriState.YES) {
      return Optional.of(
          Verdicts.refused(
              BindError.EINVAL,
              Rule.MAPPED_ADDRESS_ON_V6ONLY,
              plan.at().addressText() + " is v4-mapped, which an IPV6_V6ONLY socket cannot bind.",
              List.of()));
    }
    return Optional.empty();
  }

  private static Optional<Verdict> scope(PlannedBind plan) {
    if (LinuxRules.lacksScope(plan.at())) {
      return Optional.of(
          Verdicts.refused(
              BindError.EINVAL,
              Rule.LINK_LOCAL_WITHOUT_SCOPE,
              plan.at().addressText() + " is link-local and needs a scope id such as %eth0.",
              List.of()));
    }
    return Optional.empty();
  }

  private static Optional<Verdict> address(
      PlannedBind plan, HostFacts host, List<String> assumptions) {
    if (plan.at().address().isMulticastAddress() || host.isLocal(plan.at().address())) {
      return Optional.empty();
    }
    boolean v4 = plan.at().isIpv4Address();
    TriState nonlocal = v4 ? host.linux().ipv4NonlocalBind() : host.linux().ipv6NonlocalBind();
    String sysctl = v4 ? "net.ipv4.ip_nonlocal_bind" : "net.ipv6.ip_nonlocal_bind";
    String sentence = plan.at().addressText() + " is not an address of this host, and " + sysctl;
    return switch (nonlocal) {
      case YES -> {
        assumptions.add(sysctl + " lets the bind take an address this host does not have");
        yield Optional.empty();
      }
      case NO ->
          Optional.of(
              Verdicts.refused(
                  BindError.EADDRNOTAVAIL,
                  Rule.ADDRESS_NOT_LOCAL,
                  sentence + " is off.",
                  List.of()));
      case UNKNOWN ->
          Optional.of(
              Verdicts.uncertain(
                  BindError.EADDRNOTAVAIL,
                  Rule.ADDRESS_NOT_LOCAL,
                  sentence + " could not be read.",
                  List.of("the value of " + sysctl)));
    };
  }
}
