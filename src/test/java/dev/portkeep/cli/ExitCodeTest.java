package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.error.NotRunningException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ExitCodeTest {
  @Test
  void notRunning_isExit6_asTheReadmeSays() throws IOException {
    ExitCode code = ExitCode.of(new NotRunningException("no portkeep up is running", "", null));
    assertThat(code).isEqualTo(ExitCode.NOT_RUNNING);
    assertThat(code.code()).isEqualTo(6);
    assertThat(Files.readString(Path.of("README.md")))
        .contains("| 6 | no `portkeep up` is running");
  }
}
