package dev.portkeep.config.tunnels;

/** Values as messages quote them: one line, at most {@value #MAX} characters. */
final class Quote {
  static final int MAX = 80;

  private Quote() {}

  /** {@code 'value'} with control characters escaped and a long value cut short. */
  static String of(String value) {
    return "'" + printable(value) + "'";
  }

  /** A TOML basic string, for keys that need quotes: {@code "my db"}. */
  static String basic(String key) {
    return "\"" + printable(key).replace("\"", "\\\"") + "\"";
  }

  /**
   * {@code text} on one line: control characters escaped, nothing cut. For messages of other
   * components, which quote values raw.
   */
  static String oneLine(String text) {
    return escaped(text, Integer.MAX_VALUE);
  }

  private static String printable(String value) {
    return escaped(value, MAX);
  }

  private static String escaped(String value, int max) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (; i < value.length() && out.length() < max; i++) {
      char c = value.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (Character.isISOControl(c)) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return i < value.length() ? out + "..." : out.toString();
  }
}
