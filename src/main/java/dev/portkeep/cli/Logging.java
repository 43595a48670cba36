package dev.portkeep.cli;

/**
 * Configures slf4j-simple from the number of {@code -v} flags. Must run before any logger exists,
 * so {@link Main} calls it first and no class on that path has a static logger.
 */
final class Logging {
  private Logging() {}

  static void configure(int verbosity) {
    String own =
        switch (verbosity) {
          case 0 -> "warn";
          case 1 -> "info";
          default -> "debug";
        };
    String mina =
        switch (verbosity) {
          case 0, 1 -> "error";
          case 2 -> "info";
          default -> "debug";
        };
    set("org.slf4j.simpleLogger.logFile", "System.err");
    set("org.slf4j.simpleLogger.defaultLogLevel", mina);
    set("org.slf4j.simpleLogger.log.dev.portkeep", own);
    set("org.slf4j.simpleLogger.showThreadName", String.valueOf(verbosity >= 2));
    set("org.slf4j.simpleLogger.showShortLogName", String.valueOf(verbosity >= 1));
    set("org.slf4j.simpleLogger.showLogName", "false");
    set("org.slf4j.simpleLogger.showDateTime", String.valueOf(verbosity >= 1));
    set("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
  }

  /** Counts -v flags in the raw arguments, including clusters such as -vvv or -Nv. */
  static int verbosity(String[] args) {
    int count = 0;
    for (String arg : args) {
      if (arg.equals("--")) {
        break;
      }
      if (arg.startsWith("-")
          && !arg.startsWith("--")
          && arg.length() > 1
          && arg.substring(1).chars().allMatch(c -> "vN46".indexOf(c) >= 0)) {
        count += (int) arg.chars().filter(c -> c == 'v').count();
      }
    }
    return count;
  }

  private static void set(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
