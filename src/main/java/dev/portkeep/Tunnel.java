package dev.portkeep;

import dev.portkeep.bind.Addresses;
import dev.portkeep.bind.Listener;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.BindAddress;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.error.ListenException;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.forward.ForwardStats;
import dev.portkeep.forward.HeapGiveBack;
import dev.portkeep.forward.LocalForwarder;
import dev.portkeep.forward.LocalService;
import dev.portkeep.forward.RemoteCounters;
import dev.portkeep.forward.socks.SocksForwarder;
import dev.portkeep.reconnect.Backoff;
import dev.portkeep.reconnect.RemoteForwards;
import dev.portkeep.reconnect.SessionSupervisor;
import dev.portkeep.reconnect.StripedOpener;
import dev.portkeep.ssh.Prompts;
import dev.portkeep.ssh.SshConnector;
import dev.portkeep.ssh.SshSession;
import dev.portkeep.status.TunnelEvents;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running set of forwards over one kept-alive SSH session. {@link #open} shows the wiring order:
 * bind every local listener (so a taken port fails before any network traffic, and the ports are
 * held from the start, through every outage), load keys and connect, request the remote forwards,
 * then start accepting. All or nothing: a failure closes what was opened, in reverse order.
 */
public final class Tunnel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tunnel.class);

  /** One bound listen address of a local forward, for the start-up lines. */
  public record Bound(ForwardSpec forward, InetSocketAddress address) {
    public String display() {
      return Addresses.display(address);
    }
  }

  private final TunnelPlan plan;
  private final StripedOpener sessions;
  private final List<LocalService> forwarders;
  private final List<RemoteForwards.Bound> remotes;
  private final Map<ForwardSpec.Remote, RemoteCounters> remoteCounters;
  private final AtomicBoolean closing = new AtomicBoolean();
  private final HeapGiveBack.Watch heap;

  private Tunnel(
      TunnelPlan plan,
      StripedOpener sessions,
      List<LocalService> forwarders,
      List<RemoteForwards.Bound> remotes,
      Map<ForwardSpec.Remote, RemoteCounters> remoteCounters) {
    this.plan = plan;
    this.sessions = sessions;
    this.forwarders = List.copyOf(forwarders);
    this.remotes = List.copyOf(remotes);
    this.remoteCounters = remoteCounters;
    this.heap = HeapGiveBack.watch(this::bytesMoved);
  }

  /** Bytes through every local forward, both ways, since start. */
  private long bytesMoved() {
    long total = 0;
    for (LocalService f : forwarders) {
      ForwardStats stats = f.stats();
      total += stats.bytesUp() + stats.bytesDown();
    }
    return total;
  }

  /**
   * How the first session comes: the command line's single attempt, whose failure ends the command,
   * or {@code portkeep up}'s attempts with backoff until one works, while the listeners serve.
   */
  public enum FirstSession {
    ONE_ATTEMPT,
    KEEP_TRYING
  }

  /** A command-line tunnel: the first session must come up at once. */
  public static Tunnel open(
      TunnelPlan plan, Prompts prompts, Listeners listeners, TunnelEvents events) {
    return open(plan, prompts, listeners, events, FirstSession.ONE_ATTEMPT);
  }

  /**
   * Binds every listener, loads the keys, then connects as {@code first} says. With {@link
   * FirstSession#KEEP_TRYING} only binding and configuration can fail here; connection failures
   * show as events and {@link #ended()} completes on a fatal one. Events go to {@code observer},
   * guarded.
   */
  public static Tunnel open(
      TunnelPlan plan,
      Prompts prompts,
      Listeners listeners,
      TunnelEvents observer,
      FirstSession first) {
    TunnelEvents events = TunnelEvents.guarded(observer);
    List<Listener> bound = new ArrayList<>();
    List<ForwardSpec> served = new ArrayList<>();
    List<SessionSupervisor> supervisors = new ArrayList<>();
    try {
      for (ForwardSpec forward : plan.forwards()) {
        switch (forward) {
          case ForwardSpec.Local l ->
              bindOrSkip(plan, listeners, l, l.bind(), l.port(), bound, served, events);
          case ForwardSpec.Dynamic d ->
              bindOrSkip(plan, listeners, d, d.bind(), d.port(), bound, served, events);
          case ForwardSpec.Remote r -> {}
        }
      }
      boolean anyRemote = plan.forwards().stream().anyMatch(ForwardSpec.Remote.class::isInstance);
      if (bound.isEmpty() && !anyRemote) {
        throw new ListenException(
            "no forward could listen",
            "see the messages above; each names the port and who holds it");
      }
      SshConnector connector = new SshConnector(plan.session(), prompts);
      for (int i = 0; i < plan.sessions(); i++) {
        supervisors.add(SessionSupervisor.system(connector, events));
      }
      StripedOpener opener = new StripedOpener(supervisors);
      List<RemoteForwards.Bound> remotes = List.of();
      RemoteForwards remote = remoteForwards(plan, events);
      if (first == FirstSession.ONE_ATTEMPT) {
        supervisors.forEach(SessionSupervisor::connectFirst);
        remotes =
            remote.establish(opener.primary().current(), plan.session().exitOnForwardFailure());
        opener.primary().onConnected(remote::reestablish);
      } else {
        opener.primary().onConnected(remote::reestablish);
        supervisors.forEach(SessionSupervisor::startConnecting);
      }
      List<LocalService> services = new ArrayList<>();
      for (int i = 0; i < bound.size(); i++) {
        services.add(service(served.get(i), bound.get(i), opener, events));
      }
      services.forEach(LocalService::start);
      for (LocalService f : services) {
        events.forwardUp(
            f.spec(), f.listener().addresses().stream().map(Addresses::display).toList());
      }
      return new Tunnel(plan, opener, services, remotes, remote.counters());
    } catch (RuntimeException e) {
      supervisors.reversed().forEach(SessionSupervisor::close);
      for (Listener listener : bound.reversed()) {
        listener.close();
      }
      throw e;
    }
  }

  private static RemoteForwards remoteForwards(TunnelPlan plan, TunnelEvents events) {
    List<ForwardSpec.Remote> specs =
        plan.forwards().stream()
            .filter(ForwardSpec.Remote.class::isInstance)
            .map(ForwardSpec.Remote.class::cast)
            .toList();
    return new RemoteForwards(
        specs,
        events,
        new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30), new SplittableRandom()));
  }

  private static LocalService service(
      ForwardSpec spec, Listener listener, StripedOpener opener, TunnelEvents events) {
    return switch (spec) {
      case ForwardSpec.Local l -> new LocalForwarder(l, listener, opener, events);
      case ForwardSpec.Dynamic d -> new SocksForwarder(d, listener, opener, events);
      case ForwardSpec.Remote r -> throw new IllegalArgumentException("-R has no local listener");
    };
  }

  private static void bindOrSkip(
      TunnelPlan plan,
      Listeners listeners,
      ForwardSpec forward,
      BindAddress bind,
      int port,
      List<Listener> bound,
      List<ForwardSpec> served,
      TunnelEvents events) {
    try {
      bound.add(
          listeners.open(
              bind, port, plan.session().family(), forward.flag() + " " + forward.spec()));
      served.add(forward);
    } catch (ListenException e) {
      if (plan.session().exitOnForwardFailure()) {
        throw e;
      }
      events.forwardFailed(forward, e, null);
      log.warn("{} (ExitOnForwardFailure=no: going on without it)", e.getMessage());
    }
  }

  /** Every local listen address bound, with the real port, in the order of the forwards. */
  public List<Bound> bound() {
    List<Bound> all = new ArrayList<>();
    for (LocalService f : forwarders) {
      f.listener().addresses().forEach(a -> all.add(new Bound(f.spec(), a)));
    }
    return all;
  }

  /** The remote forwards the server accepted at start, with the ports it bound. */
  public List<RemoteForwards.Bound> remotes() {
    return remotes;
  }

  public List<LocalService> forwarders() {
    return forwarders;
  }

  /** Each {@code -R} forward's connections and bytes, whether the server holds it now or not. */
  public Map<ForwardSpec.Remote, RemoteCounters> remoteCounters() {
    return remoteCounters;
  }

  public String via() {
    return plan.session().display();
  }

  /** Opens channels through the tunnel's sessions: for the health probes. */
  public ChannelOpener opener() {
    return sessions;
  }

  /** The session now; null while reconnecting. */
  public SshSession session() {
    return sessions.primary().current();
  }

  /**
   * Completes when the tunnel cannot go on: a fatal error while reconnecting, or a loss with
   * Reconnect=no.
   */
  public CompletableFuture<PortkeepException> ended() {
    return sessions.ended();
  }

  /**
   * Closes the listeners, lets open connections finish within {@code grace}, then ends the session.
   */
  public void close(Duration grace) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    forwarders.forEach(f -> f.listener().close());
    long deadline = System.nanoTime() + grace.toNanos();
    for (LocalService f : forwarders.reversed()) {
      f.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    sessions.close();
    heap.close();
  }

  @Override
  public void close() {
    close(Duration.ZERO);
  }
}
