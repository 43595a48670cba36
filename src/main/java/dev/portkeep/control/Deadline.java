package dev.portkeep.control;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * Closes a channel when its time is up unless cancelled first: the way to bound a blocking read,
 * write or connect on a Unix-domain channel, which has no {@code SO_TIMEOUT}. The blocked call then
 * fails with an {@link java.nio.channels.AsynchronousCloseException} and {@link #expired()} says
 * why.
 */
final class Deadline implements AutoCloseable {
  private final Thread timer;
  private volatile boolean expired;

  private Deadline(ThreadFactory threads, Duration after, Closeable target) {
    this.timer =
        threads.newThread(
            () -> {
              try {
                Thread.sleep(after);
                expired = true;
                target.close();
              } catch (InterruptedException e) {
                // cancelled: the work finished in time
              } catch (IOException e) {
                // closing was all there was to do
              }
            });
    timer.start();
  }

  /** Starts the clock: {@code target} is closed {@code after} from now. */
  static Deadline start(ThreadFactory threads, Duration after, Closeable target) {
    return new Deadline(threads, after, target);
  }

  /** Whether the time ran out and the target was closed for it. */
  boolean expired() {
    return expired;
  }

  /** Stops the clock and waits for its thread to end. */
  @Override
  public void close() {
    timer.interrupt();
    boolean interrupted = false;
    while (timer.isAlive()) {
      try {
        timer.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
