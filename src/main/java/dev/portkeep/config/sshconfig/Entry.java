package dev.portkeep.config.sshconfig;

import java.util.List;

/** One line of a loaded configuration file, already split and checked for syntax. */
sealed interface Entry {
  /** {@code Host} patterns: whitespace-separated, {@code !} negates, case-sensitive. */
  record HostLine(Source source, List<String> patterns) implements Entry {
    /** readconf.c: a matching negated pattern rejects the block, whatever else matches. */
    boolean matches(String host) {
      boolean matched = false;
      for (String pattern : patterns) {
        boolean negated = pattern.startsWith("!");
        if (Patterns.matches(host, negated ? pattern.substring(1) : pattern)) {
          if (negated) {
            return false;
          }
          matched = true;
        }
      }
      return matched;
    }
  }

  record MatchLine(Source source, MatchCondition condition) implements Entry {}

  /**
   * An {@code Include}: the files its patterns matched, in order, and the patterns that matched
   * none.
   */
  record IncludeLine(Source source, List<LoadedFile> files, List<String> unmatched)
      implements Entry {}

  /** Any other keyword, known to OpenSSH or not: judged when a host is resolved. */
  record Setting(ConfigLine line) implements Entry {}

  /** A file and its entries, for the walk over an Include. */
  record LoadedFile(String shown, List<Entry> entries) {}
}
