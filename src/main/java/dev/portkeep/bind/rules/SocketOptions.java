package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

/** The options that decide sharing: V6ONLY, SO_REUSEADDR, SO_REUSEPORT, SO_EXCLUSIVEADDRUSE. */
public record SocketOptions(
    TriState v6Only, TriState reuseAddr, TriState reusePort, TriState exclusiveAddrUse) {

  /** No option set: what a plain C {@code socket()} gets on Linux. */
  public static final SocketOptions NONE =
      new SocketOptions(TriState.NO, TriState.NO, TriState.NO, TriState.NO);

  /** Nothing known: what a socket-table listing reveals about someone else's socket. */
  public static final SocketOptions UNKNOWN =
      new SocketOptions(TriState.UNKNOWN, TriState.UNKNOWN, TriState.UNKNOWN, TriState.UNKNOWN);

  public SocketOptions {
    requireNonNull(v6Only, "v6Only");
    requireNonNull(reuseAddr, "reuseAddr");
    requireNonNull(reusePort, "reusePort");
    requireNonNull(exclusiveAddrUse, "exclusiveAddrUse");
    if (reuseAddr == TriState.YES && exclusiveAddrUse == TriState.YES) {
      throw new IllegalArgumentException(
          "SO_REUSEADDR and SO_EXCLUSIVEADDRUSE cannot both be set (Winsock rejects the second)");
    }
  }

  public SocketOptions withV6Only(boolean value) {
    return new SocketOptions(TriState.of(value), reuseAddr, reusePort, exclusiveAddrUse);
  }

  public SocketOptions withReuseAddr(boolean value) {
    return new SocketOptions(v6Only, TriState.of(value), reusePort, exclusiveAddrUse);
  }

  public SocketOptions withReusePort(boolean value) {
    return new SocketOptions(v6Only, reuseAddr, TriState.of(value), exclusiveAddrUse);
  }

  public SocketOptions withExclusiveAddrUse(boolean value) {
    return new SocketOptions(v6Only, reuseAddr, reusePort, TriState.of(value));
  }

  /** True when no option is {@link TriState#UNKNOWN}. */
  public boolean isFullyKnown() {
    return v6Only != TriState.UNKNOWN
        && reuseAddr != TriState.UNKNOWN
        && reusePort != TriState.UNKNOWN
        && exclusiveAddrUse != TriState.UNKNOWN;
  }

  @Override
  public String toString() {
    return "v6only="
        + v6Only
        + " reuseaddr="
        + reuseAddr
        + " reuseport="
        + reusePort
        + " exclusiveaddruse="
        + exclusiveAddrUse;
  }
}
