package dev.portkeep.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PythonTest {
  @Test
  void run_snippetWithArgs_returnsItsStdout() {
    assertThat(Python.run("import sys; print(int(sys.argv[1]) * 2)", "21")).isEqualTo("42\n");
  }

  @Test
  void run_failingSnippet_throwsWithItsStderr() {
    assertThatThrownBy(() -> Python.run("raise SystemExit('boom')"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exit 1")
        .hasMessageContaining("boom");
  }
}
