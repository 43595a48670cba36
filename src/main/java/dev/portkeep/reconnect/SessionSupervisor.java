package dev.portkeep.reconnect;

import dev.portkeep.config.Endpoint;
import dev.portkeep.config.ReconnectPolicy;
import dev.portkeep.error.AuthException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.error.UnreachableException;
import dev.portkeep.error.UsageException;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.forward.Conduit;
import dev.portkeep.forward.SessionDownException;
import dev.portkeep.ssh.SshConnector;
import dev.portkeep.ssh.SshSession;
import dev.portkeep.status.LossReason;
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
import org.jspecify.annotations.Nullable;

/**
 * Keeps one SSH session alive for the forwards: connects, notices when the session dies (keepalive
 * or a closed connection), and reconnects with backoff until it is back, while the listeners stay
 * bound. Authentication, host-key and configuration failures end it at once; they are never
 * retried. Forwarders open channels through it, so a connection that arrives during an outage is
 * refused at once or, with a hold, waits for the next session.
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
  private final List<Consumer<SshSession>> connected = new CopyOnWriteArrayList<>();
  private final CompletableFuture<PortkeepException> ended = new CompletableFuture<>();
  private final AtomicReference<CompletableFuture<SshSession>> next =
      new AtomicReference<>(new CompletableFuture<>());
  private volatile SshSession current;
  private volatile boolean closed;
  private volatile Thread connecting;

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
   * The first connection of a command-line tunnel: one attempt, its failure is the caller's (a
   * tunnel that never came up ends the command).
   */
  public SshSession connectFirst() {
    events.connecting(server(), 1);
    SshSession session = connector.connect();
    install(session);
    return session;
  }

  /**
   * The first connection of a tunnel that must come up by itself ({@code portkeep up}): attempts
   * start now, in the background, and go on with backoff until one succeeds; a failure no retry
   * fixes ends the supervisor ({@link #ended}).
   */
  public void startConnecting() {
    spawn(Mode.FIRST, nanoTime.getAsLong());
  }

  /** Runs {@code action} with each session installed from now on (re-requesting -R, say). */
  public void onConnected(Consumer<SshSession> action) {
    connected.add(action);
  }

  /**
   * Completes when the tunnel cannot go on: a fatal error while connecting, or a loss with
   * Reconnect=no. Made once: every caller waits on the same future.
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
    events.connected(server(), session.info());
    session.onClosed(reason -> lost(session, reason));
    next.getAndSet(new CompletableFuture<>()).complete(session);
  }

  private void lost(SshSession session, LossReason reason) {
    if (closed || current != session) {
      return;
    }
    current = null;
    // The dead session's client, its I/O threads and its bridges go too, off MINA's own thread,
    // which is the one reporting the close: every reconnect would otherwise leave one behind.
    Thread.ofVirtual().name("pk-close-lost").start(session::close);
    events.lost(server(), reason);
    if (!policy.enabled()) {
      end(
          new UnreachableException(
              "lost the connection to " + server() + ": " + reason.describe(),
              "check the network and the server; without -o Reconnect=no portkeep reconnects by"
                  + " itself",
              null));
      return;
    }
    spawn(Mode.AFTER_LOSS, nanoTime.getAsLong());
  }

  private void end(PortkeepException why) {
    if (ended.complete(why)) {
      events.ended(server(), why);
    }
  }

  /** Whether the first attempt waits: not for a new tunnel, one backoff step after a loss. */
  private enum Mode {
    FIRST,
    AFTER_LOSS
  }

  private void spawn(Mode mode, long since) {
    connecting =
        Thread.ofPlatform().daemon(true).name("pk-connect").start(() -> connectLoop(mode, since));
  }

  private Duration waitBefore(Mode mode, int attempt) {
    if (mode == Mode.FIRST) {
      return attempt == 1 ? Duration.ZERO : backoff.delay(attempt - 1);
    }
    return backoff.delay(attempt);
  }

  private void connectLoop(Mode mode, long since) {
    Duration wait = waitBefore(mode, 1);
    for (int attempt = 1; !closed; attempt++) {
      try {
        if (!wait.isZero()) {
          sleeper.sleep(wait);
        }
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
        connected.forEach(action -> action.accept(session));
        return;
      } catch (AuthException | UsageException fatal) {
        end(fatal);
        return;
      } catch (PortkeepException e) {
        wait = waitBefore(mode, attempt + 1);
        Duration sinceLost = Duration.ofNanos(nanoTime.getAsLong() - since);
        events.reconnectFailed(server(), attempt, sinceLost, e, wait);
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

  /** Opens at once through the session that is up; null while none is (see {@link #open}). */
  @Override
  public @Nullable CompletableFuture<Conduit> openNow(
      Endpoint target, InetSocketAddress originator) {
    SshSession session = current;
    return session == null || !session.isOpen() ? null : session.openNow(target, originator);
  }

  private SshSession awaitSession() throws IOException {
    if (policy.hold().isZero()) {
      throw new SessionDownException("the session to " + server() + " is down; reconnecting");
    }
    try {
      return next.get().get(policy.hold().toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new SessionDownException(
          "the session to "
              + server()
              + " was not back within ReconnectHold="
              + policy.hold().toSeconds()
              + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SessionDownException("interrupted while waiting for the session");
    } catch (ExecutionException e) {
      throw new IOException(e.getCause());
    }
  }

  @Override
  public void close() {
    closed = true;
    Thread loop = connecting;
    if (loop != null) {
      loop.interrupt();
    }
    SshSession session = current;
    current = null;
    if (session != null) {
      session.close();
    }
  }
}
