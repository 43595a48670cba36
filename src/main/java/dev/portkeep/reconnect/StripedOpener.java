package dev.portkeep.reconnect;

import dev.portkeep.config.Endpoint;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.forward.ChannelOpener;
import dev.portkeep.forward.Conduit;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Spreads forwarded connections across several SSH sessions to the same server, round robin over
 * the sessions that are up, so encryption runs on more than one core. Each session is kept by its
 * own supervisor; while all are down, the first one's hold rules apply.
 */
public final class StripedOpener implements ChannelOpener, AutoCloseable {
  private final List<SessionSupervisor> supervisors;
  private final AtomicInteger next = new AtomicInteger();
  private final CompletableFuture<PortkeepException> ended;

  public StripedOpener(List<SessionSupervisor> supervisors) {
    if (supervisors.isEmpty()) {
      throw new IllegalArgumentException("no session");
    }
    this.supervisors = List.copyOf(supervisors);
    // Built once: a poller that asked for a new future on every tick subscribed one more to every
    // supervisor each time, and an idle tunnel grew by about 25 MB a day.
    this.ended =
        CompletableFuture.anyOf(
                this.supervisors.stream()
                    .map(SessionSupervisor::ended)
                    .toArray(CompletableFuture<?>[]::new))
            .thenApply(PortkeepException.class::cast);
  }

  @Override
  public Conduit open(Endpoint target, InetSocketAddress originator) throws IOException {
    int n = supervisors.size();
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      SessionSupervisor s = supervisors.get((start + i) % n);
      if (s.current() != null) {
        return s.open(target, originator);
      }
    }
    return supervisors.get(0).open(target, originator);
  }

  /** As {@link #open}, without waiting; null while no session is up. */
  @Override
  public @Nullable CompletableFuture<Conduit> openNow(
      Endpoint target, InetSocketAddress originator) {
    int n = supervisors.size();
    int start = Math.floorMod(next.getAndIncrement(), n);
    for (int i = 0; i < n; i++) {
      SessionSupervisor s = supervisors.get((start + i) % n);
      if (s.current() != null) {
        return s.openNow(target, originator);
      }
    }
    return null;
  }

  /** The first supervisor: it carries the remote forwards and names the session in status. */
  public SessionSupervisor primary() {
    return supervisors.get(0);
  }

  /** Completes when any session cannot go on (an authentication failure ends them all). */
  public CompletableFuture<PortkeepException> ended() {
    return ended;
  }

  @Override
  public void close() {
    supervisors.reversed().forEach(SessionSupervisor::close);
  }
}
