package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.config.Environment;
import dev.portkeep.ssh.Prompts;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The help as an OpenSSH user expects it, for every command: options shown with a space before the
 * value, nothing wider than the 80 columns it is laid out for, and examples.
 */
class HelpTest {
  static Stream<String> commands() {
    List<String> names = new ArrayList<>();
    collect(ManPageTest.model().getCommandSpec(), names);
    return names.stream();
  }

  private static void collect(CommandSpec spec, List<String> names) {
    if (spec.usageMessage().hidden()) {
      return;
    }
    names.add(spec.qualifiedName(" ").replaceFirst("^portkeep ?", ""));
    for (CommandLine sub : spec.subcommands().values()) {
      collect(sub.getCommandSpec(), names);
    }
  }

  private static String help(String command) {
    List<String> args =
        new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8);
    int code =
        Main.run(
            args.toArray(String[]::new),
            ps,
            ps,
            new Environment(Path.of("/nonexistent-home"), "tester", false),
            Prompts.NONE,
            new StopSignal());
    assertThat(code).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void rootHelp_showsForwardsInOpenSshForm() {
    String help = help("");

    assertThat(help)
        .startsWith("Usage: portkeep [-46hNVv] [-L [bind_address:]port:host:hostport]...\n")
        // picocli's option column puts two spaces between an option and its value
        .contains("\n  -L  [bind_address:]port:host:hostport\n")
        .contains("\n  -R  [bind_address:]port:host:hostport\n")
        .contains("\n  -D  [bind_address:]port ")
        .contains("\n  -p  port ")
        .doesNotContain("-L=")
        .doesNotContain("-o=");
  }

  @ParameterizedTest(name = "portkeep {0} --help")
  @MethodSource("commands")
  void help_noOptionEqualsValue_noLineOver80_hasExamples(String command) {
    String help = help(command);

    assertThat(help).doesNotContainPattern("(^|[\\s\\[])--?[A-Za-z][-A-Za-z]*=[\\[A-Za-z]");
    assertThat(help.lines()).allSatisfy(l -> assertThat(l.length()).as(l).isLessThanOrEqualTo(80));
    assertThat(help).contains("\nExamples:\n");
    String examples = help.substring(help.indexOf("\nExamples:\n") + 11);
    assertThat(examples.lines().takeWhile(l -> !l.isEmpty()))
        .as("example lines, none a wrapped stub")
        .isNotEmpty()
        .allSatisfy(l -> assertThat(l).startsWith("  "));
  }
}
