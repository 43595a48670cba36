package dev.portkeep.cli;

import dev.portkeep.config.Environment;
import dev.portkeep.ssh.Prompts;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/** The real terminal: where prompts go, and the environment read from the running process. */
final class Console implements Prompts {
  private final java.io.Console console;

  private Console(java.io.Console console) {
    this.console = console;
  }

  /** The terminal if one is attached, else {@link Prompts#NONE}. */
  @SuppressWarnings("SystemConsoleNull") // null is JDK 21's answer; isTerminal() asks JDK 22+
  static Prompts prompts() {
    java.io.Console c = System.console();
    return c != null && isTerminal(c) ? new Console(c) : Prompts.NONE;
  }

  static Environment environment() {
    return new Environment(
        Path.of(System.getProperty("user.home")),
        System.getProperty("user.name"),
        prompts() != Prompts.NONE,
        System.getenv());
  }

  /** JDK 22 and later return a Console even without a terminal; ask it when the method exists. */
  private static boolean isTerminal(java.io.Console c) {
    try {
      Method m = java.io.Console.class.getMethod("isTerminal");
      return (Boolean) m.invoke(c);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }

  @Override
  public Optional<Boolean> confirm(String question) {
    for (int i = 0; i < 3; i++) {
      String answer = console.readLine("%s", question);
      if (answer == null) {
        return Optional.of(false);
      }
      switch (answer.strip().toLowerCase(Locale.ROOT)) {
        case "yes" -> {
          return Optional.of(true);
        }
        case "no" -> {
          return Optional.of(false);
        }
        default -> console.printf("Please type 'yes' or 'no': ");
      }
    }
    return Optional.of(false);
  }

  @Override
  public Optional<char[]> secret(String prompt) {
    return Optional.ofNullable(console.readPassword("%s", prompt));
  }

  @Override
  public Optional<String> answer(String prompt) {
    return Optional.ofNullable(console.readLine("%s", prompt));
  }
}
