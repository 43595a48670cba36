package dev.portkeep.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, checking it every few milliseconds: the way tests
 * synchronise with what they cannot be told about directly (a file growing, a line printed, a port
 * answering). Never a fixed sleep that hopes something happened.
 */
public final class Await {
  private static final Duration DEFAULT = Duration.ofSeconds(30);
  private static final long POLL_MILLIS = 10;

  private Await() {}

  /** Waits up to 30 s for {@code condition}; fails naming {@code what} when it never holds. */
  public static void until(String what, BooleanSupplier condition) {
    until(what, DEFAULT, condition, () -> "");
  }

  /** Waits up to {@code timeout}; the failure says {@code what} and then {@code state}. */
  public static void until(
      String what, Duration timeout, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "waited " + timeout.toMillis() + " ms for " + what + "; " + state.get());
      }
      try {
        Thread.sleep(POLL_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what, e);
      }
    }
  }
}
