package dev.portkeep.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How the connection to the server is made and watched: the time a connection and its handshake may
 * take, the address family ({@code -4}, {@code -6}), and the keepalive that declares a silent
 * server dead.
 */
public record Transport(Duration connectTimeout, AddressFamily family, KeepAlive keepAlive) {
  /** OpenSSH waits for the system's TCP timeout; portkeep gives up after 30 s. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  public static final Transport DEFAULT =
      new Transport(DEFAULT_CONNECT_TIMEOUT, AddressFamily.ANY, KeepAlive.DEFAULT);

  public Transport {
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(family, "family");
    Objects.requireNonNull(keepAlive, "keepAlive");
    if (connectTimeout.isNegative() || connectTimeout.isZero()) {
      throw new IllegalArgumentException("connectTimeout " + connectTimeout);
    }
  }
}
