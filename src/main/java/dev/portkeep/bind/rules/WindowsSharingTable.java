package dev.portkeep.bind.rules;

/**
 * Microsoft's outcome tables for a second bind to a port in use, Windows Server 2003 and later
 * ("Using SO_REUSEADDR and SO_EXCLUSIVEADDRUSE"): table B for one account, table C for two.
 */
final class WindowsSharingTable {
  /** The option a bind carries, as the tables name it. */
  enum Kind {
    DEFAULT("default"),
    REUSEADDR("SO_REUSEADDR"),
    EXCLUSIVE("SO_EXCLUSIVEADDRUSE");

    final String label;

    Kind(String label) {
      this.label = label;
    }

    static Kind of(boolean exclusive, boolean reuseAddr) {
      return exclusive ? EXCLUSIVE : reuseAddr ? REUSEADDR : DEFAULT;
    }
  }

  /** One cell: success, WSAEADDRINUSE or WSAEACCES. */
  enum Cell {
    SUCCESS,
    IN_USE,
    ACCESS
  }

  // Rows: first bind; columns: second bind. Order in both: default/wildcard, default/specific,
  // reuseaddr/wildcard, reuseaddr/specific, exclusive/wildcard, exclusive/specific.
  // '+' success, 'U' WSAEADDRINUSE (10048), 'A' WSAEACCES (10013).
  private static final String[] SAME_ACCOUNT = {
    "U+A+U+", "+U+AUU", "U+++U+", "+U++UU", "UAAAUA", "+U+AUU",
  };
  private static final String[] OTHER_ACCOUNT = {
    "UAAAUA", "+U+AUU", "UA++UA", "+U++UU", "UAAAUA", "+U+AUU",
  };

  private WindowsSharingTable() {}

  static Cell lookup(
      boolean sameAccount, Kind first, boolean firstWildcard, Kind second, boolean secondWildcard) {
    String[] table = sameAccount ? SAME_ACCOUNT : OTHER_ACCOUNT;
    char cell = table[index(first, firstWildcard)].charAt(index(second, secondWildcard));
    return switch (cell) {
      case '+' -> Cell.SUCCESS;
      case 'U' -> Cell.IN_USE;
      case 'A' -> Cell.ACCESS;
      default -> throw new IllegalStateException("bad cell '" + cell + "'");
    };
  }

  private static int index(Kind kind, boolean wildcard) {
    int row =
        switch (kind) {
          case DEFAULT -> 0;
          case REUSEADDR -> 2;
          case EXCLUSIVE -> 4;
        };
    return row + (wildcard ? 0 : 1);
  }

  /** Names a cell for a sentence: {@code a first default bind on the wildcard}. */
  static String describe(Kind kind, boolean wildcard) {
    return kind.label + " bind on " + (wildcard ? "the wildcard" : "a specific address");
  }
}
