package dev.portkeep.config;

import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code -o Key=Value} options, in OpenSSH's rules: keywords are case-insensitive, the first
 * value given wins, IdentityFile and LocalForward accumulate, and an unknown keyword is an error.
 */
public final class SshOptions {
  private final Map<Keyword, List<String>> values = new EnumMap<>(Keyword.class);

  private SshOptions() {}

  public static SshOptions parse(List<String> raw) {
    SshOptions options = new SshOptions();
    raw.forEach(options::add);
    return options;
  }

  private void add(String raw) {
    String text = raw.strip();
    int eq = text.indexOf('=');
    int space = indexOfWhitespace(text);
    int split = eq < 0 ? space : space < 0 ? eq : Math.min(eq, space);
    if (split <= 0) {
      throw new UsageException(
          "bad option '-o " + raw + "': expected Key=Value", "for example -o ConnectTimeout=10");
    }
    String name = text.substring(0, split);
    String value = text.substring(split + 1).strip();
    if (value.startsWith("=")) {
      value = value.substring(1).strip();
    }
    Keyword keyword =
        Keyword.lookup(name)
            .orElseThrow(
                () ->
                    new UsageException(
                        "unknown option '" + name + "' in '-o " + raw + "'",
                        "portkeep understands " + Keyword.known()));
    if (value.isEmpty()) {
      throw new UsageException(
          "missing value for option '" + keyword.canonical() + "'",
          "write it as -o " + keyword.canonical() + "=value");
    }
    List<String> list = values.computeIfAbsent(keyword, k -> new ArrayList<>());
    if (keyword.accumulates() || list.isEmpty()) {
      list.add(value);
    }
  }

  private static int indexOfWhitespace(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (Character.isWhitespace(text.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** The first value given for a keyword. */
  public Optional<String> first(Keyword keyword) {
    List<String> list = values.get(keyword);
    return list == null ? Optional.empty() : Optional.of(list.get(0));
  }

  /** Every value given for an accumulating keyword, in order. */
  public List<String> all(Keyword keyword) {
    return List.copyOf(values.getOrDefault(keyword, List.of()));
  }

  static boolean yesNo(Keyword keyword, String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "yes", "true" -> true;
      case "no", "false" -> false;
      default ->
          throw new UsageException(
              "invalid value '" + value + "' for " + keyword.canonical(), "use yes or no");
    };
  }

  static StrictHostKeyChecking strictness(String value) {
    return switch (value.toLowerCase(java.util.Locale.ROOT)) {
      case "yes", "true" -> StrictHostKeyChecking.YES;
      case "no", "off", "false" -> StrictHostKeyChecking.NO;
      case "accept-new" -> StrictHostKeyChecking.ACCEPT_NEW;
      case "ask" -> StrictHostKeyChecking.ASK;
      default ->
          throw new UsageException(
              "invalid value '" + value + "' for StrictHostKeyChecking",
              "use yes, accept-new, no or ask");
    };
  }

  /** Whole seconds, where 0 means "off". */
  static int secondsOrZero(Keyword keyword, String value) {
    return value.equals("0") ? 0 : seconds(keyword, value);
  }

  static int seconds(Keyword keyword, String value) {
    boolean digits = !value.isEmpty() && value.length() <= 6 && value.chars().allMatch(Character::isDigit);
    int seconds = digits ? Integer.parseInt(value) : -1;
    if (seconds < 1) {
      throw new UsageException(
          "invalid value '" + value + "' for " + keyword.canonical(),
          "give a whole number of seconds, at least 1");
    }
    return seconds;
  }
}
