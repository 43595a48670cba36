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
   * A random 127.x.y.z (other than 127.0.0.1; Linux needs no alias for it) on which {@code port}
   * binds now without {@code SO_REUSEADDR}, as a listener would take it: for tests that need a
   * fixed port such as 445 while other tests may hold it on other addresses. Binding a port below
   * 1024 needs root.
   */
  public static String loopbackFor(int port) {
    for (int i = 0; i < ATTEMPTS; i++) {
      ThreadLocalRandom r = ThreadLocalRandom.current();
      String address =
          "127." + r.nextInt(1, 255) + "." + r.nextInt(0, 256) + "." + r.nextInt(1, 255);
      try (ServerSocket socket = new ServerSocket()) {
        socket.setReuseAddress(false);
        socket.bind(new InetSocketAddress(address, port));
        return address;
      } catch (IOException e) {
        // held there, or not allowed: try another address
      }
    }
    throw new IllegalStateException(
        "port " + port + " binds on no 127.x.y.z after " + ATTEMPTS + " random tries");
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
