package dev.portkeep.config;

import java.util.Objects;

/** One SSH server on the way ({@code -J} / ProxyJump) or at the end; the host stays a name. */
public record Hop(String user, String host, int port) {
  public Hop {
    Objects.requireNonNull(user, "user");
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port " + port);
    }
  }

  /** {@code user@host:port}, IPv6 in brackets. */
  public String display() {
    return user + "@" + IpLiterals.hostPort(host, port);
  }
}
