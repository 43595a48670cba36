package dev.portkeep.forward.socks;

import dev.portkeep.bind.Listener;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.forward.Acceptor;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.forward.ForwardStats;
import dev.portkeep.forward.LocalService;
import dev.portkeep.status.TunnelEvents;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.LongAdder;

/**
 * Serves one {@code -D} forward: a SOCKS4, SOCKS4a and SOCKS5 (CONNECT, no authentication) server
 * on its listener's sockets that opens a {@code direct-tcpip} channel per request, with host names
 * left for the SSH server to resolve. Closing stops accepting at once and gives open connections a
 * grace period before they are cut.
 */
public final class SocksForwarder implements LocalService {
  /** How long a client has from connecting to completing its request. */
  public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

  private final String spec;
  private final Listener listener;
  private final ChannelOpener opener;
  private final ForwardSpec.Dynamic forward;
  private final TunnelEvents events;
  private final Duration handshakeTimeout;
  private final Acceptor acceptor;
  private final Counters counters = new Counters();

  /** {@code forward} is the {@code -D} it serves; its text is quoted in logs. */
  public SocksForwarder(
      ForwardSpec.Dynamic forward, Listener listener, ChannelOpener opener, TunnelEvents events) {
    this(forward, listener, opener, events, DEFAULT_HANDSHAKE_TIMEOUT);
  }

  /** As above, with the time a client has from connecting to completing its request. */
  public SocksForwarder(
      ForwardSpec.Dynamic forward,
      Listener listener,
      ChannelOpener opener,
      TunnelEvents events,
      Duration handshakeTimeout) {
    this.forward = Objects.requireNonNull(forward, "forward");
    this.spec = forward.spec();
    this.listener = Objects.requireNonNull(listener, "listener");
    this.opener = Objects.requireNonNull(opener, "opener");
    this.events = Objects.requireNonNull(events, "events");
    this.handshakeTimeout = Objects.requireNonNull(handshakeTimeout, "handshakeTimeout");
    if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
      throw new IllegalArgumentException(
          "handshake timeout " + handshakeTimeout + " must be positive");
    }
    this.acceptor = new Acceptor(listener, "-D " + spec);
  }

  @Override
  public void start() {
    acceptor.start(
        socket ->
            new SocksConnection(forward, socket, opener, events, handshakeTimeout, counters).run());
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
        acceptor.open(),
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

  @Override
  public void close(Duration grace) {
    acceptor.close(grace);
  }
}
