package dev.portkeep.config.sshconfig;

import java.util.Objects;
import java.util.Optional;

/**
 * Values the command line fixed before the file is read ({@code -l} or {@code user@}, {@code -p},
 * {@code -o HostName=}), as ssh sets them first: the file cannot change them, {@code Match user}
 * and {@code Match host} see them, and so do the {@code %r}, {@code %p} and {@code %h} tokens. The
 * file's own values for these keywords are then not reported.
 */
public record Overrides(Optional<String> user, Optional<String> port, Optional<String> hostName) {
  public static final Overrides NONE =
      new Overrides(Optional.empty(), Optional.empty(), Optional.empty());

  public Overrides {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(port, "port");
    Objects.requireNonNull(hostName, "hostName");
  }

  public Overrides withUser(String value) {
    return new Overrides(Optional.of(value), port, hostName);
  }

  public Overrides withPort(String value) {
    return new Overrides(user, Optional.of(value), hostName);
  }

  public Overrides withHostName(String value) {
    return new Overrides(user, port, Optional.of(value));
  }
}
