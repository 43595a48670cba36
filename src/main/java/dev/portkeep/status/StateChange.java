package dev.portkeep.status;

import java.time.Instant;
import java.util.Objects;

/**
 * A tunnel moved from one state to another: what logs print, hooks run on, and the web page pushes.
 * {@code reason} is one phrase (empty when there is nothing to add).
 */
public record StateChange(
    String tunnel, TunnelState previous, TunnelState current, String reason, Instant at) {
  public StateChange {
    Objects.requireNonNull(tunnel, "tunnel");
    Objects.requireNonNull(previous, "previous");
    Objects.requireNonNull(current, "current");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(at, "at");
  }
}
