package dev.portkeep.cli;

import dev.portkeep.config.ForwardSpec;
import dev.portkeep.error.PortkeepException;
import dev.portkeep.status.LossReason;
import dev.portkeep.status.SessionInfo;
import dev.portkeep.status.TunnelEvents;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reports a running tunnel's state changes on stderr: losses, each reconnect attempt, forwards
 * back.
 */
final class ReportingEvents implements TunnelEvents {
  private final PrintStream err;
  private final AtomicInteger failedAttempts = new AtomicInteger();
  private volatile boolean wasLost;
  private volatile long lostAt;

  ReportingEvents(PrintStream err) {
    this.err = err;
  }

  @Override
  public void lost(String server, LossReason reason) {
    wasLost = true;
    lostAt = System.nanoTime();
    failedAttempts.set(0);
    err.println(
        "portkeep: lost the session to "
            + server
            + " ("
            + reason.describe()
            + "); reconnecting, the listeners stay bound");
  }

  @Override
  public void reconnectFailed(
      String server, int attempt, Duration sinceLost, PortkeepException error, Duration nextDelay) {
    failedAttempts.incrementAndGet();
    err.println(
        String.format(
            Locale.ROOT,
            "portkeep: reconnect attempt %d to %s failed, %.1f s after the loss: %s; next attempt in %.1f s",
            attempt,
            server,
            sinceLost.toMillis() / 1000.0,
            error.getMessage(),
            nextDelay.toMillis() / 1000.0));
  }

  @Override
  public void connected(String server, SessionInfo session) {
    if (wasLost) {
      err.println(
          String.format(
              Locale.ROOT,
              "portkeep: reconnected to %s after %d failed attempt(s), %.1f s after the loss",
              server,
              failedAttempts.get(),
              (System.nanoTime() - lostAt) / 1e9));
    }
  }

  @Override
  public void forwardUp(ForwardSpec forward, String where) {
    if (wasLost) {
      err.println(
          "portkeep: " + forward.flag() + " " + forward.spec() + " is up again (" + where + ")");
    }
  }

  @Override
  public void forwardFailed(ForwardSpec forward, PortkeepException error, Duration retryIn) {
    err.println(
        "portkeep: "
            + error.getMessage()
            + (retryIn == null
                ? ""
                : String.format(Locale.ROOT, "; retrying in %.1f s", retryIn.toMillis() / 1000.0)));
  }
}
