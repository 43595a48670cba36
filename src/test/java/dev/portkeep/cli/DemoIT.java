package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code portkeep demo} works with nothing set up. */
class DemoIT {
  @TempDir Path home;

  @Test
  void demo_noWait_tunnelsTrafficIntactAndExits0() {
    CliRun run = CliRun.run(home, "demo", "--no-wait");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("ssh server   embedded, 127.0.0.1:")
        .containsPattern(
            "forwarding 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:\\d+ via demo@127\\.0\\.0\\.1:\\d+")
        .contains("SHA-256 equal")
        .contains("./portkeep -L 8080:db.internal:5432");
  }
}
