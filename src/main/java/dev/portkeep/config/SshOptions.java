package dev.portkeep.config;

import dev.portkeep.config.sshconfig.HostConfig;
import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ssh_config options in effect, in OpenSSH's rules: {@code -o} options first, then the config
 * file; keywords are case-insensitive; the first value wins, except that IdentityFile and the
 * forwards accumulate; an unknown {@code -o} keyword is an error. Each value remembers where it
 * came from, so a bad one is reported with its {@code file:line}.
 */
public final class SshOptions {
  private record Setting(String value, String origin) {}

  private final Map<Keyword, List<Setting>> values = new EnumMap<>(Keyword.class);

  private SshOptions() {}

  public static SshOptions parse(List<String> raw) {
    SshOptions options = new SshOptions();
    raw.forEach(options::addOption);
    return options;
  }

  /** Adds the config file's values after the {@code -o} ones, so the command line wins. */
  public SshOptions withConfig(HostConfig config) {
    for (Keyword keyword : Keyword.values()) {
      if (!keyword.portkeepOnly()) {
        config.values(keyword).forEach(v -> add(keyword, v.text(), v.where()));
      }
    }
    return this;
  }

  private void addOption(String raw) {
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
    add(keyword, value, null);
  }

  private void add(Keyword keyword, String value, String origin) {
    List<Setting> list = values.computeIfAbsent(keyword, k -> new ArrayList<>());
    if (keyword.accumulates() || list.isEmpty()) {
      list.add(new Setting(value, origin));
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
    List<Setting> list = values.get(keyword);
    return list == null ? Optional.empty() : Optional.of(list.get(0).value());
  }

  /** Every value given for an accumulating keyword, in order. */
  public List<String> all(Keyword keyword) {
    return values.getOrDefault(keyword, List.of()).stream().map(Setting::value).toList();
  }

  /** Every value with a suffix naming where it came from ("" for -o), for messages. */
  List<Map.Entry<String, String>> allWithOrigin(Keyword keyword) {
    return values.getOrDefault(keyword, List.of()).stream()
        .map(
            s ->
                Map.entry(
                    s.value(),
                    s.origin() == null
                        ? ""
                        : " (" + keyword.canonical() + " at " + s.origin() + ")"))
        .toList();
  }

  /** " at file:line" when the first value came from a config file, else "". */
  private String at(Keyword keyword) {
    List<Setting> list = values.get(keyword);
    String origin = list == null ? null : list.get(0).origin();
    return origin == null ? "" : " at " + origin;
  }

  private UsageException invalid(Keyword keyword, String value, String hint) {
    return new UsageException(
        "invalid value '" + value + "' for " + keyword.canonical() + at(keyword), hint);
  }

  Optional<Boolean> yesNo(Keyword keyword) {
    return first(keyword)
        .map(
            value ->
                switch (value.toLowerCase(Locale.ROOT)) {
                  case "yes", "true" -> true;
                  case "no", "false" -> false;
                  default -> throw invalid(keyword, value, "use yes or no");
                });
  }

  Optional<StrictHostKeyChecking> strictness() {
    return first(Keyword.STRICT_HOST_KEY_CHECKING)
        .map(
            value ->
                switch (value.toLowerCase(Locale.ROOT)) {
                  case "yes", "true" -> StrictHostKeyChecking.YES;
                  case "no", "off", "false" -> StrictHostKeyChecking.NO;
                  case "accept-new" -> StrictHostKeyChecking.ACCEPT_NEW;
                  case "ask" -> StrictHostKeyChecking.ASK;
                  default ->
                      throw invalid(
                          Keyword.STRICT_HOST_KEY_CHECKING,
                          value,
                          "use yes, accept-new, no or ask");
                });
  }

  /** Whole seconds, at least 1 ({@code zeroAllowed}: 0 means "off"). */
  Optional<Integer> seconds(Keyword keyword, boolean zeroAllowed) {
    return first(keyword)
        .map(
            value -> {
              boolean digits =
                  !value.isEmpty()
                      && value.length() <= 6
                      && value.chars().allMatch(Character::isDigit);
              int n = digits ? Integer.parseInt(value) : -1;
              if (n < (zeroAllowed ? 0 : 1)) {
                throw invalid(
                    keyword,
                    value,
                    "give a whole number" + (zeroAllowed ? ", 0 for off" : ", at least 1"));
              }
              return n;
            });
  }

  Optional<Integer> port(Keyword keyword) {
    return first(keyword)
        .map(
            value -> {
              boolean digits =
                  !value.isEmpty()
                      && value.length() <= 5
                      && value.chars().allMatch(Character::isDigit);
              int n = digits ? Integer.parseInt(value) : -1;
              if (n < 1 || n > 65_535) {
                throw invalid(keyword, value, "use a port from 1 to 65535");
              }
              return n;
            });
  }
}
