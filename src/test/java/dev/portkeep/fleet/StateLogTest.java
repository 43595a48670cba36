package dev.portkeep.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.status.StateChange;
import dev.portkeep.status.TunnelState;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One stamped line per change, on stderr and in a file rotated by size. */
class StateLogTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final Clock clock =
      Clock.fixed(Instant.parse("2026-12-02T10:00:00.123Z"), ZoneOffset.UTC);

  @Test
  void change_writesOneStampedLineToStderrAndTheFile() throws Exception {
    Path file = dir.resolve("logs/up.log");
    try (StateLog log = new StateLog(stream(), clock, file, 1 << 20, 3)) {
      log.change(
          new StateChange(
              "db",
              TunnelState.UP,
              TunnelState.RECONNECTING,
              "keepalive timeout",
              clock.instant()));
    }
    String line = "2026-12-02T10:00:00.123Z db reconnecting: keepalive timeout (was up)";
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo(line + System.lineSeparator());
    assertThat(Files.readString(file)).isEqualTo(line + System.lineSeparator());
  }

  @Test
  void line_pastTheSize_rotatesAndKeepsOnlyKeepOldFiles() throws Exception {
    Path file = dir.resolve("up.log");
    try (StateLog log = new StateLog(stream(), clock, file, 100, 2)) {
      for (int i = 0; i < 20; i++) {
        log.line("line " + i + " " + "x".repeat(40));
      }
    }
    assertThat(Files.size(file)).isLessThanOrEqualTo(100);
    assertThat(dir.resolve("up.log.1")).exists();
    assertThat(dir.resolve("up.log.2")).exists();
    assertThat(dir.resolve("up.log.3")).doesNotExist();
    assertThat(Files.readString(file)).contains("line 19");
    assertThat(Files.readString(dir.resolve("up.log.1")))
        .contains("line 18")
        .doesNotContain("line 19");
  }

  private PrintStream stream() {
    return new PrintStream(err, true, StandardCharsets.UTF_8);
  }
}
