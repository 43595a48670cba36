package dev.portkeep.config;

import java.time.Duration;
import java.util.Objects;

/**
 * What happens when the session is lost: reconnect (the default) with exponential backoff from
 * {@code initialDelay} doubling to {@code maxDelay}, and how long a connection that arrives during
 * the outage is held waiting ({@code hold}; zero closes it at once).
 */
public record ReconnectPolicy(
    boolean enabled, Duration initialDelay, Duration maxDelay, Duration hold) {
  public static final ReconnectPolicy DEFAULT =
      new ReconnectPolicy(true, Duration.ofMillis(500), Duration.ofSeconds(30), Duration.ZERO);

  public ReconnectPolicy {
    Objects.requireNonNull(initialDelay, "initialDelay");
    Objects.requireNonNull(maxDelay, "maxDelay");
    Objects.requireNonNull(hold, "hold");
    if (initialDelay.isNegative()
        || initialDelay.isZero()
        || maxDelay.compareTo(initialDelay) < 0
        || hold.isNegative()) {
      throw new IllegalArgumentException(initialDelay + " " + maxDelay + " " + hold);
    }
  }

  public ReconnectPolicy withEnabled(boolean on) {
    return new ReconnectPolicy(on, initialDelay, maxDelay, hold);
  }

  public ReconnectPolicy withHold(Duration newHold) {
    return new ReconnectPolicy(enabled, initialDelay, maxDelay, newHold);
  }
}
