package dev.portkeep;

import dev.portkeep.bind.Addresses;
import dev.portkeep.bind.Listener;
import dev.portkeep.bind.Listeners;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.config.TunnelPlan;
import dev.portkeep.error.ListenException;
import dev.portkeep.forward.ForwardEvents;
import dev.portkeep.forward.LocalForwarder;
import dev.portkeep.ssh.Prompts;
import dev.portkeep.ssh.SshConnector;
import dev.portkeep.ssh.SshSession;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running set of forwards over one SSH session. {@link #open} shows the wiring order: bind every
 * listener (so a taken port fails before any network traffic, and the ports are held from the
 * start), load keys and connect, then start accepting. All or nothing: a failure closes what was
 * opened, in reverse order.
 */
public final class Tunnel implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Tunnel.class);

  /** One bound listen address of a forward, for the start-up lines. */
  public record Bound(ForwardSpec forward, InetSocketAddress address) {
    public String display() {
      return Addresses.display(address);
    }
  }

  private final TunnelPlan plan;
  private final SshSession session;
  private final List<LocalForwarder> forwarders;
  private final CountDownLatch ended = new CountDownLatch(1);
  private final AtomicBoolean closing = new AtomicBoolean();

  private Tunnel(TunnelPlan plan, SshSession session, List<LocalForwarder> forwarders) {
    this.plan = plan;
    this.session = session;
    this.forwarders = List.copyOf(forwarders);
    session.onClosed(ended::countDown);
  }

  public static Tunnel open(TunnelPlan plan, Prompts prompts, Listeners listeners, ForwardEvents events) {
    List<Listener> bound = new ArrayList<>();
    List<ForwardSpec.Local> served = new ArrayList<>();
    try {
      for (ForwardSpec forward : plan.forwards()) {
        if (forward instanceof ForwardSpec.Local local) {
          bindOrSkip(plan, listeners, local, bound, served);
        }
      }
      if (!plan.forwards().isEmpty() && bound.isEmpty()) {
        throw new ListenException("no forward could listen", "see the errors above");
      }
      SshSession session = new SshConnector(plan.session(), prompts).connect();
      List<LocalForwarder> forwarders = new ArrayList<>();
      for (int i = 0; i < bound.size(); i++) {
        forwarders.add(new LocalForwarder(served.get(i), bound.get(i), session, events));
      }
      forwarders.forEach(LocalForwarder::start);
      return new Tunnel(plan, session, forwarders);
    } catch (RuntimeException e) {
      for (Listener listener : bound.reversed()) {
        listener.close();
      }
      throw e;
    }
  }

  private static void bindOrSkip(
      TunnelPlan plan,
      Listeners listeners,
      ForwardSpec.Local local,
      List<Listener> bound,
      List<ForwardSpec.Local> served) {
    try {
      bound.add(listeners.open(local.bind(), local.port(), plan.session().family(), "-L " + local.spec()));
      served.add(local);
    } catch (ListenException e) {
      if (plan.session().exitOnForwardFailure()) {
        throw e;
      }
      log.warn("{} (ExitOnForwardFailure=no: going on without it)", e.getMessage());
    }
  }

  /** Every listen address bound, with the real port, in the order of the forwards. */
  public List<Bound> bound() {
    List<Bound> all = new ArrayList<>();
    for (LocalForwarder f : forwarders) {
      f.listener().addresses().forEach(a -> all.add(new Bound(f.spec(), a)));
    }
    return all;
  }

  public List<LocalForwarder> forwarders() {
    return forwarders;
  }

  public String via() {
    return plan.session().display();
  }

  public SshSession session() {
    return session;
  }

  /** Waits until the session ends (returns true) or the timeout passes (false). */
  public boolean awaitSessionEnd(Duration timeout) throws InterruptedException {
    return ended.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isClosing() {
    return closing.get();
  }

  /** Closes the listeners, lets open connections finish within {@code grace}, then ends the session. */
  public void close(Duration grace) {
    if (!closing.compareAndSet(false, true)) {
      return;
    }
    forwarders.forEach(f -> f.listener().close());
    long deadline = System.nanoTime() + grace.toNanos();
    for (LocalForwarder f : forwarders.reversed()) {
      f.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    }
    session.close();
  }

  @Override
  public void close() {
    close(Duration.ZERO);
  }
}
