package dev.portkeep.bind.table;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Parses {@code tasklist /fo csv /nh} into image names by pid. */
public final class Tasklist {
  private Tasklist() {}

  public static Map<Long, String> parse(String text) {
    Map<Long, String> images = new HashMap<>();
    for (String line : text.lines().toList()) {
      List<String> fields = csv(line);
      if (fields.size() < 2) {
        continue;
      }
      try {
        images.put(Long.parseLong(fields.get(1).strip()), fields.get(0));
      } catch (NumberFormatException e) {
        // a header line ("Image Name","PID",...) or an error text names no process
      }
    }
    return images;
  }

  /** Splits one CSV line; quotes protect commas (as in {@code "1,234 K"}) and "" is a quote. */
  static List<String> csv(String line) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
        field.append('"');
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    if (!line.isBlank()) {
      fields.add(field.toString());
    }
    return fields;
  }
}
