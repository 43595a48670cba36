package dev.portkeep.config;

import dev.portkeep.error.UsageException;
import java.util.Optional;

/** The SSH server as written on the command line: {@code [user@]host[:port]} or an ssh:// URI. */
public record Destination(Optional<String> user, String host, Optional<Integer> port) {
  public Destination {
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("host");
    }
  }

  /**
   * Parses {@code [user@]host[:port]}, {@code [user@][v6]:port} and {@code
   * ssh://[user@]host[:port]}.
   */
  public static Destination parse(String text) {
    String rest = text.startsWith("ssh://") ? text.substring(6) : text;
    if (rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    int at = rest.lastIndexOf('@');
    Optional<String> user = Optional.empty();
    if (at >= 0) {
      if (at == 0) {
        throw bad(text, "empty user name");
      }
      user = Optional.of(rest.substring(0, at));
      rest = rest.substring(at + 1);
    }
    String host = rest;
    Optional<Integer> port = Optional.empty();
    if (rest.startsWith("[")) {
      int close = rest.indexOf(']');
      if (close < 0) {
        throw bad(text, "unbalanced brackets");
      }
      host = rest.substring(1, close);
      String after = rest.substring(close + 1);
      if (!after.isEmpty()) {
        if (!after.startsWith(":")) {
          throw bad(text, "unexpected '" + after + "' after the address");
        }
        port = Optional.of(ForwardSyntax.port(after.substring(1), text, 1));
      }
    } else if (rest.indexOf(':') >= 0 && rest.indexOf(':') == rest.lastIndexOf(':')) {
      host = rest.substring(0, rest.indexOf(':'));
      port = Optional.of(ForwardSyntax.port(rest.substring(rest.indexOf(':') + 1), text, 1));
    }
    if (host.isEmpty()) {
      throw bad(text, "no host");
    }
    if (host.length() > Endpoint.MAX_HOST_LENGTH
        || host.chars().anyMatch(Character::isWhitespace)) {
      throw bad(text, "not a host name");
    }
    return new Destination(user, host, port);
  }

  private static UsageException bad(String text, String why) {
    return new UsageException(
        "bad destination '" + text + "': " + why,
        "write it as [user@]host[:port], e.g. alice@gw:2222");
  }
}
