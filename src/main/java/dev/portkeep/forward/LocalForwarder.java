package dev.portkeep.forward;

import dev.portkeep.bind.Listener;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@code -L} forward: accepts on its listener's sockets and pumps each connection
 * through a new {@code direct-tcpip} channel. Closing stops accepting at once and gives open
 * connections a short grace period before they are cut.
 */
public final class LocalForwarder implements LocalService {
  private static final Logger log = LoggerFactory.getLogger(LocalForwarder.class);

  private final ForwardSpec.Local spec;
  private final Listener listener;
  private final ChannelOpener opener;
  private final TunnelEvents events;
  private final Acceptor acceptor;
  private final LongAdder bytesUp = new LongAdder();
  private final LongAdder bytesDown = new LongAdder();
  private final LongAdder connections = new LongAdder();
  private final LongAdder refused = new LongAdder();

  public LocalForwarder(
      ForwardSpec.Local spec, Listener listener, ChannelOpener opener, TunnelEvents events) {
    this.spec = spec;
    this.listener = listener;
    this.opener = opener;
    this.events = events;
    this.acceptor = new Acceptor(listener, "-L " + spec.spec());
  }

  @Override
  public void start() {
    acceptor.start(this::serve);
  }

  @Override
  public ForwardSpec.Local spec() {
    return spec;
  }

  @Override
  public Listener listener() {
    return listener;
  }

  @Override
  public ForwardStats stats() {
    return new ForwardStats(
        connections.sum(), refused.sum(), 0, acceptor.open(), bytesUp.sum(), bytesDown.sum());
  }

  private void serve(SocketChannel socket) {
    InetSocketAddress client = null;
    try {
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      client = (InetSocketAddress) socket.getRemoteAddress();
      Conduit conduit = opener.open(spec.target(), client);
      connections.increment();
      events.connectionOpened(spec, client);
      Pump pump = new Pump(socket, conduit, bytesUp, bytesDown);
      pump.run();
      events.connectionClosed(spec, client, pump.bytesUp(), pump.bytesDown());
    } catch (IOException e) {
      refused.increment();
      log.warn(
          "-L {}: cannot reach {} through the server: {}",
          spec.spec(),
          spec.target(),
          e.getMessage());
      events.channelRefused(spec, client, ChannelOpenFailure.reasonOf(e), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close(Duration grace) {
    acceptor.close(grace);
  }
}
