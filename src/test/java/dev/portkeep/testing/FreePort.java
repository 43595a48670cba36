package dev.portkeep.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a TCP port that nothing on this host uses right now, below the ephemeral range, for servers
 * and listeners that need a fixed port.
 *
 * <p>The probe is the strictest bind there is, so that no later use of the port can be refused: the
 * wildcard address of both stacks (a dual-stack socket) <em>without</em> {@code SO_REUSEADDR}. It
 * fails while any socket of either family holds the port on any address, a TIME_WAIT left by an
 * earlier test included; a test that then binds 127.0.0.1, ::1, localhost or the wildcard, with or
 * without {@code SO_REUSEADDR}, gets the port. (A probe with the flag once let a TIME_WAIT through,
 * and the test's own bind without it failed.)
 */
public final class FreePort {
  /** Lowest port handed out. */
  public static final int LOW = 20_000;

  /** Highest port handed out; stays below Linux's ephemeral range (32768+). */
  public static final int HIGH = 32_000;

  private static final int ATTEMPTS = 200;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePort() {}

  /** A port in [20000, 32000] that no socket uses now and that this JVM has not handed out. */
  public static int pick() {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH + 1);
      if (!HANDED_OUT.contains(port) && unused(port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException(
        "no unused port in "
            + LOW
            + "-"
            + HIGH
            + " after "
            + ATTEMPTS
            + " random tries (handed out so far: "
            + HANDED_OUT.size()
            + ")");
  }

  /**
   * Whether no socket on this host uses {@code port}: a wildcard bind of both stacks without {@code
   * SO_REUSEADDR} succeeds (see the class comment).
   */
  public static boolean unused(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
