package dev.portkeep.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.portkeep.config.Environment;
import dev.portkeep.ssh.Prompts;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The hand-written man page keeps up with the command model: every command and every option a user
 * can type is in it. (ReleaseArchiveIT checks that man renders it.)
 */
class ManPageTest {
  private static final Path PAGE = Path.of("packaging/portkeep.1");

  @Test
  void manPage_namesEveryVisibleCommandAndOption() throws IOException {
    String page = plain(Files.readString(PAGE));
    List<String> missing = new ArrayList<>();
    for (CommandSpec spec : visibleCommands(model().getCommandSpec())) {
      if (spec.parent() != null && !page.contains(spec.name())) {
        missing.add("command " + spec.qualifiedName());
      }
      for (OptionSpec option : spec.options()) {
        if (!option.hidden() && !page.contains(option.longestName())) {
          missing.add(spec.qualifiedName() + " " + option.longestName());
        }
      }
    }
    assertThat(missing).as("missing from " + PAGE).isEmpty();
  }

  @Test
  void manPage_titleCarriesTheVersionTheBuildFillsIn() throws IOException {
    assertThat(Files.readString(PAGE)).contains(".TH PORTKEEP 1").contains("${project.version}");
  }

  /** The page as a reader sees the words: roff's escaped hyphens and font changes removed. */
  private static String plain(String roff) {
    return roff.replace("\\-", "-").replaceAll("\\\\f[BIRP]", "");
  }

  private static List<CommandSpec> visibleCommands(CommandSpec root) {
    List<CommandSpec> all = new ArrayList<>(List.of(root));
    for (CommandLine sub : root.subcommands().values()) {
      CommandSpec spec = sub.getCommandSpec();
      if (!spec.usageMessage().hidden() && !all.contains(spec)) {
        all.addAll(visibleCommands(spec));
      }
    }
    return all;
  }

  static CommandLine model() {
    PrintStream sink = new PrintStream(new ByteArrayOutputStream(), true);
    Environment env = new Environment(Path.of("/nonexistent-home"), "tester", false);
    return Main.commandLine(new Invocation(sink, sink, env, Prompts.NONE, new StopSignal(), 0));
  }
}
