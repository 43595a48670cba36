package dev.portkeep.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.control.Request;
import dev.portkeep.metrics.MetricsEndpoint;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics endpoint and the web page log the non-loopback listener warning when bound beyond
 * loopback, and stay quiet on loopback.
 */
class ExposedWarningTest {
  @TempDir Path dir;

  private static String stderrOf(Runnable action) {
    PrintStream before = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      action.run();
    } finally {
      System.setErr(before);
    }
    return captured.toString(StandardCharsets.UTF_8);
  }

  @Test
  void metrics_everyInterface_warns_loopback_doesNot() throws Exception {
    String wide = stderrOf(() -> MetricsEndpoint.start(new InetSocketAddress(0), List::of).close());
    assertThat(wide).contains("the metrics endpoint listens on").contains("other machines");
    String local =
        stderrOf(
            () ->
                MetricsEndpoint.start(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), List::of)
                    .close());
    assertThat(local).doesNotContain("other machines");
  }

  @Test
  void page_everyInterface_warns() throws Exception {
    Path file = dir.resolve("ui-secret");
    Files.writeString(file, HexFormat.of().formatHex(new byte[32]));
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    UiSecret secret = UiSecret.load(file);
    String wide =
        stderrOf(
            () ->
                Dashboard.start(
                        new InetSocketAddress(0),
                        secret,
                        List::of,
                        (Request r) -> {
                          throw new IllegalStateException("no actions here");
                        },
                        Clock.systemUTC())
                    .close());
    assertThat(wide).contains("the web page listens on").contains("other machines");
  }

  @Test
  void secretFile_readableByOthers_refusedNamingTheMode() throws Exception {
    Path file = dir.resolve("ui-secret");
    Files.writeString(file, HexFormat.of().formatHex(new byte[32]));
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> UiSecret.loadOrCreate(file)))
        .hasMessageContaining("is refused: mode rw-r--r--");
  }

  @Test
  void secretFile_madeOnceWithMode0600_thenReadBack() throws Exception {
    Path file = dir.resolve("ui-secret");
    UiSecret made = UiSecret.loadOrCreate(file);
    assertThat(
            java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(UiSecret.loadOrCreate(file).matches(made.reveal())).isTrue();
    assertThat(made.matches("0".repeat(64))).isFalse();
    assertThat(made.toString()).doesNotContain(made.reveal());
  }
}
