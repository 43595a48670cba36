package dev.portkeep.config.tunnels;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.Destination;
import dev.portkeep.config.Keyword;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a tunnel reaches its SSH server: everything of {@code portkeep [options] host} but the
 * forwards.
 *
 * @param host {@code [user@]host[:port]} or an ssh_config alias, as written
 * @param sshConfig the ssh_config to read, as for {@code -F} ({@code none}: no file); empty for
 *     {@code ~/.ssh/config}
 * @param options {@code -o} options in the file's order, canonical keyword to its values (several
 *     only for IdentityFile and the three forwards), already in OpenSSH's text ({@code yes}/{@code
 *     no} for booleans)
 * @param family {@code -4} ({@link AddressFamily#INET}), {@code -6} or neither
 * @param passwordCommand a command whose first line of output is the password, for {@code -o
 *     PasswordCommand=}
 */
public record Connection(
    String host,
    Optional<String> sshConfig,
    Map<Keyword, List<String>> options,
    AddressFamily family,
    Optional<String> passwordCommand) {

  /** The portkeep option {@code password_command} becomes. */
  static final String PASSWORD_COMMAND = "PasswordCommand";

  /**
   * @throws dev.portkeep.error.UsageException for a host {@link Destination} refuses
   */
  public Connection {
    Destination.parse(Objects.requireNonNull(host, "host"));
    Objects.requireNonNull(sshConfig, "sshConfig");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(passwordCommand, "passwordCommand");
    Map<Keyword, List<String>> copy = new LinkedHashMap<>();
    options.forEach(
        (keyword, values) -> {
          if (values.isEmpty() || values.stream().anyMatch(String::isBlank)) {
            throw new IllegalArgumentException("empty value for " + keyword.canonical());
          }
          copy.put(keyword, List.copyOf(values));
        });
    options = Collections.unmodifiableMap(copy);
  }

  /** The {@code -o} arguments, {@code Keyword=value}, one per value, in order. */
  public List<String> optionArguments() {
    List<String> args = new ArrayList<>();
    options.forEach(
        (keyword, values) -> values.forEach(v -> args.add(keyword.canonical() + "=" + v)));
    passwordCommand.ifPresent(command -> args.add(PASSWORD_COMMAND + "=" + command));
    return args;
  }
}
