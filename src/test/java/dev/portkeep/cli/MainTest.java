package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MainTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-N -L 1:h:2 gw | true",
        "gw -v | true",
        "-v up | false",
        "status --json | false",
        "service install --dry-run | false",
        "--help | false",
        "-h gw | false",
        "-Nh gw | false",
        "-N | false",
        "--version | false",
      })
  void forwardsOnly_whenTheFirstWordIsAHostAndNoHelpIsAsked(String args, boolean rootOnly) {
    assertThat(Main.forwardsOnly(args.split(" "))).isEqualTo(rootOnly);
  }

  @Test
  void theWholeModelHasEverySubcommandNamed() {
    assertThat(ManPageTest.model().getSubcommands().keySet())
        .containsExactlyElementsOf(Main.SUBCOMMANDS);
  }
}
