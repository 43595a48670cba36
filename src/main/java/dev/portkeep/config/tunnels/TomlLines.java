package dev.portkeep.config.tunnels;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

  /** Paths deeper than this are looked up by a walk over every definition (none are, here). */
  private static final int INDEXED_DEPTH = 8;

  private final List<Definition> definitions;
  private final Map<KeyPath, Integer> first = new HashMap<>();
  private final Map<KeyPath, Integer> firstUnder = new HashMap<>();

  private TomlLines(List<Definition> definitions) {
    this.definitions = List.copyOf(definitions);
    for (Definition d : definitions) {
      first.putIfAbsent(d.path(), d.line());
      List<String> keys = d.path().keys();
      for (int n = 0; n < keys.size() && n < INDEXED_DEPTH; n++) {
        firstUnder.merge(new KeyPath(keys.subList(0, n), -1), d.line(), Math::min);
      }
    }
  }

  static TomlLines scan(String text) {
    return new TomlLines(new TomlScanner(text).run());
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
    return Optional.ofNullable(first.get(path));
  }

  private Optional<Integer> firstUnder(KeyPath path) {
    if (path.keys().size() < INDEXED_DEPTH) {
      return Optional.ofNullable(firstUnder.get(path));
    }
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
}
