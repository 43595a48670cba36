package dev.portkeep.config.tunnels;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.Optional;

/** "did you mean": the known word closest to a misspelt one, if any is close. */
final class Suggest {
  /** Longer words are not compared: nobody misspells a key that long. */
  private static final int LONGEST = 64;

  private Suggest() {}

  /**
   * The known word at the smallest edit distance from {@code word} (case, and '-' against '_', not
   * counted; a swap of two neighbours counts one), when that distance is at most 1 for words of up
   * to 4 characters and 2 beyond.
   */
  static Optional<String> closest(String word, Collection<String> known) {
    if (word.length() > LONGEST) {
      return Optional.empty();
    }
    String w = fold(word);
    int limit = w.length() <= 4 ? 1 : 2;
    return known.stream()
        .filter(k -> distance(w, fold(k)) <= limit)
        .min(Comparator.comparingInt(k -> distance(w, fold(k))));
  }

  private static String fold(String s) {
    return s.toLowerCase(Locale.ROOT).replace('-', '_');
  }

  /** Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
