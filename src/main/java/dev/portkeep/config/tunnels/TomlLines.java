package dev.portkeep.config.tunnels;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the line of a table or key in TOML text, because Jackson's tree keeps no locations.
 *
 * <p>A lenient scan, run after Jackson has accepted the text (or refused it for a duplicate): it
 * notes every table header ({@code [tunnel.db]}, {@code [tunnel."my db"]}, {@code [[x]]}), every
 * key of a key/value pair with the table it is in (dotted keys such as {@code smb.netbios = true}
 * included) and every key inside an inline table, each with the line where the key starts, and the
 * line of each element of an array that is a key's value ({@code local = [ ... ]} over several
 * lines). It skips strings of every kind, comments and nested values without interpreting them,
 * never throws, and always moves forward, so any text gives an answer. When a path was never
 * written (an implicit table), {@link #line} names the first line that wrote something under it,
 * else the line of its table, else line 1.
 */
final class TomlLines {
  /** One key or header as written, in the order of the text. */
  record Definition(KeyPath path, int line, boolean header) {}

  /** A key or table written twice: where it is now and where it was first. */
  record Duplicate(KeyPath path, int line, int firstLine, boolean header) {}

  private final List<Definition> definitions;

  private TomlLines(List<Definition> definitions) {
    this.definitions = List.copyOf(definitions);
  }

  static TomlLines scan(String text) {
    return new TomlLines(new Scanner(text).run());
  }

  List<Definition> definitions() {
    return definitions;
  }

  /** The 1-based line that best shows {@code path}; see the class comment. */
  int line(KeyPath path) {
    KeyPath at = path;
    while (true) {
      Optional<Integer> here = exact(at);
      if (here.isPresent()) {
        return here.get();
      }
      if (at.index() >= 0) {
        at = at.withoutIndex();
        continue;
      }
      Optional<Integer> under = firstUnder(at);
      if (under.isPresent()) {
        return under.get();
      }
      if (at.keys().isEmpty()) {
        return 1;
      }
      at = at.parent();
    }
  }

  private Optional<Integer> exact(KeyPath path) {
    return definitions.stream()
        .filter(d -> d.path().equals(path))
        .map(Definition::line)
        .findFirst();
  }

  private Optional<Integer> firstUnder(KeyPath path) {
    return definitions.stream()
        .filter(d -> path.isProperPrefixOf(d.path()))
        .map(Definition::line)
        .min(Integer::compare);
  }

  /**
   * The key or table written again on {@code line} (Jackson sometimes reports the line after it),
   * with the line where it was first written: a key twice, a header twice, or a header for a table
   * that dotted keys already made.
   */
  Optional<Duplicate> duplicateNear(int line) {
    for (int candidate : new int[] {line, line - 1}) {
      for (int i = 0; i < definitions.size(); i++) {
        Definition d = definitions.get(i);
        if (d.line() == candidate && d.path().index() < 0) {
          Optional<Duplicate> dup = earlier(i, d);
          if (dup.isPresent()) {
            return dup;
          }
        }
      }
    }
    return Optional.empty();
  }

  private Optional<Duplicate> earlier(int i, Definition d) {
    for (Definition before : definitions.subList(0, i)) {
      boolean same = before.path().equals(d.path());
      boolean madeByDots =
          d.header() && !before.header() && d.path().isProperPrefixOf(before.path());
      if (same || madeByDots) {
        return Optional.of(new Duplicate(d.path(), d.line(), before.line(), d.header()));
      }
    }
    return Optional.empty();
  }

  /** The scan itself: a cursor over the text that counts lines as it moves. */
  private static final class Scanner {
    /** Jackson's default nesting limit: values nested deeper are skipped a character at a time. */
    private static final int MAX_DEPTH = 1000;

    private final String s;
    private final List<Definition> found = new ArrayList<>();
    private int pos;
    private int line = 1;
    private int depth;
    private KeyPath table = KeyPath.ROOT;

    Scanner(String s) {
      this.s = s;
    }

    List<Definition> run() {
      while (true) {
        skipBlank(true);
        if (pos >= s.length()) {
          return found;
        }
        if (peek() == '[') {
          header();
        } else {
          keyValue(table);
        }
        skipRestOfLine();
      }
    }

    private void header() {
      int at = line;
      advance();
      if (peek() == '[') {
        advance();
      }
      List<String> keys = keys();
      table = new KeyPath(keys, -1);
      found.add(new Definition(table, at, true));
    }

    private void keyValue(KeyPath prefix) {
      int at = line;
      List<String> keys = keys();
      skipBlank(false);
      if (keys.isEmpty() || peek() != '=') {
        return;
      }
      advance();
      skipBlank(false);
      KeyPath path = prefix.withoutIndex().child(keys);
      found.add(new Definition(path, at, false));
      value(path);
    }

    private void value(KeyPath path) {
      if (depth >= MAX_DEPTH) {
        advance(); // deeper than Jackson allows: only reached past a duplicate Jackson refused
        return;
      }
      depth++;
      try {
        switch (peek()) {
          case '[' -> array(path);
          case '{' -> inlineTable(path);
          case '"', '\'' -> string();
          default -> {
            while (pos < s.length() && " \t\r\n,]}#".indexOf(peek()) < 0) {
              advance();
            }
          }
        }
      } finally {
        depth--;
      }
    }

    private void array(KeyPath path) {
      advance();
      for (int i = 0; pos < s.length(); ) {
        skipBlank(true);
        char c = peek();
        if (c == ']') {
          advance();
          return;
        }
        if (c == ',') {
          advance();
          i++;
          continue;
        }
        int start = pos;
        if (path.index() < 0) {
          found.add(new Definition(path.element(i), line, false));
        }
        value(path.index() < 0 ? path.element(i) : path);
        if (pos == start) {
          advance();
        }
      }
    }

    private void inlineTable(KeyPath path) {
      advance();
      while (pos < s.length()) {
        skipBlank(true);
        char c = peek();
        if (c == '}') {
          advance();
          return;
        }
        int start = pos;
        if (c != ',') {
          keyValue(path);
        }
        if (pos == start) {
          advance();
        }
      }
    }

    /** Dotted keys, each bare or quoted; empty when no key starts here. */
    private List<String> keys() {
      List<String> keys = new ArrayList<>();
      while (true) {
        skipBlank(false);
        String key = key();
        if (key == null) {
          return keys;
        }
        keys.add(key);
        skipBlank(false);
        if (peek() != '.') {
          return keys;
        }
        advance();
      }
    }

    private String key() {
      char c = peek();
      if (c == '"' || c == '\'') {
        return quotedKey(c);
      }
      int start = pos;
      while (pos < s.length()
          && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '-')) {
        advance();
      }
      return pos > start ? s.substring(start, pos) : null;
    }

    /** A one-line quoted key with the escapes a name would use decoded. */
    private String quotedKey(char quote) {
      advance();
      StringBuilder key = new StringBuilder();
      while (pos < s.length() && peek() != quote && peek() != '\n') {
        char c = advance();
        if (c == '\\' && quote == '"' && pos < s.length()) {
          char e = advance();
          switch (e) {
            case 'u', 'U' -> key.append(codePoint(e == 'u' ? 4 : 8));
            case 'n' -> key.append('\n');
            case 't' -> key.append('\t');
            case 'r' -> key.append('\r');
            case 'b' -> key.append('\b');
            case 'f' -> key.append('\f');
            case 'e' -> key.append('\u001b');
            default -> key.append(e);
          }
        } else {
          key.append(c);
        }
      }
      if (peek() == quote) {
        advance();
      }
      return key.toString();
    }

    private String codePoint(int digits) {
      int end = Math.min(s.length(), pos + digits);
      String hex = s.substring(pos, end);
      while (pos < end) {
        advance();
      }
      try {
        int cp = Integer.parseInt(hex, 16);
        return Character.isValidCodePoint(cp) ? Character.toString(cp) : "?";
      } catch (NumberFormatException e) {
        return "?";
      }
    }

    /** Any string value, one-line or multi-line, basic or literal. */
    private void string() {
      char quote = advance();
      boolean multi = s.startsWith(String.valueOf(quote).repeat(2), pos);
      if (multi) {
        advance();
        advance();
      }
      while (pos < s.length()) {
        char c = advance();
        if (c == '\\' && quote == '"' && pos < s.length()) {
          advance();
        } else if (c == quote && (!multi || s.startsWith(String.valueOf(quote).repeat(2), pos))) {
          while (multi && peek() == quote) {
            advance(); // the closing quotes, and up to two quotes of content before them
          }
          return;
        } else if (c == '\n' && !multi) {
          return;
        }
      }
    }

    /** Spaces and tabs; with {@code newlines}, also line breaks and comments. */
    private void skipBlank(boolean newlines) {
      while (pos < s.length()) {
        char c = peek();
        if (c == ' ' || c == '\t' || (newlines && (c == '\n' || c == '\r'))) {
          advance();
        } else if (newlines && c == '#') {
          skipRestOfLine();
        } else {
          return;
        }
      }
    }

    private void skipRestOfLine() {
      while (pos < s.length() && advance() != '\n') {
        // a comment or what the scan did not need
      }
    }

    private char peek() {
      return pos < s.length() ? s.charAt(pos) : '\0';
    }

    /** The next character, consumed; at the end of the text, {@code '\0'} and no move. */
    private char advance() {
      if (pos >= s.length()) {
        return '\0';
      }
      char c = s.charAt(pos++);
      if (c == '\n') {
        line++;
      }
      return c;
    }
  }
}
