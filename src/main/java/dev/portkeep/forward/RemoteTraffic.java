package dev.portkeep.forward;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * Hears of the connections that come back through one {@code -R} forward, as the SSH session serves
 * them: each one that reached its target and, once it ends, what it moved; each one whose target
 * did not answer. Called on the session's threads, so it must be quick.
 */
public interface RemoteTraffic {
  /**
   * A connection's bytes so far, named as for a local forward: {@code up} from the client (through
   * the server) to the target, {@code down} from the target back.
   */
  interface Moved {
    long up();

    long down();
  }

  /** A connection from {@code originator} (as the server names it) reached the target. */
  void opened(InetSocketAddress originator, Moved moved);

  /** The connection {@link #opened} ended, having moved what {@code moved} says. */
  void closed(InetSocketAddress originator, Moved moved);

  /** A connection from {@code originator} came back, and the target did not take it. */
  void refused(InetSocketAddress originator, IOException cause);

  /** Hears nothing. */
  RemoteTraffic NONE =
      new RemoteTraffic() {
        @Override
        public void opened(InetSocketAddress originator, Moved moved) {}

        @Override
        public void closed(InetSocketAddress originator, Moved moved) {}

        @Override
        public void refused(InetSocketAddress originator, IOException cause) {}
      };
}
