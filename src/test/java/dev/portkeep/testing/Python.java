package dev.portkeep.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs small {@code python3 -c} snippets for the raw socket tricks Java lacks (TCP_REPAIR, odd
 * options).
 */
public final class Python {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Python() {}

  /** Whether a {@code python3} is on the PATH. */
  public static boolean available() {
    try {
      return Command.run(Duration.ofSeconds(10), "python3", "-c", "pass").exitCode() == 0;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /**
   * Runs {@code code} with {@code args} as sys.argv[1:] and returns its stdout; fails naming its
   * stderr.
   */
  public static String run(String code, String... args) {
    List<String> argv = new ArrayList<>(List.of("python3", "-c", code));
    argv.addAll(List.of(args));
    return Command.run(TIMEOUT, argv).orThrow().stdout();
  }
}
