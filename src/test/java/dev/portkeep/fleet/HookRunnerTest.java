package dev.portkeep.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.status.StateChange;
import dev.portkeep.status.TunnelState;
import dev.portkeep.testing.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** on_change commands: run with the change in their environment, in order, bounded, logged. */
class HookRunnerTest {
  @TempDir Path dir;
  private final List<String> log = new CopyOnWriteArrayList<>();

  private static StateChange change(TunnelState from, TunnelState to, String reason) {
    return new StateChange("files", from, to, reason, Instant.parse("2026-12-02T10:00:00Z"));
  }

  @Test
  void submit_runsTheCommandWithTheChangeInItsEnvironment() throws Exception {
    Path out = dir.resolve("env");
    try (HookRunner hooks = new HookRunner(Duration.ofSeconds(10), log::add)) {
      hooks.submit(
          "echo \"$PORTKEEP_TUNNEL $PORTKEEP_PREVIOUS $PORTKEEP_STATE [$PORTKEEP_REASON]\" > "
              + out,
          change(TunnelState.UP, TunnelState.RECONNECTING, "keepalive 'timeout'"));
      Await.until("the hook's file", () -> Files.exists(out) && size(out) > 0);
    }
    assertThat(Files.readString(out)).isEqualTo("files up reconnecting [keepalive 'timeout']\n");
  }

  @Test
  void submit_outputAndFailure_goToTheLogLineByLine() {
    try (HookRunner hooks = new HookRunner(Duration.ofSeconds(10), log::add)) {
      hooks.submit(
          "echo one; echo two >&2; exit 3", change(TunnelState.CONNECTING, TunnelState.UP, ""));
      Await.until("the exit status logged", () -> log.stream().anyMatch(l -> l.contains("exited")));
    }
    assertThat(log)
        .containsSubsequence(
            "hook for files: one",
            "hook for files: two",
            "hook for files: 'echo one; echo two >&2; exit 3' exited with 3");
  }

  @Test
  void submit_commandThatHangs_isKilledAtTheLimitAndTheNextOneStillRuns() throws Exception {
    Path next = dir.resolve("next");
    try (HookRunner hooks = new HookRunner(Duration.ofMillis(500), log::add)) {
      hooks.submit("sleep 600", change(TunnelState.UP, TunnelState.STOPPED, ""));
      hooks.submit("touch " + next, change(TunnelState.STOPPED, TunnelState.CONNECTING, ""));
      Await.until("the second hook", () -> Files.exists(next));
    }
    assertThat(log).anyMatch(l -> l.contains("'sleep 600' killed after"));
  }

  @Test
  void submit_aBurstBeyondTheQueue_dropsWithALogLineAndNeverBlocks() {
    try (HookRunner hooks = new HookRunner(Duration.ofSeconds(10), log::add)) {
      hooks.submit("sleep 5", change(TunnelState.UP, TunnelState.STOPPED, ""));
      for (int i = 0; i < HookRunner.QUEUE + 10; i++) {
        hooks.submit("true", change(TunnelState.STOPPED, TunnelState.UP, ""));
      }
      assertThat(log).anyMatch(l -> l.contains("is dropped"));
    }
  }

  @Test
  void submit_hugeOutput_logsBoundedLinesOfBoundedLength() {
    try (HookRunner hooks = new HookRunner(Duration.ofSeconds(30), log::add)) {
      hooks.submit(
          "printf '%05000d\\n' 0; seq 1 500", change(TunnelState.UP, TunnelState.FAILED, ""));
      Await.until(
          "the count of lines left out",
          () -> log.stream().anyMatch(l -> l.contains("more lines")));
    }
    assertThat(log.get(0)).endsWith(" (cut)").hasSizeLessThan(HookRunner.MAX_LINE + 40);
    assertThat(log).hasSize(HookRunner.MAX_LINES + 1);
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}
