package dev.portkeep.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Help;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The help as OpenSSH users read it: {@code -L [bind_address:]port:host:hostport}, a space between
 * an option and its value, never picocli's {@code -L=...} (the parser still takes {@code
 * --config=FILE}); and each description one paragraph that wraps at the width, instead of source
 * lines that each wrap again and leave a stub of a line behind.
 */
final class OpenSshHelp {
  private OpenSshHelp() {}

  /** Applies to the command and every subcommand, so call it once all are added. */
  static void apply(CommandLine line) {
    joinDescriptions(line.getCommandSpec());
    // Help is made only to be printed, after the command line was parsed, and each run builds a
    // fresh model: the separator can change for the help's sake without changing the parsing.
    line.setHelpFactory(
        (spec, scheme) -> {
          spec.parser().separator(" ");
          return new Help(spec, scheme);
        });
  }

  /**
   * Description lines are one paragraph split for the source's sake; a blank line or one that
   * starts with a space (an indented list) keeps its break.
   */
  private static void joinDescriptions(CommandSpec spec) {
    String[] lines = spec.usageMessage().description();
    List<String> paragraphs = new ArrayList<>();
    for (String line : lines) {
      boolean continues =
          !paragraphs.isEmpty()
              && !line.isBlank()
              && !line.startsWith(" ")
              && !paragraphs.getLast().isBlank();
      if (continues) {
        paragraphs.set(paragraphs.size() - 1, paragraphs.getLast() + " " + line);
      } else {
        paragraphs.add(line);
      }
    }
    spec.usageMessage().description(paragraphs.toArray(String[]::new));
    for (CommandLine sub : spec.subcommands().values()) {
      joinDescriptions(sub.getCommandSpec());
    }
  }
}
