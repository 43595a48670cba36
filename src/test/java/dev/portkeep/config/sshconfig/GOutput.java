package dev.portkeep.config.sshconfig;

import dev.portkeep.config.Environment;
import dev.portkeep.config.Keyword;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The output of {@code ssh -G}, one lower-cased key and its value a line, and the two sides of the
 * parity comparison: ssh's values normalised ({@code true} is {@code yes}, {@code ~} is expanded,
 * forwards become {@code bind|port|host|hostport}) and portkeep's with ssh's defaults filled in.
 */
final class GOutput {
  static final List<String> COMPARED =
      List.of(
          "hostname",
          "port",
          "user",
          "identityfile",
          "userknownhostsfile",
          "localforward",
          "remoteforward",
          "dynamicforward",
          "proxyjump",
          "serveraliveinterval",
          "serveralivecountmax",
          "stricthostkeychecking",
          "connecttimeout",
          "batchmode",
          "exitonforwardfailure");

  private static final List<String> DEFAULT_IDENTITIES =
      List.of(
          "id_rsa", "id_ecdsa", "id_ecdsa_sk", "id_ed25519", "id_ed25519_sk", "id_xmss", "id_dsa");

  private final Map<String, List<String>> values;

  private GOutput(Map<String, List<String>> values) {
    this.values = values;
  }

  static GOutput parse(String stdout) {
    Map<String, List<String>> values = new LinkedHashMap<>();
    stdout
        .lines()
        .filter(l -> !l.isBlank())
        .forEach(
            line -> {
              int space = line.indexOf(' ');
              String key = space < 0 ? line : line.substring(0, space);
              String value = space < 0 ? "" : line.substring(space + 1);
              values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
            });
    return new GOutput(values);
  }

  /** Every value for {@code key}; for userknownhostsfile, every file of its one line. */
  List<String> all(String key) {
    List<String> lines = values.getOrDefault(key, List.of());
    return key.equals("userknownhostsfile") && !lines.isEmpty()
        ? List.of(lines.get(0).split(" "))
        : lines;
  }

  List<String> normalized(String key, Environment env) {
    List<String> raw = all(key);
    return switch (key) {
      case "identityfile" -> raw.stream().map(f -> tilde(f, env)).toList();
      // ssh keeps a dynamic RemoteForward as a forward to "socks" port 0
      case "localforward", "remoteforward", "dynamicforward" ->
          raw.stream().map(GOutput::forward).map(f -> f.replaceFirst("\\|socks\\|0$", "")).toList();
      case "stricthostkeychecking", "batchmode", "exitonforwardfailure" ->
          raw.stream().map(GOutput::yesNo).toList();
      case "connecttimeout" -> raw.equals(List.of("none")) ? List.of() : raw;
      default -> raw;
    };
  }

  /** portkeep's value for an ssh -G key, with the defaults ssh would print filled in. */
  static List<String> effective(
      String key, HostConfig ours, SshConfigOpenSshParityTest.Invocation call, Environment env) {
    Overrides given = call.overrides();
    return switch (key) {
      case "hostname" ->
          List.of(
              given
                  .hostName()
                  .map(h -> h.replace("%h", call.host()))
                  .or(() -> ours.first(Keyword.HOST_NAME))
                  .orElse(call.host())
                  .toLowerCase(Locale.ROOT));
      case "port" -> List.of(given.port().or(() -> ours.first(Keyword.PORT)).orElse("22"));
      case "user" ->
          List.of(given.user().or(() -> ours.first(Keyword.USER)).orElse(env.localUser()));
      case "identityfile" ->
          orDefault(
              ours.all(Keyword.IDENTITY_FILE),
              DEFAULT_IDENTITIES.stream()
                  .map(f -> env.home().resolve(".ssh").resolve(f).toString())
                  .toList());
      case "userknownhostsfile" ->
          orDefault(
              ours.all(Keyword.USER_KNOWN_HOSTS_FILE),
              List.of(env.home() + "/.ssh/known_hosts", env.home() + "/.ssh/known_hosts2"));
      case "localforward" ->
          ours.all(Keyword.LOCAL_FORWARD).stream().map(GOutput::forward).toList();
      case "remoteforward" ->
          ours.all(Keyword.REMOTE_FORWARD).stream().map(GOutput::forward).toList();
      case "dynamicforward" ->
          ours.all(Keyword.DYNAMIC_FORWARD).stream().map(GOutput::forward).toList();
      case "proxyjump" ->
          ours.first(Keyword.PROXY_JUMP).filter(j -> !j.equals("none")).stream().toList();
      // Debian's ssh: BatchMode yes makes ServerAliveInterval default to 300 (the CLI's default,
      // not ours)
      case "serveraliveinterval" ->
          List.of(
              ours.first(Keyword.SERVER_ALIVE_INTERVAL)
                  .orElse(
                      yesNo(ours.first(Keyword.BATCH_MODE).orElse("no")).equals("yes")
                          ? "300"
                          : "0"));
      case "serveralivecountmax" -> List.of(ours.first(Keyword.SERVER_ALIVE_COUNT_MAX).orElse("3"));
      case "stricthostkeychecking" ->
          List.of(yesNo(ours.first(Keyword.STRICT_HOST_KEY_CHECKING).orElse("ask")));
      case "connecttimeout" -> ours.first(Keyword.CONNECT_TIMEOUT).stream().toList();
      case "batchmode" -> List.of(yesNo(ours.first(Keyword.BATCH_MODE).orElse("no")));
      case "exitonforwardfailure" ->
          List.of(yesNo(ours.first(Keyword.EXIT_ON_FORWARD_FAILURE).orElse("no")));
      default -> throw new IllegalArgumentException(key);
    };
  }

  private static List<String> orDefault(List<String> values, List<String> fallback) {
    return values.isEmpty() ? fallback : values;
  }

  private static String tilde(String path, Environment env) {
    return path.startsWith("~/") ? env.home().resolve(path.substring(2)).toString() : path;
  }

  private static String yesNo(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes" -> "yes";
      case "false", "no", "off" -> "no";
      default -> value;
    };
  }

  /**
   * ssh -G prints {@code 8080 [db]:5432} where portkeep has {@code 8080:db:5432}: both become the
   * fields between colons outside brackets, brackets dropped, joined with '|'.
   */
  static String forward(String text) {
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean bracketed = false;
    for (char c : text.replace(' ', ':').toCharArray()) {
      if (c == '[' && !bracketed) {
        bracketed = true;
      } else if (c == ']' && bracketed) {
        bracketed = false;
      } else if (c == ':' && !bracketed) {
        fields.add(field.toString());
        field.setLength(0);
      } else {
        field.append(c);
      }
    }
    fields.add(field.toString());
    return String.join("|", fields);
  }
}
