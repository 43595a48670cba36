package dev.portkeep.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.status.ForwardSnapshot;
import dev.portkeep.status.TunnelSnapshot;
import dev.portkeep.status.TunnelState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ThroughputTest {
  private static TunnelSnapshot tunnel(String name, long up, long down) {
    ForwardSnapshot f =
        new ForwardSnapshot(
            "-L",
            "1:h:2",
            List.of("127.0.0.1:1"),
            ForwardSnapshot.ForwardState.ACTIVE,
            Optional.of(0L),
            Optional.of(0L),
            Optional.of(up),
            Optional.of(down),
            Map.of(),
            Optional.empty(),
            Optional.empty(),
            Optional.empty());
    return new TunnelSnapshot(
        name,
        TunnelState.UP,
        Instant.EPOCH,
        "u@h",
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        0,
        Optional.empty(),
        Optional.empty(),
        List.of(f));
  }

  @Test
  void sample_bytesSinceTheLastSample_aCounterGoingBackCountsFromZero() {
    Throughput t = new Throughput();
    t.sample(List.of(tunnel("a", 100, 10)), Instant.ofEpochSecond(1));
    t.sample(List.of(tunnel("a", 350, 30)), Instant.ofEpochSecond(2));
    t.sample(List.of(tunnel("a", 40, 5)), Instant.ofEpochSecond(3));
    assertThat(t.history().path("a").toString()).isEqualTo("[[1,0,0],[2,250,20],[3,40,5]]");
    assertThat(t.latest().path("a").toString()).isEqualTo("[3,40,5]");
  }

  @Test
  void sample_keepsTenMinutesAndForgetsRemovedTunnels() {
    Throughput t = new Throughput();
    for (int i = 0; i < Throughput.SAMPLES + 50; i++) {
      t.sample(List.of(tunnel("a", i, 0), tunnel("b", 0, 0)), Instant.ofEpochSecond(i));
    }
    assertThat(t.history().path("a").size()).isEqualTo(Throughput.SAMPLES);
    assertThat(t.history().path("a").get(0).get(0).asLong()).isEqualTo(50);
    t.sample(List.of(tunnel("a", 0, 0)), Instant.ofEpochSecond(10_000));
    assertThat(t.history().has("b")).isFalse();
  }
}
