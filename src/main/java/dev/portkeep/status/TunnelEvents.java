package dev.portkeep.status;

import dev.portkeep.config.ForwardSpec;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Every state change of a tunnel, for logs, status and tests: the session (connecting, connected,
 * lost, reconnecting), each forward (up, failed) and each forwarded connection. Every method has a
 * no-op default, must be fast, and must not throw; callers guard against it anyway.
 */
public interface TunnelEvents {
  /** A connection attempt starts; {@code attempt} is 1 for the first one after a loss. */
  default void connecting(String server, int attempt) {}

  default void connected(String server, String serverVersion) {}

  /** The session ended without being asked to. */
  default void lost(String server, String reason) {}

  /** A reconnect attempt failed; the next one comes after {@code nextDelay}. */
  default void reconnectFailed(
      String server, int attempt, Duration sinceLost, String error, Duration nextDelay) {}

  /** A forward is serving, at {@code where} (a local listener or the server's port). */
  default void forwardUp(ForwardSpec forward, String where) {}

  /** A forward could not be set up; {@code retryIn} is null when it will not be retried. */
  default void forwardFailed(ForwardSpec forward, String error, @Nullable Duration retryIn) {}

  default void connectionOpened(ForwardSpec forward, InetSocketAddress client) {}

  /** The SSH server refused or could not open the channel for a connection. */
  default void channelRefused(ForwardSpec forward, InetSocketAddress client, String error) {}

  default void connectionClosed(
      ForwardSpec forward, InetSocketAddress client, long bytesUp, long bytesDown) {}

  TunnelEvents NONE = new TunnelEvents() {};
}
