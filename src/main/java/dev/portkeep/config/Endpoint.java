package dev.portkeep.config;

import dev.portkeep.error.UsageException;
import java.util.Objects;

/** A host and port as the user wrote them; the host is never resolved here. */
public record Endpoint(String host, int port) {
  /** OpenSSH's limit (NI_MAXHOST is 1025 including the terminating NUL). */
  static final int MAX_HOST_LENGTH = 1024;

  public Endpoint {
    Objects.requireNonNull(host, "host");
    if (host.isEmpty() || host.length() > MAX_HOST_LENGTH) {
      throw new IllegalArgumentException("host length " + host.length());
    }
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port " + port);
    }
  }

  /** {@code host:port}, with IPv6 literals in brackets. */
  @Override
  public String toString() {
    return IpLiterals.hostPort(host, port);
  }

  static Endpoint of(String host, int port, String spec) {
    if (host.isEmpty()) {
      throw new UsageException(
          "bad forwarding spec '" + spec + "': empty host", "write the target as host:port");
    }
    if (host.length() > MAX_HOST_LENGTH) {
      throw new UsageException(
          "bad forwarding spec: host name too long ("
              + host.length()
              + " > "
              + MAX_HOST_LENGTH
              + ")",
          "use a shorter host name or an address");
    }
    return new Endpoint(host, port);
  }
}
