package dev.portkeep.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the connection to the server is made and watched: the time a connection and its handshake may
 * take, the address family ({@code -4}, {@code -6}), the keepalive that declares a silent server
 * dead, and the ProxyCommand (tokens expanded) whose standard input and output carry the connection
 * to the first server of the route instead of TCP.
 */
public record Transport(
    Duration connectTimeout,
    AddressFamily family,
    KeepAlive keepAlive,
    Optional<String> proxyCommand) {
  /** OpenSSH waits for the system's TCP timeout; portkeep gives up after 30 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  public Transport {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(keepAlive, "keepAlive");
    Objects.requireNonNull(proxyCommand, "proxyCommand");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout " + connectTimeout);
    }
  }
}
