package dev.portkeep.cli;

import dev.portkeep.Tunnel;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.reconnect.RemoteForwards;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What every tunnel-making command does once its tunnel is up: print it, then run until stopped.
 */
final class Running {
  static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

  private Running() {}

  /** One line per bound listener and per remote forward, with the real addresses and ports. */
  static void printForwards(Tunnel tunnel, PrintStream out) {
    for (Tunnel.Bound bound : tunnel.bound()) {
      out.println(
          "forwarding "
              + bound.display()
              + " -> "
              + bound.forward().targetText()
              + " via "
              + tunnel.via());
    }
    for (RemoteForwards.Bound remote : tunnel.remotes()) {
      out.println(
          "forwarding remote "
              + remote.listenText()
              + " (on the server) -> "
              + remote.spec().targetText()
              + " via "
              + tunnel.via());
    }
    out.flush();
  }

  /**
   * Runs until Ctrl-C, SIGTERM or SIGHUP (then closes the listeners, gives open connections a
   * moment, exit 0) or until the tunnel cannot go on (its error and exit code).
   */
  static int untilStopped(Tunnel tunnel, Invocation invocation) throws InterruptedException {
    Object outcome;
    try {
      outcome = CompletableFuture.anyOf(invocation.stop().requested(), tunnel.ended()).get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("the stop signal or the tunnel failed", e.getCause());
    }
    if (outcome instanceof PortkeepException end) {
      tunnel.close(Duration.ZERO);
      return invocation.fail(end);
    }
    tunnel.close(CLOSE_GRACE);
    return ExitCode.OK.code();
  }
}
