package dev.portkeep.bind;

import dev.portkeep.config.AddressFamily;
import dev.portkeep.config.BindAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens listeners: portkeep's own server sockets with the options of {@link SocketOptionsPolicy}.
 */
public final class Listeners {
  private static final Logger log = LoggerFactory.getLogger(Listeners.class);
  private static final int BACKLOG = 128;

  /** With port 0 and several sockets, the port the first got may be taken on another family. */
  private static final int EPHEMERAL_ATTEMPTS = 5;

  private final SocketOptionsPolicy policy;
  private final HostStacks stacks;
  private final BindFailures failures;

  public Listeners(SocketOptionsPolicy policy, HostStacks stacks, BindFailures failures) {
    this.policy = policy;
    this.stacks = stacks;
    this.failures = failures;
  }

  public static Listeners system() {
    SocketOptionsPolicy policy = SocketOptionsPolicy.current();
    policy.requireExclusiveBind(System.getProperty(SocketOptionsPolicy.EXCLUSIVE_BIND_PROPERTY));
    return new Listeners(policy, HostStacks.detect(), BindFailures.system());
  }

  /**
   * Binds every socket the address means, or none: on any failure the sockets already bound are
   * closed and the failure is explained. {@code forWhat} names the forward in messages.
   */
  public Listener open(BindAddress bind, int port, AddressFamily family, String forWhat) {
    List<SocketPlan> plans = ListenerPolicy.plan(bind, port, family, stacks);
    for (int attempt = 1; ; attempt++) {
      try {
        return openAll(plans, forWhat);
      } catch (EphemeralClash clash) {
        if (attempt == EPHEMERAL_ATTEMPTS) {
          throw failures.explain(clash.plan, clash.cause, forWhat);
        }
      }
    }
  }

  private Listener openAll(List<SocketPlan> plans, String forWhat) {
    List<ServerSocketChannel> opened = new ArrayList<>();
    List<InetSocketAddress> bound = new ArrayList<>();
    int port = plans.get(0).port();
    for (SocketPlan requested : plans) {
      SocketPlan plan = requested.withPort(port);
      try {
        ServerSocketChannel channel = ServerSocketChannel.open(plan.family());
        opened.add(channel);
        policy.apply(channel);
        channel.bind(plan.socketAddress(), BACKLOG);
        InetSocketAddress local = (InetSocketAddress) channel.getLocalAddress();
        bound.add(local);
        port = local.getPort();
      } catch (IOException e) {
        closeAll(opened);
        if (requested.port() == 0 && !bound.isEmpty()) {
          throw new EphemeralClash(plan, e);
        }
        throw failures.explain(plan, e, forWhat);
      }
    }
    warnIfExposed(bound, forWhat);
    return new Listener(opened, bound);
  }

  /**
   * Logs the one warning for a listener that other machines can reach: every forward's, and the
   * metrics endpoint's and web page's of {@code portkeep up}.
   */
  public static void warnIfExposed(List<InetSocketAddress> bound, String forWhat) {
    for (InetSocketAddress address : bound) {
      if (!address.getAddress().isLoopbackAddress()) {
        log.warn(
            "{} listens on {}: other machines on the network can connect to it",
            forWhat,
            Addresses.display(address));
      }
    }
  }

  private static void closeAll(List<ServerSocketChannel> opened) {
    for (ServerSocketChannel channel : opened.reversed()) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // Rolling back; the bind failure is what gets reported.
      }
    }
  }

  /** The port picked for the first socket was taken on another family; pick again. */
  private static final class EphemeralClash extends RuntimeException {
    final transient SocketPlan plan;
    final IOException cause;

    EphemeralClash(SocketPlan plan, IOException cause) {
      super(null, null, false, false);
      this.plan = plan;
      this.cause = cause;
    }
  }
}
