package dev.portkeep.reconnect;

import dev.portkeep.config.Endpoint;
import dev.portkeep.config.ReconnectPolicy;
import dev.portkeep.error.AuthException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UnreachableException;
import dev.portkeep.error.UsageException;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.forward.Conduit;
import dev.portkeep.ssh.SshConnector;
import dev.portkeep.ssh.SshSession;
import dev.portkeep.status.TunnelEvents;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Keeps one SSH session alive for the forwards: connects, notices when the session dies (keepalive
 * or a closed connection), and reconnects with backoff until it is back, while the listeners stay
 * bound. Authentication and host-key failures end it at once; they are never retried. Forwarders
 * open channels through it, so a connection that arrives during an outage is refused at once or,
 * with a hold, waits for the next session.
 */
public final class SessionSupervisor implements ChannelOpener, AutoCloseable {
  /** Waits between attempts; injected so tests need not sleep. */
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final SshConnector connector;
  private final ReconnectPolicy policy;
  private final TunnelEvents events;
  private final Backoff backoff;
  private final Sleeper sleeper;
  private final LongSupplier nanoTime;
  private final List<Consumer<SshSession>> reconnected = new CopyOnWriteArrayList<>();
  private final CompletableFuture<PortkeepException> ended = new CompletableFuture<>();
  private final AtomicReference<CompletableFuture<SshSession>> next =
      new AtomicReference<>(new CompletableFuture<>());
  private volatile SshSession current;
  private volatile boolean closed;

  public SessionSupervisor(
      SshConnector connector,
      TunnelEvents events,
      Backoff backoff,
      Sleeper sleeper,
      LongSupplier nanoTime) {
    this.connector = connector;
    this.policy = connector.settings().reconnect();
    this.events = events;
    this.backoff = backoff;
    this.sleeper = sleeper;
    this.nanoTime = nanoTime;
  }

  public static SessionSupervisor system(SshConnector connector, TunnelEvents events) {
    ReconnectPolicy p = connector.settings().reconnect();
    return new SessionSupervisor(
        connector,
        events,
        new Backoff(p.initialDelay(), p.maxDelay(), new java.util.SplittableRandom()),
        Thread::sleep,
        System::nanoTime);
  }

  private String server() {
    return connector.settings().display();
  }

  /**
   * The first connection: one attempt, its failure is the caller's (a tunnel that never came up).
   */
  public SshSession connectFirst() {
    events.connecting(server(), 1);
    SshSession session = connector.connect();
    install(session);
    return session;
  }

  /**
   * Runs {@code action} with each new session after a reconnect (re-requesting -R forwards, say).
   */
  public void onReconnected(Consumer<SshSession> action) {
    reconnected.add(action);
  }

  /**
   * Completes when the tunnel cannot go on: a fatal error while reconnecting, or a loss with
   * Reconnect=no.
   */
  public CompletableFuture<PortkeepException> ended() {
    return ended;
  }

  /** The session now, or null during an outage. */
  public SshSession current() {
    return current;
  }

  private void install(SshSession session) {
    current = session;
    events.connected(server(), session.serverVersion());
    session.onClosed(() -> lost(session));
    next.getAndSet(new CompletableFuture<>()).complete(session);
  }

  private void lost(SshSession session) {
    if (closed || current != session) {
      return;
    }
    current = null;
    events.lost(server(), "the connection to the server ended");
    if (!policy.enabled()) {
      ended.complete(
          new UnreachableException(
              "lost the connection to " + server(),
              "check the network and the server; without -o Reconnect=no portkeep reconnects by itself",
              null));
      return;
    }
    Thread.ofPlatform().daemon(true).name("pk-reconnect").start(this::reconnectLoop);
  }

  private void reconnectLoop() {
    long lostAt = nanoTime.getAsLong();
    Duration wait = backoff.delay(1);
    for (int attempt = 1; !closed; attempt++) {
      try {
        sleeper.sleep(wait);
      } catch (InterruptedException e) {
        return;
      }
      if (closed) {
        return;
      }
      events.connecting(server(), attempt);
      try {
        SshSession session = connector.connect();
        if (closed) {
          session.close();
          return;
        }
        install(session);
        reconnected.forEach(action -> action.accept(session));
        return;
      } catch (AuthException | UsageException fatal) {
        ended.complete(fatal);
        return;
      } catch (PortkeepException e) {
        wait = backoff.delay(attempt + 1);
        Duration since = Duration.ofNanos(nanoTime.getAsLong() - lostAt);
        events.reconnectFailed(server(), attempt, since, e.getMessage(), wait);
      }
    }
  }

  @Override
  public Conduit open(Endpoint target, InetSocketAddress originator) throws IOException {
    SshSession session = current;
    if (session == null || !session.isOpen()) {
      session = awaitSession();
    }
    return session.open(target, originator);
  }

  private SshSession awaitSession() throws IOException {
    if (policy.hold().isZero()) {
      throw new IOException("the session to " + server() + " is down; reconnecting");
    }
    try {
      return next.get().get(policy.hold().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new IOException(
          "the session to "
              + server()
              + " was not back within ReconnectHold="
              + policy.hold().toSeconds()
              + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for the session");
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  @Override
  public void close() {
    closed = true;
    SshSession session = current;
    current = null;
    if (session != null) {
      session.close();
    }
  }
}
