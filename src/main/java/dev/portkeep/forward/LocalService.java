package dev.portkeep.forward;

import dev.portkeep.bind.Listener;
import dev.portkeep.config.ForwardSpec;
import java.time.Duration;

/** A forward served from a local listener: {@code -L} and {@code -D}. */
public interface LocalService extends AutoCloseable {
  ForwardSpec spec();

  Listener listener();

  /** Counters since start. */
  ForwardStats stats();

  /** Starts accepting on the listener. */
  void start();

  /** Stops accepting, waits up to {@code grace} for open connections, then cuts the rest. */
  void close(Duration grace);

  @Override
  default void close() {
    close(Duration.ZERO);
  }
}
