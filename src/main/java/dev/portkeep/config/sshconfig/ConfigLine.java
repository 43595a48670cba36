package dev.portkeep.config.sshconfig;

import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One non-blank, non-comment line split the way OpenSSH's readconf.c splits it: the keyword ends at
 * whitespace or at one {@code =}; the rest is split into words where double or single quotes group
 * spaces, a backslash escapes a quote, a backslash or a space, and a word starting with {@code #}
 * ends the line. {@code rest} keeps the raw text after the keyword for the few keywords OpenSSH
 * reads unsplit (Match, ProxyJump, ProxyCommand).
 */
record ConfigLine(Source source, String keyword, String rest, List<String> args) {
  private static final String WHITESPACE = " \t\r\n";

  /** The line's keyword and words, or empty for a blank line or a comment. */
  static Optional<ConfigLine> parse(String text, Source source) {
    String line = stripTrailing(text);
    if (line.isEmpty()) {
      return Optional.empty();
    }
    Cursor cursor = new Cursor(line);
    String keyword = cursor.next();
    if (keyword != null && keyword.isEmpty()) {
      keyword = cursor.next(); // the line began with whitespace
    }
    if (keyword == null || keyword.isEmpty() || keyword.startsWith("#")) {
      return Optional.empty();
    }
    String rest = skip(cursor.remaining(), WHITESPACE);
    if (rest.isEmpty()) {
      throw new UsageException(
          source.prefix() + " no argument after keyword '" + keyword + "'",
          "give " + keyword + " a value or delete the line");
    }
    return Optional.of(new ConfigLine(source, keyword, rest, split(rest, source)));
  }

  /** The raw text after the keyword as OpenSSH takes it for ProxyJump: up to a '#', trimmed. */
  String rawValue() {
    String value = skip(rest, WHITESPACE + "=");
    int hash = value.indexOf('#');
    return (hash < 0 ? value : value.substring(0, hash)).strip();
  }

  /** The raw text after the keyword as OpenSSH takes it for ProxyCommand: all of it, trimmed. */
  String commandValue() {
    return skip(rest, WHITESPACE + "=").strip();
  }

  /** OpenSSH's strdelim() tokens of the text after the keyword, as Match reads them. */
  List<String> delimitedWords() {
    List<String> words = new ArrayList<>();
    Cursor cursor = new Cursor(rest);
    for (String word = cursor.next(); word != null && !word.isEmpty(); word = cursor.next()) {
      words.add(word);
    }
    return words;
  }

  /** OpenSSH's argv_split(): whitespace-separated words with quotes, escapes and '#' comments. */
  static List<String> split(String text, Source source) {
    List<String> words = new ArrayList<>();
    int i = 0;
    int n = text.length();
    while (i < n) {
      char c = text.charAt(i);
      if (c == ' ' || c == '\t') {
        i++;
        continue;
      }
      if (c == '#') {
        break;
      }
      StringBuilder word = new StringBuilder();
      char quote = 0;
      for (; i < n; i++) {
        c = text.charAt(i);
        char next = i + 1 < n ? text.charAt(i + 1) : 0;
        if (c == '\\'
            && (next == '\'' || next == '"' || next == '\\' || (quote == 0 && next == ' '))) {
          word.append(next);
          i++;
        } else if (quote == 0 && (c == ' ' || c == '\t')) {
          break;
        } else if (quote == 0 && (c == '"' || c == '\'')) {
          quote = c;
        } else if (quote != 0 && c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      }
      if (quote != 0) {
        throw new UsageException(
            source.prefix() + " invalid quotes", "close the quote, or escape it with a backslash");
      }
      words.add(word.toString());
    }
    return words;
  }

  private static String stripTrailing(String text) {
    int end = text.length();
    while (end > 0 && (WHITESPACE + "\f").indexOf(text.charAt(end - 1)) >= 0) {
      end--;
    }
    return text.substring(0, end);
  }

  private static String skip(String text, String chars) {
    int i = 0;
    while (i < text.length() && chars.indexOf(text.charAt(i)) >= 0) {
      i++;
    }
    return text.substring(i);
  }

  /** OpenSSH's strdelim(): a word ends at whitespace, at one '=' or at a double-quoted part. */
  private static final class Cursor {
    private final String text;
    private int pos; // -1 once exhausted, as strdelim sets its pointer to NULL

    Cursor(String text) {
      this.text = text;
    }

    String remaining() {
      return pos < 0 ? "" : text.substring(pos);
    }

    String next() {
      if (pos < 0) {
        return null;
      }
      int start = pos;
      int stop = indexOfAny(text, WHITESPACE + "\"=", start);
      if (stop < 0) {
        pos = -1;
        return text.substring(start);
      }
      if (text.charAt(stop) == '"') {
        int close = text.indexOf('"', stop + 1);
        if (close < 0) {
          pos = -1;
          return null; // no matching quote
        }
        pos = skipWhitespace(close + 1);
        return text.substring(start, stop) + text.substring(stop + 1, close);
      }
      boolean equals = text.charAt(stop) == '=';
      pos = skipWhitespace(stop + 1);
      if (!equals && pos < text.length() && text.charAt(pos) == '=') {
        pos = skipWhitespace(pos + 1);
      }
      return text.substring(start, stop);
    }

    private int skipWhitespace(int from) {
      int i = from;
      while (i < text.length() && WHITESPACE.indexOf(text.charAt(i)) >= 0) {
        i++;
      }
      return i;
    }

    private static int indexOfAny(String text, String chars, int from) {
      for (int i = from; i < text.length(); i++) {
        if (chars.indexOf(text.charAt(i)) >= 0) {
          return i;
        }
      }
      return -1;
    }
  }
}
