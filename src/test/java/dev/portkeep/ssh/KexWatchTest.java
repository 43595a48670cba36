package dev.portkeep.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KexWatchTest {
  private static final long SECOND = 1_000_000_000L;
  private final KexWatch watch = new KexWatch(Duration.ofSeconds(3));

  @Test
  void expired_oneExchangeRunningForTheWholeBudget_trueAtTheBudget() {
    assertThat(watch.expired(true, 5, 10 * SECOND)).isFalse();
    assertThat(watch.expired(true, 5, 11 * SECOND)).isFalse();
    assertThat(watch.expired(true, 5, 12 * SECOND)).isFalse();
    assertThat(watch.expired(true, 5, 13 * SECOND)).isTrue();
  }

  @Test
  void expired_aNewExchangeAtEveryLook_neverExpires() {
    // A session re-keying every megabyte is caught in an exchange at most looks, each a new one.
    for (int t = 0; t < 100; t++) {
      assertThat(watch.expired(true, t, t * SECOND)).as("look %d", t).isFalse();
    }
  }

  @Test
  void expired_exchangeFinishedBetweenLooks_startsTheClockAgain() {
    assertThat(watch.expired(true, 0, 0)).isFalse();
    assertThat(watch.expired(true, 0, 2 * SECOND)).isFalse();
    assertThat(watch.expired(false, 1, 3 * SECOND)).isFalse();
    assertThat(watch.expired(true, 1, 4 * SECOND)).isFalse();
    assertThat(watch.expired(true, 1, 6 * SECOND)).isFalse();
    assertThat(watch.expired(true, 1, 7 * SECOND)).isTrue();
  }

  @Test
  void expired_afterFiring_staysQuiet() {
    watch.expired(true, 0, 0);
    assertThat(watch.expired(true, 0, 3 * SECOND)).isTrue();
    assertThat(watch.expired(true, 0, 4 * SECOND)).isFalse();
  }
}
