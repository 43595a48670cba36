package dev.portkeep.config;

import dev.portkeep.config.sshconfig.HostConfig;
import dev.portkeep.config.sshconfig.Overrides;
import dev.portkeep.error.UsageException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ssh_config options in effect, in OpenSSH's rules: the command line first (its flags {@code -l
 * -p -i -J} and the destination's {@code user@} and {@code :port}, then {@code -o} options), then
 * the config file; keywords are case-insensitive; the first value wins, except that IdentityFile,
 * CertificateFile and the forwards accumulate; an unknown {@code -o} keyword is an error. Each
 * value remembers where it came from, so a bad one is reported with its {@code file:line}.
 * Immutable: {@link #withConfig} returns new options.
 */
public final class SshOptions {
  private record Setting(String value, String origin) {}

  private final Map<Keyword, List<Setting>> values;

  private SshOptions(Map<Keyword, List<Setting>> values) {
    EnumMap<Keyword, List<Setting>> copy = new EnumMap<>(Keyword.class);
    values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.values = copy;
  }

  /**
   * What the command line says, in OpenSSH's precedence: {@code -l}, then the destination's {@code
   * user@}; {@code -p}, then its {@code :port}; {@code -i} before IdentityFile; {@code -J} before
   * ProxyJump; then the {@code -o} options.
   */
  public static SshOptions commandLine(Flags flags, Destination destination) {
    Adder adder = new Adder();
    flags.login().or(destination::user).ifPresent(u -> adder.add(Keyword.USER, u, null));
    flags
        .port()
        .or(destination::port)
        .ifPresent(p -> adder.add(Keyword.PORT, String.valueOf(p), null));
    flags.identityFiles().forEach(f -> adder.add(Keyword.IDENTITY_FILE, f, null));
    flags.jump().ifPresent(j -> adder.add(Keyword.PROXY_JUMP, j, null));
    flags.options().forEach(adder::option);
    return adder.done();
  }

  /**
   * A jump host as written in {@code -J} or ProxyJump: only its {@code user@} and {@code :port}.
   */
  static SshOptions destination(Destination destination) {
    Adder adder = new Adder();
    destination.user().ifPresent(u -> adder.add(Keyword.USER, u, null));
    destination.port().ifPresent(p -> adder.add(Keyword.PORT, String.valueOf(p), null));
    return adder.done();
  }

  /**
   * These options followed by the config file's values, so these win. The command line's values of
   * keywords with {@code %} tokens are expanded as the file's are, with the same host, port and
   * user.
   */
  public SshOptions withConfig(HostConfig config) {
    Adder adder = new Adder();
    values.forEach(
        (keyword, settings) ->
            settings.forEach(
                s ->
                    adder.add(
                        keyword,
                        s.origin() == null && keyword.hasTokens()
                            ? config.expandCommandLine(keyword, s.value())
                            : s.value(),
                        s.origin())));
    for (Keyword keyword : Keyword.values()) {
      if (!keyword.portkeepOnly()) {
        config.values(keyword).forEach(v -> adder.add(keyword, v.text(), v.where()));
      }
    }
    return adder.done();
  }

  /**
   * The values the config file may not change and that its {@code Match} and {@code %} tokens see.
   */
  public Overrides overrides() {
    Overrides o = Overrides.NONE;
    if (first(Keyword.USER).isPresent()) {
      o = o.withUser(first(Keyword.USER).get());
    }
    if (first(Keyword.PORT).isPresent()) {
      o = o.withPort(first(Keyword.PORT).get());
    }
    return first(Keyword.HOST_NAME).map(o::withHostName).orElse(o);
  }

  /** Collects values in order; the first value of a keyword wins unless it accumulates. */
  private static final class Adder {
    private final Map<Keyword, List<Setting>> values = new EnumMap<>(Keyword.class);

    void option(String raw) {
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

    void add(Keyword keyword, String value, String origin) {
      if (excluded(keyword)) {
        return;
      }
      List<Setting> list = values.computeIfAbsent(keyword, k -> new ArrayList<>());
      if (keyword.accumulates() || list.isEmpty()) {
        list.add(new Setting(value, origin));
      }
    }

    /** ProxyJump and ProxyCommand exclude each other: the first one given wins, as in OpenSSH. */
    private boolean excluded(Keyword keyword) {
      return (keyword == Keyword.PROXY_JUMP && values.containsKey(Keyword.PROXY_COMMAND))
          || (keyword == Keyword.PROXY_COMMAND && values.containsKey(Keyword.PROXY_JUMP));
    }

    SshOptions done() {
      return new SshOptions(values);
    }

    private static int indexOfWhitespace(String text) {
      for (int i = 0; i < text.length(); i++) {
        if (Character.isWhitespace(text.charAt(i))) {
          return i;
        }
      }
      return -1;
    }
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

  /** Every value with a suffix naming where it came from ("" for the command line). */
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
  String at(Keyword keyword) {
    List<Setting> list = values.get(keyword);
    String origin = list == null ? null : list.get(0).origin();
    return origin == null ? "" : " at " + origin;
  }

  UsageException invalid(Keyword keyword, String value, String hint) {
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

  /** A whole number from {@code min} to {@code max}, as written (no signs, no units). */
  Optional<Integer> number(Keyword keyword, int min, int max, String hint) {
    return first(keyword)
        .map(
            value -> {
              boolean digits =
                  !value.isEmpty()
                      && value.length() <= 6
                      && value.chars().allMatch(c -> c >= '0' && c <= '9'); // ASCII only
              int n = digits ? Integer.parseInt(value) : -1;
              if (n < min || n > max) {
                throw invalid(keyword, value, hint);
              }
              return n;
            });
  }

  /** Whole seconds, at least 1 ({@code zeroAllowed}: 0 means "off"). */
  Optional<Integer> seconds(Keyword keyword, boolean zeroAllowed) {
    return number(
        keyword,
        zeroAllowed ? 0 : 1,
        999_999,
        "give a whole number" + (zeroAllowed ? ", 0 for off" : ", at least 1"));
  }

  Optional<Integer> port(Keyword keyword) {
    return number(keyword, 1, 65_535, "use a port from 1 to 65535");
  }
}
