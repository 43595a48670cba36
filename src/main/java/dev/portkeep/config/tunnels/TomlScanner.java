package dev.portkeep.config.tunnels;

import java.util.ArrayList;
import java.util.List;

/**
 * The scan behind {@link TomlLines}: a cursor over the text that counts lines as it moves, noting
 * each header, key and array element with its line. Lenient by design: it never throws and every
 * step moves forward, whatever the text.
 */
final class TomlScanner {
  /** Jackson's default nesting limit: values nested deeper are skipped a character at a time. */
  private static final int MAX_DEPTH = 1000;

  private final String s;
  private final List<TomlLines.Definition> found = new ArrayList<>();
  private int pos;
  private int line = 1;
  private int depth;
  private KeyPath table = KeyPath.ROOT;

  TomlScanner(String s) {
    this.s = s;
  }

  List<TomlLines.Definition> run() {
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
    found.add(new TomlLines.Definition(table, at, true));
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
    found.add(new TomlLines.Definition(path, at, false));
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
        found.add(new TomlLines.Definition(path.element(i), line, false));
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
