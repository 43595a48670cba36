package dev.portkeep.config.sshconfig;

import dev.portkeep.config.Keyword;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * What the ssh_config file says for one host, in OpenSSH's semantics: one value per keyword (the
 * first one that applied), every value for IdentityFile and the three forwards, and every file of
 * the winning UserKnownHostsFile line. Values are as written except:
 *
 * <ul>
 *   <li>HostName has {@code %h} and {@code %%} expanded and is lower-cased, as ssh uses it;
 *   <li>IdentityFile, UserKnownHostsFile, CertificateFile and IdentityAgent have {@code ~} and the
 *       tokens {@link Tokens} lists expanded;
 *   <li>LocalForward and RemoteForward are joined into {@code -L}/{@code -R} form: the file's
 *       {@code 8080 db:5432} is {@code 8080:db:5432}; duplicates are dropped, as OpenSSH drops
 *       them;
 *   <li>ProxyJump is the raw text after the keyword (OpenSSH 9.2 does not unquote it) and may be
 *       {@code none}.
 * </ul>
 *
 * Values are not validated: portkeep's option parser does that, and {@link #where} says where a bad
 * one came from.
 */
public final class HostConfig {
  /** One value and the place it came from, {@code file:line}. */
  public record Value(String text, String where) {
    public Value {
      Objects.requireNonNull(text, "text");
      Objects.requireNonNull(where, "where");
    }
  }

  private final Map<Keyword, List<Value>> values;
  private final List<String> notes;
  private final BiFunction<Keyword, String, String> commandLine;

  HostConfig(
      Map<Keyword, List<Value>> values,
      List<String> notes,
      BiFunction<Keyword, String, String> commandLine) {
    EnumMap<Keyword, List<Value>> copy = new EnumMap<>(Keyword.class);
    values.forEach((k, v) -> copy.put(k, List.copyOf(v)));
    this.values = copy;
    this.notes = List.copyOf(notes);
    this.commandLine = commandLine;
  }

  /**
   * A value given with {@code -o}, with {@code ~} and the {@code %} tokens expanded as they are for
   * this host's own values of {@code keyword} (for keywords without tokens, unchanged).
   */
  public String expandCommandLine(Keyword keyword, String value) {
    return commandLine.apply(keyword, value);
  }

  /** The value that applies for {@code keyword}, if the file set one. */
  public Optional<String> first(Keyword keyword) {
    return values(keyword).stream().findFirst().map(Value::text);
  }

  /** Every value, in order: several for the accumulating keywords, at most one for the rest. */
  public List<String> all(Keyword keyword) {
    return values(keyword).stream().map(Value::text).toList();
  }

  /** Every value with its source, for messages about one bad value among several. */
  public List<Value> values(Keyword keyword) {
    return values.getOrDefault(keyword, List.of());
  }

  /**
   * Where the first value of {@code keyword} came from, as {@code file:line} with the home
   * directory shown as {@code ~}; for "bad value 'x' for Port at ~/.ssh/config:12".
   *
   * @throws IllegalArgumentException if the file set no value for it
   */
  public String where(Keyword keyword) {
    return values(keyword).stream()
        .findFirst()
        .map(Value::where)
        .orElseThrow(
            () -> new IllegalArgumentException("ssh config sets no " + keyword.canonical()));
  }

  /**
   * What the CLI shows with {@code -v}: keywords portkeep skipped, Match criteria it could not
   * evaluate, tokens it left unexpanded, Includes that matched nothing. Each starts {@code
   * file:line:}.
   */
  public List<String> notes() {
    return notes;
  }

  @Override
  public String toString() {
    return "HostConfig" + values + (notes.isEmpty() ? "" : " notes=" + notes.size());
  }
}
