package dev.portkeep.testing;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A network namespace of the test's own, joined to this host by a veth pair: a second "host" at
 * {@link #innerAddress()} that the host reaches at {@link #outerAddress()}'s side. {@link #cut()}
 * and {@link #heal()} take the link down and up. Needs root; names are unique per instance, and
 * {@link #close()} removes everything.
 */
public final class NetNamespace implements AutoCloseable {
  private static final Duration TIMEOUT = Duration.ofSeconds(20);
  private static final int IDS = 1 << 14;
  private static final AtomicInteger NEXT =
      new AtomicInteger(ThreadLocalRandom.current().nextInt(IDS));

  private final String name;
  private final String hostSide;
  private final String outer;
  private final String inner;

  private NetNamespace(String name, String hostSide, String outer, String inner) {
    this.name = name;
    this.hostSide = hostSide;
    this.outer = outer;
    this.inner = inner;
  }

  /** Whether this process may create namespaces (root with the ip tool). */
  public static boolean available() {
    return "root".equals(System.getProperty("user.name"))
        && Command.run(Duration.ofSeconds(10), "ip", "netns", "list").exitCode() == 0;
  }

  public static NetNamespace create() {
    int id = freeId();
    String name = "pk-" + Integer.toHexString(id);
    String hostSide = "pkh" + Integer.toHexString(id);
    String nsSide = "pkn" + Integer.toHexString(id);
    NetNamespace ns = new NetNamespace(name, hostSide, address(id, 1), address(id, 2));
    try {
      ip("netns", "add", name);
      ip("link", "add", hostSide, "type", "veth", "peer", "name", nsSide);
      ip("link", "set", nsSide, "netns", name);
      ip("addr", "add", ns.outer + "/30", "dev", hostSide);
      ip("link", "set", hostSide, "up");
      ip("-n", name, "addr", "add", ns.inner + "/30", "dev", nsSide);
      ip("-n", name, "link", "set", nsSide, "up");
      ip("-n", name, "link", "set", "lo", "up");
      return ns;
    } catch (RuntimeException e) {
      ns.close();
      throw e;
    }
  }

  /**
   * An id whose names and /30 subnet (10.213.0.0/16 holds 16384 of them) no namespace, link or
   * address on this host uses now: namespaces from an earlier test, a parallel run or a crashed one
   * never collide with a new one. Ids go up from a random start so concurrent JVMs rarely probe the
   * same ones, and each is checked against what exists.
   */
  private static int freeId() {
    String links = Command.run(TIMEOUT, "ip", "-o", "link", "show").stdout();
    String addresses = Command.run(TIMEOUT, "ip", "-o", "-4", "addr", "show").stdout();
    String namespaces = Command.run(TIMEOUT, "ip", "netns", "list").stdout();
    for (int i = 0; i < IDS; i++) {
      int id = Math.floorMod(NEXT.getAndIncrement(), IDS);
      String hex = Integer.toHexString(id);
      boolean taken =
          namespaces.lines().anyMatch(l -> l.equals("pk-" + hex) || l.startsWith("pk-" + hex + " "))
              || links.contains(" pkh" + hex + "@")
              || links.contains(" pkh" + hex + ":")
              || addresses.contains(" " + address(id, 1) + "/")
              || addresses.contains(" " + address(id, 2) + "/");
      if (!taken) {
        return id;
      }
    }
    throw new IllegalStateException("no free namespace id: " + IDS + " in use");
  }

  /** Host {@code host} (1 or 2) of the /30 subnet number {@code id} in 10.213.0.0/16. */
  private static String address(int id, int host) {
    return "10.213." + (id >> 6) + "." + (((id & 0x3f) << 2) + host);
  }

  private static void ip(String... args) {
    String[] argv = new String[args.length + 1];
    argv[0] = "ip";
    System.arraycopy(args, 0, argv, 1, args.length);
    Command.run(TIMEOUT, argv).orThrow();
  }

  public String name() {
    return name;
  }

  /** The namespace's address, where its servers listen. */
  public String innerAddress() {
    return inner;
  }

  /** The host's address on the link. */
  public String outerAddress() {
    return outer;
  }

  /** The command prefix that runs a program inside the namespace. */
  public String[] exec() {
    return new String[] {"ip", "netns", "exec", name};
  }

  /** Takes the link down: packets in both directions are dropped, no FIN, no RST. */
  public void cut() {
    ip("link", "set", hostSide, "down");
  }

  public void heal() {
    ip("link", "set", hostSide, "up");
  }

  @Override
  public void close() {
    Command.run(TIMEOUT, "ip", "link", "del", hostSide);
    Command.run(TIMEOUT, "ip", "netns", "del", name);
  }
}
