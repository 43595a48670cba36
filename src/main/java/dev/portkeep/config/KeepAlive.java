package dev.portkeep.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Dead-peer detection, in OpenSSH's ServerAliveInterval and ServerAliveCountMax meanings: a
 * keepalive every {@code interval}, and the session is declared dead after {@code countMax}
 * unanswered ones. A zero interval turns it off.
 */
public record KeepAlive(Duration interval, int countMax) {
  /**
   * portkeep's default: tunnels must never die silently, so 15 s x 3 unless the user says
   * otherwise.
   */
  public static final KeepAlive DEFAULT = new KeepAlive(Duration.ofSeconds(15), 3);

  public KeepAlive {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || countMax < 1) {
      throw new IllegalArgumentException("interval " + interval + ", countMax " + countMax);
    }
  }

  public boolean enabled() {
    return !interval.isZero();
  }

  /** How long a silent peer may take to be declared dead: interval x (countMax + 1). */
  public Duration deadline() {
    return interval.multipliedBy(countMax + 1L);
  }
}
