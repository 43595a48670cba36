package dev.portkeep.forward;

import dev.portkeep.bind.Listener;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
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
  private final Acceptor acceptor;

  /** What clients' connections are counted in and reported to. */
  private final Accounting clients;

  /** Where portkeep's own probes connect from, until their connection arrives. */
  private final Set<InetSocketAddress> probes = ConcurrentHashMap.newKeySet();

  /**
   * A connection's counters and the events it is reported to: the forward's own for clients, and
   * for a probe a set no one reads, so that status and metrics count only what clients did.
   */
  private record Accounting(
      LongAdder connections,
      LongAdder refused,
      LongAdder bytesUp,
      LongAdder bytesDown,
      TunnelEvents events,
      boolean client) {
    Accounting(TunnelEvents events, boolean client) {
      this(new LongAdder(), new LongAdder(), new LongAdder(), new LongAdder(), events, client);
    }
  }

  public LocalForwarder(
      ForwardSpec.Local spec, Listener listener, ChannelOpener opener, TunnelEvents events) {
    this.spec = spec;
    this.listener = listener;
    this.opener = opener;
    this.clients = new Accounting(events, true);
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
        clients.connections.sum(),
        clients.refused.sum(),
        0,
        acceptor.open(),
        clients.bytesUp.sum(),
        clients.bytesDown.sum());
  }

  /**
   * Leaves the next connection from {@code source}, where a socket is already bound, out of the
   * counters and the events: a probe of portkeep's own, not a client. Running the returned action
   * forgets {@code source} if no connection came from it. (While it lasts, the probe's connection
   * is among the open ones that {@link #close(Duration)} gives a grace period.)
   */
  public Runnable uncounted(InetSocketAddress source) {
    probes.add(source);
    return () -> probes.remove(source);
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
    Accounting counts = probes.remove(client) ? new Accounting(TunnelEvents.NONE, false) : clients;
    CompletableFuture<Conduit> opening = opener.openNow(spec.target(), client);
    if (opening == null) {
      return Acceptor.Handed.onThread(() -> serve(socket, client, counts));
    }
    AtomicReference<@Nullable Pump> pump = new AtomicReference<>();
    CompletableFuture<Void> ended =
        opening
            .thenCompose(
                conduit -> {
                  Pump p = opened(socket, client, conduit, counts);
                  pump.set(p);
                  return pumpWithoutWaiting(client, p, counts);
                })
            .exceptionally(
                failure -> {
                  Throwable cause =
                      failure instanceof CompletionException && failure.getCause() != null
                          ? failure.getCause()
                          : failure;
                  refused(
                      client,
                      cause instanceof IOException io ? io : new IOException(cause),
                      counts);
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
  private CompletableFuture<Void> pumpWithoutWaiting(
      InetSocketAddress client, Pump pump, Accounting counts) {
    CompletableFuture<Void> spliced = pump.start();
    if (spliced == null) {
      return Acceptor.Handed.onThread(() -> pumped(client, pump, counts)).ended();
    }
    return spliced.thenRun(
        () -> counts.events.connectionClosed(spec, client, pump.bytesUp(), pump.bytesDown()));
  }

  /** On a thread of its own: waits for the channel, then for the connection to end. */
  private void serve(SocketChannel socket, InetSocketAddress client, Accounting counts) {
    Conduit conduit;
    try {
      conduit = opener.open(spec.target(), client);
    } catch (IOException e) {
      refused(client, e, counts);
      return;
    }
    pumped(client, opened(socket, client, conduit, counts), counts);
  }

  private Pump opened(
      SocketChannel socket, InetSocketAddress client, Conduit conduit, Accounting counts) {
    counts.connections.increment();
    counts.events.connectionOpened(spec, client);
    return new Pump(socket, conduit, counts.bytesUp, counts.bytesDown);
  }

  private void pumped(InetSocketAddress client, Pump pump, Accounting counts) {
    try {
      pump.run();
      counts.events.connectionClosed(spec, client, pump.bytesUp(), pump.bytesDown());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A channel the server did not open; for a probe, the probe's outcome is what reports it. */
  private void refused(InetSocketAddress client, IOException e, Accounting counts) {
    counts.refused.increment();
    if (counts.client) {
      log.warn(
          "-L {}: cannot reach {} through the server: {}",
          spec.spec(),
          spec.target(),
          e.getMessage());
    }
    counts.events.channelRefused(spec, client, ChannelOpenFailure.reasonOf(e), e);
  }

  @Override
  public void close(Duration grace) {
    acceptor.close(grace);
  }
}
