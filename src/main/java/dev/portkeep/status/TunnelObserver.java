package dev.portkeep.status;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.error.PortkeepException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The status of one named tunnel, kept from its events: state and since when, the session, the
 * reconnects, the last loss and error, and each forward's counters. The tunnel's owner reports what
 * only it knows (started, stopped, a bind that failed); everything else arrives as events. Each
 * state change is handed to {@code changes} (logs, hooks, the web page) outside the lock.
 */
public final class TunnelObserver implements TunnelEvents {
  private final String name;
  private final Clock clock;
  private final Consumer<StateChange> changes;
  private final Map<ForwardSpec, ForwardTrack> forwards = new LinkedHashMap<>();
  private TunnelState state = TunnelState.STOPPED;
  private Instant since;
  private String server = "";
  private Integer attempt;
  private Instant nextTry;
  private SessionInfo session;
  private long reconnects;
  private LossReason lastLoss;
  private Problem lastError;

  public TunnelObserver(String name, Clock clock, Consumer<StateChange> changes) {
    this.name = name;
    this.clock = clock;
    this.changes = changes;
    this.since = clock.instant();
  }

  public String name() {
    return name;
  }

  /** A new run begins: its server and forwards; counters and errors of the last run are gone. */
  public void starting(String server, List<ForwardSpec> specs) {
    StateChange change;
    synchronized (this) {
      this.server = server;
      forwards.clear();
      specs.forEach(spec -> forwards.put(spec, new ForwardTrack(spec)));
      reconnects = 0;
      lastLoss = null;
      lastError = null;
      session = null;
      change = move(TunnelState.CONNECTING, "starting", null, null);
    }
    publish(change);
  }

  /** Where a forward's live byte counters come from, once its forwarder exists. */
  public synchronized void counters(ForwardSpec spec, Supplier<ForwardCounters> counters) {
    track(spec).counters = counters;
  }

  /** How clients reach {@code spec}, the SMB forward of an SMB tunnel, now that it listens. */
  public synchronized void smb(ForwardSpec spec, SmbAccess access) {
    track(spec).smb = access;
  }

  /** The user stopped the tunnel, or it was removed. */
  public void stopped(String reason) {
    StateChange change;
    synchronized (this) {
      session = null;
      forwards.values().forEach(f -> f.state = ForwardSnapshot.ForwardState.STOPPED);
      change = move(TunnelState.STOPPED, reason, null, null);
    }
    publish(change);
  }

  /**
   * The tunnel cannot serve: {@code retryIn} null for a fatal failure that waits for the user, else
   * when the owner tries again (a listener that could not bind).
   */
  public void failed(PortkeepException error, Duration retryIn) {
    StateChange change;
    synchronized (this) {
      lastError = Problem.of(error, clock.instant());
      session = null;
      change =
          move(
              TunnelState.FAILED,
              error.getMessage(),
              null,
              retryIn == null ? null : clock.instant().plus(retryIn));
    }
    publish(change);
  }

  @Override
  public void connecting(String server, int attempt) {
    synchronized (this) {
      if (connecting()) {
        this.attempt = attempt;
        this.nextTry = null;
      }
    }
  }

  @Override
  public void connected(String server, SessionInfo info) {
    StateChange change;
    synchronized (this) {
      if (!connecting()) {
        return; // a session that came up as the tunnel was being stopped
      }
      if (state == TunnelState.RECONNECTING) {
        reconnects++;
      }
      session = info;
      change =
          move(TunnelState.UP, "connected to " + server + " (" + info.cipher() + ")", null, null);
    }
    publish(change);
  }

  @Override
  public void lost(String server, LossReason reason) {
    StateChange change;
    synchronized (this) {
      if (state != TunnelState.UP) {
        return;
      }
      lastLoss = reason;
      lastError = Problem.lost(reason, clock.instant());
      session = null;
      change = move(TunnelState.RECONNECTING, reason.describe(), 0, null);
    }
    publish(change);
  }

