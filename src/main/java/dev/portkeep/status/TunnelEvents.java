package dev.portkeep.status;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.error.PortkeepException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * Every state change of one tunnel, as types: the session (connecting, connected, lost,
 * reconnecting, ended), each forward (up, failed, probed) and each forwarded connection. Logs,
 * status, hooks and metrics all listen here; none of them reads another component's message text to
 * learn what happened. Every method has a no-op default and must be fast. Components emit through
 * {@link #guarded}, so a listener that throws is logged and cannot break a tunnel.
 */
public interface TunnelEvents {
  /** A connection attempt starts; {@code attempt} is 1 for the first one after a loss. */
  default void connecting(String server, int attempt) {}

  default void connected(String server, SessionInfo session) {}

  /** The session ended without being asked to. */
  default void lost(String server, LossReason reason) {}

  /** A connection attempt failed; the next one comes after {@code nextDelay}. */
  default void reconnectFailed(
      String server,
      int attempt,
      Duration sinceLost,
      PortkeepException error,
      Duration nextDelay) {}

  /**
   * The tunnel cannot go on: a failure no retry fixes (authentication, host key, configuration), or
   * a loss with Reconnect=no.
   */
  default void ended(String server, PortkeepException error) {}

  /** A forward is serving, at {@code where} (a local listener or the server's port). */
  default void forwardUp(ForwardSpec forward, String where) {}

  /** A forward could not be set up; {@code retryIn} is null when it will not be retried. */
  default void forwardFailed(ForwardSpec forward, PortkeepException error, Duration retryIn) {}

  default void connectionOpened(ForwardSpec forward, InetSocketAddress client) {}

  /** A connection got no channel: the server refused it, or there was no session to ask. */
  default void channelRefused(
      ForwardSpec forward, InetSocketAddress client, ChannelFailure reason, IOException cause) {}

  default void connectionClosed(
      ForwardSpec forward, InetSocketAddress client, long bytesUp, long bytesDown) {}

  /** A health probe of {@code forward} ended: its target answered, or why not. */
  default void probed(ForwardSpec forward, ProbeOutcome outcome) {}

  TunnelEvents NONE = new TunnelEvents() {};

  /** Every listener in order, each guarded: what one throws is logged, the others still hear. */
  static TunnelEvents guarded(TunnelEvents... listeners) {
    return new Fanout(List.of(listeners));
  }
}
