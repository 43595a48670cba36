package dev.portkeep;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.testing.Command;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The short form of {@code bench/soak} (issue 11, part 8): one {@code portkeep up} with 10 tunnels
 * to a real sshd for 2 minutes, with traffic, a connection opened and closed every second and the
 * sshd killed six times, must not grow in live heap, CompletableFuture objects, threads,
 * descriptors or RSS. The script owns the rule (bench/README.md): the first fifth of the samples is
 * warm-up and each margin is far above what a steady process moves, so a passing build does not
 * fail by chance, while the leak it was written for (a future per supervisor every 250 ms) adds
 * thousands of futures a minute.
 */
class SoakIT {
  private static final Path SOAK = Path.of("bench", "soak").toAbsolutePath();

  @Test
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void up_tenTunnelsTwoMinutesThroughSshdCrashes_nothingGrows() {
    Command.Result run =
        Command.run(
            Duration.ofMinutes(5),
            List.of(
                SOAK.toString(),
                "--minutes",
                "2",
                "--tunnels",
                "10",
                "--java-home",
                System.getProperty("java.home")));

    assertThat(run.exitCode())
        .as("bench/soak exit code\nstdout:\n%s\nstderr:\n%s", run.stdout(), run.stderr())
        .isZero();
    assertThat(run.stdout()).contains("verdict: PASS: nothing grew");
  }
}
