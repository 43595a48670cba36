package dev.portkeep.bind.rules;

import static java.util.Objects.requireNonNull;

/** A Windows excluded port range, inclusive at both ends, for one family. */
public record ExcludedRange(Family family, int first, int last, ExclusionKind kind) {
  public ExcludedRange {
    requireNonNull(family, "family");
    requireNonNull(kind, "kind");
    if (first < 1 || last > 65_535 || first > last) {
      throw new IllegalArgumentException("bad excluded port range " + first + "-" + last);
    }
  }

  public boolean contains(int port) {
    return port >= first && port <= last;
  }

  @Override
  public String toString() {
    return "range " + first + "-" + last;
  }
}
