package dev.portkeep.bind.table;

import dev.portkeep.bind.rules.ExcludedRange;
import dev.portkeep.bind.rules.ExclusionKind;
import dev.portkeep.bind.rules.Family;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code netsh int ipv4|ipv6 show excludedportrange protocol=tcp}: one range per line as
 * {@code start end}, with a trailing {@code *} for an administered exclusion.
 */
public final class ExcludedPortRanges {
  private static final Pattern RANGE =
      Pattern.compile("^\\s*(\\d{1,5})\\s+(\\d{1,5})\\s*(\\*)?\\s*$");

  private ExcludedPortRanges() {}

  public static List<ExcludedRange> parse(String text, Family family) {
    List<ExcludedRange> ranges = new ArrayList<>();
    for (String line : text.lines().toList()) {
      Matcher m = RANGE.matcher(line);
      if (m.matches()) {
        ExclusionKind kind =
            m.group(3) != null ? ExclusionKind.ADMINISTERED : ExclusionKind.DYNAMIC;
        ranges.add(
            new ExcludedRange(
                family, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)), kind));
      }
    }
    return ranges;
  }
}
