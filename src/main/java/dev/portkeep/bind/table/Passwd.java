package dev.portkeep.bind.table;

import java.util.HashMap;
import java.util.Map;

/** Reads user names by uid from the text of {@code /etc/passwd}. */
final class Passwd {
  private Passwd() {}

  static Map<Integer, String> parse(String text) {
    Map<Integer, String> names = new HashMap<>();
    for (String line : text.lines().toList()) {
      String[] fields = line.split(":", -1);
      if (fields.length < 3 || line.startsWith("#")) {
        continue;
      }
      try {
        names.putIfAbsent(Integer.parseInt(fields[2]), fields[0]);
      } catch (NumberFormatException e) {
        // a malformed line names nobody; skip it
      }
    }
    return names;
  }
}
