package dev.portkeep.fleet;

import dev.portkeep.Tunnel;
import dev.portkeep.bind.Addresses;
import dev.portkeep.config.ForwardSpec;
import dev.portkeep.forward.Conduit;
import dev.portkeep.forward.LocalForwarder;
import dev.portkeep.forward.LocalService;
import dev.portkeep.smb.ProbeResult;
import dev.portkeep.smb.Smb2Probe;
import dev.portkeep.status.ProbeOutcome;
import dev.portkeep.status.TunnelEvents;
import dev.portkeep.status.TunnelObserver;
import dev.portkeep.status.TunnelState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/**
 * Checks, every so often while a tunnel is up, that each of its {@code -L} targets answers: by
 * opening a channel to it (the server connects to the target before it confirms the channel), or
 * for SMB tunnels by an SMB2 NEGOTIATE through the listener. A failure marks the forward degraded
 * and tears nothing down. Probes are not counted as the forward's connections.
 */
final class Prober implements AutoCloseable {
  /** How long one probe may take. */
  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final Thread thread;

  private Prober(Thread thread) {
    this.thread = thread;
  }

  /** Starts probing {@code tunnel} as {@code probe} says; does nothing for {@code Off}. */
  static Prober start(
      Definition.Probe probe, Tunnel tunnel, TunnelObserver observer, TunnelEvents events) {
    Duration every =
        switch (probe) {
          case Definition.Probe.Off off -> null;
          case Definition.Probe.Channel c -> c.every();
          case Definition.Probe.Smb s -> s.every();
        };
    if (every == null || every.isZero()) {
      return new Prober(null);
    }
    Runnable loop =
        () -> {
          try {
            while (true) {
              if (observer.state() == TunnelState.UP) {
                probeAll(probe, tunnel, events);
              }
              Thread.sleep(every);
            }
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        };
    return new Prober(Thread.ofVirtual().name("pk-probe-" + observer.name()).start(loop));
  }

  private static void probeAll(Definition.Probe probe, Tunnel tunnel, TunnelEvents events) {
    for (LocalService service : tunnel.forwarders()) {
      if (service.spec() instanceof ForwardSpec.Local local) {
        InetSocketAddress listener = service.listener().addresses().get(0);
        events.probed(
            local,
            probe instanceof Definition.Probe.Smb && service instanceof LocalForwarder forwarder
                ? smb(forwarder, listener)
                : channel(tunnel, local));
      }
    }
  }

  private static ProbeOutcome channel(Tunnel tunnel, ForwardSpec.Local forward) {
    long start = System.nanoTime();
    try (Conduit conduit =
        tunnel
            .opener()
            .open(forward.target(), new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))) {
      return new ProbeOutcome.Answered(since(start), "the channel opened");
    } catch (IOException e) {
      return new ProbeOutcome.Failed(since(start), String.valueOf(e.getMessage()));
    }
  }

  /**
   * An SMB2 NEGOTIATE through the forward's listener, from a socket bound first so that the
   * forwarder leaves the probe's connection out of what it counts.
   */
  private static ProbeOutcome smb(LocalForwarder forwarder, InetSocketAddress listener) {
    long start = System.nanoTime();
    InetSocketAddress target = Addresses.reachable(listener);
    Socket socket = new Socket();
    InetSocketAddress source;
    try {
      socket.bind(new InetSocketAddress(target.getAddress(), 0));
      source = (InetSocketAddress) socket.getLocalSocketAddress();
    } catch (IOException e) {
      closeQuietly(socket);
      return new ProbeOutcome.Failed(
          since(start), "cannot bind the probe's socket: " + e.getMessage());
    }
    Runnable forget = forwarder.uncounted(source);
    ProbeResult result;
    try {
      result = Smb2Probe.probe(socket, target, TIMEOUT);
    } finally {
      forget.run();
    }
    return result instanceof ProbeResult.Answered answered
        ? new ProbeOutcome.Answered(since(start), answered.dialect().toString())
        : new ProbeOutcome.Failed(since(start), result.message());
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // nothing was sent on it
    }
  }

  private static Duration since(long start) {
    return Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public void close() {
    if (thread != null) {
      thread.interrupt();
    }
  }
}
