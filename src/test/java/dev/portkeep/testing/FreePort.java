package dev.portkeep.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a TCP port that is free right now, below the ephemeral range, for servers that need a fixed
 * port.
 */
public final class FreePort {
  /** Lowest port handed out. */
  public static final int LOW = 20_000;

  /** Highest port handed out; stays below Linux's ephemeral range (32768+). */
  public static final int HIGH = 32_000;

  private static final int ATTEMPTS = 200;
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  private FreePort() {}

  /**
   * A port in [20000, 32000] that 127.0.0.1 can bind now and that this JVM has not handed out
   * before.
   */
  public static int pick() {
    return pick("127.0.0.1");
  }

  /**
   * A port in [20000, 32000] that {@code host} can bind now and that this JVM has not handed out
   * before.
   */
  public static int pick(String host) {
    for (int i = 0; i < ATTEMPTS; i++) {
      int port = ThreadLocalRandom.current().nextInt(LOW, HIGH + 1);
      if (!HANDED_OUT.contains(port) && canBind(host, port) && HANDED_OUT.add(port)) {
        return port;
      }
    }
    throw new IllegalStateException(
        "no free port on "
            + host
            + " in "
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
   * Whether a listener could bind {@code host:port} at this moment (SO_REUSEADDR on, as servers set
   * it).
   */
  public static boolean canBind(String host, int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(host, port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }
}
