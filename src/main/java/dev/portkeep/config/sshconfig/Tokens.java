package dev.portkeep.config.sshconfig;

import dev.portkeep.error.UsageException;
import java.util.Map;
import java.util.function.Consumer;

/**
 * OpenSSH's percent_expand() for the values portkeep reads. Expanded: {@code %h} (the host name to
 * connect to, lower-cased), {@code %n} (the host as given), {@code %p}, {@code %r} (remote user),
 * {@code %u} (local user), {@code %d} (home directory) and {@code %%}. OpenSSH's other tokens for
 * file names ({@code %C %i %j %k %L %l}) and {@code ${VAR}} are left as written, with a note; a
 * token OpenSSH does not know is an error, as in OpenSSH.
 */
final class Tokens {
  /** The tokens OpenSSH's client accepts in IdentityFile, CertificateFile and the like. */
  private static final String CLIENT_TOKENS = "CdhijkLlnpru";

  private Tokens() {}

  /** HostName: only {@code %h} (the host as given) and {@code %%}. */
  static String hostName(String value, String hostArgument, Source source) {
    return expand(value, Map.of('h', hostArgument), "h", source, "HostName", note -> {});
  }

  /** ProxyCommand: {@code %h %n %p %r} and {@code %%}, as ssh_config(5) lists for it. */
  static String command(String value, Map<Character, String> values, Source source) {
    return expand(value, values, "hnpr", source, "ProxyCommand", note -> {});
  }

  /** IdentityFile, UserKnownHostsFile, CertificateFile and IdentityAgent, after {@code ~}. */
  static String path(
      String value,
      Map<Character, String> values,
      Source source,
      String keyword,
      Consumer<String> notes) {
    if (value.contains("${")) {
      notes.accept(
          source + ": " + keyword + " '" + value + "': portkeep does not expand ${...} variables");
    }
    return expand(value, values, CLIENT_TOKENS, source, keyword, notes);
  }

  private static String expand(
      String value,
      Map<Character, String> values,
      String accepted,
      Source source,
      String keyword,
      Consumer<String> notes) {
    StringBuilder out = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      if (i + 1 == value.length()) {
        throw new UsageException(
            source.prefix() + " " + keyword + " '" + value + "' ends with a lone '%'",
            "write %% for a literal percent sign");
      }
      char token = value.charAt(++i);
      if (token == '%') {
        out.append('%');
      } else if (accepted.indexOf(token) >= 0 && values.containsKey(token)) {
        out.append(values.get(token));
      } else if (accepted.indexOf(token) >= 0) {
        out.append('%').append(token);
        notes.accept(
            source + ": " + keyword + " '" + value + "': portkeep does not expand %" + token);
      } else {
        throw new UsageException(
            source.prefix() + " unknown token '%" + token + "' in " + keyword + " '" + value + "'",
            switch (keyword) {
              case "HostName" -> "HostName accepts only %h and %%";
              case "ProxyCommand" -> "ProxyCommand accepts %h %n %p %r and %%";
              default -> keyword + " accepts %C %d %h %i %j %k %L %l %n %p %r %u and %%";
            });
      }
    }
    return out.toString();
  }
}
