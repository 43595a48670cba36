package dev.portkeep.cli;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import sun.misc.Signal;

/**
 * The request to stop a running command: Ctrl-C or SIGTERM in the real process, a method call in
 * tests. The first request wins.
 */
public final class StopSignal {
  private final CompletableFuture<String> requested = new CompletableFuture<>();

  /** A stop signal fed by SIGINT and SIGTERM. */
  static StopSignal fromOs() {
    StopSignal stop = new StopSignal();
    for (String name : new String[] {"INT", "TERM"}) {
      try {
        Signal.handle(new Signal(name), s -> stop.request("SIG" + name));
      } catch (IllegalArgumentException unsupported) {
        // Windows has no SIGTERM; Ctrl-C still arrives as INT.
      }
    }
    return stop;
  }

  /** Completes with the reason when a stop is requested. */
  CompletableFuture<String> requested() {
    return requested;
  }

  public void request(String why) {
    requested.complete(why);
  }

  /** Waits up to {@code timeout}; returns the reason, or null when nothing was requested. */
  String await(Duration timeout) throws InterruptedException {
    try {
      return requested.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return null;
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }
}
