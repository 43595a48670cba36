package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

/** A bind (followed by listen) that portkeep is about to make, with every option decided. */
public record PlannedBind(BindPoint at, SocketOptions options, Caller caller) {
  public PlannedBind {
    requireNonNull(at, "at");
    requireNonNull(options, "options");
    requireNonNull(caller, "caller");
    if (!options.isFullyKnown()) {
      throw new IllegalArgumentException("a planned bind must decide every option: " + options);
    }
    if (at.family() == Family.INET && options.v6Only() == TriState.YES) {
      throw new IllegalArgumentException("IPV6_V6ONLY applies to INET6 sockets, not to " + at);
    }
  }

  /** True when this bind takes the whole IPv4 and IPv6 port: {@code [::]} with V6ONLY off. */
  public boolean isDualStackWildcard() {
    return at.family() == Family.INET6 && at.isWildcard() && options.v6Only() == TriState.NO;
  }
}
