package dev.portkeep.config.sshconfig;

import java.util.Locale;

/**
 * OpenSSH's match.c: {@code *} and {@code ?} wildcards, and comma-separated lists with {@code !}.
 */
public final class Patterns {
  /** What a pattern list says about a string. */
  enum ListMatch {
    /** Some positive pattern matched and no negated one did. */
    MATCH,
    /** Nothing matched, or only negated patterns were given. */
    NO_MATCH,
    /** A negated pattern matched: this beats any positive match. */
    NEGATED
  }

  private Patterns() {}

  /**
   * Whether {@code pattern} matches all of {@code text}, case-sensitively: {@code *} matches any
   * run of characters, {@code ?} any one character, and nothing else is special.
   */
  static boolean matches(String text, String pattern) {
    int t = 0;
    int p = 0;
    int starP = -1;
    int starT = 0;
    while (t < text.length()) {
      if (p < pattern.length()
          && (pattern.charAt(p) == '?' || pattern.charAt(p) == text.charAt(t))) {
        t++;
        p++;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        starP = p++;
        starT = t;
      } else if (starP >= 0) {
        p = starP + 1;
        t = ++starT;
      } else {
        return false;
      }
    }
    while (p < pattern.length() && pattern.charAt(p) == '*') {
      p++;
    }
    return p == pattern.length();
  }

  /**
   * match_pattern_list(): {@code list} is comma-separated patterns, each optionally negated with
   * {@code !}. With {@code lowerPatterns} the patterns (not the text) are lower-cased first, as
   * OpenSSH does for host names and keywords.
   */
  static ListMatch matchList(String text, String list, boolean lowerPatterns) {
    boolean positive = false;
    for (String sub : list.split(",", -1)) {
      boolean negated = sub.startsWith("!");
      String pattern = negated ? sub.substring(1) : sub;
      if (lowerPatterns) {
        pattern = pattern.toLowerCase(Locale.ROOT);
      }
      if (matches(text, pattern)) {
        if (negated) {
          return ListMatch.NEGATED;
        }
        positive = true;
      }
    }
    return positive ? ListMatch.MATCH : ListMatch.NO_MATCH;
  }

  /**
   * match_hostname(): the host lower-cased against a lower-cased pattern list. Linear in time
   * whatever the pattern, so known_hosts lines are matched here too.
   */
  public static boolean matchesHostList(String host, String list) {
    return matchList(host.toLowerCase(Locale.ROOT), list, true) == ListMatch.MATCH;
  }
}
