package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

import java.util.OptionalInt;

/** The Linux sysctls that change bind results; empty or UNKNOWN when they could not be read. */
public record LinuxSysctls(
    OptionalInt unprivilegedPortStart,
    TriState ipv4NonlocalBind,
    TriState ipv6NonlocalBind,
    TriState bindV6OnlyDefault) {

  /** The kernel defaults: ports below 1024 privileged, no non-local binds, dual-stack IPv6. */
  public static final LinuxSysctls DEFAULTS =
      new LinuxSysctls(OptionalInt.of(1024), TriState.NO, TriState.NO, TriState.NO);

  public LinuxSysctls {
    requireNonNull(unprivilegedPortStart, "unprivilegedPortStart");
    requireNonNull(ipv4NonlocalBind, "ipv4NonlocalBind");
    requireNonNull(ipv6NonlocalBind, "ipv6NonlocalBind");
    requireNonNull(bindV6OnlyDefault, "bindV6OnlyDefault");
    unprivilegedPortStart.ifPresent(
        start -> {
          if (start < 0 || start > 65_536) {
            throw new IllegalArgumentException(
                "ip_unprivileged_port_start " + start + " is out of range");
          }
        });
  }
}
