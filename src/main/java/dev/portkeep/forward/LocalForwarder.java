package dev.portkeep.forward;

import dev.portkeep.bind.Listener;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@code -L} forward: accepts on its listener's sockets and pumps each connection
 * through a new {@code direct-tcpip} channel. Closing stops accepting at once and gives open
 * connections a short grace period before they are cut.
 *
 * <p>While the session is up, a connection takes no thread of its own: the accepting thread asks
 * for the channel, and the session's event loop moves the bytes once the server has answered. While
 * it is down, the connection waits for it (or is refused) on a thread of its own.
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
    acceptor.startHandingOn(this::handOn);
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

  /** On the accepting thread: asks for the channel, and moves on without waiting for it. */
  private Acceptor.Handed handOn(SocketChannel socket) {
    InetSocketAddress client;
    try {
      socket.setOption(StandardSocketOptions.TCP_NODELAY, true);
      client = (InetSocketAddress) socket.getRemoteAddress();
    } catch (IOException e) {
      log.debug("-L {}: a connection closed as it came: {}", spec.spec(), e.toString());
      return Acceptor.Handed.over();
    }
    CompletableFuture<Conduit> opening = opener.openNow(spec.target(), client);
    if (opening == null) {
      return Acceptor.Handed.onThread(() -> serve(socket, client));
    }
    AtomicReference<@Nullable Pump> pump = new AtomicReference<>();
    CompletableFuture<Void> ended =
        opening
            .thenCompose(
                conduit -> {
                  Pump p = opened(socket, client, conduit);
                  pump.set(p);
                  return pumpWithoutWaiting(client, p);
                })
            .exceptionally(
                failure -> {
                  Throwable cause =
                      failure instanceof CompletionException && failure.getCause() != null
                          ? failure.getCause()
                          : failure;
                  refused(client, cause instanceof IOException io ? io : new IOException(cause));
                  return null;
                });
    return new Acceptor.Handed(
        ended,
        () -> {
          Pump p = pump.get();
          if (p != null) {
            p.abort();
          }
        });
  }

  /** Moves the bytes on the session's event loop, or on the pump's threads where it has none. */
  private CompletableFuture<Void> pumpWithoutWaiting(InetSocketAddress client, Pump pump) {
    CompletableFuture<Void> spliced = pump.start();
    if (spliced == null) {
      return Acceptor.Handed.onThread(() -> pumped(client, pump)).ended();
    }
    return spliced.thenRun(
        () -> events.connectionClosed(spec, client, pump.bytesUp(), pump.bytesDown()));
  }

  /** On a thread of its own: waits for the channel, then for the connection to end. */
  private void serve(SocketChannel socket, InetSocketAddress client) {
    Conduit conduit;
    try {
      conduit = opener.open(spec.target(), client);
    } catch (IOException e) {
      refused(client, e);
      return;
    }
    pumped(client, opened(socket, client, conduit));
  }

  private Pump opened(SocketChannel socket, InetSocketAddress client, Conduit conduit) {
    connections.increment();
    events.connectionOpened(spec, client);
    return new Pump(socket, conduit, bytesUp, bytesDown);
  }

  private void pumped(InetSocketAddress client, Pump pump) {
    try {
      pump.run();
      events.connectionClosed(spec, client, pump.bytesUp(), pump.bytesDown());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void refused(InetSocketAddress client, IOException e) {
    refused.increment();
    log.warn(
        "-L {}: cannot reach {} through the server: {}",
        spec.spec(),
        spec.target(),
        e.getMessage());
    events.channelRefused(spec, client, ChannelOpenFailure.reasonOf(e), e);
  }

  @Override
  public void close(Duration grace) {
    acceptor.close(grace);
  }
}