  @Override
  public synchronized void reconnectFailed(
      String server, int attempt, Duration sinceLost, PortkeepException error, Duration nextDelay) {
    this.attempt = attempt;
    this.nextTry = clock.instant().plus(nextDelay);
    this.lastError = Problem.of(error, clock.instant());
  }

  @Override
  public void ended(String server, PortkeepException error) {
    failed(error, null);
  }

  @Override
  public synchronized void forwardUp(ForwardSpec forward, List<String> where) {
    ForwardTrack f = track(forward);
    f.listen = List.copyOf(where);
    f.state = ForwardSnapshot.ForwardState.ACTIVE;
    f.lastError = null;
  }

  @Override
  public synchronized void forwardFailed(
      ForwardSpec forward, PortkeepException error, Duration retryIn) {
    ForwardTrack f = track(forward);
    f.state = ForwardSnapshot.ForwardState.FAILED;
    f.lastError = Problem.of(error, clock.instant());
  }

  @Override
  public void connectionOpened(ForwardSpec forward, InetSocketAddress client) {
    ForwardTrack f = trackOrNull(forward);
    if (f != null) {
      f.open.increment();
      f.total.increment();
    }
  }

  @Override
  public void connectionClosed(
      ForwardSpec forward, InetSocketAddress client, long bytesUp, long bytesDown) {
    ForwardTrack f = trackOrNull(forward);
    if (f != null) {
      f.open.decrement();
    }
  }

  @Override
  public synchronized void channelRefused(
      ForwardSpec forward, InetSocketAddress client, ChannelFailure reason, IOException cause) {
    ForwardTrack f = track(forward);
    f.failures.merge(reason, 1L, Long::sum);
    f.lastError = Problem.channel(reason, cause, clock.instant());
  }

  @Override
  public synchronized void probed(ForwardSpec forward, ProbeOutcome outcome) {
    ForwardTrack f = track(forward);
    f.probe = new ForwardSnapshot.ProbeSnapshot(outcome, clock.instant());
    if (outcome instanceof ProbeOutcome.Failed failed) {
      if (f.state == ForwardSnapshot.ForwardState.ACTIVE) {
        f.state = ForwardSnapshot.ForwardState.DEGRADED;
      }
      f.lastError = Problem.probe(failed.reason(), clock.instant());
    } else if (f.state == ForwardSnapshot.ForwardState.DEGRADED) {
      f.state = ForwardSnapshot.ForwardState.ACTIVE;
    }
  }

  /** The status now. */
  public synchronized TunnelSnapshot snapshot() {
    List<ForwardSnapshot> list = new ArrayList<>();
    forwards.values().forEach(f -> list.add(f.snapshot()));
    return new TunnelSnapshot(
        name,
        state,
        since,
        server,
        Optional.ofNullable(attempt),
        Optional.ofNullable(nextTry),
        Optional.ofNullable(session),
        reconnects,
        Optional.ofNullable(lastLoss),
        Optional.ofNullable(lastError),
        list);
  }

  public synchronized TunnelState state() {
    return state;
  }

  private boolean connecting() {
    return state == TunnelState.CONNECTING || state == TunnelState.RECONNECTING;
  }

  /** Moves to {@code next}; the change to publish, or null when the state stays. */
  private StateChange move(TunnelState next, String reason, Integer attempt, Instant nextTry) {
    this.attempt = attempt;
    this.nextTry = nextTry;
    TunnelState previous = state;
    if (previous == next && next != TunnelState.FAILED) {
      return null;
    }
    state = next;
    since = clock.instant();
    return new StateChange(name, previous, next, reason, since);
  }

  private void publish(StateChange change) {
    if (change != null) {
      changes.accept(change);
    }
  }

  private ForwardTrack track(ForwardSpec spec) {
    return forwards.computeIfAbsent(spec, ForwardTrack::new);
  }

  private synchronized ForwardTrack trackOrNull(ForwardSpec spec) {
    return forwards.get(spec);
  }
}
