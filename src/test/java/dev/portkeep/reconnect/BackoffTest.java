package dev.portkeep.reconnect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  /** A random source that always answers {@code value}, so the jitter is known. */
  private static RandomGenerator fixed(double value) {
    return new RandomGenerator() {
      @Override
      public long nextLong() {
        return 0;
      }

      @Override
      public double nextDouble() {
        return value;
      }
    };
  }

  private final Backoff middle =
      new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), fixed(0.5));

  @Test
  void delay_withoutJitter_doublesFromHalfASecondToTheCap() {
    assertThat(middle.delay(1)).isEqualTo(Duration.ofMillis(500));
    assertThat(middle.delay(2)).isEqualTo(Duration.ofSeconds(1));
    assertThat(middle.delay(3)).isEqualTo(Duration.ofSeconds(2));
    assertThat(middle.delay(7)).isEqualTo(Duration.ofSeconds(30));
    assertThat(middle.delay(1_000)).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void delay_jitter_staysWithinTwentyPercent() {
    Backoff low = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), fixed(0.0));
    Backoff high = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), fixed(0.999999));
    assertThat(low.delay(1)).isEqualTo(Duration.ofMillis(800));
    assertThat(high.delay(1)).isBetween(Duration.ofMillis(1199), Duration.ofMillis(1200));
    assertThat(low.delay(10)).isEqualTo(Duration.ofSeconds(24));
  }

  @Test
  void delay_withFloor_neverGoesBelowIt() {
    Backoff fast = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5), fixed(0.0));
    assertThat(fast.delay(1, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(1));
    assertThat(fast.delay(7, Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(4));
  }

  @Test
  void constructor_capBelowInitial_isABug() {
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(5), Duration.ofSeconds(1), fixed(0.5)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> middle.delay(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
