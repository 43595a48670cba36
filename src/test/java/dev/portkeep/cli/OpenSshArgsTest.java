package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenSshArgsTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-L 1:h:2 gw | -L 1:h:2 gw",
        "gw -L 1:h:2 | gw -L 1:h:2",
        "gw ls -l | gw -- ls -l",
        "-NL 1:h:2 gw -v uptime | -NL 1:h:2 gw -v -- uptime",
        "-L1:h:2 -p 22 gw cmd | -L1:h:2 -p 22 gw -- cmd",
        "-o Port=2 gw | -o Port=2 gw",
        "demo --no-wait | demo --no-wait",
        "-L 1:h:2 gw -- x | -L 1:h:2 gw -- x",
      })
  void normalize_marksWhereTheRemoteCommandStarts(String in, String out) {
    assertThat(String.join(" ", OpenSshArgs.normalize(in.split(" "), Set.of("demo"))))
        .isEqualTo(out);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-L 1:h:2 gw | gw",
        "-NL 1:h:2 -p 22 gw cmd | gw",
        "-v up | up",
        "-- gw | ",
        "-N -v | ",
        "- | -",
      })
  void firstWord_skipsOptionsAndTheirValues(String in, @Nullable String word) {
    assertThat(OpenSshArgs.firstWord(in.split(" "))).isEqualTo(word);
  }
}
