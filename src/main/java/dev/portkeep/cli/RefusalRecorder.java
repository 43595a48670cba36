package dev.portkeep.cli;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.status.TunnelEvents;
import java.net.InetSocketAddress;
import java.time.Duration;

/** Passes every event on, and remembers the last channel refusal so a failed probe can say why. */
final class RefusalRecorder implements TunnelEvents {
  private final TunnelEvents next;
  private volatile String lastRefusal;

  RefusalRecorder(TunnelEvents next) {
    this.next = next;
  }

  String lastRefusal() {
    return lastRefusal;
  }

  @Override
  public void channelRefused(ForwardSpec forward, InetSocketAddress client, String error) {
    lastRefusal = error;
    next.channelRefused(forward, client, error);
  }

  @Override
  public void lost(String server, String reason) {
    next.lost(server, reason);
  }

  @Override
  public void reconnectFailed(
      String server, int attempt, Duration sinceLost, String error, Duration nextDelay) {
    next.reconnectFailed(server, attempt, sinceLost, error, nextDelay);
  }

  @Override
  public void connected(String server, String serverVersion) {
    next.connected(server, serverVersion);
  }

  @Override
  public void forwardUp(ForwardSpec forward, String where) {
    next.forwardUp(forward, where);
  }

  @Override
  public void forwardFailed(ForwardSpec forward, String error, Duration retryIn) {
    next.forwardFailed(forward, error, retryIn);
  }
}
