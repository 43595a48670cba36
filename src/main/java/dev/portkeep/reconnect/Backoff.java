package dev.portkeep.reconnect;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter: attempt 1 waits about {@code initial}, each next one twice as
 * long up to {@code max}, each spread by +-20% so many clients do not retry in step. A pure
 * function of the attempt number and the random source, so it is tested without sleeping.
 */
public record Backoff(Duration initial, Duration max, RandomGenerator random) {
  static final double JITTER = 0.2;

  public Backoff {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    Objects.requireNonNull(random, "random");
    if (initial.isZero() || initial.isNegative() || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(initial + " " + max);
    }
  }

  /** The wait before attempt {@code attempt} (1-based). */
  public Duration delay(int attempt) {
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt " + attempt);
    }
    double base = (double) initial.toNanos() * Math.pow(2, Math.min(attempt - 1, 40));
    double capped = Math.min(base, (double) max.toNanos());
    double spread = 1 + JITTER * (2 * random.nextDouble() - 1);
    return Duration.ofNanos((long) (capped * spread));
  }

  /**
   * The same backoff, never shorter than {@code floor} (remote forwards retry at most once a
   * second).
   */
  public Duration delay(int attempt, Duration floor) {
    Duration d = delay(attempt);
    return d.compareTo(floor) < 0 ? floor : d;
  }
}
