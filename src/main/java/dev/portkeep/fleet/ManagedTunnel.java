package dev.portkeep.fleet;

import dev.portkeep.Tunnel;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.error.ListenException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.forward.ForwardStats;
import dev.portkeep.forward.LocalService;
import dev.portkeep.reconnect.Backoff;
import dev.portkeep.smb.SmbClients;
import dev.portkeep.ssh.Prompts;
import dev.portkeep.status.ForwardCounters;
import dev.portkeep.status.TunnelEvents;
import dev.portkeep.status.TunnelObserver;
import dev.portkeep.status.TunnelState;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One named tunnel of {@code portkeep up}, started and stopped on its own. A start plans the
 * tunnel, binds its listeners and lets it connect with backoff; a listener that cannot bind is
 * tried again until it can; a failure no retry fixes (authentication, host key, configuration)
 * leaves it failed until the next start. Every run has a generation, so what an old run left
 * scheduled cannot touch a newer one.
 */
final class ManagedTunnel {
  /** Listeners that cannot bind are tried again after this, doubling up to a minute. */
  static final Backoff BIND_RETRY =
      new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(60), new SplittableRandom());

  private final TunnelObserver observer;
  private final TunnelEvents extra;
  private final Supplier<Listeners> listeners;
  private final ScheduledExecutorService timer;
  private Definition definition;

  /** The plan of the run that is on, or was last started. */
  private TunnelPlan plan;

  private Tunnel tunnel;
  private Prober prober;
  private long generation;
  private int bindAttempts;

  ManagedTunnel(
      Definition definition,
      TunnelObserver observer,
      TunnelEvents extra,
      Supplier<Listeners> listeners,
      ScheduledExecutorService timer) {
    this.definition = definition;
    this.observer = observer;
    this.extra = extra;
    this.listeners = listeners;
    this.timer = timer;
  }

  String name() {
    return definition.name();
  }

  synchronized Definition definition() {
    return definition;
  }

  TunnelObserver observer() {
    return observer;
  }

  /** A new definition for a stopped tunnel, or for one about to be restarted. */
  synchronized void redefine(Definition next) {
    definition = next;
  }

  synchronized boolean running() {
    return tunnel != null || bindAttempts > 0;
  }

  /**
   * Whether a start now would make another plan than the running or failed run's: its ssh_config
   * (or something else read from outside the tunnels file) changed what the tunnel connects to or
   * how. Compares the session settings, and the forwards except for an SMB tunnel, whose listener
   * is chosen anew at each start; a run that failed for want of a plan changed once one can be
   * made. False for a stopped tunnel, and when no plan can be made now: then a running tunnel is
   * left as it is, and {@code problem} is told why.
   */
  synchronized boolean planChanged(Definition next, Consumer<PortkeepException> problem) {
    boolean failed = !running() && observer.state() == TunnelState.FAILED;
    if (!running() && !failed) {
      return false;
    }
    TunnelPlan now;
    try {
      now = next.planner().plan();
    } catch (PortkeepException e) {
      if (!failed) {
        problem.accept(e);
      }
      return false;
    }
    if (plan == null) {
      return true; // the run failed at planning, and a plan can be made now
    }
    return !now.session().equals(plan.session())
        || now.sessions() != plan.sessions()
        || (next.smb().isEmpty() && !now.forwards().equals(plan.forwards()));
  }

  /** Starts a run unless one is on; returns at once after binding (or failing to). */
  synchronized void start() {
    if (running()) {
      return;
    }
    generation++;
    bindAttempts = 0;
    attempt(generation);
  }

  private void attempt(long run) {
    try {
      plan = definition.planner().plan();
    } catch (PortkeepException e) {
      plan = null;
      observer.starting("", List.of());
      observer.failed(e, null);
      return;
    }
    observer.starting(plan.session().display(), plan.forwards());
    try {
      Tunnel t =
          Tunnel.open(
              plan,
              Prompts.NONE,
              listeners.get(),
              TunnelEvents.guarded(observer, extra),
              Tunnel.FirstSession.KEEP_TRYING);
      bindAttempts = 0;
      tunnel = t;
      for (LocalService service : t.forwarders()) {
        observer.counters(service.spec(), counters(service));
      }
      t.remoteCounters().forEach((spec, counters) -> observer.counters(spec, counters::bytes));
      definition.smb().ifPresent(smb -> describeSmb(t, plan.forwards().get(0), smb));
      prober = Prober.start(definition.probe(), t, observer, TunnelEvents.guarded(observer));
      var unused = t.ended().thenAcceptAsync(e -> endRun(run), timer);
    } catch (ListenException e) {
      Duration wait = BIND_RETRY.delay(++bindAttempts);
      observer.failed(e, wait);
      var unused = timer.schedule(() -> retryBind(run), wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (PortkeepException e) {
      observer.failed(e, null); // keys, configuration: nothing a retry would change
    }
  }

  /** The SMB listener's client commands, now that its address (a port 0's too) is known. */
  private void describeSmb(Tunnel t, ForwardSpec listener, Definition.Smb smb) {
    for (LocalService service : t.forwarders()) {
      if (service.spec().equals(listener)) {
        observer.smb(
            listener, SmbClients.access(service.listener().addresses().get(0), smb.share()));
      }
    }
  }

  private static Supplier<ForwardCounters> counters(LocalService service) {
    return () -> {
      ForwardStats stats = service.stats();
      return new ForwardCounters(stats.bytesUp(), stats.bytesDown());
    };
  }

  private synchronized void retryBind(long run) {
    if (run == generation && tunnel == null && bindAttempts > 0) {
      attempt(run);
    }
  }

  /** The run failed for good (its observer already says why): release its listeners. */
  private synchronized void endRun(long run) {
    if (run == generation && tunnel != null) {
      closeRun(Duration.ZERO);
    }
  }

  /** Stops the run, if any: listeners closed, open connections given {@code grace}. */
  synchronized void stop(Duration grace, String reason) {
    generation++;
    bindAttempts = 0;
    closeRun(grace);
    observer.stopped(reason);
  }

  private void closeRun(Duration grace) {
    if (prober != null) {
      prober.close();
      prober = null;
    }
    if (tunnel != null) {
      tunnel.close(grace);
      tunnel = null;
    }
  }
}
