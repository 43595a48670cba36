package dev.portkeep.status;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.error.PortkeepException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each event to every listener in turn, in one guarded loop: a listener that throws is logged
 * and skipped for that event, so a failing status consumer never breaks a tunnel.
 */
final class Fanout implements TunnelEvents {
  private static final Logger log = LoggerFactory.getLogger(Fanout.class);

  private final List<TunnelEvents> listeners;

  Fanout(List<TunnelEvents> listeners) {
    this.listeners = List.copyOf(listeners);
  }

  private void each(String event, Consumer<TunnelEvents> call) {
    for (TunnelEvents listener : listeners) {
      try {
        call.accept(listener);
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError fatal) {
          throw fatal;
        }
        log.warn("a status listener failed on {}: {}", event, e.toString(), e);
      }
    }
  }

  @Override
  public void connecting(String server, int attempt) {
    each("connecting", l -> l.connecting(server, attempt));
  }

  @Override
  public void connected(String server, SessionInfo session) {
    each("connected", l -> l.connected(server, session));
  }

  @Override
  public void lost(String server, LossReason reason) {
    each("lost", l -> l.lost(server, reason));
  }

  @Override
  public void reconnectFailed(
      String server, int attempt, Duration sinceLost, PortkeepException error, Duration nextDelay) {
    each("reconnectFailed", l -> l.reconnectFailed(server, attempt, sinceLost, error, nextDelay));
  }

  @Override
  public void ended(String server, PortkeepException error) {
    each("ended", l -> l.ended(server, error));
  }

  @Override
  public void forwardUp(ForwardSpec forward, String where) {
    each("forwardUp", l -> l.forwardUp(forward, where));
  }

  @Override
  public void forwardFailed(ForwardSpec forward, PortkeepException error, Duration retryIn) {
    each("forwardFailed", l -> l.forwardFailed(forward, error, retryIn));
  }

  @Override
  public void connectionOpened(ForwardSpec forward, InetSocketAddress client) {
    each("connectionOpened", l -> l.connectionOpened(forward, client));
  }

  @Override
  public void channelRefused(
      ForwardSpec forward, InetSocketAddress client, ChannelFailure reason, IOException cause) {
    each("channelRefused", l -> l.channelRefused(forward, client, reason, cause));
  }

  @Override
  public void connectionClosed(
      ForwardSpec forward, InetSocketAddress client, long bytesUp, long bytesDown) {
    each("connectionClosed", l -> l.connectionClosed(forward, client, bytesUp, bytesDown));
  }

  @Override
  public void probed(ForwardSpec forward, ProbeOutcome outcome) {
    each("probed", l -> l.probed(forward, outcome));
  }
}
