package dev.portkeep.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class KeepAliveTest {
  @Test
  void deadline_isIntervalTimesCountPlusOne() {
    assertThat(new KeepAlive(Duration.ofSeconds(15), 3).deadline())
        .isEqualTo(Duration.ofSeconds(60));
    assertThat(KeepAlive.DEFAULT.enabled()).isTrue();
  }

  @Test
  void zeroInterval_turnsItOff() {
    assertThat(new KeepAlive(Duration.ZERO, 3).enabled()).isFalse();
  }
}
