package dev.portkeep.forward.socks;

import dev.portkeep.bind.Listener;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.forward.ForwardStats;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves one {@code -D} forward: a SOCKS4, SOCKS4a and SOCKS5 (CONNECT, no authentication) server on
 * its listener's sockets that opens a {@code direct-tcpip} channel per request, with host names left
 * for the SSH server to resolve. Closing stops accepting at once and gives open connections a grace
 * period before they are cut.
 */
public final class SocksForwarder implements dev.portkeep.forward.LocalService {
  private static final Logger log = LoggerFactory.getLogger(SocksForwarder.class);

  /** How long a client has from connecting to completing its request. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private final String spec;
  private final Listener listener;
  private final ChannelOpener opener;
  private final ForwardSpec.Dynamic forward;
  private final TunnelEvents events;
  private final Duration handshakeTimeout;
  private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();
  private final Counters counters = new Counters();
  private final AtomicBoolean closed = new AtomicBoolean();

  /**
   * {@code forward} is the {@code -D} it serves; its text is quoted in logs.
   */
  public SocksForwarder(ForwardSpec.Dynamic forward, Listener listener, ChannelOpener opener, TunnelEvents events) {
    this(forward, listener, opener, events, DEFAULT_HANDSHAKE_TIMEOUT);
  }

  /** As above, with the time a client has from connecting to completing its request. */
  public SocksForwarder(
      ForwardSpec.Dynamic forward, Listener listener, ChannelOpener opener, TunnelEvents events, Duration handshakeTimeout) {
    this.forward = Objects.requireNonNull(forward, "forward");
    this.spec = forward.spec();
    this.listener = Objects.requireNonNull(listener, "listener");
    this.opener = Objects.requireNonNull(opener, "opener");
    this.events = Objects.requireNonNull(events, "events");
    this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException("handshake timeout " + handshakeTimeout + " must be positive");
    }
  }

  /** Starts one accept loop per listening socket. */
  @Override
  public void start() {
    for (ServerSocketChannel server : listener.channels()) {
      Thread.ofVirtual().name("pk-socks-accept-" + listener.port()).start(() -> acceptLoop(server));
    }
  }

  @Override
  public ForwardSpec.Dynamic spec() {
    return forward;
  }

  @Override
  public Listener listener() {
    return listener;
  }

  /** Counters since start. */
  @Override
  public ForwardStats stats() {
    return new ForwardStats(
        counters.connections.sum(),
        counters.refused.sum(),
        counters.rejected.sum(),
        open.size(),
        counters.bytesUp.sum(),
        counters.bytesDown.sum());
  }

  /** The forward's live counters, added to by its connections. */
  static final class Counters {
    final LongAdder connections = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final LongAdder bytesUp = new LongAdder();
    final LongAdder bytesDown = new LongAdder();
  }

  private void acceptLoop(ServerSocketChannel server) {
    while (!closed.get()) {
      SocketChannel socket;
      try {
        socket = server.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        // Typically out of file descriptors: back off instead of spinning on the error.
        log.warn("-D {}: accept failed on {}: {}", spec, listener, e.getMessage());
        pause(Duration.ofMillis(100));
        continue;
      }
      Thread.ofVirtual().name("pk-socks-conn").start(() -> serve(socket));
    }
  }

  private void serve(SocketChannel socket) {
    open.add(socket);
    try {
      if (!closed.get()) {
        new SocksConnection(forward, socket, opener, events, handshakeTimeout, counters).run();
      }
    } finally {
      open.remove(socket);
      try {
        socket.close();
      } catch (IOException ignored) {
        // Already reported by the connection, if it mattered.
      }
    }
  }

  private static void pause(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops accepting, waits up to {@code grace} for open connections, then cuts the rest. */
  @Override
  public void close(Duration grace) {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    listener.close();
    long deadline = System.nanoTime() + grace.toNanos();
    while (!open.isEmpty() && System.nanoTime() < deadline && !Thread.currentThread().isInterrupted()) {
      pause(Duration.ofMillis(20));
    }
    for (SocketChannel socket : open) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // Shutting down; nothing more to do for this connection.
      }
    }
  }

  @Override
  public void close() {
    close(Duration.ZERO);
  }
}
