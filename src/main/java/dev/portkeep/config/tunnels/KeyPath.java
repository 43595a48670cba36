package dev.portkeep.config.tunnels;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where a value sits in the tunnels file: its TOML keys from the top ({@code tunnel}, {@code db},
 * {@code local}) and, for an element of an array, its index (-1 for none). Shown as TOML writes it:
 * {@code tunnel.db.local[1]}, {@code tunnel."my db".host}.
 */
record KeyPath(List<String> keys, int index) {
  private static final Pattern BARE = Pattern.compile("[A-Za-z0-9_-]+");

  static final KeyPath ROOT = new KeyPath(List.of(), -1);

  KeyPath {
    keys = List.copyOf(keys);
    if (index < -1) {
      throw new IllegalArgumentException("index " + index);
    }
  }

  static KeyPath of(String... keys) {
    return new KeyPath(List.of(keys), -1);
  }

  KeyPath child(String key) {
    Objects.requireNonNull(key, "key");
    List<String> longer = new ArrayList<>(keys);
    longer.add(key);
    return new KeyPath(longer, -1);
  }

  KeyPath child(List<String> more) {
    List<String> longer = new ArrayList<>(keys);
    longer.addAll(more);
    return new KeyPath(longer, -1);
  }

  KeyPath element(int i) {
    return new KeyPath(keys, i);
  }

  KeyPath withoutIndex() {
    return new KeyPath(keys, -1);
  }

  KeyPath parent() {
    return new KeyPath(keys.isEmpty() ? keys : keys.subList(0, keys.size() - 1), -1);
  }

  /** Whether {@code other}'s keys start with all of this path's keys and go further. */
  boolean isProperPrefixOf(KeyPath other) {
    return other.keys.size() > keys.size() && other.keys.subList(0, keys.size()).equals(keys);
  }

  /** The last key, or "" at the top of the file. */
  String last() {
    return keys.isEmpty() ? "" : keys.get(keys.size() - 1);
  }

  @Override
  public String toString() {
    StringBuilder shown = new StringBuilder();
    for (String key : keys) {
      if (!shown.isEmpty()) {
        shown.append('.');
      }
      shown.append(BARE.matcher(key).matches() ? key : Quote.basic(key));
    }
    return index < 0 ? shown.toString() : shown + "[" + index + "]";
  }
}
