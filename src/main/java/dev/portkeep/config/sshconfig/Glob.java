package dev.portkeep.config.sshconfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * glob(3) as Include uses it: {@code *}, {@code ?} and {@code [...]} in any path component, a
 * leading dot matched only by a pattern that starts with one, results sorted. No braces.
 */
final class Glob {
  private Glob() {}

  /**
   * The existing paths an absolute {@code pattern} names, sorted; empty when nothing matches. The
   * pattern stays a string until each component is matched: Windows paths cannot hold a {@code *}.
   */
  static List<Path> expand(String pattern, FileSystem fs) {
    boolean windows = fs.getSeparator().equals("\\");
    List<String> parts = List.of(pattern.split(windows ? "[/\\\\]" : "/", -1));
    List<Path> found = List.of(fs.getPath(parts.get(0) + fs.getSeparator()));
    for (String name : parts.subList(1, parts.size())) {
      if (name.isEmpty()) {
        continue; // a doubled or trailing separator
      }
      List<Path> next = new ArrayList<>();
      for (Path dir : found) {
        if (!hasWildcard(name)) {
          Path candidate = dir.resolve(windows ? name : unescape(name));
          if (Files.exists(candidate)) {
            next.add(candidate);
          }
        } else if (Files.isDirectory(dir)) {
          next.addAll(matchingEntries(dir, name));
        }
      }
      found = next;
    }
    return found.stream().sorted(Comparator.comparing(Path::toString)).toList();
  }

  static boolean hasWildcard(String text) {
    return text.chars().anyMatch(c -> c == '*' || c == '?' || c == '[');
  }

  private static List<Path> matchingEntries(Path dir, String pattern) {
    List<Path> matches = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if ((!name.startsWith(".") || pattern.startsWith(".")) && matches(name, pattern)) {
          matches.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + " for Include", e);
    }
    return matches;
  }

  /**
   * Whether {@code pattern} matches all of {@code name}. One pass with a single backtrack point,
   * the last {@code *}: trying every split for every star was exponential in the number of stars
   * ({@code *a*a*a*a*a*a*a*a*b} against a long name of a's never returned).
   */
  private static boolean matches(String name, String pattern) {
    int n = 0;
    int p = 0;
    int starP = -1;
    int starN = 0;
    while (n < name.length()) {
      int next =
          p < pattern.length() && pattern.charAt(p) != '*' ? step(name.charAt(n), pattern, p) : -1;
      if (next >= 0) {
        n++;
        p = next;
      } else if (p < pattern.length() && pattern.charAt(p) == '*') {
        starP = p++;
        starN = n;
      } else if (starP >= 0) {
        p = starP + 1;
        n = ++starN;
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
   * Where the pattern goes on after its element at {@code p} (not a star) matched {@code c}, or -1
   * if it does not match: {@code ?}, a bracket expression, an escaped or a plain character.
   */
  private static int step(char c, String pattern, int p) {
    char e = pattern.charAt(p);
    if (e == '?') {
      return p + 1;
    }
    if (e == '[' && pattern.indexOf(']', p + 2) > 0) {
      int close = pattern.indexOf(']', p + 2);
      return inClass(c, pattern.substring(p + 1, close)) ? close + 1 : -1;
    }
    if (e == '\\' && p + 1 < pattern.length()) {
      e = pattern.charAt(++p);
    }
    return e == c ? p + 1 : -1;
  }

  /** A bracket expression's body: {@code !} or {@code ^} negates, {@code a-z} is a range. */
  private static boolean inClass(char c, String body) {
    boolean negated = body.startsWith("!") || body.startsWith("^");
    String set = negated ? body.substring(1) : body;
    boolean in = false;
    for (int i = 0; i < set.length(); i++) {
      if (i + 2 < set.length() && set.charAt(i + 1) == '-') {
        in |= set.charAt(i) <= c && c <= set.charAt(i + 2);
        i += 2;
      } else {
        in |= set.charAt(i) == c;
      }
    }
    return in != negated;
  }

  private static String unescape(String name) {
    return name.indexOf('\\') < 0 ? name : name.replaceAll("\\\\(.)", "$1");
  }
}
