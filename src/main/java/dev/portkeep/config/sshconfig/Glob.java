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
        if ((!name.startsWith(".") || pattern.startsWith(".")) && matches(name, 0, pattern, 0)) {
          matches.add(entry);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir + " for Include", e);
    }
    return matches;
  }

  private static boolean matches(String name, int n, String pattern, int p) {
    while (p < pattern.length()) {
      char c = pattern.charAt(p);
      if (c == '*') {
        for (int rest = n; rest <= name.length(); rest++) {
          if (matches(name, rest, pattern, p + 1)) {
            return true;
          }
        }
        return false;
      }
      if (n >= name.length()) {
        return false;
      }
      if (c == '?') {
        p++;
      } else if (c == '[' && pattern.indexOf(']', p + 2) > 0) {
        int close = pattern.indexOf(']', p + 2);
        if (!inClass(name.charAt(n), pattern.substring(p + 1, close))) {
          return false;
        }
        p = close + 1;
      } else {
        if (c == '\\' && p + 1 < pattern.length()) {
          c = pattern.charAt(++p);
        }
        if (c != name.charAt(n)) {
          return false;
        }
        p++;
      }
      n++;
    }
    return n == name.length();
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
